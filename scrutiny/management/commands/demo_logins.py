from django.core.management.base import BaseCommand

from scrutiny.demo import DEMO_LOGINS


class Command(BaseCommand):
    help = "Print the demo logins, one per role."

    def handle(self, *args, **options):
        self.stdout.write("\nDemo logins (sign in at http://127.0.0.1:8000/accounts/login/):")
        for username, password, _group, _slug, description in DEMO_LOGINS:
            self.stdout.write(f"  {username:<12} {password:<22} {description}")
        self.stdout.write("  The public needs no login.\n")
