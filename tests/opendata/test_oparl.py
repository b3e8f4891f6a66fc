"""The OParl 1.1 API: every object validates against the published schema, lists page
without duplicates or gaps, deletions show up, and no exempt word ever appears."""

from __future__ import annotations

import hashlib
import json
import os
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.urls import reverse
from jsonschema import Draft4Validator, FormatChecker

from meetings.models import AgendaItem, Document, Meeting, Report
from opendata.models import PublicRecord
from scrutiny.models import Committee, Council, Membership, MunicipalYear, Person
from tests.factories import PersonFactory
from tests.factories.meetings import AgendaItemFactory, DocumentFactory, ReportFactory
from tests.factories.opendata import CANARY

SCHEMA_DIR = Path(
    os.environ.get("OPARL_SCHEMA_DIR")
    or Path(__file__).resolve().parents[2] / ".." / "shared" / "oparl-1.1-schema"
)
OPARL = "https://schema.oparl.org/1.1/"


def _schemas() -> dict[str, dict]:
    if not SCHEMA_DIR.is_dir():
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"The OParl schema folder {SCHEMA_DIR} is missing in CI")
        pytest.skip(f"The OParl schema folder {SCHEMA_DIR} is not present")
    return {p.stem: json.loads(p.read_text()) for p in SCHEMA_DIR.glob("*.json")}


FORMATS = FormatChecker()


@FORMATS.checks("url")
def _is_url(value) -> bool:
    parts = urlsplit(value)
    return parts.scheme in {"http", "https"} and bool(parts.netloc)


