"""``manage.py record_pdf_tagging [--all]``: record whether each uploaded PDF is tagged.

New uploads (and conversions) record ``Document.is_tagged`` and the structure tree's headings
when they are uploaded (``meetings.uploads.inspect_pdf``). This command checks the documents
uploaded before that (``is_tagged`` unset), or every document with ``--all``, through
``meetings.services.record_document_tagging``, and prints how many are not tagged. Run it once
after deploying issue 16; it is safe to run again.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand

from meetings import services
from meetings.models import Document


class Command(BaseCommand):
    help = "Record whether each uploaded PDF is tagged (for packs, HTML versions, the statement)."

    def add_arguments(self, parser):
        parser.add_argument("--all", action="store_true", help="check every document again")

    def handle(self, *args, all=False, **options):
        documents = Document.all_objects.order_by("pk")
        if not all:
            documents = documents.filter(is_tagged__isnull=True)
        counts = {True: 0, False: 0, None: 0}
        for document in documents.defer("text").iterator(chunk_size=100):
            counts[services.record_document_tagging(document=document)] += 1
        self.stdout.write(
            f"Tagged: {counts[True]}. Not tagged: {counts[False]}. "
            f"File missing (left unchecked): {counts[None]}."
        )
