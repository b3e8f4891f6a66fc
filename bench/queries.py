#!/usr/bin/env python
"""SQL queries and time of every public page type: the demo council vs the ten-year council.

    .venv/bin/python bench/queries.py [--dataset scrutiny_bench_dataset] [--repeat 5]

Builds (or reuses) two PostgreSQL databases — ``scrutiny_bench_demo`` with the demo data and
the ten-year council of ``bench/dataset.py`` — then, in one process per database, finds every
public page type by crawling as an anonymous visitor (the sitemap, then the links on each page,
grouped by URL pattern name; officer, account and personal pages are left out) and counts the
SQL queries of up to three pages of each type (the second request of each, so one-off
warm-ups do not count); a type's figure is its worst example.

Each example is also timed in-process (the test client, without the test environment's
template instrumentation; page cache off: ``PAGE_CACHE_SECONDS`` 0; the fragment cache
of ``scrutiny.fragments`` on, on the local Redis, as production runs it (``--no-fragments``
turns it off: no ``REDIS_URL``);
``DEBUG`` off; the cached template loader): ``--repeat`` requests after the warm-up, the
example's time being their median. A type's **median** is the median of all its timed
requests, its **worst** the slowest example's time. The same is done for the meeting page
signed in as a councillor (a member of the meeting's committee, who sees its exempt papers)
and as an officer, on the databases that have those users (the demo).

Targets (each printed PASS or FAIL in the summary; the exit status is 1 if any is missed):

- queries: at most 10 per page, and the same number on both databases (a page whose count
  grows with the data has an N+1 problem);
- every public page type's worst example ≤ 50 ms on the ten-year council;
- the meeting, committee, minutes and KPI pages ≤ 4 ms median on the demo data, and the
  meeting page signed in as a councillor and as an officer too.

Timings are wall-clock on a shared machine: the summary prints the load average (``uptime``)
before and after, so a figure can be read against what else was running. ``--no-targets``
prints the figures and exits 0 whatever they are.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import re
import statistics
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
TARGET = 10  # queries per page
TEN_YEAR_MS = 50.0  # every public page type, worst example, on the ten-year council
HOT_MS = 4.0  # the hot pages' median on the demo data
HOT_TYPES = ("meeting-detail", "committee-detail", "meeting-minutes", "kpi-detail")
SIGNED_IN_TYPES = ("meeting-detail [councillor]", "meeting-detail [officer]")
REPEAT = 5
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


def _time(client, path: str, repeat: int) -> list[float]:
    """Milliseconds of ``repeat`` requests of ``path`` (the body read, streamed or not)."""
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        response = client.get(path)
        if response.streaming:
            b"".join(response.streaming_content)
        times.append((time.perf_counter() - started) * 1000)
    return times


def _figures(client, paths: list[str], repeat: int) -> dict:
    """A page type's figures from its example ``paths``: queries and path of the example with
    the most queries, median of all timed requests, worst example's median."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    figures: dict = {"examples": len(paths), "queries": -1}
    samples: list[float] = []
    example_ms: list[tuple[float, str]] = []
    for path in paths:
        client.get(path)  # warm-up (one-off work: template compiling, first reads)
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(path)
            if response.streaming:
                b"".join(response.streaming_content)
        if len(ctx.captured_queries) > figures["queries"]:
            figures.update(
                path=path, status=response.status_code, queries=len(ctx.captured_queries)
            )
        # Timed outside CaptureQueriesContext: recording queries costs time of its own.
        times = _time(client, path, repeat)
        samples += times
        example_ms.append((statistics.median(times), path))
    worst = max(example_ms)
    figures["median_ms"] = round(statistics.median(samples), 2)
    figures["worst_ms"] = round(worst[0], 2)
    figures["worst_path"] = worst[1]
    return figures


def _signed_in_examples(public_paths: list[str]) -> dict[str, tuple[object, list[str]]]:
    """``{type: (user, [meeting paths])}`` for the meeting page signed in: a councillor who
    sits on a committee with published meetings (its three with the most agenda items, so
    exempt papers are read where there are some) and an officer (the same meetings). Empty
    when the database has no such users (the ten-year council has no accounts)."""
    from django.contrib.auth import get_user_model
    from django.db.models import Count

    from meetings.models import Meeting
    from scrutiny.permissions import is_officer, member_committee_ids

    found: dict[str, tuple[object, list[str]]] = {}
    users = list(get_user_model().objects.filter(is_active=True).order_by("pk"))
    for user in users:
        committees = member_committee_ids(user)
        if not committees or is_officer(user):
            continue
        meetings = (
            Meeting.objects.published()
            .filter(committee_id__in=committees)
            .annotate(n=Count("items"))
            .order_by("-n", "pk")[:3]
        )
        paths = [m.get_absolute_url() for m in meetings]
        if paths:
            found["meeting-detail [councillor]"] = (user, paths)
            break
    officer = next((u for u in users if is_officer(u) and not u.is_superuser), None)
    if officer is not None:
        paths = found.get("meeting-detail [councillor]", (None, public_paths))[1]
        found["meeting-detail [officer]"] = (officer, paths or public_paths)
    return found


