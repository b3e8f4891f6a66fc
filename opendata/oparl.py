"""OParl 1.1 (https://oparl.org), read-only: the portal's public records as JSON objects.

Mapping: System; Body = ``scrutiny.Council``; LegislativeTerm = ``MunicipalYear``;
Organization = ``Committee``; Person; Membership; Meeting; AgendaItem; Paper = ``Report``;
File = ``Document``; Consultation (a report on an agenda item) and Location (a meeting's
venue) are derived objects.

Only public material: ``Meeting.objects``, ``Report.objects``, ``Document.objects``, agenda
items that are neither exempt nor confidential, active people. Lists are ordered by id and
paged by key (``after``), so a walk through a list never repeats or skips an object even
while records are added.

``created`` and ``modified`` come from ``opendata.records`` (``PublicRecord``): ``modified``
is when the object's public JSON last changed, embedded objects included (renaming an agenda
item re-stamps its meeting), and never moves for a change to a private field. With
``modified_since`` a list also carries ``{"id", "type", "created", "modified", "deleted":
true}`` for objects that were public once and have since been withdrawn or deleted; an
object that was never public never appears, not even as deleted. Every filter is parsed by
``ListQuery.from_request``, which rejects anything it cannot read exactly (400).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django.db.models import Prefetch, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from meetings.models import AgendaItem, Document, Meeting, MeetingStatus, Report
from opendata import decisions as decision_data
from opendata.models import PublicRecord
from scrutiny.models import Committee, Council, Membership, MunicipalYear, Person

OPARL = "https://schema.oparl.org/1.1/"
DEFAULT_LIMIT = 50
MAX_LIMIT = 200
LICENSE = "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"


class BadRequest(ValueError):
    pass


def local(value: dt.datetime) -> dt.datetime:
    """``value`` in the portal's time zone, or in UTC where that would leave the calendar
    (a stored 0001-01-01T00:00Z is 23:58:45 on 31 December of year 0 in London)."""
    try:
        return timezone.localtime(value)
    except (OverflowError, ValueError):
        return value.astimezone(dt.UTC)


def iso(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return local(value).replace(microsecond=0).isoformat()
    return value.isoformat()


def clean(data: dict) -> dict:
    """Drop empty values: OParl wants absent fields rather than nulls or empty URLs."""
    return {k: v for k, v in data.items() if v not in (None, "", [])}


# Base of the ids used only to compute digests (opendata.records): the digest must not
# depend on the host a request came through.
OFFLINE_BASE = "http://oparl.invalid"


@dataclass
class Api:
    """URL building and stamps for one answer.

    Ids are absolute URLs on the host the request came through (``Vary: Host`` on every
    answer; Django's ``ALLOWED_HOSTS`` bounds which hosts there can be). ``records`` maps
    ``(OParl type, pk)`` to the object's ``PublicRecord``; ``None`` means "no stamps" (the
    digest of the public JSON, see ``opendata.records``).
    """

    base: str
    cache: dict = field(default_factory=dict)
    records: dict | None = field(default_factory=dict)

    @classmethod
    def for_request(cls, request) -> Api:
        return cls(base=request.build_absolute_uri("/").rstrip("/"))

    @classmethod
    def offline(cls) -> Api:
        return cls(base=OFFLINE_BASE, records=None)

    def url(self, name: str, **kwargs) -> str:
        return self.base + reverse(name, kwargs=kwargs)

    def obj(self, kind: str, pk: int) -> str:
        return self.url("oparl-object", kind=kind, pk=pk)

    def web(self, obj) -> str:
        return self.base + obj.get_absolute_url()

    def body_id(self) -> int:
        if "body" not in self.cache:
            self.cache["body"] = Council.current()
        return self.cache["body"].pk or 0

    def body(self) -> str:
        return self.url("oparl-body", pk=self.body_id())

    def load_records(self, wanted: dict[str, Iterable[int]]) -> None:
        """Fetch the records of ``{OParl type: ids}`` in one query (once per page)."""
        if self.records is None:
            return
        query = Q()
        for kind, ids in wanted.items():
            ids = {pk for pk in ids if (kind, pk) not in self.records}
            if ids:
                query |= Q(kind=kind, object_id__in=ids)
        if query:
            for record in PublicRecord.objects.filter(query):
                self.records[(record.kind, record.object_id)] = record

    def stamps(self, kind: str, obj) -> dict:
        if self.records is None:
            return {}  # digest: stamps are not content
        record = self.records.get((kind, obj.pk))
        if record is None:  # not reconciled yet (a change committed a moment ago)
            return {"created": iso(obj.created_at), "modified": iso(obj.modified_at)}
        return {"created": iso(record.created), "modified": iso(record.modified)}


# --- Serialisers -----------------------------------------------------------------------


def system_json(api: Api) -> dict:
    council = Council.current()
    return clean(
        {
            "id": api.url("oparl-system"),
            "type": OPARL + "System",
            "oparlVersion": OPARL,
            "name": f"{council.name} committee papers",
            "body": api.url("oparl-body-list"),
            "license": council.open_data_licence_url or LICENSE,
            "contactEmail": council.email,
            "website": council.website,
            "web": api.base + reverse("home"),
        }
    )


def body_json(api: Api, council: Council) -> dict:
    pk = council.pk or 0
    lists = {
        name: api.url("oparl-body-collection", pk=pk, collection=name)
        for name in (
            "organization",
            "person",
            "meeting",
            "paper",
            "agendaItem",
            "file",
            "membership",
            "legislativeTermList",
        )
    }
    years = list(MunicipalYear.objects.order_by("start_date"))
    api.load_records({"LegislativeTerm": [t.pk for t in years]})
    terms = [term_json(api, year) for year in years]
    data = {
        "id": api.url("oparl-body", pk=pk),
        "type": OPARL + "Body",
        "system": api.url("oparl-system"),
        "name": council.name,
        "shortName": council.short_name,
        "website": council.website,
        "license": council.open_data_licence_url or LICENSE,
        "contactEmail": council.email,
        "contactName": "Democratic Services" if council.email or council.phone else None,
        "classification": "Local authority (England)",
        **lists,
        "legislativeTerm": terms,
        "web": api.base + reverse("home"),
    }
    if council.address:
        # The council's address (the settings page): an embedded Location of the Body.
        data["location"] = {
            "id": f"{data['id']}#location",
            "type": OPARL + "Location",
            "description": council.address,
        }
    if council.pk:
        api.load_records({"Body": [council.pk], "LegislativeTerm": [t.pk for t in years]})
        data.update(api.stamps("Body", council))
        if "location" in data:
            data["location"].update(api.stamps("Body", council))
    data = clean(data)
    data["legislativeTerm"] = terms  # required, even when empty
    return data


def term_json(api: Api, year: MunicipalYear) -> dict:
    return clean(
        {
            "id": api.obj("legislativeterm", year.pk),
            "type": OPARL + "LegislativeTerm",
            "body": api.body(),
            "name": year.name,
            "startDate": iso(year.start_date),
            "endDate": iso(year.end_date),
            **api.stamps("LegislativeTerm", year),
        }
    )


def organization_json(api: Api, committee: Committee) -> dict:
    return clean(
        {
            "id": api.obj("organization", committee.pk),
            "type": OPARL + "Organization",
            "body": api.body(),
            "name": committee.name,
            "shortName": committee.short_name,
            "organizationType": "committee",
            "classification": committee.get_kind_display(),
            "startDate": iso(committee.start_date),
            "endDate": iso(committee.end_date),
            "subOrganizationOf": (
                api.obj("organization", committee.parent_id) if committee.parent_id else None
            ),
            "meeting": api.url("oparl-organization-meetings", pk=committee.pk),
            "membership": [api.obj("membership", m.pk) for m in committee.public_memberships],
            "web": api.web(committee),
            **api.stamps("Organization", committee),
        }
    )


def membership_json(api: Api, membership: Membership) -> dict:
    return clean(
        {
            "id": api.obj("membership", membership.pk),
            "type": OPARL + "Membership",
            "person": api.obj("person", membership.person_id),
            "organization": api.obj("organization", membership.committee_id),
            "role": membership.get_role_display(),
            "votingRight": membership.voting,
            "startDate": iso(membership.start_date),
            "endDate": iso(membership.end_date),
            **api.stamps("Membership", membership),
        }
    )


def person_json(api: Api, person: Person) -> dict:
    parts = person.name.split()
    status = [person.get_kind_display()]
    status += [s for s in (person.job_title, person.organisation) if s]
    if person.party:
        status.append(f"Party: {person.party}")
    if person.ward:
        status.append(f"Ward: {person.ward}")
    return clean(
        {
            "id": api.obj("person", person.pk),
            "type": OPARL + "Person",
            "body": api.body(),
            "name": person.display_name,
            "familyName": parts[-1] if parts else "",
            "givenName": " ".join(parts[:-1]),
            "formOfAddress": person.title,
            "status": status,
            "membership": [membership_json(api, m) for m in person.memberships.all()],
            "web": api.web(person),
            **api.stamps("Person", person),
        }
    )


def location_json(api: Api, meeting: Meeting) -> dict:
    """A meeting's venue (derived: stamped like its meeting)."""
    return {
        "id": api.obj("location", meeting.pk),
        "type": OPARL + "Location",
        "description": meeting.venue,
        "meetings": [api.obj("meeting", meeting.pk)],
        **api.stamps("Meeting", meeting),
    }


