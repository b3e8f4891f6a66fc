"""A real server for a test: gunicorn with the project's config (or ``manage.py runserver``)
started in a child process, waited for until it answers, and stopped afterwards.

``tests/hardening/test_gunicorn.py``, ``test_degraded.py`` and ``test_connections.py`` start
their servers through here, so starting, waiting and stopping are written once."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tests.hardening.child_env import child_env

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = str(Path(sys.executable).parent / "gunicorn")
START_SECONDS = 60


def free_port() -> int:
    """A loopback port nothing listens on (at the moment of asking)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url: str, *, timeout: float = 10) -> tuple[int, dict, bytes]:
    """Status, headers and body; an HTTP error status is an answer too. A server that does not
    answer at all raises ``OSError``."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as r:  # noqa: S310 - loopback only
            return r.status, dict(r.headers), r.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


@dataclass
class Server:
    url: str  # http://127.0.0.1:<port>, no trailing slash
    log_path: Path
    process: subprocess.Popen

    def log(self) -> str:
        return self.log_path.read_text()


@contextmanager
def running(
    command: list[str], *, url: str, env: dict[str, str], log_path: Path, probe: str = "/healthz"
) -> Iterator[Server]:
    """Run ``command`` from the project's root with ``env`` (over ``child_env()``), its output
    in ``log_path``; wait until ``url + probe`` answers (any status) and yield the server. A
    server that exits or does not answer within ``START_SECONDS`` fails the test with its
    log. It is stopped (SIGTERM, then waited for) whatever the test does."""
    log = log_path.open("w")
    process = subprocess.Popen(
        command, cwd=ROOT, env=child_env(**env), stdout=log, stderr=subprocess.STDOUT
    )
    server = Server(url=url, log_path=log_path, process=process)
    try:
        deadline = time.monotonic() + START_SECONDS
        while True:
            try:
                fetch(url + probe, timeout=5)
                break
            except OSError:
                assert process.poll() is None, server.log()
                assert time.monotonic() < deadline, (
                    f"{command[0]} did not answer in {START_SECONDS} s:\n{server.log()}"
                )
                time.sleep(0.3)
        yield server
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()


@contextmanager
def gunicorn(tmp_path: Path, *, workers: int, database_url: str, **env: str) -> Iterator[Server]:
    """gunicorn with ``gunicorn.conf.py``, on a free loopback port, with ``workers`` workers
    and its own database; its log in ``tmp_path / "gunicorn.log"``."""
    port = free_port()
    with running(
        [GUNICORN, "--config", "gunicorn.conf.py"],
        url=f"http://127.0.0.1:{port}",
        env={
            "GUNICORN_BIND": f"127.0.0.1:{port}",
            "GUNICORN_WORKERS": str(workers),
            "DATABASE_URL": database_url,
            "DJANGO_SETTINGS_MODULE": "scrutiny.settings",
            **env,
        },
        log_path=tmp_path / "gunicorn.log",
    ) as server:
        yield server
