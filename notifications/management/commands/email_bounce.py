"""Read a bounce (RFC 3464 delivery status notification) or a complaint (RFC 5965 abuse
report) from standard input, as the mail server delivers it to a pipe, and suspend the
address it names. ``--address`` suspends one address by hand."""

import sys
from email import message_from_binary_file, policy

from django.core.management.base import BaseCommand, CommandError

from notifications.models import Suppression
from notifications.sending import suspend


def addresses_in(message) -> list[tuple[str, str]]:
    """(address, reason) for each failed recipient or complained-about address."""
    found = []
    for part in message.walk():
        kind = part.get_content_type()
        if kind == "message/delivery-status":
            for block in part.get_payload():
                action = str(block.get("Action", "")).strip().lower()
                recipient = str(block.get("Final-Recipient", "") or "")
                if action == "failed" and ";" in recipient:
                    found.append((recipient.split(";", 1)[1].strip(), Suppression.Reason.BOUNCE))
        elif kind == "message/feedback-report":
            payload = part.get_payload()
            text = payload[0].as_string() if isinstance(payload, list) else str(payload)
            for line in text.splitlines():
                name, _, value = line.partition(":")
                if name.strip().lower() in {"original-rcpt-to", "removal-recipient"}:
                    found.append((value.strip(), Suppression.Reason.COMPLAINT))
    return [(a.strip("<> "), r) for a, r in found if "@" in a]


class Command(BaseCommand):
    help = "Suspend the address a bounce or complaint names (the message on standard input)."

    def add_arguments(self, parser):
        parser.add_argument("--address", help="Suspend this address instead of reading a message.")
        parser.add_argument(
            "--reason", choices=Suppression.Reason.values, default=Suppression.Reason.BOUNCE
        )

    def handle(self, *args, address=None, reason="bounce", **options):
        if address:
            found = [(address, reason)]
        else:
            found = addresses_in(message_from_binary_file(sys.stdin.buffer, policy=policy.compat32))
        if not found:
            raise CommandError("No failed recipient or complaint found in the message.")
        for email, why in found:
            suspend(email, why, "reported by the mail server")
            self.stdout.write(f"Suspended {email} ({why}).")
