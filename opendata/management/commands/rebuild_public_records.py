"""Compare every public object with its public record again (after a bulk change made with
``QuerySet.update()`` or raw SQL, which queue nothing)."""

from django.core.management.base import BaseCommand

from opendata.models import PublicRecord
from opendata.records import ensure_fresh


class Command(BaseCommand):
    help = "Rebuild the open data API's public records (created, modified, withdrawn)."

    def handle(self, *args, **options):
        ensure_fresh(rebuild=True)
        total = PublicRecord.objects.count()
        gone = PublicRecord.objects.filter(withdrawn_at__isnull=False).count()
        self.stdout.write(f"{total} public records, {gone} withdrawn or deleted.")
