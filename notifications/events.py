"""What each meeting event sends, and to whom (docs/email.md).

- ``published``: the summons to each member and substitute of the committee who has an address
  and consent recorded; a "new agenda" alert to confirmed subscribers (or a digest entry).
- ``changed``: the changes recorded on the meeting (``meetings.changes``: items added,
  retitled or moved; papers added late, replaced, withdrawn, retitled or moved; the
  supplementary pack; the date, venue, postponement or cancellation) since members were last
  told (``MeetingState.noticed_up_to``): a change notice listing them, each with before and
  after, to the same members.
- ``minutes``: public minutes appeared for the first time: a "minutes" alert to subscribers.

Only public text goes into a body: the public agenda (exempt items by title only, as the public
agenda shows them), titles of public papers, and links. Members-only papers are reached by the
members' pack link, which asks for sign-in."""

from __future__ import annotations

from urllib.parse import urlencode

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Q
from django.urls import reverse
from django.utils import timezone

from meetings import changes as meeting_changes
from meetings.minutes.models import MinutesSet
from meetings.models import AgendaItem, ChangeKind, Meeting, MeetingChange, MeetingStatus
from scrutiny import visibility
from scrutiny.models import Membership, Person

from .messages import Message, absolute, link, render, subscriber_token, unsubscribe_headers
from .models import DigestEntry, MeetingState, Outbox, Subscriber, Topic
from .services import queue


def run(event: str, meeting_id: int, extra: dict) -> int:
    meeting = Meeting.all_objects.select_related("committee").filter(pk=meeting_id).first()
    if meeting is None or not visibility.is_meeting_public(meeting):
        return 0
    if event in ("published", "changed") and meeting.start <= timezone.now():
        # A meeting already over (entered after the fact, or brought in by the importer)
        # summons no one and is no "new agenda": its minutes are what people want to hear of.
        return 0
    if event == "published":
        return summons(meeting) + alert(meeting, Topic.AGENDAS)
    if event == "changed":
        return changed(meeting)
    if event == "minutes":
        return minutes(meeting)
    raise ValueError(f"unknown event {event!r}")


# --- what members are sent ----------------------------------------------------------------


def members(meeting: Meeting) -> list[Person]:
    """Members and substitutes of the committee on the day, with an address and consent."""
    day = timezone.localtime(meeting.start).date()
    ids = (
        Membership.objects.in_force_on(day)
        .filter(committee=meeting.committee)
        .values_list("person_id", flat=True)
    )
    return list(
        Person.objects.filter(pk__in=ids, is_active=True, email_consent=True)
        .exclude(email="")
        .order_by("sort_name")
    )


def _agenda(meeting: Meeting) -> list[dict]:
    items = AgendaItem.all_objects.filter(meeting=meeting).filter(visibility.item_listed())
    return [
        {
            "number": item.number,
            "title": item.title,
            "private": visibility.is_item_private(item),
            "description": visibility.public_description(item),
        }
        for item in items.order_by("order", "pk")
    ]


def _links(meeting: Meeting) -> dict:
    has_private = AgendaItem.all_objects.filter(meeting=meeting).private().exists()
    return {
        "meeting_url": link("meeting-detail", pk=meeting.pk),
        "pack_url": link("meeting-pack", pk=meeting.pk),
        # Through the sign-in page: the pack itself answers 404 to anyone not signed in.
        "members_pack_url": _signed_in(reverse("meeting-members-pack", kwargs={"pk": meeting.pk}))
        if has_private
        else "",
    }


def _signed_in(path: str) -> str:
    return absolute(f"{reverse('login')}?{urlencode({'next': path})}")


def _meeting_context(meeting: Meeting) -> dict:
    return {"meeting": meeting, "agenda": _agenda(meeting), **_links(meeting)}


