from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Say where outgoing email goes (EMAIL_URL); `make run` prints it."

    def handle(self, *args, **options):
        self.stdout.write(
            f"Email: {settings.EMAIL_DESCRIPTION}, from {settings.DEFAULT_FROM_EMAIL}, "
            f"at most {settings.EMAIL_RATE_PER_MINUTE} messages a minute (set EMAIL_URL to "
            "smtp://user:password@host:587/?tls=true to send)"
        )
