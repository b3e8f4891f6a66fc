from django.core.management.base import BaseCommand

from scrutiny.fixture_loader import logins


class Command(BaseCommand):
    help = "Print the demo logins, one per role."

    def handle(self, *args, **options):
        self.stdout.write("\nDemo logins (sign in at http://127.0.0.1:8000/accounts/login/):")
        for row in logins():
            self.stdout.write(f"  {row['username']:<12} {row['password']:<22} {row['description']}")
        self.stdout.write("  The public needs no login.\n")
