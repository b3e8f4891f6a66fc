from django.core.management.base import BaseCommand

from meetings.models import Document, Meeting
from opendata import indexing, services


class Command(BaseCommand):
    help = (
        "Rebuild the public search index from scratch: read the text of PDFs not yet read "
        "(--extract), record calendar entries and re-index every published meeting."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--extract",
            action="store_true",
            help="Also read the text of every PDF whose text has not been read yet.",
        )

    def handle(self, *args, **options):
        if options["extract"]:
            pending = Document.all_objects.filter(text_extracted_at__isnull=True)
            for document in pending.iterator():
                services.extract_document_text(document=document)
            self.stdout.write("Read the text of PDFs not yet read.")
        for meeting in Meeting.objects.select_related("committee").iterator():
            services.record_calendar_state(meeting=meeting)
        indexing.rebuild_all(stdout=self.stdout)
