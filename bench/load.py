#!/usr/bin/env python
"""Load test: gunicorn on the ten-year council in PostgreSQL, driven by wrk over loopback.

    .venv/bin/python bench/load.py [--duration 15] [--connections 32] [--workers N]
                                   [--cache none|redis|both]

Needs wrk (Debian: ``apt-get install -y wrk``); says so and stops if it is missing. Builds the
dataset first if needed (bench/dataset.py). In one run, for each cache mode:

1. starts gunicorn with the project's gunicorn.conf.py (access log off) on 127.0.0.1;
2. writes a static file exactly as large as the meeting page, served by WhiteNoise;
3. sends 1,000 requests to the meeting page, then reads the resident memory (RSS) of every
   worker;
4. runs wrk (32 connections, fixed time) at the meeting page, then at the static file;
5. prints requests per second of both, p95 latency, then one PASS/FAIL line per target: the
   ratio meeting/static uncached (target >= 0.2) and cached (target >= 0.9), the error count
   (target 0) and the largest worker RSS (target <= 150 MB); exits 1 if any target fails.

Cache modes: ``none`` renders every request (the page cache is off; the fragment cache of
``scrutiny.fragments`` is on, on Redis, as in production, so the meeting page's body is
rendered once per change and the rest of the page on every request); ``redis`` turns on the
anonymous page cache (scrutiny.cache) on the local Redis, so most requests are cache hits —
what anonymous visitors get in production with REDIS_URL set. Figures are printed last.
"""

from __future__ import annotations

import sys
from pathlib import Path

# Run as a script, bench/ is first on sys.path, and bench/email.py would shadow the standard
# library's email package (which urllib.request imports): take bench/ off the path first.
BENCH = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != BENCH]

import argparse  # noqa: E402
import importlib.util  # noqa: E402
import os  # noqa: E402
import re  # noqa: E402
import shutil  # noqa: E402
import signal  # noqa: E402
import socket  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
import urllib.request  # noqa: E402
from concurrent.futures import ThreadPoolExecutor  # noqa: E402

_spec = importlib.util.spec_from_file_location("bench_dataset", BENCH / "dataset.py")
dataset = importlib.util.module_from_spec(_spec)
sys.modules["bench_dataset"] = dataset
_spec.loader.exec_module(dataset)

ROOT = dataset.ROOT
STATIC_FILE = "bench/same-size.html"
# Requests per second of the meeting page over those of a static file of the same size
# (issue 20): rendered on every request ("none") and served from the page cache ("redis").
RATIO_TARGETS = {"none": 0.2, "redis": 0.9}
MODE_NAMES = {"none": "uncached", "redis": "cached"}
RSS_TARGET_MB = 150
WRK_SCRIPT = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("BENCH requests=%d p95_us=%d p50_us=%d errors=%d non2xx=%d\\n",
    summary.requests, latency:percentile(95), latency:percentile(50),
    e.connect + e.read + e.write + e.timeout, e.status))
end
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def meeting_path_and_size() -> tuple[str, int]:
    """A held meeting with the usual ten items, and the size of its page."""
    dataset.use_database(dataset.DEFAULT_DATABASE)
    dataset.ensure_council()  # an older dataset has none: every page would be "being set up"
    from django.test import Client

    from meetings.models import Meeting, MeetingStatus

    meeting = (
        Meeting.objects.filter(status=MeetingStatus.HELD).order_by("-start").only("pk").first()
    )
    if meeting is None:
        sys.exit("No published meeting in the dataset: run bench/dataset.py --fresh")
    path = f"/meetings/{meeting.pk}/"
    response = Client(HTTP_HOST="127.0.0.1").get(path)
    if response.status_code != 200:
        sys.exit(f"{path} answered {response.status_code}")
    return path, len(response.content)


def write_static_file(size: int) -> Path:
    from django.conf import settings

    target = Path(settings.STATIC_ROOT) / STATIC_FILE
    target.parent.mkdir(parents=True, exist_ok=True)
    head = b"<!DOCTYPE html><title>static</title><p>"
    target.write_bytes(head + b"x" * (size - len(head)))
    return target


def worker_pids(master: int) -> list[int]:
    pids = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == master:
            pids.append(int(stat.parent.name))
    return pids


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def start_gunicorn(port: int, workers: int, cache: str) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": dataset.database_url(dataset.DEFAULT_DATABASE),
        "MEDIA_ROOT": str(dataset.MEDIA_ROOT),
        "DEBUG": "false",
        "ALLOWED_HOSTS": "127.0.0.1",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_WORKERS": str(workers),
        "GUNICORN_ACCESS_LOG": "",
        "GUNICORN_LOG_LEVEL": "warning",
        "DJANGO_SETTINGS_MODULE": "scrutiny.settings",
    }
    # Redis in both modes, as in production: "none" has the page cache off (every request
    # rendered, the meeting page's body from the fragment cache), "redis" has it on.
    env["REDIS_URL"] = "redis://127.0.0.1:6379/3"
    env["PAGE_CACHE_SECONDS"] = "0"
    env["FRAGMENT_CACHE_SECONDS"] = "300"
    if cache == "redis":
        env["PAGE_CACHE_SECONDS"] = "300"
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "--config", "gunicorn.conf.py"],
        cwd=ROOT,
        env=env,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5):
                return server
        except OSError:
            if server.poll() is not None:
                sys.exit("gunicorn exited during start-up")
            time.sleep(0.3)
    server.terminate()
    sys.exit("gunicorn did not answer within 60 s")


