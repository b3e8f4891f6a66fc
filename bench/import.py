#!/usr/bin/env python
"""Bench: import a generated ModernGov site from a loopback server (issue 19, item 6).

    .venv/bin/python bench/import.py [--committees 60] [--meetings 6000] [--workers 4] [--no-tasks]

A site of ``--committees`` committees and ``--meetings`` meetings (five items each, one
public paper each, a restricted item every seventh meeting, six members with attendance,
published minutes for past meetings) is generated (tests/imports/moderngov.py) and served by
``http.server`` on 127.0.0.1, in a process of its own (a council's site is another machine:
what it costs to answer is not the importer's, and must not compete for its interpreter).
The real importer (``imports.importer.Importer``, what ``manage.py import_moderngov`` runs)
imports it into a fresh database (SQLite in a temporary directory, or ``DATABASE_URL`` if
set: use a throwaway PostgreSQL database).

The import queues background work in the database task queue, as in production: each
meeting's search refresh (which reads its papers' text), the agenda pack builds of meetings
still to come, stored-PDF refresh checks and notifications. It is a bulk import
(``scrutiny.bulk``): a meeting's refresh is queued once for all its signals, and the agenda
packs of meetings already held, and the PDFs of imported minutes, are NOT built during the
import: each is built when first asked for (its download queues the build and answers 503
"being prepared"; a council's ten years of history would otherwise queue a build per
meeting, about half of all the work). Unless ``--no-tasks``, the bench then runs the queue
to the end in this process (``db_worker --batch``) and times it too: the figure "with
background work" is meetings / (import + queue), the time until the papers' text is read,
the meetings are searchable and the portal is usable. It then asks for the agenda pack of
a few held meetings through the real views (``--on-demand``): the first answer must be 503,
the build then runs, and the pack must be served; it prints how long a build on demand took
(what the first reader of an old meeting's pack waits). Then the site is imported again
with nothing changed.

Prints meetings per second, CPU seconds per meeting (this process, all threads: the writes
and the fetching ahead, not the loopback server's; a figure less at the mercy of other jobs
on a shared machine than wall time), peak memory (the process's maximum resident set) and
the second run's time as a share of the first import. Targets: >= 20 meetings/s with
documents on 2 cores; second run <= 10 %.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# Run as a script, bench/ is first on sys.path, and bench/email.py would shadow the standard
# library's email package.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--committees", type=int, default=60)
    parser.add_argument("--meetings", type=int, default=6000)
    parser.add_argument("--workers", type=int, default=4, help="answers fetched ahead")
    parser.add_argument(
        "--processes",
        type=int,
        default=2,
        help="writers side by side (PostgreSQL; SQLite always writes with one)",
    )
    parser.add_argument(
        "--no-tasks", action="store_true", help="do not run the queued background work"
    )
    parser.add_argument(
        "--on-demand", type=int, default=3, help="held meetings whose pack is asked for"
    )
    parser.add_argument(
        "--profile",
        metavar="FILE",
        help="write a cProfile of the first import to FILE (of its background work to "
        "FILE.tasks, of the second run to FILE.second)",
    )
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="bench-import-"))
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{workdir / 'bench.sqlite3'}")
    os.environ["MEDIA_ROOT"] = str(workdir / "media")
    os.environ["TASKS_IMMEDIATE"] = "false"
    os.environ.setdefault("DEBUG", "false")  # as in production: DEBUG keeps every query's SQL
    os.environ["DJANGO_SETTINGS_MODULE"] = "scrutiny.settings"
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.IMPORT_REQUEST_INTERVAL = 0  # loopback: no need to be polite
    print(f"database: {settings.DATABASES['default']['ENGINE']}; work dir {workdir}")
    call_command("migrate", verbosity=0)

    import datetime as dt

    from imports.importer import Importer, report_text
    from tests.imports.moderngov import generated_site, serving_apart

    t = time.perf_counter()
    site = generated_site(committees=args.committees, meetings=args.meetings)
    print(f"generated {args.meetings} meetings in {time.perf_counter() - t:.1f} s")

    def cpu_time() -> float:
        """CPU seconds of this process and of the writer processes it has waited for."""
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        return time.process_time() + children.ru_utime + children.ru_stime

    def run(url, profile=None):
        importer = Importer(
            url,
            date_from=dt.date(2000, 1, 1),
            date_to=dt.date(2100, 1, 1),
            workers=args.workers,
            processes=args.processes,
        )
        start, cpu = time.perf_counter(), cpu_time()
        if profile:
            import cProfile

            profiler = cProfile.Profile()
            report = profiler.runcall(importer.run)
            profiler.dump_stats(profile)
        else:
            report = importer.run()
        return time.perf_counter() - start, cpu_time() - cpu, report

    def drain(profile=None):
        from django.db.models import Count
        from django_tasks_db.models import DBTaskResult

        queued = dict(
            DBTaskResult.objects.values_list("task_path").annotate(n=Count("id")).order_by()
        )
        start, cpu = time.perf_counter(), time.process_time()
        work = lambda: call_command(  # noqa: E731
            "db_worker", batch=True, startup_delay=False, reload=False, verbosity=0
        )
        if profile:
            import cProfile

            profiler = cProfile.Profile()
            profiler.runcall(work)
            profiler.dump_stats(profile)
        else:
            work()
        took = defaultdict(float)
        for path, started, finished in DBTaskResult.objects.filter(
            finished_at__isnull=False
        ).values_list("task_path", "started_at", "finished_at"):
            took[path] += (finished - started).total_seconds()
        spent = {p: (n, took.get(p, 0.0)) for p, n in queued.items()}
        return time.perf_counter() - start, time.process_time() - cpu, spent

    def on_demand(count, drain):
        """Ask for the agenda pack of ``count`` held meetings, as a reader would."""
        from django.test import Client
        from django.urls import reverse
        from django.utils import timezone

        from meetings.models import Meeting
        from scrutiny.council import save_council
        from scrutiny.models import Council

        if not Council.objects.exists():  # else every page says "being set up"
            save_council(by=None, name="Bench Borough Council")
        client = Client()
        held = Meeting.objects.filter(start__lt=timezone.now()).order_by("?")[:count]
        for meeting in held:
            page = client.get(meeting.get_absolute_url())
            url = reverse("meeting-pack", args=[meeting.pk])
            assert page.status_code == 200 and url in page.content.decode(), meeting
            first = client.get(url)
            took, _cpu, _spent = drain()
            then = client.get(url)
            body = b"".join(then.streaming_content) if then.status_code == 200 else b""
            print(
                f"pack of held meeting {meeting.pk} on demand: first answer "
                f"{first.status_code}, built in {took:.1f} s, then {then.status_code} "
                f"({len(body) // 1024} KB PDF)"
            )
            assert first.status_code == 503 and then.status_code == 200
            assert body.startswith(b"%PDF")

    load_before = os.getloadavg()
    with serving_apart(site) as url:
        first, first_cpu, report = run(url, args.profile)
        print(report_text(report).split("Skipped")[0])
        tasks = tasks_cpu = 0.0
        if not args.no_tasks:
            tasks, tasks_cpu, queued = drain(args.profile and f"{args.profile}.tasks")
            print("background work (tasks queued, seconds they ran):")
            for path, (count, seconds) in sorted(queued.items(), key=lambda kv: -kv[1][1]):
                print(f"  {path}: {count} tasks, {seconds:.1f} s")
            if args.on_demand:
                on_demand(args.on_demand, drain)
        second, second_cpu, again = run(url, args.profile and f"{args.profile}.second")
        # The writer processes, reaped; the loopback server is not yet.
        writers_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    load_after = os.getloadavg()
    from meetings.models import Document

    unread = Document.all_objects.filter(text_extracted_at__isnull=True).count()
    changed = {kind: counts for kind, counts in again.counts.items() if set(counts) - {"unchanged"}}
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    n = report.meetings_done
    rate = n / first
    print(
        f"first run:  {n} meetings in {first:.1f} s = {rate:.2f} meetings/s "
        f"({1000 * first_cpu / n:.0f} ms CPU a meeting)"
    )
    print(f"documents:  {report.documents} fetched; problems: {len(report.problems)}")
    print(f"writers:    {args.processes} asked for (SQLite: always one)")
    if not args.no_tasks:
        total = first + tasks
        print(
            f"background: {tasks:.1f} s ({1000 * tasks_cpu / n:.0f} ms CPU a meeting); "
            f"with it {n / total:.2f} meetings/s; papers whose text is unread: {unread}"
        )
    print(
        f"second run: {second:.1f} s = {100 * second / first:.1f} % of the first; "
        f"changed: {changed or 'nothing'}"
    )
    print(
        f"peak memory (max RSS): {peak_mb:.0f} MB this process; "
        f"{writers_mb:.0f} MB the largest writer process (0: none, one writer)"
    )
    print(
        "load average: before {:.1f} {:.1f} {:.1f}; after {:.1f} {:.1f} {:.1f}".format(
            *load_before, *load_after
        )
    )
    print(
        f"targets: >= 20 meetings/s {'MET' if rate >= 20 else 'NOT MET'}; "
        f"second run <= 10 % {'MET' if second <= 0.1 * first else 'NOT MET'}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