MEETING_STATES = {
    MeetingStatus.SCHEDULED: "scheduled",
    MeetingStatus.AGENDA_PUBLISHED: "agenda published",
    MeetingStatus.HELD: "held",
    MeetingStatus.CANCELLED: "cancelled",
    MeetingStatus.POSTPONED: "postponed",
}


def meeting_json(api: Api, meeting: Meeting) -> dict:
    return clean(
        {
            "id": api.obj("meeting", meeting.pk),
            "type": OPARL + "Meeting",
            "name": str(meeting),
            "meetingState": MEETING_STATES.get(meeting.status, meeting.status),
            "cancelled": meeting.status in (MeetingStatus.CANCELLED, MeetingStatus.POSTPONED),
            "start": iso(meeting.start),
            "end": iso(meeting.end),
            "location": location_json(api, meeting) if meeting.venue else None,
            "organization": [api.obj("organization", meeting.committee_id)],
            "agendaItem": [agenda_item_json(api, item) for item in meeting.public_items],
            "web": api.web(meeting),
            **api.stamps("Meeting", meeting),
        }
    )


def agenda_item_json(api: Api, item: AgendaItem) -> dict:
    reports = list(item.public_reports)
    resolution = api.cache.get("resolutions", {}).get(item.pk)
    return clean(
        {
            "id": api.obj("agendaitem", item.pk),
            "type": OPARL + "AgendaItem",
            "meeting": api.obj("meeting", item.meeting_id),
            "number": item.number,
            "order": item.order,
            "name": item.title,
            "public": True,
            "consultation": api.obj("consultation", reports[0].pk) if reports else None,
            "resolutionText": resolution,
            "auxiliaryFile": [file_json(api, d) for d in item.public_documents],
            "web": api.web(item),
            **api.stamps("AgendaItem", item),
        }
    )


