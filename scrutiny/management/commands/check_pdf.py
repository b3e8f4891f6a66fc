"""``manage.py check_pdf FILE [FILE ...]``: the accessibility structure check of a PDF.

An officer runs it on a paper before uploading it (or on a pack the portal built): it prints
the pages, title, language and structure elements, then every page without structure, table
header without a scope and figure without alternative text (``scrutiny.pdfcheck``). It exits
with status 1 when any file fails, so it can gate a script.
"""

from __future__ import annotations

from pathlib import Path

import pikepdf
from django.core.management.base import BaseCommand, CommandError

from scrutiny.pdfcheck import check_pdf


class Command(BaseCommand):
    help = "Check that PDFs are tagged for screen readers (structure, table scopes, alt text)."

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", help="PDF files to check")

    def handle(self, *args, files, **options):
        failed = []
        for name in files:
            path = Path(name)
            self.stdout.write(f"== {path}")
            try:
                report = check_pdf(path.read_bytes())
            except OSError as exc:
                self.stdout.write(f"Cannot read the file: {exc.strerror or exc}")
                failed.append(name)
                continue
            except pikepdf.PdfError as exc:
                self.stdout.write(f"Not a readable PDF: {exc}")
                failed.append(name)
                continue
            self.stdout.write(report.text())
            if not report.ok:
                failed.append(name)
        if failed:
            raise CommandError(f"{len(failed)} of {len(files)} PDFs failed the structure check.")
