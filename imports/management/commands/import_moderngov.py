"""manage.py import_moderngov <site-url> [--from DD/MM/YYYY|YYYY-MM-DD] [--to …] [--dry-run]"""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from imports.importer import Importer, report_text


def _date(value: str) -> dt.date:
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(value, fmt).date()
        except ValueError:
            pass
    raise CommandError(f"{value!r} is not a date (YYYY-MM-DD or DD/MM/YYYY).")


class Command(BaseCommand):
    help = "Import committees, councillors, meetings, papers and minutes from a ModernGov site."

    def add_arguments(self, parser):
        parser.add_argument(
            "site", help="The site's address, e.g. https://democracy.example.gov.uk"
        )
        parser.add_argument("--from", dest="date_from", type=_date)
        parser.add_argument("--to", dest="date_to", type=_date)
        parser.add_argument("--dry-run", action="store_true", help="Say what would change.")
        parser.add_argument("--no-progress", action="store_true")
        parser.add_argument(
            "--processes",
            type=int,
            default=None,
            help="Writers side by side, whole committees each (PostgreSQL only; default "
            "IMPORT_PROCESSES, 2).",
        )

    def handle(self, *args, site, date_from, date_to, dry_run, no_progress, processes, **options):
        if not site.startswith(("http://", "https://")):
            raise CommandError("The site must be an http:// or https:// address.")
        if date_from and date_to and date_to < date_from:
            raise CommandError("--to must be on or after --from.")
        if processes is not None and not 1 <= processes <= 16:
            raise CommandError("--processes must be between 1 and 16.")
        progress = Progress(
            TextColumn("[bold]Meetings"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[docs]} documents, {task.fields[errors]} errors"),
            TimeRemainingColumn(),
            disable=no_progress,
        )
        task = progress.add_task("import", total=None, docs=0, errors=0)

        def update(report):
            progress.update(
                task,
                total=report.meetings_total or None,
                completed=report.meetings_done,
                docs=report.documents,
                errors=report.errors,
            )

        importer = Importer(
            site,
            date_from=date_from,
            date_to=date_to,
            dry_run=dry_run,
            progress=update,
            processes=processes,
        )
        with progress:
            report = importer.run()
        if dry_run:
            self.stdout.write("Dry run: nothing was saved. This is what would change.")
        self.stdout.write(report_text(report))
