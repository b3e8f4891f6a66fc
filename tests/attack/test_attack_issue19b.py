"""Attack 19b: the ModernGov importer's writers side by side (``Importer.processes``, forked
on PostgreSQL; one process on SQLite, in a dry run and inside a caller's transaction), used
as a democracy officer importing "Calder Moor" (tests/attack/moderngov_site19b.py) would,
then attacked: duplicates, lost or half-written meetings, a report that does not add up,
writers killed, crashing, stuck or interrupted, and the canary of restricted records.

Every test runs on both databases; where one writer and several differ, it says what each
must do. Every finding was first a strict xfail written as the behaviour it should have; all
are fixed (docs/hardening.md, attack 23), and the tests are plain tests now."""

from __future__ import annotations

import datetime as dt
import os
import re
import signal
import subprocess
import time
from io import StringIO
from pathlib import Path
from urllib.parse import urlparse

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, models
from django.test import Client
from django.urls import reverse

from imports.importer import Importer
from imports.models import ImportedRecord, ImportRun
from meetings import services as meeting_services
from meetings.models import AgendaItem, Document, Meeting
from opendata.models import SearchDocument
from scrutiny.models import Committee, Membership, Person
from tests.attack import moderngov_site19b as cm
from tests.factories import make_user
from tests.factories.meetings import make_pdf_bytes
from tests.imports.moderngov import Doc, generated_site, item_xml, serving
from tests.meetings.test_browser_conversion import DATABASE_BACKEND, run_worker

pytestmark = pytest.mark.django_db(transaction=True)

POSTGRES = connection.vendor == "postgresql"
CANARY = cm.CANARY


@pytest.fixture(autouse=True)
def _fast_client(settings):
    settings.IMPORT_REQUEST_INTERVAL = 0
    settings.IMPORT_BACKOFF = 0.01
    settings.IMPORT_RETRIES = 1
    settings.IMPORT_TIMEOUT = 5
    settings.IMPORT_PROCESSES = 2


def importer(url, **kw) -> Importer:
    return Importer(url, date_from=dt.date(2020, 1, 1), date_to=dt.date(2030, 12, 31), **kw)


def command(url, *args) -> str:
    out = StringIO()
    call_command(
        "import_moderngov", url, "--from", "2020-01-01", "--to", "2030-12-31", "--no-progress",
        *args, stdout=out,
    )  # fmt: skip
    return out.getvalue()


def writers(asked: int, committees: int = 3) -> int:
    """How many writers a run should use: committees with meetings, at most those asked
    for, side by side only on PostgreSQL."""
    return min(asked, committees) if POSTGRES else 1


def no_children() -> bool:
    """Whether this process has no child left (running, or a zombie not waited for)."""
    try:
        pid, _status = os.waitpid(-1, os.WNOHANG)
    except ChildProcessError:
        return True
    return False


def assert_whole_and_unique(report=None) -> None:
    """No duplicates (one Person, one record, one membership per source) and every meeting
    whole; with ``report``, it counts exactly the meetings in the database."""
    kinds = list(ImportedRecord.objects.values_list("site", "kind", "source_id"))
    assert len(kinds) == len(set(kinds))
    person_ids = list(
        ImportedRecord.objects.filter(kind="person").values_list("object_id", flat=True)
    )
    assert len(person_ids) == len(set(person_ids)) == Person.objects.count()
    triples = list(Membership.objects.values_list("person", "committee", "role"))
    assert len(triples) == len(set(triples)), triples
    meeting_records = ImportedRecord.objects.filter(kind="meeting")
    assert meeting_records.count() == Meeting.all_objects.count()
    for meeting in Meeting.all_objects.all():
        assert AgendaItem.all_objects.filter(meeting=meeting).count() == 5, meeting
    if report is not None:
        assert report.meetings_done == Meeting.all_objects.count(), report.as_json()


