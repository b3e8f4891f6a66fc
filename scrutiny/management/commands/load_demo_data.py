from django.core.cache import cache
from django.core.management.base import BaseCommand
from django.db import transaction

from scrutiny.fixtures import Fixtures, app_loaders


class Command(BaseCommand):
    help = (
        "Load the demo council from the data files in fixtures/demo (built from the seed "
        "papers). Idempotent: running it again updates the demo records in place and adds "
        "nothing twice."
    )

    def handle(self, *args, **options):
        fixtures = Fixtures()
        for app, load in app_loaders():
            with transaction.atomic():
                load(fixtures)
            self.stdout.write(f"Demo data loaded: {app}")
        cache.clear()
        self.stdout.write(self.style.SUCCESS("Demo data ready."))
