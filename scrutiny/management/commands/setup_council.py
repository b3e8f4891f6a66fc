"""Start an empty portal: create its first administrator and print the password once.

    manage.py migrate && manage.py setup_council [--username admin] [--email you@council.gov.uk]

The administrator then signs in and is taken to the first-run page to enter the council
(``scrutiny.council.FirstRunMiddleware``). Run again, it changes nothing and says why, so
``make run DEMO=0`` can run it every time.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from scrutiny.council import create_first_administrator
from scrutiny.models import Council
from scrutiny.roles import ADMINISTRATORS


class Command(BaseCommand):
    help = "Create the first administrator of an empty portal and print its password once."

    def add_arguments(self, parser):
        parser.add_argument("--username", default="admin")
        parser.add_argument("--email", default="")

    def handle(self, *args, username, email, **options):
        login = f"{settings.SITE_URL.rstrip('/')}/accounts/login/"
        council = Council.objects.order_by("pk").first()
        if get_user_model()._default_manager.filter(groups__name=ADMINISTRATORS).exists():
            where = (
                f"{council.name} is set up" if council else "the council has not been entered yet"
            )
            self.stdout.write(
                f"This portal already has an administrator ({where}). Sign in at {login}; "
                "an administrator adds the others."
            )
            return
        try:
            admin = create_first_administrator(username=username, email=email)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        self.stdout.write(
            "\nThe first administrator of this portal:\n"
            f"  username  {admin.username}\n"
            f"  password  {admin.password}\n"
            "This password is shown only now and is not stored anywhere in clear: note it.\n"
            f"Sign in at {login} to enter your council (its name, logo and colour).\n"
        )