def summons(meeting: Meeting, *, by=None, key_suffix: str = "", record: bool = True) -> int:
    people = members(meeting)
    if record:
        # What members are told from now on: the changes recorded after this summons.
        state, _ = MeetingState.objects.get_or_create(meeting=meeting)
        state.noticed_up_to = _last_change(meeting)
        state.save(update_fields=["noticed_up_to"])
    if not people:
        return 0
    subject = f"Summons: {meeting.committee.name}, {timezone.localtime(meeting.start):%-d %B %Y}"
    context = _meeting_context(meeting)

    def build(address, fields):
        msg = render("summons", subject, {**context, "person": fields["person"]})
        return msg

    return queue(
        key=f"summons:{meeting.pk}{key_suffix}",
        kind=Outbox.Kind.SUMMONS,
        recipients=[(p.email, {"person": p}) for p in people],
        build=build,
        meeting=meeting,
        requested_by=by,
    )


def summons_missing(meeting: Meeting, *, by) -> int:
    """Send the summons to the members who have not had it (an officer's button): a member
    who joined the committee, gave consent or was given an address after the agenda was
    published. Whoever had it is left alone (the summons key), and what members were last told
    (the snapshot of change notices) is not touched. Returns how many were queued."""
    if meeting.status != MeetingStatus.AGENDA_PUBLISHED or not visibility.is_meeting_public(
        meeting
    ):
        raise ValidationError(
            "The summons is sent only for a meeting whose agenda is published (not postponed "
            "or cancelled): nothing was sent."
        )
    if meeting.start <= timezone.now():
        raise ValidationError("The meeting has already started: nothing was sent.")
    return summons(meeting, by=by, record=False)


def _last_change(meeting: Meeting) -> int:
    return MeetingChange.all_objects.filter(meeting=meeting).aggregate(m=Max("pk"))["m"] or 0


def _notice_lines(events: list[MeetingChange]) -> list[dict]:
    """The events as the notice writes them: public text only. A change about an exempt or
    confidential item or its papers names the item's number and what kind of change it was,
    never a title (``meetings.changes.public_sentence``); the reader signs in to see it."""
    out = []
    for line in meeting_changes.lines(events):
        public = line.change.is_public
        text = meeting_changes.public_sentence(line.change, public=public)
        if public and line.pack:
            text += f". It is in the supplementary pack ({line.pack})."
        out.append(
            {
                "text": text,
                "url": absolute(line.url) if public else "",
                "link_text": line.link_text if public else "",
            }
        )
    return out


def changed(meeting: Meeting) -> int:
    """The change notice: the meeting's recorded changes (``meetings.changes``) after the last
    ones members were told of, by the summons or an earlier notice. A change recorded while
    this runs is left for the next notice (each ``meeting_changed`` queues one)."""
    with transaction.atomic():
        state, created = MeetingState.objects.select_for_update().get_or_create(meeting=meeting)
        last = _last_change(meeting)
        if created or state.noticed_up_to is None:
            # Members were never summoned through the portal: nothing to compare with.
            state.noticed_up_to = last
            state.save(update_fields=["noticed_up_to"])
            return 0
        events = list(
            MeetingChange.all_objects.filter(
                meeting=meeting, pk__gt=state.noticed_up_to, pk__lte=last
            )
            .exclude(kind=ChangeKind.AGENDA_PUBLISHED)
            .select_related("meeting", "report", "document")
            .order_by("pk")
        )
        state.noticed_up_to = last
        if not events:
            state.save(update_fields=["noticed_up_to"])
            return 0
        state.revision += 1
        state.save(update_fields=["noticed_up_to", "revision"])
        revision = state.revision
    people = members(meeting)
    if not people:
        return 0
    subject = (
        f"Change to the meeting: {meeting.committee.name}, "
        f"{timezone.localtime(meeting.start):%-d %B %Y}"
    )
    msg = render("change", subject, {**_meeting_context(meeting), "changes": _notice_lines(events)})
    return queue(
        key=f"change:{meeting.pk}:{revision}",
        kind=Outbox.Kind.CHANGE,
        recipients=[(p.email, {"person": p}) for p in people],
        message=msg,
        meeting=meeting,
    )


# --- public alerts ---------------------------------------------------------------------------


