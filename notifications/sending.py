"""Sending the outbox: the only code that talks to the mail server.

Rows are claimed in small batches (``status=sending`` with a claim that runs out), each is sent
over one reused SMTP connection, and each is marked ``sent`` in its own statement the moment the
server accepts it. A row once ``sent`` is never claimed again, so a retried or restarted task
sends nothing twice. A worker killed between the server's "250 OK" and that update leaves the row
``sending``; when its claim runs out it is queued again with the same ``Message-ID`` (derived
from the row's key), so a receiving server or client can drop the duplicate (docs/email.md,
"Exactly once").

The rate limit is ``EMAIL_RATE_PER_MINUTE``: messages sent in the last sixty seconds count
against it, across every worker."""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import smtplib
import time
import uuid

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import connection as db_connection
from django.db import transaction
from django.utils import timezone

from .models import Outbox, Suppression

BATCH = 100
# Permanent refusals of a recipient: the address is suspended (a hard bounce).
HARD_BOUNCE_CODES = {550, 551, 553}
REDACTED = "(The set-password link is not kept once sent.)"


def message_id(key: str, recipient: str) -> str:
    digest = hashlib.sha256(f"{key}\n{recipient}".encode()).hexdigest()[:40]
    domain = settings.SITE_URL.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0]
    return f"<{digest}@{domain or 'localhost'}>"


def budget(now: dt.datetime | None = None) -> int:
    """How many more messages may be sent in this minute."""
    now = now or timezone.now()
    recent = Outbox.objects.filter(sent_at__gt=now - dt.timedelta(seconds=60)).count()
    return max(0, settings.EMAIL_RATE_PER_MINUTE - recent)


def _claim(size: int, skip: set[int] | frozenset[int] = frozenset()) -> tuple[str, list[int]]:
    """Claim up to ``size`` queued rows for this run. The update only takes rows still queued
    and marks them with a token of its own, so two workers never hold the same row, even on
    SQLite, which has no SKIP LOCKED."""
    now = timezone.now()
    token = uuid.uuid4().hex
    with transaction.atomic():
        ids = list(
            Outbox.objects.select_for_update(skip_locked=True)
            .filter(status=Outbox.Status.QUEUED)
            .exclude(pk__in=skip)
            .order_by("pk")
            .values_list("pk", flat=True)[:size]
        )
        if ids:
            Outbox.objects.filter(pk__in=ids, status=Outbox.Status.QUEUED).update(
                status=Outbox.Status.SENDING,
                claim=token,
                claimed_until=now + dt.timedelta(seconds=settings.EMAIL_CLAIM_SECONDS),
            )
    if not ids:
        return token, []
    return token, list(
        Outbox.objects.filter(claim=token, status=Outbox.Status.SENDING).values_list(
            "pk", flat=True
        )
    )


def _extend(token: str) -> None:
    """Renew this run's claim while it sends (a heartbeat): a claim runs out only when its
    worker has stopped."""
    Outbox.objects.filter(claim=token, status=Outbox.Status.SENDING).update(
        claimed_until=timezone.now() + dt.timedelta(seconds=settings.EMAIL_CLAIM_SECONDS)
    )


def reclaim_expired() -> int:
    """Queue again the rows a killed worker left ``sending``."""
    return Outbox.objects.filter(
        status=Outbox.Status.SENDING, claimed_until__lt=timezone.now()
    ).update(status=Outbox.Status.QUEUED)


def _email(row: Outbox) -> EmailMultiAlternatives:
    headers = {"Message-ID": row.message_id or message_id(row.key, row.recipient)}
    headers.update(row.headers or {})
    email = EmailMultiAlternatives(
        subject=row.subject,
        body=row.body_text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[row.recipient],
        headers=headers,
    )
    email.attach_alternative(row.body_html, "text/html")
    return email


def _hard_bounce(exc: Exception) -> bool:
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return any(code in HARD_BOUNCE_CODES for code, _ in exc.recipients.values())
    return False


