"""The recorded ModernGov samples, served on loopback, imported by the real command."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command

from imports.models import ImportedRecord
from meetings.minutes.models import MinutesSet
from meetings.models import AgendaItem, Document, Meeting, MeetingStatus
from scrutiny.models import Committee, Membership, Person
from tests.imports.moderngov import sample_site, serving

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_client(settings):
    settings.IMPORT_REQUEST_INTERVAL = 0
    settings.IMPORT_BACKOFF = 0.01
    settings.IMPORT_TIMEOUT = 5


def run(url, *args) -> str:
    out = StringIO()
    call_command(
        "import_moderngov",
        url,
        "--from",
        "2026-01-01",
        "--to",
        "2026-02-28",
        "--no-progress",
        *args,
        stdout=out,
    )
    return out.getvalue()


def test_the_samples_come_in_as_committees_people_meetings_items_papers_and_minutes():
    site = sample_site()
    with serving(site) as url:
        out = run(url)
    assert "Problems" not in out, out
    assert set(Committee.objects.values_list("name", flat=True)) == {
        "Appointment Sub Committee for Director of Adult Social Services",
        "Art Galleries Committee",
        "Audit Committee",
    }
    assert not Committee.objects.get(name__startswith="Appointment").is_active
    audit = Committee.objects.get(name="Audit Committee")
    cancelled = Meeting.all_objects.get(committee=audit, start__date=dt.date(2026, 1, 13))
    assert cancelled.status == MeetingStatus.CANCELLED
    held = Meeting.all_objects.get(committee=audit, start__date=dt.date(2026, 2, 10))
    assert held.status == MeetingStatus.HELD
    assert held.venue == "Council Antechamber, Level 2, Town Hall Extension"
    items = list(AgendaItem.all_objects.filter(meeting=held).order_by("order"))
    assert [(i.number, i.title) for i in items] == [("1", "Minutes"), ("9", "Work Programme")]
    assert items[0].kind == "minutes"
    assert items[1].description.startswith("The report of the Governance and Scrutiny Support")
    assert "MsoNormal" not in items[1].description
    docs = Document.objects.filter(agenda_item__meeting=held)
    assert sorted(docs.values_list("title", flat=True)) == [
        "6 - CHAIR APPROVED  Minutes Audit Committee 25 Nov 2025",
        "DRAFT WP  FEBRUARY 2026",
    ]
    minutes = MinutesSet.all_objects.get(meeting=held)
    assert minutes.status == "published"
    text = minutes.items.get(agenda_item=items[1]).text
    assert text.startswith("<p>The Committee considered a report")
    assert "WordSection1" not in text and "MsoNormal" not in text
    curley = Person.objects.get(name="Basil Curley")
    assert (curley.title, curley.party, curley.ward) == ("Councillor", "LAB", "Charlestown")
    assert Person.objects.filter(name="Sample Member", ward="Central").exists()
    membership = Membership.objects.get(person=curley, committee=audit)
    # Listed at the latest meeting: still a member.
    assert (membership.role, membership.start_date, membership.end_date) == (
        "member",
        dt.date(2026, 1, 13),
        None,
    )
    assert ImportedRecord.objects.filter(kind="meeting").count() == 2
    assert "attendance: attendance not recorded" in out


def test_a_second_run_changes_nothing_and_asks_for_documents_conditionally():
    site = sample_site()
    with serving(site) as url:
        run(url)
        before = {
            m: list(m._default_manager.values_list("pk", "modified_at").order_by("pk"))
            for m in (Committee, Person, Meeting, AgendaItem, Document, Membership)
        }
        out = run(url)
    after = {
        m: list(m._default_manager.values_list("pk", "modified_at").order_by("pk")) for m in before
    }
    assert after == before
    assert "created" not in out and "updated" not in out, out
    assert site.hits["doc:60860"] == 2  # asked again, answered 304


def test_dry_run_saves_nothing():
    with serving(sample_site()) as url:
        out = run(url, "--dry-run")
    assert "Dry run" in out and "meeting: 2 created" in out
    assert not Meeting.all_objects.exists() and not ImportedRecord.objects.exists()