def pids_recorded(monkeypatch, tmp_path) -> Path:
    """Each writer process writes its pid to the file returned (none on one process)."""
    path = tmp_path / "writer-pids"
    path.write_text("")
    real = Importer._writer

    def recording(self, *args, **kwargs):
        with path.open("a") as out:
            out.write(f"{os.getpid()}\n")
        return real(self, *args, **kwargs)

    monkeypatch.setattr(Importer, "_writer", recording)
    return path


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


# --- Job 1: the officer's and the sysadmin's journey ---------------------------------------------


@pytest.mark.parametrize("processes", [1, 2, 4])
def test_job1_the_command_imports_calder_moor_with_1_2_or_4_writers(processes):
    site = cm.build()
    with serving(site) as url:
        out = command(url, "--processes", str(processes))
    n = writers(processes)
    assert "Meetings: 11 of 11" in out, out
    assert ("processes side by side" in out) == (n > 1), out
    if n > 1:
        assert f"written by {n} processes side by side" in out
    assert "committee: 4 created" in out
    assert "person: 9 created" in out
    assert "membership: 14 created" in out
    assert "item: 55 created" in out
    # The shared paper: created with the first meeting, found again with the second.
    assert "document: 10 created, 1 unchanged" in out, out
    assert re.search(r"meeting: 11 created(, 1 written again)?\n", out), out
    assert "Problems" not in out, out
    assert "11 × document: restricted: papers not imported" in out
    assert_whole_and_unique()
    assert Meeting.all_objects.count() == 11 and Document.all_objects.count() == cm.PAPERS
    assert not Meeting.all_objects.filter(committee__name="Standards Board").exists()
    long = Person.objects.get(name__startswith="Featherstonehaugh")
    assert len(long.name) <= 200
    okafor = Person.objects.get(name="Sam Okafor")
    assert set(
        Membership.objects.filter(person=okafor).values_list("committee__name", flat=True)
    ) == {
        "Overview and Scrutiny Committee",
        "Health and Wellbeing Scrutiny Panel",
        "Licensing Committee",
    }
    shah = Person.objects.get(name="Mrs Priti Shah (co-opted)")
    assert Membership.objects.get(person=shah).role == Membership.Role.COOPTEE


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("0", "--processes must be between 1 and 16"),
        ("17", "--processes must be between 1 and 16"),
        ("-1", "--processes must be between 1 and 16"),
        ("two", "invalid int value: 'two'"),
    ],
)
@pytest.mark.django_db  # nothing written: no need to empty the database after
def test_job1_bad_processes_values_are_refused_before_anything_is_asked(value, message):
    site = cm.build()
    with serving(site) as url, pytest.raises(CommandError, match=message):
        command(url, "--processes", value)
    assert site.hits["committees"] == 0
    assert not Committee.objects.exists()


def _restrict_paper(xml: bytes, paper: str) -> bytes:
    changed = re.sub(
        rb"(<attachmentid>" + paper.encode() + rb"</attachmentid>.*?<isrestricted>)False",
        rb"\1True",
        xml,
        count=1,
        flags=re.S,
    )
    assert changed != xml
    return changed


