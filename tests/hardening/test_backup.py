"""Backup and restore: a round trip reproduces the database and the stored files exactly."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command

from meetings.models import Document, Meeting
from scrutiny.backup import canonical_dump, media_hashes
from scrutiny.models import Person
from tests.factories import make_user
from tests.factories.meetings import DocumentFactory, ExemptAgendaItemFactory, ReportFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def council(db):
    call_command("load_demo_data", stdout=open("/dev/null", "w"))  # noqa: SIM115
    officer = make_user("officer", username="backup-officer")
    doc = DocumentFactory(text="Appendix with numbers")
    exempt = ExemptAgendaItemFactory(meeting=doc.agenda_item.meeting)
    DocumentFactory(agenda_item=exempt, text="Exempt appendix")
    ReportFactory(agenda_item=exempt)
    meeting = doc.agenda_item.meeting
    meeting.venue = "Council Chamber"
    meeting._history_user = officer
    meeting.save()  # a second history row with a user
    default_storage.save("packs/pack-1.pdf", ContentFile(b"%PDF-1.7 pack"))
    return meeting


def test_round_trip_restores_identical_data_and_files(council, tmp_path):
    before_data, before_files = canonical_dump(), media_hashes()
    highest_document = Document.all_objects.order_by("-pk").first().pk
    assert len(before_files) >= 3 and "packs/pack-1.pdf" in before_files
    assert '"meetings.historicalmeeting"' in before_data

    call_command("backup", str(tmp_path / "b"), stdout=open("/dev/null", "w"))  # noqa: SIM115
    manifest = json.loads((tmp_path / "b" / "manifest.json").read_text())
    assert manifest["counts"]["meetings.meeting"] == Meeting.all_objects.count()

    # Things go wrong after the backup: a meeting deleted, a person changed, files lost
    # and added, a new login.
    Meeting.all_objects.filter(pk=council.pk).delete()
    Person.objects.update(name="Changed")
    for name in list(before_files)[:2]:
        default_storage.delete(name)
    default_storage.save("documents/stray.pdf", ContentFile(b"stray"))
    make_user("councillor", username="after-backup")
    assert canonical_dump() != before_data

    call_command("restore", str(tmp_path / "b"), "--noinput", stdout=open("/dev/null", "w"))  # noqa: SIM115

    assert canonical_dump() == before_data
    assert media_hashes() == before_files
    # Sequences continue after the restored rows: new rows do not collide.
    assert DocumentFactory().pk > highest_document


def test_damaged_backup_is_refused_before_anything_changes(council, tmp_path):
    call_command("backup", str(tmp_path / "b"), stdout=open("/dev/null", "w"))  # noqa: SIM115
    before = canonical_dump()
    stored = next((tmp_path / "b" / "media").rglob("*.pdf"))
    stored.write_bytes(stored.read_bytes() + b"tampered")
    with pytest.raises(CommandError, match="does not match the manifest"):
        call_command("restore", str(tmp_path / "b"), "--noinput")
    assert canonical_dump() == before
    assert call_command_check_fails(tmp_path / "nothing")


def call_command_check_fails(path: Path) -> bool:
    try:
        call_command("restore", str(path), "--check")
    except CommandError as exc:
        return "not a portal backup" in str(exc)
    return False


def test_failed_load_leaves_the_database_unchanged(council, tmp_path, monkeypatch):
    call_command("backup", str(tmp_path / "b"), stdout=open("/dev/null", "w"))  # noqa: SIM115
    Person.objects.update(phone="01484 000000")
    before = canonical_dump()
    # A manifest that disagrees with the rows (as a truncated dump would) stops the restore
    # after the load, inside the transaction.
    manifest_path = tmp_path / "b" / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    manifest["counts"]["scrutiny.person"] += 1
    manifest_path.write_text(json.dumps(manifest))
    with pytest.raises(CommandError, match="do not match the manifest"):
        call_command("restore", str(tmp_path / "b"), "--noinput")
    assert canonical_dump() == before


def test_backup_refuses_a_folder_in_use(tmp_path, db):
    (tmp_path / "old").mkdir()
    (tmp_path / "old" / "x").write_text("x")
    with pytest.raises(CommandError, match="not empty"):
        call_command("backup", str(tmp_path / "old"))


def test_many_to_many_values_restore_without_new_history_rows(db, tmp_path):
    """Loading a row's many-to-many values is not a raw save: history must not grow on restore
    (a forward plan entry's wards once made the restore refuse its own backup)."""
    from decisions.models import ForwardPlanEntry
    from tests.factories.decisions import PublishedEntryFactory, WardFactory

    entry = PublishedEntryFactory()
    entry.wards.set([WardFactory(), WardFactory()])
    history_rows = ForwardPlanEntry.history.count()
    before = canonical_dump()

    call_command("backup", str(tmp_path / "b"), stdout=open("/dev/null", "w"))  # noqa: SIM115
    call_command("restore", str(tmp_path / "b"), "--noinput", stdout=open("/dev/null", "w"))  # noqa: SIM115

    assert ForwardPlanEntry.history.count() == history_rows
    assert canonical_dump() == before