def consultation_json(api: Api, report: Report) -> dict:
    """A report on an agenda item (derived: stamped like its paper)."""
    item = report.agenda_item
    return {
        "id": api.obj("consultation", report.pk),
        "type": OPARL + "Consultation",
        "paper": api.obj("paper", report.pk),
        "agendaItem": api.obj("agendaitem", item.pk),
        "meeting": api.obj("meeting", item.meeting_id),
        "organization": [api.obj("organization", item.meeting.committee_id)],
        "authoritative": False,
        "role": "For consideration",
        **api.stamps("Paper", report),
    }


PAPER_TYPES = {
    Report.Source.AUTHORED: "Report",
    Report.Source.UPLOADED: "Report (uploaded)",
    Report.Source.GENERATED: "Report (generated)",
}


def paper_json(api: Api, report: Report) -> dict:
    author = report.author
    return clean(
        {
            "id": api.obj("paper", report.pk),
            "type": OPARL + "Paper",
            "body": api.body(),
            "name": report.title,
            "reference": report.forward_plan_reference or f"Report {report.pk}",
            "date": iso(local(report.agenda_item.meeting.start).date()),
            "paperType": PAPER_TYPES.get(report.source, "Report"),
            "mainFile": next(
                (
                    file_json(api, d)
                    for d in report.agenda_item.public_documents
                    if d.pk == report.document_id
                ),
                None,
            ),
            "originatorPerson": (
                [api.obj("person", author.pk)] if author is not None and author.is_active else []
            ),
            "consultation": [consultation_json(api, report)],
            "web": api.web(report),
            **api.stamps("Paper", report),
        }
    )