def measure(database: str, repeat: int = REPEAT) -> dict:
    # The database's own media folder: with another's, its documents and packs are 404s and
    # the crawl would not count them.
    dataset.use_database(database, media_root=media_root(database))
    from django.conf import settings
    from django.test import Client

    # Not setup_test_environment(): its instrumented template rendering (a signal and a
    # context copy per template) would be timed too. Only the test client's host is added.
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    # The ten-year council has no Council row (dataset.py invents none): without this every
    # page would be the first-run page's 503 (scrutiny.council.FirstRunMiddleware).
    settings.FIRST_RUN_SETUP = False
    if os.environ.get("REDIS_URL"):
        from django.core.cache import cache

        cache.clear()  # nothing stored by an earlier run or another database
    client = Client()
    types = crawl_types(client)
    results = {}
    for name, paths in sorted(types.items()):
        # Up to three examples of each type; the type's query figure is its worst example, so
        # an example that happens to be empty (a committee without meetings) does not hide one.
        results[name] = _figures(client, paths, repeat)
    for name, (user, paths) in _signed_in_examples(types.get("meeting-detail", [])).items():
        signed_in = Client()
        signed_in.force_login(user)
        results[name] = {**_figures(signed_in, paths, repeat), "signed_in": True}
    return results


def prepare_demo() -> None:
    dataset.create_database(DEMO_DATABASE, fresh=False)
    dataset.use_database(DEMO_DATABASE, media_root=DEMO_MEDIA)
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    call_command("load_demo_data", stdout=open(os.devnull, "w"))  # noqa: SIM115


def load_average() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "unknown"


FRAGMENTS = {"on": True}
FRAGMENTS_REDIS_URL = {True: "redis://127.0.0.1:6379/4", False: "redis://127.0.0.1:6379/5"}