def send_pending(*, limit: int | None = None) -> int:
    """Send queued rows until the queue is empty, the minute's budget is spent or ``limit``
    rows were sent. Returns how many were sent."""
    reclaim_expired()
    sent = 0
    connection = None
    stopped = False
    tried: set[int] = set()  # rows that failed in this run wait for the next one
    _fast_commits(True)
    try:
        while not stopped:
            room = budget()
            if limit is not None:
                room = min(room, limit - sent)
            if room <= 0:
                break
            token, ids = _claim(min(BATCH, room), tried)
            beat = time.monotonic()
            if not ids:
                if (
                    Outbox.objects.filter(status=Outbox.Status.QUEUED)
                    .exclude(pk__in=tried)
                    .exists()
                ):
                    continue  # another worker took this batch first
                break
            rows = list(Outbox.objects.filter(pk__in=ids).order_by("pk"))
            suspended = set(
                Suppression.objects.filter(
                    email__in={r.recipient.lower() for r in rows}
                ).values_list("email", flat=True)
            )
            for index, row in enumerate(rows):
                if stopped:
                    break
                if time.monotonic() - beat > settings.EMAIL_CLAIM_SECONDS / 4:
                    _extend(token)
                    beat = time.monotonic()
                if row.recipient.lower() in suspended:
                    Outbox.objects.filter(pk=row.pk).update(
                        status=Outbox.Status.SUPPRESSED, claimed_until=None
                    )
                    continue
                opening = False
                try:
                    if connection is None:
                        opening = True
                        connection = get_connection()
                        connection.open()
                        opening = False
                    connection.send_messages([_email(row)])
                except Exception as exc:  # noqa: BLE001 - every failure is recorded on the row
                    server_problem = opening or _server_problem(exc)
                    _failed(row, exc, counts=not server_problem)
                    tried.add(row.pk)
                    connection = _reset(connection)
                    if server_problem:
                        # The server is down or refusing everything: give the rest of the batch
                        # back and stop; the next run (a minute later) tries again. Not this
                        # message's fault, so it never becomes "failed" for it.
                        stopped = True
                        rest = [r.pk for r in rows[index + 1 :]]
                        Outbox.objects.filter(pk__in=rest).update(
                            status=Outbox.Status.QUEUED, claimed_until=None
                        )
                        break
                    continue
                done = {}
                if row.kind == Outbox.Kind.ACCOUNT:
                    # A set-password link is shown once and never stored (scrutiny.accounts).
                    done = {"body_text": REDACTED, "body_html": REDACTED}
                Outbox.objects.filter(pk=row.pk).update(
                    status=Outbox.Status.SENT,
                    sent_at=timezone.now(),
                    attempts=row.attempts + 1,
                    claimed_until=None,
                    error="",
                    **done,
                )
                sent += 1
    finally:
        _fast_commits(False)
        if connection is not None:
            connection.close()
    return sent


def _fast_commits(on: bool) -> None:
    """On PostgreSQL, the "sent" marks are committed without waiting for the WAL flush
    (``synchronous_commit = off``): the commit is in the server the moment it answers, so a
    killed worker loses nothing; only a crash of the database server itself within a fraction
    of a second could forget a mark, and that message would be sent again with the same
    Message-ID. It takes a commit's fsync out of every message."""
    if db_connection.vendor != "postgresql" or db_connection.in_atomic_block:
        return
    with db_connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit TO OFF" if on else "RESET synchronous_commit")


def _reset(connection):
    if connection is None:
        return None
    with contextlib.suppress(Exception):  # a broken connection is replaced either way
        connection.close()
    return None


def _server_problem(exc: Exception) -> bool:
    """The server is unreachable, dropped the connection, refuses our sender or answers "try
    later" (4xx): no message's fault (nor is a failure to connect or log in). A refused
    recipient, a message the server rejects for good (5xx) or one that cannot be built (a
    newline in a header) fails on its own row and the run goes on with the next."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return False
    if isinstance(exc, smtplib.SMTPSenderRefused):
        return True  # our own From refused: every message would be
    if isinstance(exc, smtplib.SMTPResponseException):
        return 400 <= exc.smtp_code < 500
    return isinstance(exc, OSError)  # refused, reset, timed out, disconnected, TLS failed


def _failed(row: Outbox, exc: Exception, *, counts: bool = True) -> None:
    """Record a failed attempt. ``counts=False`` (the server, not the message): the error and
    attempt are kept for the officer, but the message waits for the server however long it is
    down, instead of being given up after ``MAX_ATTEMPTS`` runs."""
    attempts = row.attempts + 1
    if _hard_bounce(exc):
        suspend(row.recipient, Suppression.Reason.BOUNCE, str(exc)[:500])
        status = Outbox.Status.SUPPRESSED
    elif counts and attempts >= Outbox.MAX_ATTEMPTS:
        status = Outbox.Status.FAILED
    else:
        status = Outbox.Status.QUEUED
    Outbox.objects.filter(pk=row.pk).update(
        status=status,
        attempts=attempts,
        error=f"{type(exc).__name__}: {exc}"[:2000],
        claimed_until=None,
    )


def suspend(email: str, reason: str, detail: str = "") -> Suppression:
    """Suspend an address (a bounce or complaint reported by the mail server): nothing queued
    for it is sent."""
    row, _ = Suppression.objects.get_or_create(
        email=email.strip().lower(), defaults={"reason": reason, "detail": detail[:500]}
    )
    Outbox.objects.filter(recipient__iexact=email, status=Outbox.Status.QUEUED).update(
        status=Outbox.Status.SUPPRESSED
    )
    return row
