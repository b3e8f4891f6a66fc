from importlib import import_module

from django.core.cache import cache
from django.core.management.base import BaseCommand
from django.db import transaction

from scrutiny.apps_list import PORTAL_APPS


class Command(BaseCommand):
    help = (
        "Load the demo council built from the seed papers. Idempotent: running it again "
        "updates the demo records in place and adds nothing twice."
    )

    def handle(self, *args, **options):
        for app in PORTAL_APPS:
            try:
                module = import_module(f"{app}.demo")
            except ModuleNotFoundError as exc:
                if exc.name != f"{app}.demo":
                    raise
                continue
            with transaction.atomic():
                module.load()
            self.stdout.write(f"Demo data loaded: {app}")
        cache.clear()
        self.stdout.write(self.style.SUCCESS("Demo data ready."))