def run_child(*args: str) -> str:
    env = {**os.environ, "TASKS_IMMEDIATE": "true", "DEBUG": "false"}
    env.pop("REDIS_URL", None)
    env["PAGE_CACHE_SECONDS"] = "0"  # the page cache is off: pages are rendered
    env["PAGE_CACHE_LOCAL_ENTRIES"] = "0"
    if FRAGMENTS["on"]:
        # The meeting page's body is a fragment per content generation (scrutiny.fragments),
        # which needs the shared cache: production's Redis, a database of its own here.
        # One Redis database per portal database, emptied before measuring: two databases
        # sharing one would share the content generation and every stored fragment,
        # sitemap and calendar (the ten-year run read the demo's meeting 1).
        database = args[args.index("--measure") + 1] if "--measure" in args else ""
        env["REDIS_URL"] = FRAGMENTS_REDIS_URL[database == DEMO_DATABASE]
        env["FRAGMENT_CACHE_SECONDS"] = "300"
    else:
        env["FRAGMENT_CACHE_SECONDS"] = "0"
    result = subprocess.run(
        [sys.executable, __file__, *args], env=env, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        sys.exit(f"bench/queries.py {' '.join(args)} failed:\n{result.stderr[-4000:]}")
    return result.stdout


def _ms(figures: dict | None, key: str) -> str:
    return "-" if figures is None else f"{figures[key]:.1f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dataset", default=dataset.DEFAULT_DATABASE)
    parser.add_argument(
        "--repeat", type=int, default=REPEAT, help="timed requests per example (default 5)"
    )
    parser.add_argument(
        "--no-targets", action="store_true", help="print the figures, exit 0 whatever they are"
    )
    parser.add_argument(
        "--skip-build",
        action="store_true",
        help="use both databases as they are (no dataset.py run, no demo data reload)",
    )
    parser.add_argument(
        "--no-fragments",
        action="store_true",
        help="the fragment cache off too (no REDIS_URL): every part rendered every time",
    )
    parser.add_argument("--measure", help=argparse.SUPPRESS)
    parser.add_argument("--prepare-demo", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.prepare_demo:
        prepare_demo()
        return
    if args.measure:
        print(json.dumps(measure(args.measure, repeat=args.repeat)))
        return

    if not args.skip_build:
        build = [sys.executable, str(Path(__file__).with_name("dataset.py"))]
        subprocess.run([*build, "--database", args.dataset], check=True)
        run_child("--prepare-demo")
    FRAGMENTS["on"] = not args.no_fragments
    load_before = load_average()
    repeat = ("--repeat", str(args.repeat))
    demo = json.loads(run_child("--measure", DEMO_DATABASE, *repeat).strip().splitlines()[-1])
    big = json.loads(run_child("--measure", args.dataset, *repeat).strip().splitlines()[-1])
    load_after = load_average()
    # The figures as measured, for notes and comparisons (var/ is not in git).
    saved = dataset.ROOT / "var" / "bench-queries.json"
    saved.parent.mkdir(exist_ok=True)
    saved.write_text(json.dumps({"demo": demo, "ten_year": big, "load": [load_before, load_after]}))
    failures = report(demo, big, args.dataset)
    print(f"load average (1, 5, 15 min): before {load_before}; after {load_after}")
    print(
        "page cache off; fragment cache "
        + ("on (Redis)" if FRAGMENTS["on"] else "off (--no-fragments)")
    )
    if failures and not args.no_targets:
        sys.exit(1)


def report(demo: dict, big: dict, dataset_name: str) -> list[str]:
    """Print the table and the summary; return the targets missed."""
    names = sorted(set(demo) | set(big), key=lambda n: (n in SIGNED_IN_TYPES, n))
    width = max(len(n) for n in names)
    print(
        f"\n{'page type':<{width}}  {'queries':>7} {'':>7}  {'ms demo':>15}  {'ms 10-year':>15}"
        f"  verdict   example (10-year)"
    )
    print(
        f"{'':<{width}}  {'demo':>7} {'10-year':>7}  {'median':>7} {'worst':>7}"
        f"  {'median':>7} {'worst':>7}"
    )
    over, unequal, missing, slow_big, slow_hot = [], [], [], [], []
    for name in names:
        d, b = demo.get(name), big.get(name)
        dq = d["queries"] if d else None
        bq = b["queries"] if b else None
        signed_in = name in SIGNED_IN_TYPES
        verdicts = []
        # Over the target on either database counts, even for a page type found on one only.
        # The signed-in meeting pages are timed only: members' notes, panels and exempt
        # papers are read for them, and the query target is the public pages'.
        if not signed_in and max(q for q in (dq, bq) if q is not None) > TARGET:
            verdicts.append("OVER")
            over.append(name)
        if d is None or b is None:
            if not signed_in:
                verdicts.append("one only")
                missing.append(name)
        elif dq != bq:
            verdicts.append("DIFFERS")
            unequal.append(name)
        if b and not signed_in and b["worst_ms"] > TEN_YEAR_MS:
            verdicts.append("SLOW")
            slow_big.append(f"{name} {b['worst_ms']:.0f} ms")
        if d and (name in HOT_TYPES or signed_in) and d["median_ms"] > HOT_MS:
            verdicts.append("HOT>4ms")
            slow_hot.append(f"{name} {d['median_ms']:.1f} ms")
        example = (b or d)["path"]
        if d and b and dq != bq and d["path"] != b["path"]:
            example += f"  (demo: {d['path']})"
        print(
            f"{name:<{width}}  {'-' if dq is None else dq:>7} {'-' if bq is None else bq:>7}"
            f"  {_ms(d, 'median_ms'):>7} {_ms(d, 'worst_ms'):>7}"
            f"  {_ms(b, 'median_ms'):>7} {_ms(b, 'worst_ms'):>7}"
            f"  {', '.join(verdicts) or 'ok':<8}  {example}"
        )
    both = len(names) - len(missing)
    print(
        f"\npage types: {len(names)} ({both} on both databases or signed in); "
        f"found on one database only (not a target): {len(missing)} {missing}"
    )
    hot_missing = [n for n in (*HOT_TYPES, *SIGNED_IN_TYPES) if n not in demo]
    targets = [
        (f"at most {TARGET} queries per page", over),
        ("the same query count on the demo and the ten-year council", unequal),
        (f"every public page type <= {TEN_YEAR_MS:.0f} ms (worst) on {dataset_name}", slow_big),
        (
            f"meeting, committee, minutes, KPI pages and the signed-in meeting pages "
            f"<= {HOT_MS:.0f} ms median on the demo",
            slow_hot + [f"{n} not measured" for n in hot_missing],
        ),
    ]
    failures = []
    for label, misses in targets:
        verdict = "PASS" if not misses else "FAIL"
        print(f"{verdict}  {label}" + (f": {len(misses)} {misses}" if misses else ""))
        failures += misses
    return failures


if __name__ == "__main__":
    main()
