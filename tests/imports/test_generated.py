"""Generated ModernGov sites on loopback: many meetings, restricted items, Word HTML, slow and
failing endpoints, changed documents, officers' edits, interrupted runs."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client

from imports.importer import Importer
from imports.models import ImportedRecord
from meetings import services as meeting_services
from meetings.minutes.models import Attendance, Minute, MinutesSet
from meetings.models import AgendaItem, Document, Meeting
from scrutiny.models import Committee, Membership, Person
from tests.factories.meetings import make_pdf_bytes
from tests.imports.moderngov import Doc, generated_site, serving

pytestmark = pytest.mark.django_db
CANARY = "CANARY-EXEMPT-7781"


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
        "2020-01-01",
        "--to",
        "2030-12-31",
        "--no-progress",
        *args,
        stdout=out,
    )
    return out.getvalue()


def test_hundreds_of_meetings_import_once_and_rerun_unchanged():
    site = generated_site(committees=4, meetings=200)
    with serving(site) as url:
        out = run(url)
        assert "Problems" not in out, out
        assert Meeting.all_objects.count() == 200
        assert Committee.objects.count() == 4
        assert Person.objects.count() == 24
        assert Document.all_objects.count() == 200  # the restricted papers are not imported
        counts = {
            m: m._default_manager.count()
            for m in (Meeting, AgendaItem, Document, Minute, Attendance, Membership)
        }
        again = run(url)
    assert {m: m._default_manager.count() for m in counts} == counts
    assert "meeting: 200 unchanged" in again
    assert "created" not in again and "updated" not in again, again


def test_restricted_items_come_in_exempt_with_no_papers_and_never_show_publicly():
    site = generated_site(committees=1, meetings=8, restricted_every=4)
    with serving(site) as url:
        out = run(url)
    exempt = AgendaItem.all_objects.filter(is_exempt=True)
    assert exempt.count() == 2
    for item in exempt:
        assert item.exempt_paragraph == 3  # from restrictionsRef "Paragraph 3"
        assert CANARY not in item.description and CANARY not in item.title
        assert not Document.all_objects.filter(agenda_item=item).exists()
        assert CANARY not in (Minute.objects.get(agenda_item=item).text or "")
    assert "restricted: papers not imported" in out
    assert site.hits["doc:800000"] == 0  # a restricted paper is never even fetched
    client = Client()
    pages = ["/meetings/", f"/committees/{Committee.objects.get().slug}/"]
    for meeting in Meeting.all_objects.all():
        pages.append(f"/meetings/{meeting.pk}/")
        pages.append(f"/meetings/{meeting.pk}/minutes/")
    for person in Person.objects.all():
        pages.append(person.get_absolute_url())
    for path in pages:
        response = client.get(path)
        assert response.status_code in (200, 404), path
        assert CANARY.encode() not in response.content, path


def test_word_html_is_cleaned_by_the_portal_sanitiser():
    site = generated_site(committees=1, meetings=2, restricted_every=0)
    with serving(site) as url:
        run(url)
    for minute in Minute.objects.exclude(text=""):
        assert "WordSection1" not in minute.text and "MsoNormal" not in minute.text
        assert "style=" not in minute.text and "<o:p>" not in minute.text
    item = AgendaItem.all_objects.get(title="Budget monitoring report 0")
    assert item.description == "The report of the Director on budget 0."


def test_a_slow_endpoint_is_waited_for_and_a_failing_one_retried_then_reported(settings):
    settings.IMPORT_TIMEOUT = 3
    site = generated_site(committees=2, meetings=10, restricted_every=0)
    site.slow["meeting:20001"] = 0.5  # slower than usual, within the timeout
    site.failing["meeting:20002"] = 2  # fails twice, then answers: retried
    site.failing["meeting:20003"] = -1  # always fails: reported, the rest goes on
    site.failing["doc:700004"] = -1
    with serving(site) as url:
        out = run(url)
    assert Meeting.all_objects.count() == 9
    assert site.hits["meeting:20002"] == 3
    assert site.hits["meeting:20003"] == 4  # the first try and three retries
    assert "meeting 20003: " in out and "HTTP 503" in out
    assert "document 700004: " in out
    assert Document.all_objects.count() == 8


def test_a_timeout_is_retried_and_reported(settings):
    settings.IMPORT_TIMEOUT = 0.3
    settings.IMPORT_RETRIES = 1
    site = generated_site(committees=1, meetings=3, restricted_every=0)
    site.slow["meeting:20001"] = 1.0
    with serving(site) as url:
        out = run(url)
    assert "meeting 20001: " in out and "Timeout" in out
    assert Meeting.all_objects.count() == 2


def test_a_changed_document_is_replaced_on_the_second_run_and_others_answer_304():
    site = generated_site(committees=1, meetings=4, restricted_every=0)
    with serving(site) as url:
        run(url)
        old = Document.all_objects.get(title="Budget report 2")
        site.documents["700002"] = Doc(
            make_pdf_bytes(2, "Budget report revised"),
            modified=dt.datetime(2026, 3, 1, tzinfo=dt.UTC),
        )
        out = run(url)
    assert "document: 3 unchanged, 1 updated" in out, out
    old.refresh_from_db()
    assert old.superseded_by is not None and old.superseded_by.page_count == 2
    assert Document.objects.filter(agenda_item=old.agenda_item).get().page_count == 2


def test_an_officers_edit_is_not_overwritten_but_reported():
    site = generated_site(committees=1, meetings=3, restricted_every=0)
    with serving(site) as url:
        run(url)
        item = AgendaItem.all_objects.get(title="Budget monitoring report 1")
        meeting_services.update_agenda_item(
            item=item, title="Budget monitoring (corrected by the clerk)", by=None
        )
        # The source changes both the item and its meeting.
        site.meeting["20001"] = site.meeting["20001"].replace(
            b"Budget monitoring report 1", b"Budget monitoring report one"
        )
        out = run(url)
    item.refresh_from_db()
    assert item.title == "Budget monitoring (corrected by the clerk)"
    assert "was edited here since the import: not overwritten" in out


def test_new_meetings_are_added_and_an_interrupted_run_resumes():
    site = generated_site(committees=1, meetings=6, restricted_every=0)
    with serving(site) as url:
        calls = []

        def stop_after_three(report):
            calls.append(report.meetings_done)
            if report.meetings_done == 3:
                raise KeyboardInterrupt

        with pytest.raises(KeyboardInterrupt):
            importer = Importer(
                url,
                date_from=dt.date(2020, 1, 1),
                date_to=dt.date(2030, 1, 1),
                progress=stop_after_three,
            )
            importer.batch_meetings = 3  # the interrupt comes between two batches
            importer.run()
        assert Meeting.all_objects.count() == 3
        # Every meeting written is whole: its items, papers and record are there.
        for meeting in Meeting.all_objects.all():
            assert AgendaItem.all_objects.filter(meeting=meeting).count() == 4
        assert ImportedRecord.objects.filter(kind="meeting").count() == 3
        out = run(url)
    assert "meeting: 3 created, 3 unchanged" in out, out
    assert Meeting.all_objects.count() == 6


def test_an_interrupt_inside_a_batch_rolls_back_that_batch_only(monkeypatch):
    """Meetings are written in batches (one transaction each): Ctrl-C while the fifth meeting
    is being written rolls back the meetings of its batch, and the database holds exactly
    the meetings reported done, each whole."""
    site = generated_site(committees=1, meetings=6, restricted_every=0)
    real = Importer._meeting
    written = []

    def interrupted(self, committee, m, raw):
        if len(written) == 4:
            raise KeyboardInterrupt
        real(self, committee, m, raw)
        written.append(m.id)

    monkeypatch.setattr(Importer, "_meeting", interrupted)
    with serving(site) as url:
        importer = Importer(url, date_from=dt.date(2020, 1, 1), date_to=dt.date(2030, 1, 1))
        importer.batch_meetings = 3
        importer.batch_seconds = 3600  # batches end by count, however loaded the machine
        with pytest.raises(KeyboardInterrupt):
            importer.run()
        assert importer.report.meetings_done == 3
        assert Meeting.all_objects.count() == 3  # the fourth was written, then rolled back
        assert ImportedRecord.objects.filter(kind="meeting").count() == 3
        for meeting in Meeting.all_objects.all():
            assert AgendaItem.all_objects.filter(meeting=meeting).count() == 4
        monkeypatch.setattr(Importer, "_meeting", real)
        out = run(url)
    assert "meeting: 3 created, 3 unchanged" in out, out
    assert Meeting.all_objects.count() == 6


def test_malformed_xml_unknown_attendance_and_unknown_status_are_reported_per_record():
    site = generated_site(committees=1, meetings=4, restricted_every=0)
    site.meeting["20001"] = b"<meeting><meetingid>20001</meetingid><agendaitems>"
    site.meeting["20002"] = site.meeting["20002"].replace(
        b'attendance="Present"', b'attendance="Virtual"'
    )
    site.meeting["20003"] = site.meeting["20003"].replace(b"Confirmed", b"Rescheduled")
    with serving(site) as url:
        out = run(url)
    assert "meeting 20001: malformed XML" in out
    assert "unknown attendance 'Virtual'" in out
    assert "unknown meeting status 'Rescheduled'" in out
    assert Meeting.all_objects.count() == 3


def test_attendance_and_memberships_come_from_the_attendees():
    site = generated_site(committees=1, meetings=3, restricted_every=0)
    with serving(site) as url:
        run(url)
    committee = Committee.objects.get()
    chair = Membership.objects.get(committee=committee, role="chair")
    assert chair.person.name == "Gen Member0"
    assert Membership.objects.filter(committee=committee).count() == 6
    first = Meeting.all_objects.order_by("start").first()
    minutes = MinutesSet.all_objects.get(meeting=first)
    statuses = dict(minutes.attendance.values_list("person__name", "status"))
    # ATTENDANCE_CYCLE for meeting 0: member j gets cycle[j % 5].
    assert statuses["Gen Member2"] == "apologies" and statuses["Gen Member4"] == "absent"
    assert statuses["Gen Member0"] == "present"


def test_a_member_no_longer_listed_has_their_membership_ended_at_their_last_meeting():
    site = generated_site(committees=1, meetings=4, restricted_every=0)
    for mid in ("20002", "20003"):
        site.meeting[mid] = site.meeting[mid].replace(b'name="Councillor Gen Member5"', b'name="X"')
        site.meeting[mid] = site.meeting[mid].replace(b'memberid="5005"', b'memberid="9999"')
    with serving(site) as url:
        run(url)
        left = Membership.objects.get(person__name="Gen Member5")
        dates = [m.start.date() for m in Meeting.all_objects.order_by("start")]
        assert left.end_date == dates[1]  # the last meeting that listed them
        assert Membership.objects.get(person__name="X").start_date == dates[2]
        stays = Membership.objects.get(person__name="Gen Member1")
        assert stays.end_date is None
        again = run(url)
    assert "created" not in again and "ended" not in again, again
    assert Membership.objects.count() == 7


def test_a_word_paper_is_converted_by_the_portals_conversion_path_then_sanitised():
    from tests.meetings.test_conversion import make_docx

    site = generated_site(committees=1, meetings=1, restricted_every=0)
    site.documents["700000"] = Doc(
        make_docx("Budget monitoring", "Libraries"),
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )
    with serving(site) as url:
        out = run(url)
    assert "Problems" not in out, out
    document = Document.all_objects.get(title="Budget report 0")
    assert document.file.read().startswith(b"%PDF")
    assert document.page_count >= 1 and document.sha256


def test_papers_are_fetched_ahead_with_their_meeting_and_one_deleted_here_never_again():
    import threading

    site = generated_site(committees=1, meetings=4, restricted_every=0)
    with serving(site) as url:
        importer = Importer(
            url, date_from=dt.date(2020, 1, 1), date_to=dt.date(2030, 12, 31), workers=2
        )
        asked_by_main = []
        document = importer.client.document

        def watched(*args, **kwargs):
            asked_by_main.append(threading.current_thread() is threading.main_thread())
            return document(*args, **kwargs)

        importer.client.document = watched
        importer.run()
        # Every paper came with its meeting's answer, fetched in the pool: none was waited
        # for one by one in the thread writing the meetings.
        assert len(asked_by_main) == 4 and not any(asked_by_main)
        Document.all_objects.get(title="Budget report 2").delete()
        asked = site.hits["doc:700002"]
        out = run(url)
    assert site.hits["doc:700002"] == asked  # not even asked conditionally
    assert "deleted here since the import: not re-fetched" in out
    assert site.hits["doc:700001"] == 2  # the others are asked again (answered 304)


def test_a_rerun_with_nothing_changed_reads_no_meeting_or_item_one_by_one():
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    site = generated_site(committees=2, meetings=12, restricted_every=0)
    with serving(site) as url:
        run(url)
        with CaptureQueriesContext(connection) as queries:
            out = run(url)
    assert "meeting: 12 unchanged" in out and "document: 12 unchanged" in out, out
    read = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("SELECT")]
    meetings = [q for q in read if 'FROM "meetings_meeting"' in q]
    items = [q for q in read if 'FROM "meetings_agendaitem"' in q]
    papers = [q for q in read if 'FROM "meetings_document"' in q]
    # The versions of all meetings and the ids of all papers, read once for the run.
    assert len(meetings) <= 2 and not items and len(papers) <= 1, (meetings, items, papers)