def decision_json(api: Api, decision) -> dict:
    """An executive decision (issue 17) as an OParl Paper: its own id space
    (``/decision/<pk>``), listed at ``/body/<pk>/decision``. A decision taken in private gives
    only its public record (name, reference, date, maker, that it was private and the
    paragraph); an open one also its text, reasons and public papers. Consultations are not
    used: a decision is the outcome, not a paper put to a meeting."""
    public = decision.is_public
    paper_type = "Executive decision" if public else "Executive decision (taken in private)"
    organizations = [api.obj("organization", decision.cabinet_id)] if decision.cabinet_id else []
    data = {
        "id": api.obj("decision", decision.pk),
        "type": OPARL + "Paper",
        "body": api.body(),
        "name": decision.title,
        "reference": decision.reference or f"Decision {decision.pk}",
        "date": iso(decision.decision_date),
        "paperType": paper_type,
        "originatorOrganization": organizations,
        "keyword": [decision.get_status_display()]
        + (
            [f"Exempt information: Schedule 12A paragraph {decision.exempt_paragraph}"]
            if not public
            else []
        ),
        "web": api.web(decision),
        **api.stamps("Decision", decision),
    }
    if public:
        data["auxiliaryFile"] = [file_json(api, d) for d in decision.public_documents] + [
            decision_data.delegated_report_json(api, r) for r in decision.public_delegated_reports
        ]
        data["description"] = decision.decision
    return clean(data)


def file_json(api: Api, document: Document) -> dict:
    item = document.agenda_item
    papers = api.cache.get("papers_by_document", {}).get(document.pk, [])
    return clean(
        {
            "id": api.obj("file", document.pk),
            "type": OPARL + "File",
            "name": document.title,
            "fileName": document.download_name,
            "mimeType": document.mime_type,
            "date": iso(local(document.created_at).date()),
            "size": document.size,
            "sha512Checksum": document.sha512,
            "text": document.text,
            "accessUrl": api.url("oparl-file-access", pk=document.pk),
            "downloadUrl": api.url("oparl-file-download", pk=document.pk),
            "meeting": [api.obj("meeting", item.meeting_id)],
            "agendaItem": [api.obj("agendaitem", item.pk)],
            "paper": [api.obj("paper", pk) for pk in papers],
            "fileLicense": LICENSE,
            "web": api.web(document),
            **api.stamps("File", document),
        }
    )


# --- Querysets: what is public, what is withdrawn -----------------------------------------


def public_items() -> QuerySet[AgendaItem]:
    return AgendaItem.objects.public()


def public_people() -> QuerySet[Person]:
    return Person.objects.public()


def public_memberships() -> QuerySet[Membership]:
    return Membership.objects.filter(person__is_active=True)


def _documents_prefetch() -> Prefetch:
    return Prefetch(
        "documents",
        queryset=Document.objects.select_related("agenda_item__meeting").order_by("order", "pk"),
        to_attr="public_documents",
    )


def _items_prefetch() -> Prefetch:
    return Prefetch(
        "items",
        queryset=public_items()
        .order_by("order", "pk")
        .prefetch_related(
            _documents_prefetch(),
            Prefetch(
                "reports", queryset=Report.objects.order_by("order", "pk"), to_attr="public_reports"
            ),
        ),
        to_attr="public_items",
    )


@dataclass
class Resource:
    kind: str  # the URL segment: /api/oparl/v1/<kind>/<pk>
    oparl_type: str  # also PublicRecord.kind
    public: Callable[[], QuerySet]  # public rows, ready to serialise
    serialize: Callable[[Api, Any], dict]


def _meetings():
    return Meeting.objects.select_related("committee").prefetch_related(_items_prefetch())


def _items():
    return public_items().prefetch_related(
        _documents_prefetch(),
        Prefetch(
            "reports", queryset=Report.objects.order_by("order", "pk"), to_attr="public_reports"
        ),
    )


def _papers():
    return Report.objects.select_related(
        "author", "agenda_item__meeting__committee"
    ).prefetch_related(
        Prefetch(
            "agenda_item__documents",
            queryset=Document.objects.select_related("agenda_item__meeting"),
            to_attr="public_documents",
        )
    )


def _decisions():
    from decisions.models import Decision

    return Decision.objects.select_related(
        "cabinet", "portfolio_holder__person", "officer"
    ).prefetch_related(
        Prefetch(
            "documents",
            queryset=Document.objects.select_related("agenda_item__meeting__committee"),
            to_attr="public_documents",
        ),
        Prefetch(
            "delegated_reports",
            queryset=decision_data.public_delegated_reports().order_by("pk"),
            to_attr="public_delegated_reports",
        ),
    )


