"""A real SMTP server on loopback (aiosmtpd) for the notifications tests: the portal sends over
a real socket with Django's SMTP backend, and the tests read what arrived."""

from __future__ import annotations

import threading
from email import message_from_bytes, policy
from email.message import EmailMessage
from urllib.parse import urlsplit

import pytest
from aiosmtpd.controller import Controller

from tests.hardening.servers import free_port


class Inbox:
    """What the loopback server accepted. ``refuse`` holds addresses answered with a 550."""

    def __init__(self):
        self.messages: list[EmailMessage] = []
        self.envelopes: list[tuple[str, list[str]]] = []
        self.refuse: set[str] = set()
        self.lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        if address.lower() in self.refuse:
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        message = message_from_bytes(envelope.content, policy=policy.default)
        with self.lock:
            self.messages.append(message)
            self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if address in str(m["To"])]

    def one(self, address: str) -> EmailMessage:
        found = self.to(address)
        assert len(found) == 1, (
            f"{len(found)} messages to {address}: {[m['Subject'] for m in self.messages]}"
        )
        return found[0]

    def clear(self) -> None:
        with self.lock:
            self.messages.clear()
            self.envelopes.clear()


def parts(message: EmailMessage) -> tuple[str, str]:
    """(plain text, HTML) of a message; both must be there."""
    text = message.get_body(preferencelist=("plain",))
    html = message.get_body(preferencelist=("html",))
    assert text is not None and html is not None, "both a plain-text and an HTML part"
    return text.get_content(), html.get_content()


def local_path(url: str) -> str:
    """The path and query of a link in a message, to follow with the test client."""
    parts_ = urlsplit(url)
    assert parts_.scheme == "http" and parts_.netloc == "testserver", url
    return parts_.path + (f"?{parts_.query}" if parts_.query else "")


@pytest.fixture
def smtp(settings):
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 10
    settings.SITE_URL = "http://testserver"
    settings.DEFAULT_FROM_EMAIL = "Democratic Services <democracy@example.org>"
    settings.EMAIL_RATE_PER_MINUTE = 10_000
    try:
        yield inbox
    finally:
        controller.stop()
