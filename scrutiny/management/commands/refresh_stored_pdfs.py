"""Queue the rebuild of the stored public PDFs whose content changes with the date.

A tracker PDF prints "OVERDUE" against an action or item whose date has passed. That changes
at midnight with no record saved, so no signal queues a rebuild: the next anonymous reader
would be told "being prepared" while the new version is built. Run this nightly, just after
midnight (local time), so the worker has the new versions ready before anyone asks:

    5 0 * * *  cd /srv/portal && .venv/bin/python manage.py refresh_stored_pdfs

It only queues (``scrutiny.tasks.refresh_stored_pdfs``, one task per kind; ``db_worker`` runs
them). Each task rebuilds the stored whole-object PDFs of its kind whose content changed,
forgets those of objects that are gone or no longer public, and leaves the rest alone, so
running it twice is harmless. Filtered exports are rebuilt when next asked for.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from scrutiny import stored_pdfs


class Command(BaseCommand):
    help = (
        "Queue a rebuild of the stored PDFs whose content changes with the date (tracker "
        "'overdue' flags). Run nightly from cron, just after midnight."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--kind",
            action="append",
            dest="kinds",
            metavar="KIND",
            help="Only this kind of PDF (may be given more than once; any registered kind). "
            "Default: every kind whose content changes with the date.",
        )

    def handle(self, *args, kinds=None, **options):
        from scrutiny.tasks import refresh_stored_pdfs

        chosen = sorted(set(kinds)) if kinds else sorted(stored_pdfs.DATED_KINDS)
        unknown = [kind for kind in chosen if kind not in stored_pdfs.LOADERS]
        if unknown:
            raise CommandError(
                f"No such kind of stored PDF: {', '.join(unknown)}. "
                f"Known: {', '.join(sorted(stored_pdfs.LOADERS))}."
            )
        for kind in chosen:
            refresh_stored_pdfs.enqueue(kind, None, True)
        if chosen:
            self.stdout.write(f"Queued a refresh of the stored PDFs of: {', '.join(chosen)}.")
        else:
            self.stdout.write("No kind of stored PDF changes with the date; nothing queued.")