def test_job1_a_rerun_after_changes_at_the_source_and_an_officers_edit():
    """Between runs: a meeting of 3002 moved room, a paper of 3003 restricted since, and an
    officer edited a meeting of 3001 whose source changed too. Each writer's part comes back
    in the one report, which adds up; a third run has nothing to do."""
    site = cm.build()
    officer = make_user("officer", username="cm-clerk")
    with serving(site) as url:
        first = importer(url).run()
        assert not first.problems, first.problems
        site.meeting["300201"] = site.meeting["300201"].replace(
            b"Committee Room 1, Town Hall", b"Council Chamber, Calder Moor Town Hall"
        )
        site.meeting["300300"] = _restrict_paper(site.meeting["300300"], cm.paper_id("300300"))
        edited = Meeting.all_objects.get(
            pk=ImportedRecord.objects.get(kind="meeting", source_id="300102").object_id
        )
        meeting_services.update_meeting(meeting=edited, by=officer, venue="Room 12 (moved here)")
        site.meeting["300102"] = site.meeting["300102"].replace(b"6.30 pm", b"7.00 pm")
        second = importer(url).run()
        third = importer(url).run()  # nothing changed since: nothing to do
    assert second.writers == writers(2)
    assert second.meetings_total == second.meetings_done == 11
    assert second.counts["meeting"] == {"unchanged": 8, "updated": 2}, second.as_json()
    assert second.counts["document"] == {"unchanged": 9, "withdrawn": 1}, second.as_json()
    skipped = {(s["kind"], s["source_id"]): s["why"] for s in second.skipped}
    assert "edited here since the import" in skipped[("meeting", "300102")]
    assert [(p["kind"], p["source_id"]) for p in second.problems] == [
        ("document", cm.paper_id("300300"))
    ], second.problems
    assert "withdrawn here" in second.problems[0]["what"]
    edited.refresh_from_db()
    assert edited.venue == "Room 12 (moved here)"
    moved = Meeting.all_objects.get(
        pk=ImportedRecord.objects.get(kind="meeting", source_id="300201").object_id
    )
    assert moved.venue.startswith("Council Chamber")
    withdrawn = Document.all_objects.get(title="Report 0 of 3003")
    assert withdrawn.withdrawn_at is not None
    assert Client().get(withdrawn.get_absolute_url()).status_code != 200
    assert_whole_and_unique(second)
    assert third.counts["meeting"] == {"unchanged": 10}, third.as_json()
    assert [s["source_id"] for s in third.skipped if s["kind"] == "meeting"] == ["300102"]
    assert not third.problems, third.problems


def test_a_paper_changed_at_the_source_is_replaced_on_the_next_run():
    site = cm.build()
    with serving(site) as url:
        importer(url).run()
        paper = Document.all_objects.get(title="Report 1 of 3001")
        site.documents[cm.paper_id("300101")] = Doc(make_pdf_bytes(2, "Report 300101 revised"))
        again = importer(url).run()
    assert again.counts["document"]["updated"] == 1, again.as_json()
    paper.refresh_from_db()
    assert paper.superseded_by_id is not None


def test_a_rerun_counts_each_person_once_whichever_writers_meet_them():
    site = cm.build()
    with serving(site) as url:
        importer(url).run()
        again = importer(url).run()
    assert again.counts["person"] == {"unchanged": cm.PEOPLE}, again.as_json()["counts"]


PEOPLE_FIRST = Importer._people_first


def _slow_first_meeting_of(monkeypatch, committee_name: str, seconds: float) -> None:
    """In a writer (never in this process), the first meeting of ``committee_name`` waits
    ``seconds`` before its people are written: the other writer reaches them first."""
    parent = os.getpid()
    real = PEOPLE_FIRST

    def slow(self, answers):
        if os.getpid() != parent and not getattr(self, "_slowed", False):
            self._slowed = True
            names = {a[0].id[:4] for a in answers if not isinstance(a, Exception)}
            if cm_committee_id(committee_name) in names:
                time.sleep(seconds)
        return real(self, answers)

    monkeypatch.setattr(Importer, "_people_first", slow)


def cm_committee_id(name: str) -> str:
    return next(cid for cid, (title, _c, _n) in cm.COMMITTEES.items() if title == name)


def test_a_person_named_differently_by_two_committees_keeps_one_name_across_reruns(monkeypatch):
    site = cm.build(names={("9101", "3002"): ("Councillor Samuel Okafor", "Riverside East")})
    with serving(site) as url:
        _slow_first_meeting_of(monkeypatch, "Overview and Scrutiny Committee", 1.5)
        importer(url).run()
        first_name = Person.objects.get(
            pk=ImportedRecord.objects.get(kind="person", source_id="9101").object_id
        ).name
        _slow_first_meeting_of(monkeypatch, "Health and Wellbeing Scrutiny Panel", 1.5)
        again = importer(url).run()
    person = Person.objects.get(
        pk=ImportedRecord.objects.get(kind="person", source_id="9101").object_id
    )
    assert "updated" not in again.counts["person"], again.as_json()["counts"]
    assert person.name == first_name
    # As one process does: the first meeting in the run's order names them.
    assert person.name == "Sam Okafor"