def _subscribers_for(committees, topic: str) -> list[Subscriber]:
    """Confirmed subscribers of ``topic`` for any of ``committees`` (or for every committee)."""
    # JSON "contains" is not on SQLite: filter the topics in Python there.
    wanted = Q(all_committees=True)
    pks = [c.pk for c in committees if c is not None]
    if pks:
        wanted |= Q(committees__in=pks)
    qs = Subscriber.objects.filter(confirmed_at__isnull=False).filter(wanted).distinct()
    return [s for s in qs.order_by("pk") if topic in s.topics]


def alert(meeting: Meeting, topic: str) -> int:
    day = f"{timezone.localtime(meeting.start):%-d %B %Y}"
    if topic == Topic.AGENDAS:
        subject = f"Agenda published: {meeting.committee.name}, {day}"
        url = link("meeting-detail", pk=meeting.pk)
        line = f"The agenda for {meeting.committee.name} on {day}"
    else:
        subject = f"Minutes published: {meeting.committee.name}, {day}"
        url = link("meeting-minutes", pk=meeting.pk)
        line = f"The minutes of {meeting.committee.name} on {day}"
    return publish_alert(
        topic=topic,
        committees=[meeting.committee],
        subject=subject,
        line=line,
        url=url,
        key=f"alert:{topic}:{meeting.pk}",
        meeting=meeting,
        agenda=_agenda(meeting) if topic == Topic.AGENDAS else [],
    )


def publish_alert(
    *,
    topic: str,
    committees,
    subject: str,
    line: str,
    url: str,
    key: str,
    sentence: str = "",
    meeting=None,
    agenda=(),
) -> int:
    """Tell the confirmed subscribers of ``topic`` for ``committee`` that something public
    appeared: at once, or in their next weekly digest. ``committees``: the committees it belongs
    to (subscribers to every committee hear of everything). ``line`` names it (the digest's
    entry); ``sentence`` is the immediate alert's first sentence ("<line> has been published."
    by default). The decisions app's events (``decision_events``) call this with public text
    only. ``key`` names the thing: an alert is sent once per key and address."""
    immediate, weekly = [], []
    for sub in _subscribers_for(committees, topic):
        (weekly if sub.frequency == Subscriber.Frequency.WEEKLY else immediate).append(sub)
    DigestEntry.objects.bulk_create(
        [DigestEntry(subscriber=s, key=key, line=line, url=url) for s in weekly],
        ignore_conflicts=True,
    )
    base = render(
        "alert",
        subject,
        {
            "topic": topic,
            "line": line,
            "sentence": sentence or f"{line} has been published.",
            "url": url,
            "agenda": list(agenda),
            "manage_url": "@@MANAGE@@",
            "unsubscribe_url": "@@UNSUBSCRIBE@@",
        },
    )
    by_address = {s.email: s for s in immediate}

    def build(address, fields):
        sub = by_address[address]
        manage = link("alerts-manage", token=subscriber_token(sub, "manage"))
        headers = unsubscribe_headers(sub)
        unsub = headers["List-Unsubscribe"][1:-1]
        return Message(
            subject=base.subject,
            text=base.text.replace("@@MANAGE@@", manage).replace("@@UNSUBSCRIBE@@", unsub),
            html=base.html.replace("@@MANAGE@@", manage).replace("@@UNSUBSCRIBE@@", unsub),
            headers=headers,
        )

    return queue(
        key=key,
        kind=Outbox.Kind.ALERT,
        recipients=[(s.email, {"subscriber": s}) for s in immediate],
        build=build,
        meeting=meeting,
    )


def minutes(meeting: Meeting) -> int:
    public = MinutesSet.all_objects.public().filter(meeting=meeting).first()
    if public is None:
        return 0
    with transaction.atomic():
        state, _ = MeetingState.objects.select_for_update().get_or_create(meeting=meeting)
        if public.pk in state.minutes_alerted:
            return 0
        state.minutes_alerted = [*state.minutes_alerted, public.pk]
        state.save(update_fields=["minutes_alerted"])
    return alert(meeting, Topic.MINUTES)
