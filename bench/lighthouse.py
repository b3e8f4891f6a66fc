"""Lighthouse scores of five key public pages, desktop and mobile (issue 16).

    DATABASE_URL=sqlite:////tmp/demo.sqlite3 .venv/bin/python manage.py migrate
    DATABASE_URL=sqlite:////tmp/demo.sqlite3 .venv/bin/python manage.py load_demo_data
    DATABASE_URL=sqlite:////tmp/demo.sqlite3 .venv/bin/python bench/lighthouse.py

It starts ``manage.py runserver`` on a free local port against the database in
``DATABASE_URL`` (the demo data), picks the pages from that data (the home page, the committee
with the most meetings, its published meeting with the most items (the latest of equals), a search
for "budget" and the first KPI), and runs Lighthouse 12 from the npm registry with
``npx --yes`` (it is not a dependency of the project) in Debian's Chromium
(``CHROME_PATH``, default ``/usr/bin/chromium``), headless. Each page is measured with the
mobile form factor (Lighthouse's default, a throttled Moto G) and with ``--preset=desktop``.

It prints one table: accessibility, performance, best practices and SEO scores (0-100), the
cumulative layout shift (target < 0.1) and the accessibility audits that failed. ``--json DIR``
keeps every Lighthouse report. ``--base-url`` measures a server that is already running
(the pages are still chosen from ``DATABASE_URL``); ``--also PATH`` measures one more page.

Each page is requested once before it is measured (the page cache is warm, as in
production). runserver is a development server on a shared machine: the performance score is
indicative, and the "server response" column shows how much of it was the server.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))  # a script run from bench/: make the project importable

LIGHTHOUSE = "lighthouse@12"
CATEGORIES = ("accessibility", "performance", "best-practices", "seo")
FORM_FACTORS = ("mobile", "desktop")
ATTEMPTS = 3


def key_pages() -> list[tuple[str, str]]:
    """(label, path) of the five pages, chosen from the public data."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "scrutiny.settings")
    import django

    django.setup()
    from django.db.models import Count

    from meetings.models import Meeting
    from performance.models import KPI
    from scrutiny.models import Committee

    committee = (
        Committee.objects.annotate(n=Count("meetings"))
        .filter(n__gt=0)
        .order_by("-n", "name")
        .first()
    )
    meeting = (
        Meeting.objects.filter(committee=committee)
        .annotate(n=Count("items"))
        .order_by("-n", "-start")
        .first()
    )
    kpi = KPI.objects.order_by("slug").first()
    pages = [("Home", "/")]
    if committee is None or meeting is None or kpi is None:
        raise SystemExit("The database has no demo data: run manage.py load_demo_data first.")
    pages += [
        ("Committee", committee.get_absolute_url()),
        ("Meeting", meeting.get_absolute_url()),
        ("Search results", "/search/?q=budget"),
        ("KPI", kpi.get_absolute_url()),
    ]
    return pages


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - local URL
                if response.status == 200:
                    return
        except OSError:
            if time.monotonic() > deadline:
                raise
        time.sleep(0.5)


def run_lighthouse(url: str, form_factor: str, chrome: str) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "report.json"
        command = [
            "npx",
            "--yes",
            LIGHTHOUSE,
            url,
            "--quiet",
            "--output=json",
            f"--output-path={out}",
            f"--only-categories={','.join(CATEGORIES)}",
            "--chrome-flags=--headless=new --no-sandbox --disable-gpu",
        ]
        if form_factor == "desktop":
            command.append("--preset=desktop")
        env = {**os.environ, "CHROME_PATH": chrome}
        # A loaded machine sometimes loses the trace (NO_NAVSTART): try again, then give up.
        for attempt in range(ATTEMPTS):
            done = subprocess.run(command, env=env, cwd=tmp, stdout=subprocess.DEVNULL)
            if done.returncode == 0:
                return json.loads(out.read_text())
            print(
                f"lighthouse failed on {url} ({form_factor}), attempt {attempt + 1}",
                file=sys.stderr,
            )
        raise SystemExit(f"Lighthouse failed {ATTEMPTS} times on {url} ({form_factor}).")


def summary(report: dict) -> dict:
    categories = report["categories"]
    audits = report["audits"]
    failed = sorted(
        ref["id"]
        for ref in categories["accessibility"]["auditRefs"]
        if ref["weight"] > 0 and audits[ref["id"]].get("score") not in (None, 1)
    )
    return {
        **{name: round((categories[name]["score"] or 0) * 100) for name in CATEGORIES},
        "cls": audits["cumulative-layout-shift"].get("numericValue", 0.0),
        "ttfb": audits["server-response-time"].get("numericValue", 0.0),
        "failed": failed,
    }


def table(rows: list[tuple[str, str, dict]]) -> str:
    header = (
        "| Page | Form factor | Accessibility | Performance | Best practices | SEO | CLS "
        "| Server response | Failed a11y audits |"
    )
    lines = [header, "|---|---|---:|---:|---:|---:|---:|---:|---|"]
    for label, form_factor, s in rows:
        lines.append(
            f"| {label} | {form_factor} | {s['accessibility']} | {s['performance']} | "
            f"{s['best-practices']} | {s['seo']} | {s['cls']:.3f} | {s['ttfb']:.0f} ms | "
            f"{', '.join(s['failed']) or '-'} |"
        )
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base-url", help="measure this running server instead of starting one")
    parser.add_argument("--json", type=Path, help="keep each Lighthouse report in this folder")
    parser.add_argument("--form-factor", choices=FORM_FACTORS, action="append")
    parser.add_argument(
        "--also", action="append", default=[], metavar="PATH", help="measure this page too"
    )
    args = parser.parse_args()
    chrome = os.environ.get("CHROME_PATH", "/usr/bin/chromium")
    if not shutil.which(chrome):
        raise SystemExit(f"No Chromium at {chrome}: set CHROME_PATH.")
    pages = key_pages() + [(path, path) for path in args.also]
    server = None
    base = args.base_url
    if base is None:
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        server = subprocess.Popen(
            [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
            cwd=REPO,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
    rows = []
    try:
        wait_for(f"{base}/healthz")
        for label, path in pages:
            # Warm the server (its page cache and the first-request imports) so that the
            # score measures the page, not runserver's first hit on it.
            wait_for(base + path)
            for form_factor in args.form_factor or FORM_FACTORS:
                report = run_lighthouse(base + path, form_factor, chrome)
                if args.json:
                    args.json.mkdir(parents=True, exist_ok=True)
                    slug = re.sub(r"[^a-z0-9]+", "-", label.lower()).strip("-")
                    name = f"{slug}-{form_factor}.json"
                    (args.json / name).write_text(json.dumps(report))
                rows.append((f"{label} ({path})", form_factor, summary(report)))
                print(f"measured {label} {form_factor}", file=sys.stderr, flush=True)
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
    print(table(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