def _files():
    return Document.objects.select_related("agenda_item__meeting__committee")


def _organizations():
    return Committee.objects.prefetch_related(
        Prefetch(
            "memberships",
            queryset=public_memberships().only("pk", "committee_id"),
            to_attr="public_memberships",
        )
    )


def _people():
    return public_people().prefetch_related(
        Prefetch("memberships", queryset=Membership.objects.order_by("start_date", "pk"))
    )


RESOURCES: dict[str, Resource] = {
    r.kind: r
    for r in [
        Resource("organization", "Organization", _organizations, organization_json),
        Resource("person", "Person", _people, person_json),
        Resource("membership", "Membership", lambda: public_memberships(), membership_json),
        Resource(
            "legislativeterm", "LegislativeTerm", lambda: MunicipalYear.objects.all(), term_json
        ),
        Resource("meeting", "Meeting", _meetings, meeting_json),
        Resource("agendaitem", "AgendaItem", _items, agenda_item_json),
        Resource("paper", "Paper", _papers, paper_json),
        Resource("file", "File", _files, file_json),
        # Issue 17: executive decisions, OParl Papers in an id space of their own.
        Resource("decision", "Decision", _decisions, decision_json),
        # The reports delegated decisions were taken on that were on no agenda: Files.
        Resource(
            "decisionfile",
            decision_data.DECISION_FILE_KIND,
            decision_data.public_delegated_reports,
            decision_data.delegated_report_json,
        ),
        # Validated call-ins: OParl Papers in an id space of their own (docs/decisions.md).
        Resource(
            "callin",
            decision_data.CALL_IN_KIND,
            decision_data.public_call_ins,
            decision_data.call_in_json,
        ),
    ]
}
BY_TYPE = {r.oparl_type: r for r in RESOURCES.values()}
# Derived objects: their URL answers with the stamps (and, once gone, the deletion) of the
# object they are derived from.
DERIVED = {"location": "Meeting", "consultation": "Paper"}
TYPE_NAMES = {"location": "Location", "consultation": "Consultation"} | {
    r.kind: r.oparl_type for r in RESOURCES.values()
}
TYPE_NAMES["decision"] = "Paper"  # its records are kind "Decision"; its OParl type is Paper
TYPE_NAMES["decisionfile"] = "File"  # records kind "DecisionFile"
TYPE_NAMES["callin"] = "Paper"  # records kind "CallIn"

# Body collections -> resource kinds.
BODY_COLLECTIONS = {
    "organization": "organization",
    "person": "person",
    "meeting": "meeting",
    "paper": "paper",
    "agendaItem": "agendaitem",
    "file": "file",
    "membership": "membership",
    "legislativeTermList": "legislativeterm",
    "decision": "decision",
    "callin": "callin",
}


def prepare_page(api: Api, resource: Resource, objects: list) -> None:
    """Batch look-ups the serialisers need, once per page (keeps query counts flat)."""
    documents: list[Document] = []
    item_ids: list[int] = []
    wanted: dict[str, list[int]] = {resource.oparl_type: [o.pk for o in objects]}
    if resource.kind == "file":
        documents = objects
    elif resource.kind == "meeting":
        for meeting in objects:
            for item in meeting.public_items:
                item_ids.append(item.pk)
                documents.extend(item.public_documents)
    elif resource.kind == "agendaitem":
        for item in objects:
            item_ids.append(item.pk)
            documents.extend(item.public_documents)
    elif resource.kind == "paper":
        for report in objects:
            documents.extend(
                d for d in report.agenda_item.public_documents if d.pk == report.document_id
            )
    elif resource.kind == "decision":
        for decision in objects:
            if decision.is_public:
                documents.extend(decision.public_documents)
                wanted.setdefault(decision_data.DECISION_FILE_KIND, []).extend(
                    r.pk for r in decision.public_delegated_reports
                )
    elif resource.kind == "person":
        wanted["Membership"] = [m.pk for p in objects for m in p.memberships.all()]
    if item_ids:
        wanted["AgendaItem"] = item_ids
    if documents:
        wanted["File"] = [d.pk for d in documents]
        by_doc: dict[int, list[int]] = {}
        for pk, doc_id in Report.objects.filter(
            document_id__in=[d.pk for d in documents]
        ).values_list("pk", "document_id"):
            by_doc.setdefault(doc_id, []).append(pk)
        api.cache["papers_by_document"] = by_doc
    if item_ids:
        from opendata import minutes

        api.cache["resolutions"] = minutes.resolution_texts(item_ids)
    api.load_records(wanted)


