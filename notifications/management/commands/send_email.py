from django.core.management.base import BaseCommand

from notifications.sending import send_pending


class Command(BaseCommand):
    help = "Send the queued email now, within EMAIL_RATE_PER_MINUTE (the worker does this too)."

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, default=None)

    def handle(self, *args, limit=None, **options):
        sent = send_pending(limit=limit)
        self.stdout.write(f"Sent {sent} message{'s' if sent != 1 else ''}.")