def warm_up(url: str, count: int) -> int:
    def one(_):
        try:
            with urllib.request.urlopen(url, timeout=30) as r:  # noqa: S310 - http://127.0.0.1
                r.read()
                return 0 if r.status == 200 else 1
        except OSError:
            return 1

    with ThreadPoolExecutor(max_workers=8) as pool:
        return sum(pool.map(one, range(count)))


def run_wrk(url: str, *, duration: int, connections: int, script: Path) -> dict:
    result = subprocess.run(
        [
            "wrk",
            "-t2",
            f"-c{connections}",
            f"-d{duration}s",
            "--timeout",
            "10s",
            "-s",
            str(script),
            url,
        ],
        capture_output=True,
        text=True,
        timeout=duration + 60,
        check=True,
    )
    out = result.stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    stats = dict(re.findall(r"(\w+)=(\d+)", out.split("BENCH", 1)[1]))
    return {
        "rps": rps,
        "p95_ms": int(stats["p95_us"]) / 1000,
        "p50_ms": int(stats["p50_us"]) / 1000,
        "errors": int(stats["errors"]) + int(stats["non2xx"]),
        "requests": int(stats["requests"]),
    }


def run_mode(cache: str, args, page: str, script: Path) -> dict:
    port = free_port()
    server = start_gunicorn(port, args.workers, cache)
    try:
        base = f"http://127.0.0.1:{port}"
        warm_errors = warm_up(base + page, 1000)
        workers = worker_pids(server.pid)
        rss_after_1000 = max(rss_mb(pid) for pid in workers)
        dynamic = run_wrk(
            base + page, duration=args.duration, connections=args.connections, script=script
        )
        static = run_wrk(
            f"{base}/static/{STATIC_FILE}",
            duration=args.duration,
            connections=args.connections,
            script=script,
        )
        rss_end = max(rss_mb(pid) for pid in worker_pids(server.pid))
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=60)
    return {
        "cache": cache,
        "workers": len(workers),
        "warm_errors": warm_errors,
        "rss_after_1000": rss_after_1000,
        "rss_end": rss_end,
        "dynamic": dynamic,
        "static": static,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=15, help="Seconds per wrk run.")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument(
        "--workers", type=int, default=(os.cpu_count() or 1) * 2 + 1, help="gunicorn workers"
    )
    parser.add_argument("--cache", choices=["none", "redis", "both"], default="both")
    args = parser.parse_args()
    if not 1 <= args.duration <= 120:
        sys.exit("--duration must be between 1 and 120 seconds")

    if shutil.which("wrk") is None:
        sys.exit(
            "wrk is not installed: on Debian/Ubuntu run `apt-get install -y wrk`, then run "
            "this benchmark again. Nothing was measured."
        )
    subprocess.run(
        [sys.executable, str(Path(__file__).with_name("dataset.py"))], check=True, cwd=ROOT
    )
    page, size = meeting_path_and_size()
    write_static_file(size)
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
        handle.write(WRK_SCRIPT)
        script = Path(handle.name)

    modes = ["none", "redis"] if args.cache == "both" else [args.cache]
    results = [run_mode(mode, args, page, script) for mode in modes]
    script.unlink()

    print(
        f"\nmachine: {os.cpu_count()} cores, load average {load_average()}; "
        f"{args.connections} connections, {args.duration} s per run, wrk and gunicorn on the "
        "same machine (loopback)"
    )
    print(f"meeting page {page} ({size:,} bytes) vs static /static/{STATIC_FILE} (same size)")
    verdicts = []
    for r in results:
        d, s = r["dynamic"], r["static"]
        ratio = d["rps"] / s["rps"] if s["rps"] else 0.0
        target = RATIO_TARGETS[r["cache"]]
        print(
            f"[cache={r['cache']}] workers={r['workers']}  "
            f"meeting {d['rps']:.0f} req/s (p50 {d['p50_ms']:.1f} ms, p95 {d['p95_ms']:.1f} ms, "
            f"errors {d['errors']})  static {s['rps']:.0f} req/s (p95 {s['p95_ms']:.1f} ms, "
            f"errors {s['errors']})  worker RSS after 1,000 requests {r['rss_after_1000']:.0f} "
            f"MB, after the run {r['rss_end']:.0f} MB  warm-up errors {r['warm_errors']}"
        )
        verdicts += [
            (f"{MODE_NAMES[r['cache']]} ratio {ratio:.2f}", f">= {target:.2f}", ratio >= target),
            (
                f"{MODE_NAMES[r['cache']]} errors {d['errors'] + s['errors'] + r['warm_errors']}",
                "0",
                d["errors"] + s["errors"] + r["warm_errors"] == 0,
            ),
            (
                f"{MODE_NAMES[r['cache']]} worker RSS {r['rss_end']:.0f} MB",
                f"<= {RSS_TARGET_MB}",
                r["rss_end"] <= RSS_TARGET_MB,
            ),
        ]
    print(report(verdicts))
    if not all(ok for _, _, ok in verdicts):
        sys.exit(1)


def load_average() -> str:
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "unknown"


def report(verdicts: list[tuple[str, str, bool]]) -> str:
    """One line per target: the figure, the target and PASS or FAIL."""
    return "\n".join(
        f"{'PASS' if ok else 'FAIL'}  {figure} (target {target})" for figure, target, ok in verdicts
    )


if __name__ == "__main__":
    main()
