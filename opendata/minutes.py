"""Minutes and resolutions in search, the minutes feed and the API.

Everything is read through ``meetings.minutes.selectors``' public functions: minutes that
are published ("to be approved") or approved, of published meetings, and never the minute
of an exempt or confidential item (its s100C public summary is left out of search too).

This module listens to ``post_save`` of ``MinutesSet`` and ``Minute`` and, after commit,
enqueues the same ``refresh_meeting`` task the meetings signals do; the minutes services also
send ``meeting_changed`` (``sender=MinutesSet``) for changes made with ``QuerySet.update()``.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.db.models import Q
from django.db.models.signals import post_delete, post_save
from django.urls import reverse

from meetings.minutes import selectors
from meetings.minutes.models import (
    PUBLIC_MINUTES_STATUSES,
    Minute,
    MinutesSet,
    MinutesStatus,
    Resolution,
)
from meetings.models import AgendaItem, Meeting
from scrutiny import bulk


def resolution_texts(item_ids: list[int]) -> dict[int, str]:
    """Public resolution text per agenda item id (published or approved minutes only)."""
    found = selectors.resolutions_for_items(item_ids)
    return {
        item_id: "\n".join(f"{r.number}) {r.text}" for r in resolutions)
        for item_id, resolutions in found.items()
    }


def _minutes_url(meeting_id: int, anchor: str = "") -> str:
    return reverse("meeting-minutes", kwargs={"pk": meeting_id}) + anchor


def search_rows(meeting: Meeting, public_items: list[AgendaItem]) -> Iterable[dict]:
    """Search rows for the public minutes and resolutions of ``meeting``."""
    from opendata.indexing import MAX_BODY, clean_text
    from opendata.models import SearchDocument

    item_ids = [i.pk for i in public_items]
    minutes = selectors.public_minutes().filter(agenda_item_id__in=item_ids)
    for minute in minutes:
        label = f"Minute {minute.number}" if minute.number else "Minute"
        yield {
            "kind": SearchDocument.Kind.MINUTES,
            "object_id": minute.pk,
            "agenda_item_id": minute.agenda_item_id,
            "title": f"{label}: {minute.agenda_item.title}"[:400],
            "summary": minute.get_outcome_display(),
            "body": clean_text(minute.text)[:MAX_BODY],
            "url": _minutes_url(meeting.pk, f"#minute-{minute.pk}"),
        }
    resolutions = selectors.public_resolutions().filter(minute__agenda_item_id__in=item_ids)
    for resolution in resolutions:
        minute = resolution.minute
        label = f"Minute {minute.number}" if minute.number else "Minute"
        yield {
            "kind": SearchDocument.Kind.RESOLUTION,
            "object_id": resolution.pk,
            "agenda_item_id": minute.agenda_item_id,
            "title": f"Resolution {resolution.number}, {label}: {minute.agenda_item.title}"[:400],
            "summary": "",
            "body": clean_text(resolution.text)[:MAX_BODY],
            "url": _minutes_url(meeting.pk, f"#minute-{minute.pk}"),
        }


def feed_entries(committee, since=None, until=None) -> list:
    """Minutes feed entries: one when minutes are published, one when they are approved; the
    latest, or those dated in ``[since, until)`` (an archived month, ``opendata.feeds``)."""
    from opendata.feeds import FEED_LENGTH, FeedEntry, tag_uri

    sets = selectors.public_minutes_sets()
    if committee is not None:
        sets = sets.filter(meeting__committee=committee)
    sets = sets.order_by("-published_at", "-pk")
    if since is not None:
        sets = sets.filter(
            Q(published_at__gte=since, published_at__lt=until)
            | Q(approved_at__gte=since, approved_at__lt=until)
        )
    else:
        sets = sets[:FEED_LENGTH]
    entries = []

    def dated(at) -> bool:
        return since is None or since <= at < until

    for minutes in sets:
        meeting = minutes.meeting
        link = _minutes_url(meeting.pk) or meeting.get_absolute_url()
        if dated(minutes.published_at):
            entries.append(
                FeedEntry(
                    guid=tag_uri("minutes", minutes.pk),
                    title=f"Minutes published (to be approved): {meeting}",
                    link=link,
                    description=f"The minutes of the {meeting} were published. "
                    "They are a draft until the committee approves them.",
                    published=minutes.published_at,
                    updated=minutes.published_at,
                    committee=meeting.committee.name,
                )
            )
        approved = minutes.status == MinutesStatus.APPROVED and minutes.approved_at
        if approved and dated(minutes.approved_at):
            entries.append(
                FeedEntry(
                    guid=tag_uri("minutes-approved", minutes.pk),
                    title=f"Minutes approved: {meeting}",
                    link=link,
                    description=f"The minutes of the {meeting} were approved as a correct record.",
                    published=minutes.approved_at,
                    updated=max(minutes.approved_at, minutes.modified_at),
                    committee=meeting.committee.name,
                )
            )
    return entries


def _meeting_of(instance) -> tuple[int, str] | None:
    if isinstance(instance, MinutesSet):
        return instance.meeting_id, instance.status
    if isinstance(instance, Minute):
        minutes = MinutesSet.all_objects.filter(pk=instance.minutes_id).values_list(
            "meeting_id", "status"
        )
        return minutes.first()
    return None


def on_minutes_saved(sender, instance, **kwargs):
    if kwargs.get("raw"):
        return  # fixtures and restores load rows as they were; nothing to re-index here
    if bulk.deferred():
        return  # a bulk writer does this once a meeting: on_meeting_written
    found = _meeting_of(instance)
    if found is None or found[1] not in PUBLIC_MINUTES_STATUSES:
        return  # draft minutes are not public: nothing to index yet
    _queue_refresh(found[0])


def _queue_refresh(meeting_id: int) -> None:
    def enqueue():
        from opendata.tasks import refresh_meeting
        from scrutiny import bulk

        bulk.enqueue(refresh_meeting, meeting_id)  # once a batch of an import

    transaction.on_commit(enqueue)


def record_rows(meeting_id: int) -> dict:
    """The public minutes of a meeting as a public record (what the minutes feed shows;
    their resolutions are in the agenda items' OParl JSON)."""
    return {
        ("Minutes", minutes.pk): (
            minutes.created_at,
            {
                "status": minutes.status,
                "published_at": minutes.published_at,
                "approved_at": minutes.approved_at,
                "modified_at": minutes.modified_at,
                "meeting": str(minutes.meeting),
            },
        )
        for minutes in selectors.public_minutes_sets().filter(meeting_id=meeting_id)
    }


def _record_meeting_id(instance) -> int | None:
    if isinstance(instance, MinutesSet):
        return instance.meeting_id
    if isinstance(instance, Minute):
        return (
            AgendaItem.all_objects.filter(pk=instance.agenda_item_id)
            .values_list("meeting_id", flat=True)
            .first()
        )
    if isinstance(instance, Resolution):
        return (
            Minute.objects.filter(pk=instance.minute_id)
            .values_list("agenda_item__meeting_id", flat=True)
            .first()
        )
    return None


def on_minutes_changed(sender, instance, **kwargs):
    """Any change to minutes may change what the public sees (the feed, resolution texts):
    queue the meeting's public records to be compared again."""
    from opendata.records import mark_dirty, meeting_root

    if kwargs.get("raw"):
        return  # loaddata/restore: the public records come from the same data
    if bulk.deferred():
        return  # a bulk writer marks the meeting once (opendata.receivers.on_meeting_written)
    meeting_id = _record_meeting_id(instance)
    if meeting_id is not None:
        mark_dirty([meeting_root(meeting_id)])


def on_meeting_written(meeting_id: int) -> None:
    """What ``on_minutes_saved`` does for a meeting's minutes saved in bulk, once: if they are
    public, queue the meeting's search refresh (``scrutiny.bulk``)."""
    statuses = MinutesSet.all_objects.filter(meeting_id=meeting_id).values_list("status", flat=True)
    if any(status in PUBLIC_MINUTES_STATUSES for status in statuses):  # as on_minutes_saved
        _queue_refresh(meeting_id)


def register() -> None:
    """Plug minutes into the search index, the minutes feed and HTTP caching."""
    from opendata import feeds, http, indexing, records

    if search_rows not in indexing.MINUTES_PROVIDERS:
        indexing.MINUTES_PROVIDERS.append(search_rows)
    if feed_entries not in feeds.MINUTES_ENTRY_PROVIDERS:
        feeds.MINUTES_ENTRY_PROVIDERS.append(feed_entries)
    for model in (MinutesSet, Minute):
        if (model, "modified_at") not in http.WATCHED:
            http.WATCHED.append((model, "modified_at"))
    if record_rows not in records.MEETING_PROVIDERS:
        records.MEETING_PROVIDERS.append(record_rows)
    for model in (MinutesSet, Minute, Resolution):
        name = model.__name__
        post_save.connect(on_minutes_changed, sender=model, dispatch_uid=f"opendata-rec-{name}")
        post_delete.connect(on_minutes_changed, sender=model, dispatch_uid=f"opendata-del-{name}")
    post_save.connect(on_minutes_saved, sender=MinutesSet, dispatch_uid="opendata-minutes-set")
    post_save.connect(on_minutes_saved, sender=Minute, dispatch_uid="opendata-minute")
    bulk.on_meeting_written(on_meeting_written)