def test_a_long_name_is_reported_once():
    site = cm.build()
    with serving(site) as url:
        report = importer(url).run()
    cut = [s for s in report.skipped if s["kind"] == "person" and s["source_id"] == "9102"]
    assert len(cut) == 1, cut


def test_job1_the_officer_page_worker_imports_side_by_side_and_the_page_adds_up(settings):
    settings.TASKS = DATABASE_BACKEND
    officer = Client()
    officer.force_login(make_user("officer", username="cm-clerk"))
    clicks = 0
    assert reverse("officer-imports") in officer.get(reverse("officer-home")).content.decode()
    clicks += 1  # "Import from ModernGov"
    site = cm.build()
    with serving(site) as url:
        response = officer.post(
            reverse("officer-imports"),
            {"site": url, "date_from": "2020-01-01", "date_to": "2030-12-31"},
        )
        clicks += 1  # the address typed, "Start import"
        assert response.status_code == 302
        run_worker()
    run = ImportRun.objects.get()
    assert run.status == ImportRun.Status.DONE, run.failure
    page = officer.get(response["Location"]).content.decode()
    assert re.search(r'id="import-meetings">11 of 11', page), page[:3000]
    assert run.report["writers"] == writers(2)
    assert run.errors == 0 == len(run.report["problems"])
    assert run.documents == run.report["documents"] == 11
    counts = run.report["counts"]
    assert counts["meeting"]["created"] == 11 and counts["person"] == {"created": 9}
    assert_whole_and_unique()
    assert clicks == 2
    assert no_children()


# --- Job 2: writers killed, crashing, stuck, interrupted -----------------------------------------


def _kill_writer_at(monkeypatch, meeting_id: str):
    parent = os.getpid()
    real = Importer._meeting

    def killing(self, committee, m, raw):
        if m.id == meeting_id and os.getpid() != parent:
            os.kill(os.getpid(), signal.SIGKILL)
        return real(self, committee, m, raw)

    monkeypatch.setattr(Importer, "_meeting", killing)
    return real


def test_a_writer_killed_with_sigkill_fails_the_run_without_hanging(monkeypatch, tmp_path):
    site = cm.build()
    pids = pids_recorded(monkeypatch, tmp_path)
    real = _kill_writer_at(monkeypatch, "300201")  # 3002's second meeting: the second writer
    with serving(site) as url:
        imp = importer(url)
        imp.batch_meetings = 1
        started = time.monotonic()
        if POSTGRES:
            with pytest.raises(RuntimeError, match="a writer process of the import failed"):
                imp.run()
        else:  # one process: nothing killed
            imp.run()
        assert time.monotonic() - started < 30
        assert no_children()
        assert not any(alive(int(p)) for p in pids.read_text().split())
        done = imp.report.meetings_done
        assert (done < 11) == POSTGRES
        assert_whole_and_unique(imp.report)
        monkeypatch.setattr(Importer, "_meeting", real)
        again = importer(url).run()
    assert not again.problems, again.problems
    assert Meeting.all_objects.count() == again.meetings_done == 11
    assert_whole_and_unique(again)


def test_a_killed_writers_report_still_adds_up_and_says_it_was_killed(monkeypatch):
    site = cm.build()
    _kill_writer_at(monkeypatch, "300201")
    with serving(site) as url:
        imp = importer(url)
        imp.batch_meetings = 1
        try:
            imp.run()
        except RuntimeError as exc:
            failure = str(exc)
        else:
            failure = "killed by signal 9 (SIGKILL): not killed, one process"
    created = imp.report.counts["meeting"]["created"]
    assert created == imp.report.meetings_done == Meeting.all_objects.count(), imp.report.as_json()
    assert "SIGKILL" in failure or "signal 9" in failure, failure


