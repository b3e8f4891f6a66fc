#!/usr/bin/env python
"""Bench: import a generated ModernGov site from a loopback server (issue 19, item 6).

    .venv/bin/python bench/import.py [--committees 60] [--meetings 6000] [--workers 4]

A site of ``--committees`` committees and ``--meetings`` meetings (five items each, one public
paper each, a restricted item every seventh meeting, six members with attendance, published
minutes for past meetings) is generated (tests/imports/moderngov.py) and served by
``http.server`` in a thread on 127.0.0.1. The real importer (``imports.importer.Importer``,
what ``manage.py import_moderngov`` runs) imports it into a fresh database (SQLite in a
temporary directory, or ``DATABASE_URL`` if set: use a throwaway PostgreSQL database),
then imports it again with nothing changed. Background work the import causes (agenda packs,
search indexing) is queued in the database task queue, as in production, not run here.

Prints meetings per second of the first run, peak memory (the process's maximum resident
set, which includes the loopback server thread), and the time of the second run as a share
of the first. Targets: >= 20 meetings/s with documents on 2 cores; second run <= 10 %.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--committees", type=int, default=60)
    parser.add_argument("--meetings", type=int, default=6000)
    parser.add_argument("--workers", type=int, default=4, help="answers fetched ahead")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="bench-import-"))
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{workdir / 'bench.sqlite3'}")
    os.environ["MEDIA_ROOT"] = str(workdir / "media")
    os.environ["TASKS_IMMEDIATE"] = "false"
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
    from tests.imports.moderngov import generated_site, serving

    t = time.perf_counter()
    site = generated_site(committees=args.committees, meetings=args.meetings)
    print(f"generated {args.meetings} meetings in {time.perf_counter() - t:.1f} s")

    def run(url):
        start = time.perf_counter()
        report = Importer(
            url,
            date_from=dt.date(2000, 1, 1),
            date_to=dt.date(2100, 1, 1),
            workers=args.workers,
        ).run()
        return time.perf_counter() - start, report

    with serving(site) as url:
        first, report = run(url)
        print(report_text(report).split("Skipped")[0])
        second, again = run(url)
    changed = {kind: counts for kind, counts in again.counts.items() if set(counts) - {"unchanged"}}
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    rate = report.meetings_done / first
    print(f"first run:  {report.meetings_done} meetings in {first:.1f} s = {rate:.1f} meetings/s")
    print(f"documents:  {report.documents} fetched; problems: {len(report.problems)}")
    print(
        f"second run: {second:.1f} s = {100 * second / first:.1f} % of the first; "
        f"changed: {changed or 'nothing'}"
    )
    print(f"peak memory (max RSS): {peak_mb:.0f} MB")
    print(
        f"targets: >= 20 meetings/s {'MET' if rate >= 20 else 'NOT MET'}; "
        f"second run <= 10 % {'MET' if second <= 0.1 * first else 'NOT MET'}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
