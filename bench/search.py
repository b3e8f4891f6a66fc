"""Search benchmark: 30,000 generated search documents on PostgreSQL, p50/p95 latency.

    .venv/bin/python bench/search.py            # build the data once, then measure
    .venv/bin/python bench/search.py --rebuild  # throw the data away and build it again

It uses its own database (``scrutiny_bench`` on the local PostgreSQL, or
``BENCH_DATABASE_URL``), creating it if needed, and runs the same code path as the search
page: ``opendata.search.search()`` with the view's page size, the count for pagination, the
first page of rows with ranking and ``ts_headline`` snippets, and the snippet rendering.

Text is generated from the seed papers (``../shared/seeds``): each document is a run of
consecutive words from a random place in them, so word frequencies and phrases are those of
real committee papers. Generation is seeded, so every run builds the same data.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
# The seed papers sit next to the checkout (``../shared/seeds``); a git worktree one level
# deeper finds them one level up, and BENCH_SEEDS names another place.
SEEDS = next(
    (
        path
        for path in [
            Path(os.environ.get("BENCH_SEEDS", REPO / ".." / "shared" / "seeds")),
            REPO / ".." / ".." / "shared" / "seeds",
        ]
        if path.is_dir()
    ),
    REPO / ".." / "shared" / "seeds",
)
# A script run from bench/: make the project importable, and take bench/ itself off the path
# (bench/email.py would otherwise shadow the standard library's email package).
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != REPO / "bench"]
sys.path.insert(0, str(REPO))

DB_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/scrutiny_bench")
os.environ["DATABASE_URL"] = DB_URL
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "scrutiny.settings")

TOTAL = 30_000
COMMITTEES = 12
MEETINGS = 1_000
ITEMS = 8_000
REPORTS = 9_000
DOCUMENTS = TOTAL - MEETINGS - ITEMS - REPORTS  # 12,000
ROUNDS = 5
QUERIES = [
    "agency staff",
    '"agency staff"',
    "children in care",
    "ofsted inspection",
    "recruitment and retention",
    "budget -capital",
    "performance or outcomes",
    "missing children",
    "care leavers",
    "social workers caseloads",
    "child protection plans",
    "improvement plan",
    "safeguarding",
    "early help",
    "foster carers",
    "education health and care plans",
    "youth offending",
    "schools",
    "domestic abuse",
    "workforce strategy",
]


def ensure_database() -> None:
    import psycopg
    from psycopg import sql

    name = DB_URL.rsplit("/", 1)[1].split("?")[0]
    admin = DB_URL.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            print(f"Created database {name}")


def seed_words() -> list[str]:
    words: list[str] = []
    for path in sorted(SEEDS.glob("*.txt")):
        words.extend(path.read_text(errors="ignore").split())
    if len(words) < 1000:
        sys.exit(f"The seed papers were not found in {SEEDS}")
    return words


def run_of(words: list[str], rng: random.Random, low: int, high: int) -> str:
    n = rng.randint(low, high)
    start = rng.randrange(0, len(words) - n)
    return " ".join(words[start : start + n])


def build(rng: random.Random) -> None:
    from django.db import connection, transaction
    from django.utils import timezone

    from meetings.models import AgendaItem, Meeting, MeetingStatus
    from opendata.indexing import VECTORS
    from opendata.models import SearchDocument
    from scrutiny.models import Committee

    words = seed_words()
    started = time.perf_counter()
    with transaction.atomic():
        SearchDocument.objects.all().delete()
        AgendaItem.all_objects.filter(meeting__committee__slug__startswith="bench-").delete()
        Meeting.all_objects.filter(committee__slug__startswith="bench-").delete()
        Committee.objects.filter(slug__startswith="bench-").delete()
        committees = Committee.objects.bulk_create(
            Committee(name=f"Bench Panel {n}", slug=f"bench-{n}") for n in range(COMMITTEES)
        )
        base = dt.datetime(2012, 5, 1, 10, 0, tzinfo=dt.UTC)
        meetings = Meeting.all_objects.bulk_create(
            Meeting(
                committee=committees[n % COMMITTEES],
                start=base + dt.timedelta(days=5 * n),
                venue="Town Hall",
                status=MeetingStatus.HELD,
                published_at=base + dt.timedelta(days=5 * n - 7),
            )
            for n in range(MEETINGS)
        )
        items = AgendaItem.all_objects.bulk_create(
            AgendaItem(
                meeting=meetings[n % MEETINGS],
                order=n // MEETINGS + 1,
                number=str(n // MEETINGS + 1),
                title=run_of(words, rng, 3, 10),
                description=run_of(words, rng, 10, 40),
            )
            for n in range(ITEMS)
        )
        rows: list[SearchDocument] = []

        def add(kind, object_id, meeting, item, title, summary, body):
            rows.append(
                SearchDocument(
                    kind=kind,
                    object_id=object_id,
                    meeting=meeting,
                    agenda_item=item,
                    committee_id=meeting.committee_id,
                    date=timezone.localtime(meeting.start).date(),
                    title=title[:400],
                    summary=summary,
                    body=body,
                    url=f"/meetings/{meeting.pk}/",
                )
            )

        for m in meetings:
            add("meeting", m.pk, m, None, f"Bench meeting {m.pk}", "Held.", "Town Hall")
        for item in items:
            add("agenda_item", item.pk, item.meeting, item, item.title, item.description, "")
        for n in range(REPORTS):
            item = items[rng.randrange(ITEMS)]
            add(
                "report",
                n + 1,
                item.meeting,
                item,
                run_of(words, rng, 3, 12),
                run_of(words, rng, 15, 60),
                run_of(words, rng, 300, 1200),
            )
        for n in range(DOCUMENTS):
            item = items[rng.randrange(ITEMS)]
            add(
                "document",
                n + 1,
                item.meeting,
                item,
                run_of(words, rng, 3, 12),
                f"appendix-{n}.pdf",
                run_of(words, rng, 200, 2000),
            )
        SearchDocument.objects.bulk_create(rows, batch_size=1000)
        print(f"Inserted {len(rows):,} search documents in {time.perf_counter() - started:.0f} s")
        SearchDocument.objects.update(**VECTORS)
    with connection.cursor() as cursor:
        # The vectors were written by an UPDATE: VACUUM clears the 30,000 old row versions
        # (as autovacuum would on a live site) so the scans do not wade through them.
        cursor.execute("VACUUM ANALYZE")
    print(f"Built the index in {time.perf_counter() - started:.0f} s in all")


def measure() -> None:
    from django.db import connection

    from opendata.models import SearchDocument
    from opendata.search import SearchParams, run_search
    from scrutiny.models import Committee

    committee = Committee.objects.filter(slug="bench-3").first()
    cases = [SearchParams(q=q) for q in QUERIES] + [
        SearchParams(
            q=q,
            committee=committee,
            date_from=dt.date(2014, 1, 1),
            date_to=dt.date(2020, 12, 31),
        )
        for q in QUERIES[:5]
    ]

    def run(params: SearchParams) -> tuple[float, str]:
        started = time.perf_counter()
        page, results = run_search(params, 1)
        rendered = [str(text) for _, text in results]
        elapsed = time.perf_counter() - started
        # The generated reports and PDFs have index rows but no Report or Document rows, so
        # the page's re-check (``_papers_still_public``) drops them: fewer rows are shown.
        assert len(rendered) <= len(page.object_list)
        paginator = page.paginator
        cap = getattr(paginator, "cap_text", "1,000")  # (an older paginator: A/B runs)
        shown = f"> {cap}" if paginator.is_capped else f"{paginator.count:,}"
        return elapsed * 1000, shown

    for params in cases:  # warm-up
        run(params)
    timings: list[float] = []
    counts: dict[str, str] = {}
    per_query: dict[str, list[float]] = {}
    for _ in range(ROUNDS):
        for params in cases:
            ms, count = run(params)
            timings.append(ms)
            label = params.q + (" (filtered)" if params.committee else "")
            counts[label] = count
            per_query.setdefault(label, []).append(ms)
    timings.sort()
    p50 = statistics.median(timings)
    p95 = timings[int(round(0.95 * (len(timings) - 1)))]
    print(f"PostgreSQL {connection.pg_version // 10000}, {SearchDocument.objects.count():,} docs")
    print(f"{len(cases)} queries x {ROUNDS} rounds = {len(timings)} searches")
    print("  matches  median ms  query")
    for q, shown in counts.items():
        print(f"  {shown:>7}  {statistics.median(per_query[q]):9.1f}  {q}")
    print(f"p50 {p50:.1f} ms   p95 {p95:.1f} ms   max {timings[-1]:.1f} ms   (target p95 <= 50 ms)")
    print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())} on {os.cpu_count()} cores")
    print(f"{'PASS' if p95 <= 50 else 'FAIL'}  p95 {p95:.1f} ms (target <= 50 ms)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rebuild", action="store_true", help="regenerate the documents")
    args = parser.parse_args()
    ensure_database()
    import django

    django.setup()
    from django.core.management import call_command

    from opendata.models import SearchDocument

    call_command("migrate", verbosity=0)
    if args.rebuild or SearchDocument.objects.count() != TOTAL:
        build(random.Random(42))  # noqa: S311 - reproducible test data, not security
    measure()


if __name__ == "__main__":
    main()