def test_a_writer_crashing_after_its_commit_fails_the_run_and_its_batch_is_counted(monkeypatch):
    """An unexpected exception where no meeting's savepoint catches it: after a batch's
    commit, in its after-commit work."""
    site = cm.build()
    parent = os.getpid()
    real = Importer._run_commit_hooks
    calls = {"n": 0}

    def crashing(self, connection, hooks):
        calls["n"] += 1
        if calls["n"] == 2 and (os.getpid() != parent or not POSTGRES):
            raise ZeroDivisionError("crash-after-commit-4417")
        return real(self, connection, hooks)

    monkeypatch.setattr(Importer, "_run_commit_hooks", crashing)
    with serving(site) as url:
        imp = importer(url)
        imp.batch_meetings = 1
        expected = RuntimeError if POSTGRES else ZeroDivisionError
        with pytest.raises(expected, match="crash-after-commit-4417"):
            imp.run()
        assert no_children()
        assert_whole_and_unique(imp.report)
        assert imp.report.meetings_done >= 2
        monkeypatch.setattr(Importer, "_run_commit_hooks", real)
        again = importer(url).run()
    assert Meeting.all_objects.count() == 11 and not again.problems


@pytest.mark.parametrize("at", [3, 10])
def test_ctrl_c_at_various_points_leaves_exactly_the_meetings_counted(at):
    site = cm.build()
    with serving(site) as url:

        def stop(report):
            if report.meetings_done >= at:
                raise KeyboardInterrupt

        imp = importer(url, progress=stop)
        imp.batch_meetings = 1
        with pytest.raises(KeyboardInterrupt):
            imp.run()
        assert no_children()
        assert_whole_and_unique(imp.report)
        assert imp.report.meetings_done >= at
        again = importer(url).run()
    assert again.meetings_done == Meeting.all_objects.count() == 11
    assert not again.problems, again.problems


def test_a_progress_callback_that_fails_stops_the_writers_with_its_own_error(monkeypatch, tmp_path):
    site = cm.build()
    pids = pids_recorded(monkeypatch, tmp_path)
    with serving(site) as url:

        def failing(report):
            if report.meetings_done >= 2:
                raise ConnectionError("progress-store-down-8812")

        imp = importer(url, progress=failing)
        imp.batch_meetings = 1
        with pytest.raises(ConnectionError, match="progress-store-down-8812"):
            imp.run()
    assert no_children()
    assert not any(alive(int(p)) for p in pids.read_text().split())
    assert len(pids.read_text().split()) == (2 if POSTGRES else 0)
    assert_whole_and_unique(imp.report)
    assert imp.report.meetings_done < 11


def test_two_sigints_at_once_ctrl_c_in_a_terminal_still_stop_at_whole_meetings(
    monkeypatch, tmp_path
):
    """Ctrl-C in a terminal reaches every process of the group, and the parent then sends
    each writer its own SIGINT: two in a row."""
    site = cm.build()
    pids = pids_recorded(monkeypatch, tmp_path)
    with serving(site) as url:

        def ctrl_c(report):
            if report.meetings_done >= 2:
                for pid in pids.read_text().split():
                    if alive(int(pid)):
                        os.kill(int(pid), signal.SIGINT)
                raise KeyboardInterrupt

        imp = importer(url, progress=ctrl_c)
        imp.batch_meetings = 1
        started = time.monotonic()
        with pytest.raises(KeyboardInterrupt):
            imp.run()
        assert time.monotonic() - started < 30
        assert no_children()
        assert_whole_and_unique(imp.report)
        again = importer(url).run()
    assert Meeting.all_objects.count() == again.meetings_done == 11
    assert not again.problems, again.problems


