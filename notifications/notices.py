"""Notices to officers and councillors, and the daily and weekly jobs
(``manage.py notifications_daily``, run once a day by cron or the scheduler; docs/email.md).

- set-password links (a councillor's login created or reset) to the person's address;
- report deadline reminders: three days before a meeting's report deadline, to the contact
  officers of its agenda items (the report authors) and the meeting's contact officer;
- actions due within a week or overdue: weekly (Mondays), one message per owner;
- minutes still unapproved after the committee's next meeting was held: to the meeting's
  contact officer;
- weekly digests (Mondays) for subscribers who chose them;
- the retention rule (``services.expire_unconfirmed``).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.utils import timezone

from meetings.minutes.models import OPEN_ACTION_STATUSES, Action, MinutesSet, MinutesStatus
from meetings.models import AgendaItem, Meeting, MeetingStatus
from scrutiny.accounts import link_lifetime_days
from scrutiny.models import Person

from .messages import absolute, link, render, subscriber_token, unsubscribe_headers
from .models import DigestEntry, Outbox, Subscriber
from .services import expire_unconfirmed, queue

REPORT_REMINDER_DAYS = 3
WEEKLY_DAY = 0  # Monday


def on_set_password_link(sender, person, path, reset=False, **kwargs) -> None:
    if not person.email:
        return
    msg = render(
        "account",
        "Set your password for the committee papers website",
        {
            "person": person,
            "url": absolute(path),
            "reset": reset,
            "days": link_lifetime_days(),
        },
    )
    queue(
        key=f"account:{person.pk}:{timezone.now():%Y%m%d%H%M%S%f}",
        kind=Outbox.Kind.ACCOUNT,
        recipients=[(person.email, {"person": person})],
        message=msg,
    )


def call_in_signatures_requested(
    *, key: str, people, subject: str, lines: list[tuple[str, str]]
) -> int:
    """Ask councillors to sign a call-in request: ``decision_events.signatures_requested``
    (listening to ``decisions.signals``) calls this with public text and links only; one
    message per person and ``key``. People without an address are skipped."""
    return sum(notice(key, person, subject, lines) for person in people if person.email)


def notice(key: str, person: Person, subject: str, lines: list[tuple[str, str]]) -> int:
    """One notice (``notice`` templates: lines of text, each with an optional link)."""
    msg = render("notice", subject, {"person": person, "lines": lines})
    return queue(
        key=key,
        kind=Outbox.Kind.NOTICE,
        recipients=[(person.email, {"person": person})],
        message=msg,
    )


def report_deadlines(today: dt.date) -> int:
    day = today + dt.timedelta(days=REPORT_REMINDER_DAYS)
    sent = 0
    meetings = Meeting.all_objects.filter(
        report_deadline=day, status=MeetingStatus.SCHEDULED
    ).select_related("committee", "contact_officer")
    for meeting in meetings:
        people = {
            p.pk: p
            for p in Person.objects.filter(agenda_items__meeting=meeting, is_active=True).exclude(
                email=""
            )
        }
        if meeting.contact_officer and meeting.contact_officer.email:
            people[meeting.contact_officer.pk] = meeting.contact_officer
        when = f"{timezone.localtime(meeting.start):%-d %B %Y}"
        for person in people.values():
            items = AgendaItem.all_objects.filter(meeting=meeting, contact_officers=person)
            lines = [(f"{i.number} {i.title}".strip(), "") for i in items]
            lines.append(("The meeting's page (officers)", link("officer-meeting", pk=meeting.pk)))
            sent += notice(
                f"deadline:{meeting.pk}:{day}",
                person,
                f"Reports due {day:%-d %B}: {meeting.committee.name}, {when}",
                lines,
            )
    return sent


def actions_due(today: dt.date) -> int:
    soon = today + dt.timedelta(days=7)
    actions = (
        Action.all_objects.filter(status__in=OPEN_ACTION_STATUSES, due_date__lte=soon)
        .exclude(owner_person__isnull=True)
        .exclude(owner_person__email="")
        .select_related("owner_person", "committee")
        .order_by("due_date", "pk")
    )
    by_owner: dict[int, list[Action]] = defaultdict(list)
    for action in actions:
        by_owner[action.owner_person_id].append(action)
    sent = 0
    week = today.isocalendar()
    for owner_actions in by_owner.values():
        person = owner_actions[0].owner_person
        lines = []
        for action in owner_actions:
            state = "overdue" if action.due_date < today else f"due {action.due_date:%-d %B}"
            # A private action's words are never written into an email: only its committee.
            text = (
                action.description[:200]
                if action.is_public
                else f"A private action of {action.committee.name}"
            )
            lines.append(
                (
                    f"{text} ({state})",
                    absolute(action.get_absolute_url())
                    if action.is_public
                    else link("officer-actions"),
                )
            )
        sent += notice(
            f"actions:{person.pk}:{week.year}-{week.week}",
            person,
            f"Your actions due or overdue ({len(lines)})",
            lines,
        )
    return sent


def minutes_unapproved(today: dt.date) -> int:
    sent = 0
    waiting = MinutesSet.all_objects.exclude(status=MinutesStatus.APPROVED).select_related(
        "meeting__committee", "meeting__contact_officer"
    )
    for minutes in waiting:
        meeting = minutes.meeting
        later = Meeting.all_objects.filter(
            committee=meeting.committee,
            start__gt=meeting.start,
            status=MeetingStatus.HELD,
        ).exists()
        officer = meeting.contact_officer
        if not later or officer is None or not officer.email:
            continue
        when = f"{timezone.localtime(meeting.start):%-d %B %Y}"
        sent += notice(
            f"unapproved:{minutes.pk}:{today.isocalendar().year}-{today.isocalendar().week}",
            officer,
            f"Minutes not yet approved: {meeting.committee.name}, {when}",
            [
                ("The committee has met since; the minutes still need approving.", ""),
                ("The meeting's page (officers)", link("officer-meeting", pk=meeting.pk)),
            ],
        )
    return sent


def digests(now: dt.datetime) -> int:
    subs = Subscriber.objects.filter(
        confirmed_at__isnull=False, frequency=Subscriber.Frequency.WEEKLY, entries__isnull=False
    ).distinct()
    sent = 0
    for sub in subs:
        entries = list(sub.entries.all())
        headers = unsubscribe_headers(sub)
        msg = render(
            "digest",
            f"This week's committee papers ({len(entries)})",
            {
                "entries": entries,
                "manage_url": link("alerts-manage", token=subscriber_token(sub, "manage")),
                "unsubscribe_url": headers["List-Unsubscribe"][1:-1],
            },
        )
        msg.headers = headers
        queued = queue(
            key=f"digest:{sub.pk}:{now:%G-%V}",
            kind=Outbox.Kind.DIGEST,
            recipients=[(sub.email, {"subscriber": sub})],
            message=msg,
        )
        sent += queued
        if not queued:
            # This week's digest went already (the job ran twice): what is new since waits
            # for next week's, rather than being thrown away unsent.
            continue
        DigestEntry.objects.filter(pk__in=[e.pk for e in entries]).delete()
        Subscriber.objects.filter(pk=sub.pk).update(last_digest_at=now)
    return sent


def daily(now: dt.datetime | None = None, *, weekly: bool | None = None) -> dict:
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    weekly = today.weekday() == WEEKLY_DAY if weekly is None else weekly
    done = {
        "expired": expire_unconfirmed(now=now),
        "deadlines": report_deadlines(today),
        "unapproved": minutes_unapproved(today) if weekly else 0,
        "actions": actions_due(today) if weekly else 0,
        "digests": digests(now) if weekly else 0,
    }
    return done
