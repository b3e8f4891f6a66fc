from django.core.management.base import BaseCommand

from notifications.notices import daily


class Command(BaseCommand):
    help = (
        "Daily email jobs: delete unconfirmed alert subscriptions (retention), report deadline "
        "reminders; on Mondays (or with --weekly) weekly digests, actions due or overdue and "
        "minutes not yet approved. Run once a day."
    )

    def add_arguments(self, parser):
        parser.add_argument("--weekly", action="store_true", help="Run the weekly jobs today.")

    def handle(self, *args, weekly=False, **options):
        done = daily(weekly=True if weekly else None)
        self.stdout.write(", ".join(f"{k}: {v}" for k, v in done.items()))