def test_ctrl_c_reaches_a_writer_stuck_inside_a_meeting(monkeypatch):
    site = cm.build()
    parent = os.getpid()
    real = Importer._meeting

    def stuck(self, committee, m, raw):
        if m.id == "300201" and os.getpid() != parent:
            time.sleep(120)  # a writer stuck (the site, a lock) inside a meeting's savepoint
        return real(self, committee, m, raw)

    monkeypatch.setattr(Importer, "_meeting", stuck)
    with serving(site) as url:

        def stop(report):
            if report.meetings_done >= 4:
                raise KeyboardInterrupt

        imp = importer(url, progress=stop)
        imp.batch_meetings = 1
        started = time.monotonic()
        with pytest.raises(KeyboardInterrupt):
            imp.run()
    assert time.monotonic() - started < 30
    assert no_children()
    assert_whole_and_unique(imp.report)


def test_ctrl_c_during_after_commit_work_does_not_lose_a_batch_from_search(monkeypatch):
    site = cm.build()
    real = Importer._run_commit_hooks
    calls = {"n": 0}

    def interrupted(self, connection, hooks):
        calls["n"] += 1
        if calls["n"] == 1:  # the first batch of each writer (or of the one process)
            # Ctrl-C (a real SIGINT to this process) after the batch's commit, before its
            # after-commit work: it waits until that work is done (finding 5, fixed).
            os.kill(os.getpid(), signal.SIGINT)
        return real(self, connection, hooks)

    monkeypatch.setattr(Importer, "_run_commit_hooks", interrupted)
    with serving(site) as url:
        imp = importer(url)
        imp.batch_meetings = 1
        with pytest.raises((KeyboardInterrupt, RuntimeError)):
            imp.run()
        assert imp.report.meetings_done >= 1
        monkeypatch.setattr(Importer, "_run_commit_hooks", real)
        importer(url).run()
        importer(url).run()
    published = Meeting.all_objects.published()
    indexed = set(
        SearchDocument.objects.filter(kind="meeting").values_list("meeting_id", flat=True)
    )
    missing = [m.pk for m in published if m.pk not in indexed]
    assert not missing, missing


def test_a_committee_with_no_meetings_one_committee_only_and_more_processes_than_committees():
    site = cm.build()
    with serving(site) as url:
        many = importer(url, processes=8).run()  # 4 committees, 3 with meetings
        assert many.writers == writers(8) == (3 if POSTGRES else 1)
        assert many.meetings_done == 11 and not many.problems
    only = cm.build()
    only.committees = re.sub(
        rb"<committee><committeeid>300[234].*?</committee>", b"", only.committees, flags=re.S
    )
    with serving(only) as url:
        one = importer(url, processes=4).run()
    assert one.writers == 1  # one committee: nothing to split
    assert one.meetings_total == one.meetings_done == 6 and not one.problems
    assert_whole_and_unique()
    assert no_children()


def test_a_dry_run_writes_with_one_process_and_saves_nothing():
    site = cm.build()
    with serving(site) as url:
        report = importer(url, dry_run=True, processes=4).run()
    assert report.writers == 1 and report.meetings_done == 11
    assert not Meeting.all_objects.exists() and not Person.objects.exists()


def test_papers_shared_by_four_committees_in_crossing_order_are_written_once():
    """Four writers meet the same two papers at once, listed in opposite orders (each
    writer waits on the other's record: a deadlock the database breaks)."""
    site = generated_site(committees=4, meetings=8, restricted_every=0)
    for k in range(4):
        mid = str(20000 + k)
        pair = [("990001", "Joint paper P"), ("990002", "Joint paper Q")]
        if k % 2:
            pair.reverse()
        docs = item_xml(1, 1, "x", "x", docs=[(d, t, False, "", "01/01/2024") for d, t in pair])
        linked = re.search(r"<linkeddocuments>.*</linkeddocuments>", docs, re.S).group(0)
        site.meeting[mid] = re.sub(
            rb"<linkeddocuments><linkeddoc>.*?</linkeddocuments>",
            linked.encode(),
            site.meeting[mid],
            flags=re.S,
        )
    site.documents["990001"] = Doc(make_pdf_bytes(1, "Joint paper P"))
    site.documents["990002"] = Doc(make_pdf_bytes(1, "Joint paper Q"))
    with serving(site) as url:
        report = importer(url, processes=4).run()
    assert report.writers == writers(4, 4)
    assert not report.problems, report.problems
    assert report.meetings_done == Meeting.all_objects.count() == 8
    assert Document.all_objects.filter(title__startswith="Joint paper").count() == 2
    assert ImportedRecord.objects.filter(source_id__in=["990001", "990002"]).count() == 2
    assert report.counts["document"]["created"] == 6