# --- Paging and filters ---------------------------------------------------------------

STAMP = re.compile(
    r"(?P<date>\d{4}-\d{2}-\d{2})"
    r"(?:T(?P<hour>\d{2}):(?P<minute>\d{2})(?::(?P<second>\d{2})(?:\.(?P<fraction>\d{1,6}))?)?"
    r"(?P<zone>Z|[+-]\d{2}:\d{2})?)?",
    re.ASCII,
)
# What every database the portal runs on can store and compare.
EARLIEST = dt.datetime(1, 1, 2, tzinfo=dt.UTC)
LATEST = dt.datetime(9999, 12, 30, tzinfo=dt.UTC)
FILTERS = ("created_since", "created_until", "modified_since", "modified_until")


def parse_stamp(value: str, name: str) -> dt.datetime:
    """One strict reading of an OParl date filter: ``YYYY-MM-DD`` or
    ``YYYY-MM-DDThh:mm[:ss[.ffffff]][Z|±hh:mm]`` (no zone: the portal's time zone), every
    field in range. Anything else is a ``BadRequest`` naming the parameter."""
    example = f"{name} must be an ISO 8601 date-time such as 2017-10-01T00:00:00Z"
    match = STAMP.fullmatch(value)
    if match is None:
        raise BadRequest(f"{example}; got {value!r}")
    try:
        day = dt.date.fromisoformat(match["date"])
        if match["hour"] is None:
            parsed = dt.datetime.combine(day, dt.time.min)
        else:
            fraction = (match["fraction"] or "0").ljust(6, "0")
            parsed = dt.datetime.combine(
                day,
                dt.time(
                    int(match["hour"]),
                    int(match["minute"]),
                    int(match["second"] or 0),
                    int(fraction),
                ),
            )
        zone = match["zone"]
        if zone == "Z":
            parsed = parsed.replace(tzinfo=dt.UTC)
        elif zone:
            hours, minutes = int(zone[1:3]), int(zone[4:6])
            if hours > 23 or minutes > 59:
                raise ValueError("offset out of range")
            offset = dt.timedelta(hours=hours, minutes=minutes)
            parsed = parsed.replace(tzinfo=dt.timezone(-offset if zone[0] == "-" else offset))
        else:
            parsed = timezone.make_aware(parsed)
    except (ValueError, OverflowError) as exc:
        raise BadRequest(f"{example}; {value!r} is not a real date and time") from exc
    try:
        parsed = parsed.astimezone(dt.UTC)
    except OverflowError:
        # A real date whose UTC equivalent falls before year 1 or after year 9999.
        parsed = None
    if parsed is None or not EARLIEST <= parsed <= LATEST:
        # The value is a real date; it is only outside what can be converted to UTC and
        # compared in the database (second outside review: the old message said "between
        # the years 1 and 9999" of a value in year 1).
        side = "past" if int(match["date"][:4]) < 5000 else "future"
        raise BadRequest(
            f"{name} {value!r} is too far in the {side} to compare (in UTC): use a date-time "
            f"from {EARLIEST.date().isoformat()} to {LATEST.date().isoformat()}"
        )
    return parsed


def parse_whole(value: str, name: str, *, minimum: int, maximum: int | None = None) -> int:
    if not re.fullmatch(r"\d{1,9}", value, re.ASCII):
        raise BadRequest(f"{name} must be a whole number; got {value!r}")
    number = int(value)
    if number < minimum or (maximum is not None and number > maximum):
        upper = f" and {maximum}" if maximum is not None else " or more"
        raise BadRequest(f"{name} must be between {minimum}{upper}; got {number}")
    return number


@dataclass
class ListQuery:
    limit: int = DEFAULT_LIMIT
    after: int = 0
    created_since: dt.datetime | None = None
    created_until: dt.datetime | None = None
    modified_since: dt.datetime | None = None
    modified_until: dt.datetime | None = None

    @classmethod
    def from_request(cls, get) -> ListQuery:
        """Every list parameter through one strict parser: a bad value is a 400, never
        clamped or ignored."""
        query = cls()
        for name, values in get.lists():
            if any("\x00" in v for v in values) or "\x00" in name:
                raise BadRequest(f"{name!r} must not contain NUL characters")
        if "limit" in get:
            query.limit = parse_whole(get["limit"], "limit", minimum=1, maximum=MAX_LIMIT)
        if "after" in get:
            query.after = parse_whole(get["after"], "after", minimum=0)
        if "page" in get and get["page"] != "1":
            raise BadRequest("page is not supported: follow links.next to page through a list")
        for name in FILTERS:
            if name in get:
                setattr(query, name, parse_stamp(get[name], name))
        return query

    def params(self, **override) -> str:
        values = {
            "created_since": iso(self.created_since),
            "created_until": iso(self.created_until),
            "modified_since": iso(self.modified_since),
            "modified_until": iso(self.modified_until),
            "limit": self.limit if self.limit != DEFAULT_LIMIT else None,
            "after": self.after or None,
        }
        values.update(override)
        return urlencode({k: v for k, v in values.items() if v})

    def created_filter(self, records: QuerySet) -> QuerySet:
        if self.created_since:
            records = records.filter(created__gte=self.created_since)
        if self.created_until:
            records = records.filter(created__lte=self.created_until)
        return records

    def live_records(self, oparl_type: str) -> QuerySet | None:
        """Records of public objects matching the filters (None: no filter given)."""
        if not any(getattr(self, name) for name in FILTERS):
            return None
        records = self.created_filter(
            PublicRecord.objects.filter(kind=oparl_type, withdrawn_at__isnull=True)
        )
        if self.modified_since:
            records = records.filter(modified__gte=self.modified_since)
        if self.modified_until:
            records = records.filter(modified__lte=self.modified_until)
        return records

    def deleted_records(self, oparl_type: str) -> QuerySet:
        """Once-public objects withdrawn or deleted within the modified window."""
        records = self.created_filter(
            PublicRecord.objects.filter(kind=oparl_type, withdrawn_at__gte=self.modified_since)
        )
        if self.modified_until:
            records = records.filter(withdrawn_at__lte=self.modified_until)
        return records


def deleted_json(api: Api, kind: str, pk: int, record: PublicRecord) -> dict:
    """OParl's deleted object: the stamps it had and the moment it left public view."""
    return {
        "id": api.obj(kind, pk),
        "type": OPARL + TYPE_NAMES[kind],
        "created": iso(record.created),
        "modified": iso(record.withdrawn_at or record.modified),
        "deleted": True,
    }


def list_page(
    api: Api,
    resource: Resource,
    query: ListQuery,
    *,
    scope: Q | None = None,
    deleted_scope: QuerySet | None = None,
    base_url: str,
) -> dict:
    """One page of a list: live objects and, with modified_since, once-public objects
    withdrawn or deleted since then, in id order."""
    live = resource.public()
    if scope is not None:
        live = live.filter(scope)
    records = query.live_records(resource.oparl_type)
    if records is not None:
        live = live.filter(pk__in=records.values("object_id"))
    total = live.count()
    rows: list[tuple[int, object]] = [
        (obj.pk, obj) for obj in live.filter(pk__gt=query.after).order_by("pk")[: query.limit + 1]
    ]
    if query.modified_since:
        gone = query.deleted_records(resource.oparl_type)
        if deleted_scope is not None:
            gone = gone.filter(object_id__in=deleted_scope)
        total += gone.count()
        rows += [
            (record.object_id, record)
            for record in gone.filter(object_id__gt=query.after).order_by("object_id")[
                : query.limit + 1
            ]
        ]
    rows.sort(key=lambda row: row[0])
    has_next = len(rows) > query.limit
    rows = rows[: query.limit]
    live_objects = [obj for _, obj in rows if not isinstance(obj, PublicRecord)]
    prepare_page(api, resource, live_objects)
    data = [
        deleted_json(api, resource.kind, pk, obj)
        if isinstance(obj, PublicRecord)
        else resource.serialize(api, obj)
        for pk, obj in rows
    ]
    links = {
        "first": _join(base_url, query.params(after=None)),
        "self": _join(base_url, query.params()),
    }
    if has_next and rows:
        links["next"] = _join(base_url, query.params(after=rows[-1][0]))
    return {
        "data": data,
        "pagination": {"totalElements": total, "elementsPerPage": query.limit},
        "links": links,
    }


def _join(url: str, params: str) -> str:
    return f"{url}?{params}" if params else url