@FORMATS.checks("date-time")
def _is_datetime(value) -> bool:
    return bool(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(Z|[+-]\d\d:\d\d)", value))


@FORMATS.checks("date")
def _is_date(value) -> bool:
    return bool(re.fullmatch(r"\d{4}-\d\d-\d\d", value))


# Properties holding embedded objects (the schema names them but jsonschema cannot follow
# the OParl "schema" keyword): validated recursively.
EMBEDDED = {
    "legislativeTerm": "LegislativeTerm",
    "membership": "Membership",
    "agendaItem": "AgendaItem",
    "auxiliaryFile": "File",
    "mainFile": "File",
    "location": "Location",
    "consultation": "Consultation",
}


class Validator:
    def __init__(self):
        self.schemas = _schemas()
        self.seen: set[str] = set()

    def check(self, obj: dict) -> None:
        kind = obj["type"].removeprefix(OPARL)
        schema = self.schemas[kind]
        if obj.get("deleted") is True:
            # OParl 1.1, "Gelöschte Objekte": a deleted object keeps id, type, created,
            # modified and deleted only, so the schema's other required fields do not apply.
            assert set(obj) == {"id", "type", "created", "modified", "deleted"}, obj
            schema = {**schema, "required": ["id", "type", "created", "modified", "deleted"]}
        Draft4Validator(schema, format_checker=FORMATS).validate(obj)
        self.seen.add(kind)
        for key, value in obj.items():
            if key in EMBEDDED and isinstance(value, dict):
                self.check(value)
            elif key in EMBEDDED and isinstance(value, list):
                for child in value:
                    if isinstance(child, dict):
                        self.check(child)


def get(client, url, **headers):
    response = client.get(url, **headers)
    assert response.status_code == 200, (url, response.status_code, response.content[:300])
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response["Content-Type"].startswith("application/json")
    return response


def walk(client, url) -> tuple[list[dict], list[str]]:
    """Every object of a paged list, following links.next; also the raw bodies."""
    objects, bodies = [], []
    while url:
        response = get(client, url)
        bodies.append(response.content.decode())
        page = response.json()
        objects.extend(page["data"])
        url = page["links"].get("next")
    return objects, bodies


@pytest.fixture
def council(db):
    return Council.objects.create(name="Kirklees Council", website="https://www.kirklees.gov.uk")


def test_every_object_validates_and_no_canary_anywhere(world, council, client):
    validator = Validator()
    system = get(client, reverse("oparl-system")).json()
    validator.check(system)
    assert system["oparlVersion"] == OPARL
    bodies, texts = walk(client, system["body"])
    [body] = bodies
    validator.check(body)
    assert body["name"] == "Kirklees Council"
    everything: dict[str, list[dict]] = {}
    for collection in (
        "organization",
        "person",
        "meeting",
        "paper",
        "agendaItem",
        "file",
        "membership",
        "legislativeTermList",
    ):
        objects, pages = walk(client, body[collection] + "?limit=2")
        texts.extend(pages)
        everything[collection] = objects
        for obj in objects:
            validator.check(obj)
            detail = get(client, obj["id"])
            validator.check(detail.json())
            texts.append(detail.content.decode())
    # Derived objects have their own URLs too.
    for paper in everything["paper"]:
        for consultation in paper["consultation"]:
            validator.check(get(client, consultation["id"]).json())
    for meeting in everything["meeting"]:
        validator.check(get(client, meeting["location"]["id"]).json())
    texts.append(get(client, everything["organization"][0]["meeting"]).content.decode())
    assert validator.seen >= {
        "System",
        "Body",
        "LegislativeTerm",
        "Organization",
        "Person",
        "Membership",
        "Meeting",
        "AgendaItem",
        "Paper",
        "File",
        "Consultation",
        "Location",
    }
    for text in texts:
        assert CANARY not in text
    # The public things are there.
    assert [m["id"].rsplit("/", 1)[1] for m in everything["meeting"]] == [str(world.meeting.pk)]
    assert {p["name"] for p in everything["paper"]} == {"Workforce report"}
    assert {f["name"] for f in everything["file"]} == {"Appendix A – workforce figures"}
    [item] = everything["agendaItem"]
    assert item["name"] == "Children's social care workforce"
    assert item["auxiliaryFile"][0]["sha512Checksum"] == world.document.sha512


def test_file_urls_serve_the_public_pdf_only(world, client):
    file = get(client, reverse("oparl-object", args=["file", world.document.pk])).json()
    access = client.get(file["accessUrl"])
    data = b"".join(access.streaming_content)
    assert access.status_code == 200 and access["Access-Control-Allow-Origin"] == "*"
    assert hashlib.sha512(data).hexdigest() == file["sha512Checksum"]
    assert len(data) == file["size"]
    assert file["mimeType"] == "application/pdf"
    # accessUrl opens the PDF (as the portal's own link does), downloadUrl saves it, both
    # under fileName, the name the portal's "Download" link gives it.
    assert access["Content-Disposition"] == f'inline; filename="{file["fileName"]}"'
    assert file["fileName"] == world.document.download_name
    assert file["fileName"].endswith("-appendix-a-workforce-figures.pdf")
    assert access["X-Content-Type-Options"] == "nosniff"
    download = client.get(file["downloadUrl"])
    assert download["Content-Disposition"] == f'attachment; filename="{file["fileName"]}"'
    again = client.get(file["accessUrl"], HTTP_IF_NONE_MATCH=access["ETag"])
    assert again.status_code == 304
    for kind in ("file", "paper", "agendaitem"):
        pk = {"file": world.exempt_document, "paper": world.exempt_report}.get(
            kind, world.exempt_item
        ).pk
        assert client.get(reverse("oparl-object", args=[kind, pk])).status_code == 404
    exempt = world.exempt_document.pk
    assert client.get(reverse("oparl-file-access", args=[exempt])).status_code == 404
    assert client.get(reverse("oparl-file-download", args=[exempt])).status_code == 404
    assert (
        client.get(reverse("oparl-object", args=["meeting", world.unpublished.pk])).status_code
        == 404
    )


def test_paging_walks_every_object_once(world, client):
    for n in range(23):
        item = AgendaItemFactory(meeting=world.meeting, title=f"Item {n}")
        ReportFactory(agenda_item=item)
    expected = sorted(AgendaItem.objects.public().values_list("pk", flat=True))
    body = get(client, reverse("oparl-body-list")).json()["data"][0]
    for limit in (1, 5, 7, 200):
        objects, _ = walk(client, f"{body['agendaItem']}?limit={limit}")
        ids = [int(o["id"].rsplit("/", 1)[1]) for o in objects]
        assert ids == expected, limit  # in order, no duplicates, no gaps
    first = get(client, f"{body['agendaItem']}?limit=5").json()
    assert first["pagination"] == {"totalElements": len(expected), "elementsPerPage": 5}
    # A new item added mid-walk is picked up at the end, nothing repeats.
    page = get(client, f"{body['paper']}?limit=10").json()
    ReportFactory(agenda_item=world.item, title="Added during the walk")
    rest, _ = walk(client, page["links"]["next"])
    ids = [o["id"] for o in page["data"] + rest]
    assert len(ids) == len(set(ids)) == Report.objects.count()


def test_created_and_modified_filters_and_deleted_objects(world, client, council):
    body = get(client, reverse("oparl-body-list")).json()["data"][0]
    everything, _ = walk(client, body["paper"])
    assert len(everything) == 1
    created = everything[0]["created"]
    after = get(client, body["paper"], data={"modified_since": "2999-01-01T00:00:00Z"})
    assert after.json()["data"] == []
    since = get(client, body["paper"], data={"created_since": created}).json()["data"]
    assert [p["id"] for p in since] == [everything[0]["id"]]
    until = client.get(body["paper"], {"created_until": "2000-01-01T00:00:00+00:00"}).json()
    assert until["data"] == []
    assert client.get(body["paper"], {"modified_since": "yesterday"}).status_code == 400

    # Delete a public paper and a public document; withdraw an item from public view.
    from django.utils import timezone

    extra = DocumentFactory(agenda_item=world.item, title="To be removed")
    extra_id = extra.pk
    get(client, body["file"])  # the new document is seen public once
    before = timezone.now().isoformat()
    report_id = world.report.pk
    Report.all_objects.filter(pk=report_id).delete()
    Document.all_objects.get(pk=extra_id).delete()
    validator = Validator()
    papers = get(client, body["paper"], data={"modified_since": before}).json()["data"]
    assert papers == [
        {
            "id": f"http://testserver/api/oparl/v1/paper/{report_id}",
            "type": OPARL + "Paper",
            "created": everything[0]["created"],
            "modified": papers[0]["modified"],
            "deleted": True,
        }
    ]
    validator.check(papers[0])
    files = get(client, body["file"], data={"modified_since": before}).json()["data"]
    assert any(f.get("deleted") and f["id"].endswith(f"/file/{extra_id}") for f in files)
    # Without modified_since deleted objects are left out.
    assert all(not p.get("deleted") for p in walk(client, body["paper"])[0])
    # The object URL of a deleted object answers with the deleted object.
    gone = get(client, reverse("oparl-object", args=["paper", report_id])).json()
    assert gone["deleted"] is True and gone["created"] == everything[0]["created"]
    # An item made exempt is reported as deleted to syncing clients, with nothing else.
    AgendaItem.all_objects.filter(pk=world.item.pk).update(
        is_exempt=True, exempt_paragraph=1, modified_at=timezone.now()
    )
    from opendata.records import mark_dirty, meeting_root

    mark_dirty([meeting_root(world.meeting.pk)])  # update() sends no signal
    items = get(client, body["agendaItem"], data={"modified_since": before}).json()["data"]
    ids = {i["id"]: i for i in items}
    withdrawn = ids[f"http://testserver/api/oparl/v1/agendaitem/{world.item.pk}"]
    assert withdrawn["deleted"] is True and "name" not in withdrawn
    assert set(withdrawn) == {"id", "type", "created", "modified", "deleted"}


def test_deleted_core_records_that_were_public(db, client, council):
    person = PersonFactory()
    committee = Committee.objects.create(name="Gone", slug="gone")
    year = MunicipalYear.objects.create(
        name="2030/31", start_date="2030-05-20", end_date="2031-05-19"
    )
    get(client, reverse("oparl-body-list"))  # all three are seen public
    pk, cpk, ypk = person.pk, committee.pk, year.pk
    person.delete()
    committee.delete()
    year.delete()
    for kind, obj_pk in (("person", pk), ("organization", cpk), ("legislativeterm", ypk)):
        gone = get(client, reverse("oparl-object", args=[kind, obj_pk])).json()
        assert gone["deleted"] is True, kind
    assert set(
        PublicRecord.objects.filter(withdrawn_at__isnull=False).values_list("kind", "object_id")
    ) >= {("Person", pk), ("Organization", cpk), ("LegislativeTerm", ypk)}
    assert Membership.objects.count() == 0 and Meeting.all_objects.count() == 0
    assert Person.objects.filter(pk=pk).count() == 0


def test_conditional_requests_and_cors(world, client):
    url = reverse("oparl-body-collection", args=[0, "meeting"])
    first = get(client, url)
    assert first["ETag"] and first["Last-Modified"]
    assert client.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    assert client.get(url, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"]).status_code == 304
    assert client.post(url).status_code == 405
    missing = client.get(reverse("oparl-object", args=["meeting", 999999]))
    assert missing.status_code == 404 and missing["Access-Control-Allow-Origin"] == "*"
    assert client.get(reverse("oparl-body-collection", args=[0, "nothing"])).status_code == 404
    assert client.get(reverse("oparl-body", args=[5])).status_code == 404


def test_meeting_list_query_count_stays_flat(world, client, django_assert_max_num_queries):
    from opendata.records import ensure_fresh

    url = reverse("oparl-body-collection", args=[0, "meeting"])
    ensure_fresh()  # the public records are compared once per change, not per request
    with django_assert_max_num_queries(20) as small:
        get(client, url)
    for n in range(10):
        item = AgendaItemFactory(meeting=world.meeting, title=f"Extra {n}")
        ReportFactory(agenda_item=item)
        DocumentFactory(agenda_item=item)
    ensure_fresh()
    with django_assert_max_num_queries(len(small.captured_queries)):
        get(client, url)
    url = reverse("oparl-body-collection", args=[0, "paper"])
    with django_assert_max_num_queries(20):
        data = get(client, url).json()["data"]
    assert len(data) == 11
