"""Writes of the notifications app: queueing messages, subscriptions, resends. Keyword-only;
each in one transaction; the sending is queued after commit."""

from __future__ import annotations

import datetime as dt
import hashlib

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from scrutiny.audit import records_by
from scrutiny.models import Person

from .messages import Message, link, render, subscriber_token
from .models import LIVE_TOPICS, Attempt, Outbox, Subscriber, Suppression, Topic
from .sending import message_id


def _kick() -> None:
    from .tasks import send_outbox

    transaction.on_commit(send_outbox.enqueue)


def queue(
    *,
    key: str,
    kind: str,
    recipients: list[tuple[str, dict]],
    message: Message | None = None,
    build=None,
    meeting=None,
    requested_by=None,
) -> int:
    """Queue one message to each recipient: ``recipients`` is ``[(address, row fields)]``
    (``person``, ``subscriber``); either one ``message`` for all, or ``build(address, fields)``
    returning each one's. A (key, recipient) already in the outbox is left alone. Returns how
    many rows were new."""
    addresses = [address.strip() for address, _ in recipients if address and address.strip()]
    if not addresses:
        return 0
    existing = set(
        Outbox.objects.filter(key=key, recipient__in=addresses).values_list("recipient", flat=True)
    )
    rows = []
    seen = set(existing)
    for address, fields in recipients:
        address = (address or "").strip()
        if not address or address in seen:
            continue
        seen.add(address)
        msg = message if build is None else build(address, fields)
        rows.append(
            Outbox(
                key=key,
                recipient=address,
                kind=kind,
                subject=msg.subject,
                body_text=msg.text,
                body_html=msg.html,
                headers=msg.headers,
                message_id=message_id(key, address),
                meeting=meeting,
                requested_by=requested_by if getattr(requested_by, "pk", None) else None,
                **fields,
            )
        )
    with transaction.atomic():
        Outbox.objects.bulk_create(rows, batch_size=500, ignore_conflicts=True)
    _kick()
    return len(rows)


@records_by
@transaction.atomic
def resend(*, row: Outbox, by) -> Outbox:
    """Send a message again to the same person (an officer's resend); recorded with who asked.
    It goes to the address on their person record now (the one it went to may have been the
    wrong one), and only while they still agree to receive the summons by email."""
    recipient = row.recipient
    if row.person_id is not None:
        person = Person.objects.get(pk=row.person_id)
        if not person.email.strip() or not person.email_consent or not person.is_active:
            raise ValidationError(
                f"{person.display_name} has no email address or has not agreed to receive the "
                "summons by email (their person record): nothing was sent."
            )
        recipient = person.email.strip()
    stamp = timezone.now().strftime("%Y%m%d%H%M%S%f")
    # A resend of a resend is keyed from the first message's key, so the key never grows
    # (it once outgrew the column about seven resends deep and collided with the last one).
    root = row.key.split(":resend:", 1)[0]
    key = f"{root[: 200 - 30]}:resend:{stamp}"
    copy = Outbox.objects.create(
        key=key,
        recipient=recipient,
        kind=row.kind,
        subject=row.subject,
        body_text=row.body_text,
        body_html=row.body_html,
        headers=row.headers,
        message_id=message_id(key, recipient),
        meeting=row.meeting,
        person=row.person,
        subscriber=row.subscriber,
        requested_by=by if getattr(by, "pk", None) else None,
    )
    _kick()
    return copy


@records_by
@transaction.atomic
def lift_suspension(*, suppression: Suppression, by) -> str:
    """An officer lifts a suspended address (bounced or complained): messages are sent to it
    again from now on (those already suppressed stay unsent). The history keeps who lifted it
    and when. Returns the address."""
    row = Suppression.objects.select_for_update().filter(pk=suppression.pk).first()
    if row is None:
        raise ValidationError("That address is not suspended (it may have been lifted already).")
    email = row.email
    row.delete()
    return email


# --- public alerts -------------------------------------------------------------------------


def _digest(value: str) -> str:
    return hashlib.sha256(f"{settings.SECRET_KEY}:{value}".encode()).hexdigest()


def rate_limited(*, email: str, ip: str) -> tuple[bool, bool]:
    """(ip over its limit, address over its limit) for the subscription form, within the last
    hour; records this attempt."""
    since = timezone.now() - dt.timedelta(hours=1)
    ip_key, email_key = _digest(ip or "-"), _digest(email.strip().lower())
    ip_count = Attempt.objects.filter(scope="ip", digest=ip_key, at__gte=since).count()
    email_count = Attempt.objects.filter(scope="email", digest=email_key, at__gte=since).count()
    Attempt.objects.bulk_create(
        [Attempt(scope="ip", digest=ip_key), Attempt(scope="email", digest=email_key)]
    )
    return (
        ip_count >= settings.ALERTS_PER_IP_PER_HOUR,
        email_count >= settings.ALERTS_PER_ADDRESS_PER_HOUR,
    )


