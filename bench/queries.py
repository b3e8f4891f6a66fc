#!/usr/bin/env python
"""SQL queries of every public page type: the demo council vs the ten-year council.

    .venv/bin/python bench/queries.py [--dataset scrutiny_bench_dataset]

Builds (or reuses) two PostgreSQL databases — ``scrutiny_bench_demo`` with the demo data and
the ten-year council of ``bench/dataset.py`` — then, in one process per database, finds every
public page type by crawling as an anonymous visitor (the sitemap, then the links on each page,
grouped by URL pattern name; officer, account and personal pages are left out) and counts the
SQL queries of up to three pages of each type (the second request of each, so one-off
warm-ups do not count); a type's figure is its worst example.

Target: at most 10 queries per page, and the same number on both databases (a page whose
count grows with the data has an N+1 problem). Prints a table, then the summary last.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

# Not on sys.path: bench/email.py would shadow the standard library's email (Django needs it).
BENCH = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != BENCH]
_spec = importlib.util.spec_from_file_location("dataset", BENCH / "dataset.py")
dataset = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(dataset)

DEMO_DATABASE = "scrutiny_bench_demo"
DEMO_MEDIA = dataset.ROOT / "var" / "bench-demo-media"
TARGET = 10
SKIP_PREFIXES = ("/officer/", "/accounts/", "/my/", "/django-admin/", "/static/", "/media/")
LINK = re.compile(r"""href=["']([^"'#]+)""")
MAX_PAGES = 400
# Issue 17's public page types, crawled from here too (the feeds and calendar are linked only
# from <link> tags, and the register's search is a form): the forward plan, its editions, the
# decisions register (filtered and searched), and their Atom feeds and iCalendar. Entry,
# edition, decision and call-in pages are reached by links from these.
DECISIONS_PAGES = [
    "/forward-plan/",
    "/forward-plan/editions/",
    "/decisions/",
    "/decisions/?q=bench+decision",
    "/feeds/forward-plan.atom",
    "/feeds/forward-plan.ics",
    "/feeds/decisions.atom",
]


def sitemap_locs(client, path: str) -> list[str]:
    """The paths (with query) of the ``<loc>`` elements of a sitemap or sitemap index."""
    from xml.etree import ElementTree

    response = client.get(path)
    if response.status_code != 200:
        return []
    root = ElementTree.fromstring(response.content)  # noqa: S314 - our own sitemap
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    locs = [urlsplit(loc.text) for loc in root.findall(".//s:loc", ns)]
    return [u.path + (f"?{u.query}" if u.query else "") for u in locs]


def crawl_types(client) -> dict[str, str]:
    """``{url name: [up to three paths]}`` for every public page reachable anonymously, in the
    order first seen. Each section of the sitemap index counts as a page type of its own
    (``sitemap-section:…``)."""
    from django.urls import Resolver404, resolve

    seen_paths: set[str] = set()
    found: dict[str, list[str]] = {}
    # A real search first, so the "search" page type is measured with results.
    queue = ["/search/?q=report+panel", "/", "/sitemap.xml", *DECISIONS_PAGES]
    sections = sitemap_locs(client, "/sitemap.xml")  # the index: section pages
    queue += sections
    for section in sections:
        queue += sitemap_locs(client, section)
    fetched = 0
    seen_per_name: dict[str, int] = {}
    while queue and fetched < MAX_PAGES:
        path = queue.pop(0)
        if path in seen_paths or path.startswith(SKIP_PREFIXES):
            continue
        seen_paths.add(path)
        try:
            match = resolve(urlsplit(path).path)
        except Resolver404:
            continue
        name = match.url_name or match.route
        if name == "sitemap-section":
            name = f"{name}:{match.kwargs['section']}"
        # Read up to three pages of each type for links (one page may link to nothing).
        if seen_per_name.get(name, 0) >= 3:
            continue
        seen_per_name[name] = seen_per_name.get(name, 0) + 1
        fetched += 1
        response = client.get(path)
        if response.status_code != 200:
            continue
        found.setdefault(name, []).append(path)
        if response.get("Content-Type", "").startswith(("text/html", "application/xml")) and (
            not response.streaming
        ):
            for href in LINK.findall(response.content.decode(errors="replace")):
                parts = urlsplit(href)
                if parts.netloc and parts.netloc != "testserver":
                    continue
                link = parts.path + (f"?{parts.query}" if parts.query else "")
                if link.startswith("/") and link not in seen_paths:
                    queue.append(link)
    return found


def media_root(database: str):
    return DEMO_MEDIA if database == DEMO_DATABASE else dataset.media_root_for(database)


def measure(database: str) -> dict:
    # The database's own media folder: with another's, its documents and packs are 404s and
    # the crawl would not count them.
    dataset.use_database(database, media_root=media_root(database))
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment

    setup_test_environment()
    client = Client()
    types = crawl_types(client)
    results = {}
    for name, paths in sorted(types.items()):
        # Up to three examples of each type; the type's figure is its worst example, so an
        # example that happens to be empty (a committee without meetings) does not hide one.
        for path in paths:
            client.get(path)  # warm-up
            with CaptureQueriesContext(connection) as ctx:
                started = time.perf_counter()
                response = client.get(path)
                if response.streaming:
                    b"".join(response.streaming_content)
                elapsed = time.perf_counter() - started
            figures = {
                "path": path,
                "status": response.status_code,
                "queries": len(ctx.captured_queries),
                "ms": round(elapsed * 1000, 1),
                "examples": len(paths),
            }
            if name not in results or figures["queries"] > results[name]["queries"]:
                results[name] = figures
    return results


def prepare_demo() -> None:
    dataset.create_database(DEMO_DATABASE, fresh=False)
    dataset.use_database(DEMO_DATABASE, media_root=DEMO_MEDIA)
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    call_command("load_demo_data", stdout=open(os.devnull, "w"))  # noqa: SIM115


def run_child(*args: str) -> str:
    env = {**os.environ, "TASKS_IMMEDIATE": "true", "DEBUG": "false"}
    env.pop("REDIS_URL", None)  # count the queries the pages make, not a cache's
    env.pop("PAGE_CACHE_SECONDS", None)
    result = subprocess.run(
        [sys.executable, __file__, *args], env=env, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        sys.exit(f"bench/queries.py {' '.join(args)} failed:\n{result.stderr[-4000:]}")
    return result.stdout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dataset", default=dataset.DEFAULT_DATABASE)
    parser.add_argument("--measure", help=argparse.SUPPRESS)
    parser.add_argument("--prepare-demo", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.prepare_demo:
        prepare_demo()
        return
    if args.measure:
        print(json.dumps(measure(args.measure)))
        return

    subprocess.run(
        [sys.executable, str(Path(__file__).with_name("dataset.py")), "--database", args.dataset],
        check=True,
    )
    run_child("--prepare-demo")
    demo = json.loads(run_child("--measure", DEMO_DATABASE).strip().splitlines()[-1])
    big = json.loads(run_child("--measure", args.dataset).strip().splitlines()[-1])

    names = sorted(set(demo) | set(big))
    width = max(len(n) for n in names)
    print(f"\n{'page type':<{width}}  demo  10-year  ms(10y)  verdict   example (10-year)")
    over, unequal, missing = [], [], []
    for name in names:
        d, b = demo.get(name), big.get(name)
        dq = d["queries"] if d else None
        bq = b["queries"] if b else None
        verdict = "ok"
        # Over the target on either database counts, even for a page type found on one only.
        if max(q for q in (dq, bq) if q is not None) > TARGET:
            verdict = "OVER"
            over.append(name)
        if d is None or b is None:
            verdict = "one only" if verdict == "ok" else "OVER, one only"
            missing.append(name)
        elif dq != bq:
            verdict = "DIFFERS" if verdict == "ok" else "OVER, DIFFERS"
            unequal.append(name)
        example = (b or d)["path"]
        if d and b and dq != bq and d["path"] != b["path"]:
            example += f"  (demo: {d['path']})"
        print(
            f"{name:<{width}}  {'-' if dq is None else dq:>4}  {'-' if bq is None else bq:>7}"
            f"  {b['ms'] if b else '-':>7}  {verdict:<8}  {example}"
        )
    both = len(names) - len(missing)
    print(
        f"\npage types: {len(names)} ({both} on both databases); "
        f"over {TARGET} queries: {len(over)} {over}; "
        f"count differs between demo and 10-year data: {len(unequal)} {unequal}; "
        f"found on one database only: {len(missing)} {missing}"
    )


if __name__ == "__main__":
    main()
