"""Committees written by processes side by side (``Importer.processes``, issue 19 item 6).

On PostgreSQL the importer forks a writer per group of committees, each with its own
connection; on SQLite (one writer at a time) it writes in one process. Every test here runs on
both and says what each must do: the people a meeting names are made once whichever writer
meets them first, the report adds up, a writer that fails fails the run with its reason, Ctrl-C
stops every writer at a whole batch, and the officer page's worker takes the same path."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection

from imports import runs
from imports.importer import Importer, report_text
from imports.models import ImportedRecord, ImportRun
from meetings.models import AgendaItem, Document, Meeting
from scrutiny.cache import content_generation
from scrutiny.models import Membership, Person
from tests.imports.moderngov import generated_site, serving
from tests.meetings.test_browser_conversion import DATABASE_BACKEND, run_worker

pytestmark = pytest.mark.django_db(transaction=True)

POSTGRES = connection.vendor == "postgresql"
WRITERS = 2 if POSTGRES else 1
ATTENDING = (
    '<attendee membertype="U" memberid="9999" name="Councillor Lone Attender" '
    'roledescription="Committee Member" attendance="Present" politicalparty="Independent" '
    'ward="Riverside"></attendee>'
)


@pytest.fixture(autouse=True)
def _fast_client(settings):
    settings.IMPORT_REQUEST_INTERVAL = 0
    settings.IMPORT_PROCESSES = 2


def _site(*, shared_paper=True):
    """Three committees of four meetings. Every meeting also names a councillor who is not in
    the councillors-by-ward list (so no writer has them before it starts), and the paper of
    the first meeting of the second committee is the paper of the first of the first."""
    site = generated_site(committees=3, meetings=12, restricted_every=5)
    for mid, xml in site.meeting.items():
        site.meeting[mid] = xml.replace(b"</attendees>", ATTENDING.encode() + b"</attendees>")
    if shared_paper:
        site.meeting["20001"] = site.meeting["20001"].replace(b"700001", b"700000")
    return site


def _importer(url, **kwargs):
    return Importer(url, date_from=dt.date(2020, 1, 1), date_to=dt.date(2030, 1, 1), **kwargs)


def test_writers_side_by_side_make_each_person_once_and_the_report_adds_up():
    site = _site()
    before = content_generation()
    with serving(site) as url:
        report = _importer(url).run()
        assert report.writers == WRITERS
        # The writers' changes are seen here too (the cache's generation moved on).
        assert content_generation() != before
        assert report.meetings_total == report.meetings_done == 12
        # The person no list gave beforehand, met by every writer: one person, a
        # membership in each committee, one record.
        lone = Person.objects.get(name="Lone Attender")
        assert Person.objects.filter(name="Lone Attender").count() == 1
        assert ImportedRecord.objects.filter(kind="person", source_id="9999").count() == 1
        assert Membership.objects.filter(person=lone).values("committee").distinct().count() == 3
        assert report.counts["person"]["created"] == 19  # 18 listed, and the lone attender
        assert report.counts["committee"]["created"] == 3
        # The shared paper, met by both writers at once on PostgreSQL: the second to write
        # it takes the first's and writes its meeting again. As in one process, the paper
        # stays with the first meeting that named it.
        assert not report.problems, report.problems
        assert report.counts["meeting"]["created"] == 12
        assert report.counts["meeting"]["written again"] == (1 if POSTGRES else 0)
        assert report.counts["document"]["created"] == 11
        assert ("written by 2 processes side by side" in report_text(report)) == POSTGRES
        again = _importer(url).run()
        assert not again.problems, again.problems
        assert Meeting.all_objects.count() == 12
        third = _importer(url).run()
    assert not third.problems
    changed = {k: c for k, c in third.counts.items() if set(c) - {"unchanged"}}
    assert not changed, changed
    assert Person.objects.filter(name="Lone Attender").count() == 1
    for meeting in Meeting.all_objects.all():
        assert AgendaItem.all_objects.filter(meeting=meeting).count() >= 4
    assert Document.all_objects.count() == 11  # the shared paper once; none restricted


def test_a_writer_that_fails_fails_the_run_with_its_reason_and_a_rerun_finishes(monkeypatch):
    site = _site(shared_paper=False)
    real = Importer._meeting

    def broken(self, committee, m, raw):
        if m.id == "20004":  # the second committee's second meeting
            raise RuntimeError("boom-in-a-writer")
        return real(self, committee, m, raw)

    monkeypatch.setattr(Importer, "_meeting", broken)
    with serving(site) as url:
        importer = _importer(url)
        with pytest.raises(RuntimeError, match="boom-in-a-writer"):
            importer.run()
        # Every meeting in the database is whole, and the report counts exactly them.
        assert Meeting.all_objects.count() == importer.report.meetings_done
        for meeting in Meeting.all_objects.all():
            assert AgendaItem.all_objects.filter(meeting=meeting).count() >= 4
        assert (
            ImportedRecord.objects.filter(kind="meeting").count() == importer.report.meetings_done
        )
        monkeypatch.setattr(Importer, "_meeting", real)
        _importer(url).run()
        report = _importer(url).run()
    assert Meeting.all_objects.count() == 12
    assert report.counts["meeting"] == {"unchanged": 12}


def test_ctrl_c_stops_every_writer_at_a_whole_batch():
    site = _site(shared_paper=False)  # no meeting refused: every meeting done is written
    with serving(site) as url:

        def stop(report):
            if report.meetings_done >= 1:
                raise KeyboardInterrupt

        importer = _importer(url, progress=stop)
        importer.batch_meetings = 1
        with pytest.raises(KeyboardInterrupt):
            importer.run()
        done = importer.report.meetings_done
        assert 1 <= done < 12
        assert Meeting.all_objects.count() == done
        assert ImportedRecord.objects.filter(kind="meeting").count() == done
        for meeting in Meeting.all_objects.all():
            assert AgendaItem.all_objects.filter(meeting=meeting).count() >= 4
        _importer(url).run()
        report = _importer(url).run()
    assert Meeting.all_objects.count() == 12
    assert report.counts["meeting"] == {"unchanged": 12}


def test_the_officer_pages_worker_writes_side_by_side_too(settings):
    settings.TASKS = DATABASE_BACKEND
    site = _site()
    with serving(site) as url:
        run = runs.start(
            site=url, date_from=dt.date(2020, 1, 1), date_to=dt.date(2030, 1, 1), by=None
        )
        run_worker()
    run.refresh_from_db()
    assert run.status == ImportRun.Status.DONE, run.failure
    assert run.meetings_total == run.meetings_done == 12
    assert run.report["writers"] == WRITERS
    assert run.errors == 0, run.report["problems"]
    assert Person.objects.filter(name="Lone Attender").count() == 1
