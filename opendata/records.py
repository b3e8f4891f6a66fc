"""The public record: which open data objects have been public, when their public form last
changed, and when they left public view.

Why: the API's ``modified``, its ``deleted: true`` objects and the ``Last-Modified`` of every
feed and API answer must describe what the *public* saw, nothing else:

- an object that was never public (exempt, confidential, a draft meeting's item, a paper of
  an unpublished meeting) has no ``PublicRecord``: it never appears, not as deleted either;
- ``modified`` moves when the object's public JSON changes, embedded objects included (an
  agenda item renamed re-stamps its meeting), and never for a change to a private field;
- an object that stops being public (made exempt, meeting unpublished, deleted) keeps its
  record with ``withdrawn_at``: the API answers it as a deleted object.

How: every save or delete of a model the API, the feeds or the calendars read writes a
``DirtyRoot`` row in the same transaction (``opendata.receivers``), naming the meeting it
belongs to or ``global`` (committees, people, memberships, terms, the council). Before
answering, every API, feed and calendar view calls ``ensure_fresh()``, which compares the
public JSON of each dirty root with the stored digests and writes the differences. The
first call on a database builds every record (``RecordState.seeded_at``);
``manage.py rebuild_public_records`` does it again on demand.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable, Iterable

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from meetings.models import Meeting, Report
from opendata import decisions as decision_data
from opendata import oparl
from opendata.models import CalendarEntry, DirtyRoot, PublicRecord, RecordState
from scrutiny.models import Council

GLOBAL = "global"
# Executive decisions (issue 17) are no meeting's and not council-wide: a root of their own.
DECISIONS = "decisions"
DECISION_KIND = "Decision"
GLOBAL_KINDS = ("Body", "Organization", "Person", "Membership", "LegislativeTerm")
# Extra public rows of a meeting (minutes, for the feeds), registered by opendata.minutes:
# each provider returns {(kind, pk): (created, public dict)} for a meeting id.
MEETING_PROVIDERS: list[Callable[[int], dict]] = []

Snapshot = dict[tuple[str, int], tuple[dt.datetime, dict]]


def meeting_root(meeting_id: int) -> str:
    return f"meeting:{meeting_id}"


def mark_dirty(roots: Iterable[str]) -> None:
    """Queue roots to be compared again (inside the caller's transaction)."""
    rows = [DirtyRoot(root=root) for root in set(roots)]
    if rows:
        DirtyRoot.objects.bulk_create(rows)


def digest(data) -> str:
    """A hash of public content: the stamps are left out, they are not content."""

    def strip(value):
        if isinstance(value, dict):
            return {k: strip(v) for k, v in value.items() if k not in ("created", "modified")}
        if isinstance(value, list):
            return [strip(v) for v in value]
        return value

    text = json.dumps(strip(data), sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def _page(resource_kind: str, objects: list) -> list[tuple[object, dict]]:
    api = oparl.Api.offline()
    resource = oparl.RESOURCES[resource_kind]
    oparl.prepare_page(api, resource, objects)
    return [(obj, resource.serialize(api, obj)) for obj in objects]


def meeting_snapshot(meeting_id: int) -> Snapshot:
    """Every public object of one meeting, with what the API, the feeds and the calendars
    show of it."""
    out: Snapshot = {}
    meetings = list(oparl.RESOURCES["meeting"].public().filter(pk=meeting_id))
    sequence = (
        CalendarEntry.objects.filter(meeting_id=meeting_id).values_list("sequence", flat=True)
    ).first()
    for meeting, data in _page("meeting", meetings):
        data["_shown"] = [meeting.status_notice, meeting.webcast_url, sequence]
        out[("Meeting", meeting.pk)] = (meeting.created_at, data)
    items = list(oparl.RESOURCES["agendaitem"].public().filter(meeting_id=meeting_id))
    for item, data in _page("agendaitem", items):
        out[("AgendaItem", item.pk)] = (item.created_at, data)
    papers = list(oparl.RESOURCES["paper"].public().filter(agenda_item__meeting_id=meeting_id))
    for report, data in _page("paper", papers):
        meeting = report.agenda_item.meeting
        # What the papers feed shows besides the API.
        data["_shown"] = [
            report.purpose,
            str(meeting),
            str(report.agenda_item),
            meeting.published_at,
        ]
        out[("Paper", report.pk)] = (report.created_at, data)
    files = list(oparl.RESOURCES["file"].public().filter(agenda_item__meeting_id=meeting_id))
    for document, data in _page("file", files):
        meeting = document.agenda_item.meeting
        data["_shown"] = [str(meeting), str(document.agenda_item), meeting.published_at]
        out[("File", document.pk)] = (document.created_at, data)
    for provider in MEETING_PROVIDERS:
        out.update(provider(meeting_id))
    return out


def global_snapshot() -> Snapshot:
    out: Snapshot = {}
    council = Council.objects.order_by("pk").first()
    if council is not None:
        api = oparl.Api.offline()
        out[("Body", council.pk)] = (council.created_at, oparl.body_json(api, council))
    for kind, oparl_type in (
        ("organization", "Organization"),
        ("person", "Person"),
        ("membership", "Membership"),
        ("legislativeterm", "LegislativeTerm"),
    ):
        objects = list(oparl.RESOURCES[kind].public().order_by("pk"))
        for obj, data in _page(kind, objects):
            out[(oparl_type, obj.pk)] = (obj.created_at, data)
    return out


def decisions_snapshot() -> Snapshot:
    """Every published decision, with what the API and the decisions feed show of it (a
    private one: its public record only, as ``oparl.decision_json`` gives it)."""
    objects = list(oparl.RESOURCES["decision"].public().order_by("pk"))
    out: Snapshot = {}
    for decision, data in _page("decision", objects):
        data["_shown"] = [decision.published_at]
        out[(DECISION_KIND, decision.pk)] = (decision.created_at, data)
    out.update(decision_data.snapshot())
    return out


def reconcile(root: str, now: dt.datetime) -> set[str]:
    """Bring the records of ``root`` in line with what is public now. Returns the roots
    whose public JSON depends on what changed here (a committee's name is in its meetings'
    names, a person's being public in their papers' authors)."""
    if root == GLOBAL:
        meeting_id = None
        snapshot = global_snapshot()
        existing = PublicRecord.objects.filter(meeting_id__isnull=True, kind__in=GLOBAL_KINDS)
    elif root == DECISIONS:
        meeting_id = None
        snapshot = decisions_snapshot()
        existing = PublicRecord.objects.filter(kind__in=(DECISION_KIND, *decision_data.KINDS))
    else:
        meeting_id = int(root.split(":", 1)[1])
        snapshot = meeting_snapshot(meeting_id)
        existing = PublicRecord.objects.filter(meeting_id=meeting_id)
    records = {(r.kind, r.object_id): r for r in existing}
    changed: list[tuple[str, int]] = []
    for key, (created, data) in snapshot.items():
        value = digest(data)
        record = records.pop(key, None)
        if record is None:
            record = PublicRecord.objects.filter(kind=key[0], object_id=key[1]).first()
        if record is None:
            PublicRecord.objects.create(
                kind=key[0],
                object_id=key[1],
                meeting_id=meeting_id,
                created=created,
                modified=now,
                digest=value,
            )
            changed.append(key)
        elif record.digest != value or record.withdrawn_at or record.meeting_id != meeting_id:
            record.digest = value
            record.modified = now
            record.withdrawn_at = None
            record.meeting_id = meeting_id
            record.save(update_fields=["digest", "modified", "withdrawn_at", "meeting_id"])
            changed.append(key)
    for key, record in records.items():
        if record.withdrawn_at is None:
            record.withdrawn_at = now
            record.save(update_fields=["withdrawn_at"])
            changed.append(key)
    return _dependants(changed) if root == GLOBAL else set()


def _dependants(changed: list[tuple[str, int]]) -> set[str]:
    committees = [pk for kind, pk in changed if kind == "Organization"]
    people = [pk for kind, pk in changed if kind == "Person"]
    meeting_ids: set[int] = set()
    if committees:
        meeting_ids |= set(
            Meeting.objects.filter(committee_id__in=committees).values_list("pk", flat=True)
        )
    if people:
        meeting_ids |= set(
            Report.objects.filter(author_id__in=people).values_list(
                "agenda_item__meeting_id", flat=True
            )
        )
    return {meeting_root(pk) for pk in meeting_ids}


def _state_for_update() -> RecordState:
    try:
        return RecordState.objects.select_for_update().get(pk=1)
    except RecordState.DoesNotExist:
        try:
            with transaction.atomic():
                RecordState.objects.create(pk=1)
        except IntegrityError:
            pass  # another process created it first
        return RecordState.objects.select_for_update().get(pk=1)


def ensure_fresh(*, rebuild: bool = False) -> None:
    """Apply every queued change to the public records (cheap when nothing is queued)."""
    if not rebuild:
        state = RecordState.objects.filter(pk=1).values_list("seeded_at", flat=True).first()
        if state is not None and not DirtyRoot.objects.exists():
            return
    with transaction.atomic():
        state = _state_for_update()  # one process at a time rebuilds
        now = timezone.now()
        roots: set[str] = set()
        if rebuild or state.seeded_at is None:
            roots.update((GLOBAL, DECISIONS))
            ids = set(Meeting.objects.values_list("pk", flat=True))
            ids |= set(
                PublicRecord.objects.filter(meeting_id__isnull=False).values_list(
                    "meeting_id", flat=True
                )
            )
            roots |= {meeting_root(pk) for pk in ids}
        dirty = list(DirtyRoot.objects.values_list("pk", "root"))
        roots |= {root for _, root in dirty}
        done: set[str] = set()
        # The council-wide records first: they say which meetings depend on them.
        queue = sorted(roots, key=lambda r: (r != GLOBAL, r))
        while queue:
            root = queue.pop(0)
            if root in done:
                continue
            done.add(root)
            queue.extend(sorted(reconcile(root, now) - done))
        if dirty:
            # By id: a row committed meanwhile is left for the next call.
            DirtyRoot.objects.filter(pk__in=[pk for pk, _ in dirty]).delete()
        if state.seeded_at is None or rebuild:
            state.seeded_at = now
            state.save(update_fields=["seeded_at"])


def public_last_modified() -> dt.datetime | None:
    """The last time anything public changed, appeared or was withdrawn: the
    ``Last-Modified`` of every feed and API answer. Private rows never move it."""
    stamps = PublicRecord.objects.aggregate(changed=Max("modified"), gone=Max("withdrawn_at"))
    values = [v for v in stamps.values() if v is not None]
    return max(values) if values else None