def test_a_meeting_listed_by_two_committees_lands_in_the_first_whatever_the_timing(monkeypatch):
    site = cm.build()
    site.meetings["3002"] = site.meetings["3002"].replace(
        b"<committeemeetings>",
        b"<committeemeetings><meeting><meetingid>300101</meetingid><meetingdate>"
        + f"{cm.day_of('3001', 1):%d/%m/%Y}".encode()
        + b"</meetingdate><meetingstatus>Confirmed</meetingstatus></meeting>",
    )
    # The first committee's writer starts late: the second writes the joint meeting first.
    _slow_first_meeting_of(monkeypatch, "Overview and Scrutiny Committee", 1.5)
    with serving(site) as url:
        report = importer(url).run()
    assert not report.problems, report.problems
    # The second listing is left out before the writers start, and said (finding 6, fixed).
    assert report.meetings_total == report.meetings_done == 11
    assert any(
        s["source_id"] == "300101" and "more than one committee" in s["why"] for s in report.skipped
    ), report.skipped
    assert Meeting.all_objects.count() == 11
    joint = Meeting.all_objects.get(
        pk=ImportedRecord.objects.get(kind="meeting", source_id="300101").object_id
    )
    assert joint.committee.name == "Overview and Scrutiny Committee"


@pytest.mark.django_db
def test_the_processes_setting_is_bounded_like_the_flag(settings):
    settings.IMPORT_PROCESSES = 50
    assert Importer("http://127.0.0.1:9").processes <= 16


# --- Job 2: the canary ------------------------------------------------------------------------


def _text_columns():
    for model in apps.get_models():
        fields = [
            f.column
            for f in model._meta.concrete_fields
            if isinstance(f, models.CharField | models.TextField | models.JSONField)
        ]
        if fields:
            yield model._meta.db_table, fields


def canary_rows() -> list[str]:
    found = []
    q = connection.ops.quote_name
    with connection.cursor() as cursor:
        for table, columns in _text_columns():
            for column in columns:
                cursor.execute(
                    f"SELECT COUNT(*) FROM {q(table)} WHERE CAST({q(column)} AS TEXT) LIKE %s",  # noqa: S608
                    [f"%{CANARY}%"],
                )
                if cursor.fetchone()[0]:
                    found.append(f"{table}.{column}")
    return found


def pdf_text(data: bytes) -> str:
    done = subprocess.run(
        ["pdftotext", "-", "-"], input=data, capture_output=True, timeout=60, check=False
    )
    return done.stdout.decode("utf-8", "replace")


def sweep(client, seeds: list[str], limit: int) -> dict[str, int]:
    """Follow the portal's links from ``seeds`` (GET, same site), reading every page, feed,
    CSV, JSON and PDF; fails on the canary. Returns what was read and its status."""
    seen: dict[str, int] = {}
    queue = list(seeds)
    while queue and len(seen) < limit:
        url = queue.pop(0)
        if url in seen:
            continue
        response = client.get(url)
        seen[url] = response.status_code
        data = (
            b"".join(response.streaming_content)
            if hasattr(response, "streaming_content")
            else response.content
        )
        text = pdf_text(data) if data.startswith(b"%PDF") else data.decode("utf-8", "replace")
        assert CANARY not in text, url
        if response.status_code != 200 or not response.get("Content-Type", "").startswith(
            ("text/html", "application/xml", "text/xml", "application/atom", "application/json")
        ):
            continue
        for link in re.findall(r'(?:href|src|<loc>|"url":\s*)"?([^"<\s]+)', text):
            parsed = urlparse(link.replace("&amp;", "&"))
            if parsed.netloc not in ("", "testserver", "localhost"):
                continue
            path = parsed.path + (f"?{parsed.query}" if parsed.query else "")
            if (
                not path.startswith("/")
                or path.startswith(("/static/", "/accounts/", "/officer/", "/django-admin/"))
                or "logout" in path
            ):
                continue
            if path not in seen and path not in queue:
                queue.append(path)
    return seen


