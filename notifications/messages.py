"""Rendering messages: each kind is a pair of templates, ``notifications/email/<kind>.txt``
and ``.html``, rendered with the same context. Links are absolute (``SITE_URL``); nothing is
attached. The HTML is a plain, single-column document with a language, a title and real
headings and lists, so it reads well in a screen reader and in a text-only client."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.core import signing
from django.template.loader import render_to_string
from django.urls import reverse

SUBSCRIPTION_SALT = "notifications.subscription"


@dataclass
class Message:
    subject: str
    text: str
    html: str
    headers: dict[str, str] = field(default_factory=dict)


def absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def link(name: str, **kwargs) -> str:
    return absolute(reverse(name, kwargs=kwargs or None))


def council_name() -> str:
    """The council's name as its administrators entered it (``settings.COUNCIL_NAME`` only
    until the council is set up), so a new council's emails do not carry the demo's name."""
    from scrutiny.council import current_council

    return current_council().name


def render(kind: str, subject: str, context: dict) -> Message:
    ctx = {
        "subject": subject,
        "council_name": council_name(),
        "site_url": settings.SITE_URL,
        **context,
    }
    text = render_to_string(f"notifications/email/{kind}.txt", ctx).strip() + "\n"
    html = render_to_string(f"notifications/email/{kind}.html", ctx)
    return Message(subject=subject, text=text, html=html)


# --- signed links for subscribers --------------------------------------------------------


def subscriber_token(subscriber, purpose: str) -> str:
    return signing.dumps(
        {"s": subscriber.pk, "v": subscriber.token_version, "p": purpose},
        salt=SUBSCRIPTION_SALT,
        compress=True,
    )


def read_token(token: str, purpose: str, max_age: int | None = None):
    """The subscriber a signed link names, or None (bad, expired or revoked)."""
    from .models import Subscriber

    try:
        data = signing.loads(token, salt=SUBSCRIPTION_SALT, max_age=max_age)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or data.get("p") != purpose:
        return None
    return Subscriber.objects.filter(pk=data.get("s"), token_version=data.get("v")).first()


def unsubscribe_headers(subscriber) -> dict[str, str]:
    """RFC 8058 one-click unsubscribe: the POST endpoint takes ``List-Unsubscribe=One-Click``."""
    url = link("alerts-unsubscribe", token=subscriber_token(subscriber, "unsubscribe"))
    return {
        "List-Unsubscribe": f"<{url}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }
