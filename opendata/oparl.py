"""OParl 1.1 (https://oparl.org), read-only: the portal's public records as JSON objects.

Mapping: System; Body = ``scrutiny.Council``; LegislativeTerm = ``MunicipalYear``;
Organization = ``Committee``; Person; Membership; Meeting; AgendaItem; Paper = ``Report``;
File = ``Document``; Consultation (a report on an agenda item) and Location (a meeting's
venue) are derived objects.

Only public material: ``Meeting.objects``, ``Report.objects``, ``Document.objects``, agenda
items that are neither exempt nor confidential, active people. Lists are ordered by id and
paged by key (``after``), so a walk through a list never repeats or skips an object even
while records are added. ``created_since/until`` and ``modified_since/until`` filter lists;
with ``modified_since`` a list also carries ``{"id", "type", "deleted": true}`` for objects
deleted (``Tombstone``) or withdrawn from public view since then.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django.db.models import Prefetch, Q, QuerySet
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from meetings.models import AgendaItem, Document, Meeting, MeetingStatus, Report
from opendata.models import Tombstone
from scrutiny.models import Committee, Council, Membership, MunicipalYear, Person

OPARL = "https://schema.oparl.org/1.1/"
DEFAULT_LIMIT = 50
MAX_LIMIT = 200
LICENSE = "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"


class BadRequest(ValueError):
    pass


def iso(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).replace(microsecond=0).isoformat()
    return value.isoformat()


def clean(data: dict) -> dict:
    """Drop empty values: OParl wants absent fields rather than nulls or empty URLs."""
    return {k: v for k, v in data.items() if v not in (None, "", [])}


@dataclass
class Api:
    """URL building for one request (ids are absolute URLs)."""

    request: object
    cache: dict = field(default_factory=dict)

    def url(self, name: str, **kwargs) -> str:
        return self.request.build_absolute_uri(reverse(name, kwargs=kwargs))

    def obj(self, kind: str, pk: int) -> str:
        return self.url("oparl-object", kind=kind, pk=pk)

    def web(self, obj) -> str | None:
        try:
            return self.request.build_absolute_uri(obj.get_absolute_url())
        except NoReverseMatch:
            return None

    def body_id(self) -> int:
        if "body" not in self.cache:
            self.cache["body"] = Council.current()
        return self.cache["body"].pk or 0

    def body(self) -> str:
        return self.url("oparl-body", pk=self.body_id())

    def stamps(self, obj) -> dict:
        return {"created": iso(obj.created_at), "modified": iso(obj.modified_at)}


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
            "license": LICENSE,
            "contactEmail": council.email,
            "website": council.website,
            "web": api.request.build_absolute_uri(reverse("home")),
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
    terms = [term_json(api, year) for year in MunicipalYear.objects.order_by("start_date")]
    data = {
        "id": api.url("oparl-body", pk=pk),
        "type": OPARL + "Body",
        "system": api.url("oparl-system"),
        "name": council.name,
        "shortName": council.short_name,
        "website": council.website,
        "license": LICENSE,
        "contactEmail": council.email,
        "classification": "Local authority (England)",
        **lists,
        "legislativeTerm": terms,
        "web": api.request.build_absolute_uri(reverse("home")),
    }
    if council.pk:
        data.update(api.stamps(council))
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
            **api.stamps(year),
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
            **api.stamps(committee),
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
            **api.stamps(membership),
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
            "formOfAddress": person.honorific,
            "status": status,
            "membership": [membership_json(api, m) for m in person.memberships.all()],
            "web": api.web(person),
            **api.stamps(person),
        }
    )


def location_json(api: Api, meeting: Meeting) -> dict:
    return {
        "id": api.obj("location", meeting.pk),
        "type": OPARL + "Location",
        "description": meeting.venue,
        "meetings": [api.obj("meeting", meeting.pk)],
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
            **api.stamps(meeting),
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
            **api.stamps(item),
        }
    )


def consultation_json(api: Api, report: Report) -> dict:
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
            "date": iso(report.agenda_item.meeting.date),
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
            **api.stamps(report),
        }
    )


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
            "date": iso(timezone.localtime(document.created_at).date()),
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
            **api.stamps(document),
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
        queryset=Document.objects.select_related("agenda_item").order_by("order", "pk"),
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
    oparl_type: str  # also the Tombstone.oparl_type of deleted rows
    public: Callable[[], QuerySet]  # public rows, ready to serialise
    withdrawn: Callable[[], QuerySet] | None  # existing rows no longer public
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
    return Report.objects.select_related("author", "agenda_item__meeting").prefetch_related(
        Prefetch(
            "agenda_item__documents",
            queryset=Document.objects.select_related("agenda_item"),
            to_attr="public_documents",
        )
    )


def _files():
    return Document.objects.select_related("agenda_item")


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
        Resource("organization", "Organization", _organizations, None, organization_json),
        Resource(
            "person",
            "Person",
            _people,
            lambda: Person.objects.filter(is_active=False),
            person_json,
        ),
        Resource(
            "membership",
            "Membership",
            lambda: public_memberships(),
            lambda: Membership.objects.filter(person__is_active=False),
            membership_json,
        ),
        Resource(
            "legislativeterm",
            "LegislativeTerm",
            lambda: MunicipalYear.objects.all(),
            None,
            term_json,
        ),
        Resource(
            "meeting",
            "Meeting",
            _meetings,
            lambda: Meeting.all_objects.filter(published_at__isnull=True),
            meeting_json,
        ),
        Resource(
            "agendaitem",
            "AgendaItem",
            _items,
            lambda: AgendaItem.all_objects.filter(
                Q(meeting__published_at__isnull=True) | Q(is_exempt=True) | Q(is_confidential=True)
            ),
            agenda_item_json,
        ),
        Resource(
            "paper",
            "Paper",
            _papers,
            lambda: Report.all_objects.exclude(pk__in=Report.objects.values("pk")),
            paper_json,
        ),
        Resource(
            "file",
            "File",
            _files,
            lambda: Document.all_objects.exclude(pk__in=Document.objects.values("pk")),
            file_json,
        ),
    ]
}

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
}


def prepare_page(api: Api, resource: Resource, objects: list) -> None:
    """Batch look-ups the serialisers need, once per page (keeps query counts flat)."""
    documents: list[Document] = []
    item_ids: list[int] = []
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
    if documents:
        by_doc: dict[int, list[int]] = {}
        for pk, doc_id in Report.objects.filter(
            document_id__in=[d.pk for d in documents]
        ).values_list("pk", "document_id"):
            by_doc.setdefault(doc_id, []).append(pk)
        api.cache["papers_by_document"] = by_doc
    if item_ids:
        from opendata import minutes

        api.cache["resolutions"] = minutes.resolution_texts(item_ids)


# --- Paging and filters ---------------------------------------------------------------


def _parse_stamp(value: str, name: str) -> dt.datetime:
    parsed = parse_datetime(value)
    if parsed is None:
        day = parse_date(value)
        if day is None:
            raise BadRequest(
                f"{name} must be an ISO 8601 date-time, for example 2017-10-01T00:00:00Z"
            )
        parsed = dt.datetime.combine(day, dt.time.min)
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed)
    return parsed


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
        query = cls()
        try:
            query.limit = min(max(int(get.get("limit", DEFAULT_LIMIT)), 1), MAX_LIMIT)
            query.after = max(int(get.get("after", 0)), 0)
        except ValueError as exc:
            raise BadRequest("limit and after must be whole numbers") from exc
        for name in ("created_since", "created_until", "modified_since", "modified_until"):
            if get.get(name):
                setattr(query, name, _parse_stamp(get[name], name))
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

    def stamp_filter(self, qs: QuerySet) -> QuerySet:
        if self.created_since:
            qs = qs.filter(created_at__gte=self.created_since)
        if self.created_until:
            qs = qs.filter(created_at__lte=self.created_until)
        if self.modified_since:
            qs = qs.filter(modified_at__gte=self.modified_since)
        if self.modified_until:
            qs = qs.filter(modified_at__lte=self.modified_until)
        return qs


def deleted_json(api: Api, resource: Resource, pk: int, when) -> dict:
    return clean(
        {
            "id": api.obj(resource.kind, pk),
            "type": OPARL + resource.oparl_type,
            "deleted": True,
            "modified": iso(when),
        }
    )


def list_page(
    api: Api, resource: Resource, query: ListQuery, *, scope: Q | None = None, base_url: str
) -> dict:
    """One page of a list: live objects and, with modified_since, deleted ones, by id."""
    live = query.stamp_filter(resource.public())
    if scope is not None:
        live = live.filter(scope)
    total = live.count()
    rows: list[tuple[int, object]] = [
        (obj.pk, obj) for obj in live.filter(pk__gt=query.after).order_by("pk")[: query.limit + 1]
    ]
    if query.modified_since:
        tombs = Tombstone.objects.filter(
            oparl_type=resource.oparl_type, deleted_at__gte=query.modified_since
        )
        if query.modified_until:
            tombs = tombs.filter(deleted_at__lte=query.modified_until)
        total += tombs.count()
        rows += [
            (t.object_id, ("deleted", t.deleted_at))
            for t in tombs.filter(object_id__gt=query.after).order_by("object_id")[
                : query.limit + 1
            ]
        ]
        if resource.withdrawn is not None:
            gone = query.stamp_filter(resource.withdrawn())
            if scope is not None:
                gone = gone.filter(scope)
            total += gone.count()
            rows += [
                (pk, ("deleted", modified))
                for pk, modified in gone.filter(pk__gt=query.after)
                .order_by("pk")
                .values_list("pk", "modified_at")[: query.limit + 1]
            ]
    rows.sort(key=lambda row: row[0])
    has_next = len(rows) > query.limit
    rows = rows[: query.limit]
    live_objects = [obj for _, obj in rows if not isinstance(obj, tuple)]
    prepare_page(api, resource, live_objects)
    data = [
        deleted_json(api, resource, pk, obj[1])
        if isinstance(obj, tuple)
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