@transaction.atomic
def subscribe(*, email: str, committees, all_committees: bool, topics, frequency: str) -> None:
    """Ask for alerts. Whatever the address's state, the caller shows the same page: a new or
    unconfirmed address gets (again) a confirmation link with these choices; a confirmed one
    gets a link to manage its alerts, and its choices are not changed by someone who only knows
    the address."""
    email = email.strip().lower()
    topics = [t for t in topics if t in Topic.values]
    subscriber = Subscriber.objects.select_for_update().filter(email=email).first()
    if subscriber is not None and subscriber.confirmed_at is not None:
        msg = render(
            "manage",
            "Your alerts from the committee papers website",
            {"manage_url": link("alerts-manage", token=subscriber_token(subscriber, "manage"))},
        )
        queue(
            key=f"manage:{subscriber.pk}:{timezone.now():%Y%m%d%H%M%S%f}",
            kind=Outbox.Kind.MANAGE,
            recipients=[(email, {"subscriber": subscriber})],
            message=msg,
        )
        return
    if subscriber is None:
        subscriber = Subscriber.objects.create(email=email)
    subscriber.all_committees = all_committees
    subscriber.topics = topics
    subscriber.frequency = frequency
    subscriber.created_at = timezone.now()
    subscriber.save()
    subscriber.committees.set([] if all_committees else committees)
    msg = render(
        "confirm",
        "Confirm your alerts from the committee papers website",
        {
            "confirm_url": link("alerts-confirm", token=subscriber_token(subscriber, "confirm")),
            "days": settings.SUBSCRIPTION_CONFIRM_DAYS,
            "summary": describe(subscriber),
        },
    )
    queue(
        key=f"confirm:{subscriber.pk}:{timezone.now():%Y%m%d%H%M%S%f}",
        kind=Outbox.Kind.CONFIRM,
        recipients=[(email, {"subscriber": subscriber})],
        message=msg,
    )


def describe(subscriber) -> str:
    what = ", ".join(Topic(t).label.lower() for t in subscriber.topics) or "nothing"
    if subscriber.all_committees:
        where = "every committee"
    else:
        where = ", ".join(c.name for c in subscriber.committees.all()) or "no committee"
    return f"{what} for {where}, {subscriber.get_frequency_display().lower()}"


@transaction.atomic
def confirm(*, subscriber: Subscriber) -> Subscriber:
    if subscriber.confirmed_at is None:
        subscriber.confirmed_at = timezone.now()
        subscriber.save(update_fields=["confirmed_at"])
    return subscriber


@transaction.atomic
def update_choices(
    *, subscriber: Subscriber, committees, all_committees: bool, topics, frequency: str
) -> Subscriber:
    subscriber.all_committees = all_committees
    subscriber.topics = [t for t in topics if t in Topic.values]
    subscriber.frequency = frequency
    subscriber.save()
    subscriber.committees.set([] if all_committees else committees)
    return subscriber


@transaction.atomic
def unsubscribe(*, subscriber: Subscriber) -> None:
    """Forget the address: the subscription, its digest entries and every message to it
    (queued or sent) are deleted."""
    Outbox.objects.filter(subscriber=subscriber).delete()
    subscriber.delete()


def expire_unconfirmed(*, now: dt.datetime | None = None) -> int:
    """Delete subscriptions never confirmed within ``SUBSCRIPTION_CONFIRM_DAYS`` and rate-limit
    records older than a day."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(days=settings.SUBSCRIPTION_CONFIRM_DAYS)
    Attempt.objects.filter(at__lt=now - dt.timedelta(days=1)).delete()
    count, _ = Subscriber.objects.filter(confirmed_at__isnull=True, created_at__lt=cutoff).delete()
    old = now - dt.timedelta(days=settings.OUTBOX_KEEP_DAYS)
    Outbox.objects.filter(
        status__in=[Outbox.Status.SENT, Outbox.Status.SUPPRESSED, Outbox.Status.FAILED],
        created_at__lt=old,
    ).exclude(kind__in=[Outbox.Kind.SUMMONS, Outbox.Kind.CHANGE]).delete()
    return count


__all__ = ["LIVE_TOPICS", "queue", "resend", "subscribe", "confirm", "unsubscribe"]