@pytest.fixture
def calder_moor(settings):
    site = cm.build()
    with serving(site) as url:
        report = importer(url).run()
    assert report.writers == writers(2) and not report.problems
    return site, report


def test_the_canary_is_stored_nowhere_and_restricted_papers_are_never_fetched(
    calder_moor, settings
):
    site, report = calder_moor
    for cid in ("3001", "3002", "3003"):  # every committee, so every writer
        for mid in cm.meeting_ids(cid):
            assert site.hits[f"doc:{cm.secret_paper_id(mid)}"] == 0
    assert canary_rows() == []
    for path in Path(settings.MEDIA_ROOT).rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            assert CANARY.encode() not in data, path
            if data.startswith(b"%PDF"):
                assert CANARY not in pdf_text(data), path
    # And every exempt item is there, exempt, for each committee.
    exempt = AgendaItem.all_objects.filter(is_exempt=True)
    assert exempt.count() == 11 and set(exempt.values_list("exempt_paragraph", flat=True)) == {3}


def _seeds() -> list[str]:
    seeds = [
        "/",
        reverse("committee-list"),
        reverse("person-list"),
        reverse("meeting-calendar"),
        reverse("search") + "?q=offer",
        reverse("search") + "?q=landlord",
        reverse("search") + "?q=valuation",
        reverse("search") + "?q=negotiation",
        reverse("open-data"),
        reverse("meetings-ics"),
        reverse("papers-feed"),
        reverse("minutes-feed"),
        reverse("action-tracker-csv"),
        reverse("oparl-index"),
    ]
    for committee in Committee.objects.all():
        seeds += [
            committee.get_absolute_url(),
            reverse("committee-papers-feed", args=[committee.slug]),
            reverse("committee-minutes-feed", args=[committee.slug]),
        ]
    for meeting in Meeting.all_objects.order_by("start"):
        seeds += [meeting.get_absolute_url(), reverse("meeting-minutes", args=[meeting.pk])]
    held = Meeting.all_objects.filter(status="held").order_by("start")
    coming = Meeting.all_objects.exclude(status="held").order_by("start")
    seeds += [reverse("meeting-minutes-pdf", args=[m.pk]) for m in held[:2]]
    seeds += [reverse("meeting-pack", args=[m.pk]) for m in coming[:2]]
    seeds += [reverse("meeting-members-pack", args=[m.pk]) for m in [*held[:1], *coming[:1]]]
    for kind in ("meeting", "agendaitem", "paper", "file"):
        seeds += [f"/api/oparl/v1/{kind}/{pk}" for pk in range(1, 6)]
    return seeds


def test_the_canary_is_on_no_surface_for_anyone(calder_moor):
    """The public, a councillor on none of the committees with the exempt item (Dev Patel
    sits on 3002 only: 3001 and 3003 are not his) and a member (Aisha Rahman chairs 3001
    and sits on 3003): the canary nowhere, the exempt item listed by its public title."""
    for who in ("anonymous", "outsider", "member"):
        client = Client()
        if who != "anonymous":
            name = "Aisha Rahman" if who == "member" else "Dev Patel"
            person = Person.objects.get(name=name)
            client.force_login(make_user("councillor", username=f"cm-{who}", person=person))
        seen = sweep(client, _seeds(), limit=75)
        assert len(seen) >= 60, seen
        # 503: a held meeting's pack is built when first asked for (Retry-After).
        assert not [u for u, s in seen.items() if s >= 500 and s != 503], (who, seen)
        meeting = Meeting.all_objects.filter(committee__name__startswith="Overview").first()
        page = client.get(meeting.get_absolute_url()).content.decode()
        assert "Commercial negotiation (exempt)" in page and CANARY not in page, who
