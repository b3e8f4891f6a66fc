"""Every background task is idempotent and safe to retry, and a failure part-way leaves no
half-written records (issue 9, reliability).

``TASKS`` names every django-tasks ``Task`` the portal's apps define, with the tests that cover
it; ``test_every_task_is_covered`` walks every module of the apps and fails when a task is
missing from the table or the table names one that no longer exists. Each task then has:

- **run twice**: the same task run again changes no row of any portal table (every model of
  the seven apps, history tables included) and no stored file (name + SHA-256 of every file
  in the default storage);
- **fail part-way**: a step deep inside the task is made to raise (or the worker is "killed":
  ``SystemExit``, what ``db_worker`` raises inside a task on a second SIGTERM). Afterwards
  every record is either exactly as before the run or exactly as a clean run leaves it —
  never anything in between — the run log says the run failed (or is still unfinished, so
  it can be retried), and the previous good result is intact (packs: still downloadable,
  byte-identical);
- **retry**: with the fault removed, running again reaches exactly the state of a clean run.

"A clean run" is measured, not assumed: each failure test first runs the task cleanly inside
a savepoint, takes the resulting state, rolls the savepoint back and puts the storage back as
it was (checked against the snapshot taken before), then does the failing run and the retry.
The clean run, the failing run and the retry all happen at the same frozen instant
(time-machine), so timestamps the runs write compare equal; between the two runs of a "run
twice" test time moves, so a timestamp that changes shows a write.

Fields left out of the comparisons, and why:

- ``SearchDocument.id`` and ``.indexed_at``: ``index_meeting`` deletes a meeting's search rows
  and writes them again in one transaction on every run, by design; the rows are compared by
  (kind, object id) and content. Nothing refers to their ids.
- Comparing a clean run with a retry (not in "run twice"): surrogate ids of rows a run
  creates (PostgreSQL does not roll sequences back with the savepoint; such rows are matched
  by their natural key) and a pack's per-build identity — ``file_name`` (a new unique name per
  build), ``sha256``/``size`` (the PDF's /ID differs per save), ``build`` (a different build
  row). The pack files are then compared by content read back with pypdf (pages, text of
  every page, bookmarks, page labels), and every pack row is checked against its stored
  bytes (SHA-256, size, page count) with no stray or missing pack file.
- The run logs, ``PackBuild`` and ``ImportRun``, are not "pre or clean" records: they are
  asserted separately (failed with its error, or unfinished). So is a ``Conversion`` (an
  upload converted to PDF), whose status, times and attempt are its run log; the PDF it adds
  (document, report, their history, the stored file) has a per-build identity like a pack's
  and is compared the same way (``conversion_state``).

Tasks run through the real path: ``request_build`` (which enqueues ``build_meeting_packs``),
``start_import`` queueing ``run_import_task`` (and ``start_conversion`` queueing
``convert_upload``, with LibreOffice really run) on the production database backend and the
task then run, ``retry_conversion`` (the officer's "Try again"), ``refresh_meeting`` and
``extract_text`` enqueued; the test settings' ImmediateBackend runs a task at ``enqueue``.
Commit callbacks (a pack build deletes the replaced file on commit) are executed with
``django_capture_on_commit_callbacks(execute=True)``.
"""

from __future__ import annotations

import collections
import datetime as dt
import hashlib
import importlib
import io
import json
import pkgutil
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from decimal import Decimal as D

import pypdf
import pytest
import time_machine
from django.apps import apps
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage, storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import OperationalError, transaction
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks.base import Task
from django_tasks.signals import task_finished
from django_tasks_db.models import DBTaskResult

from meetings import conversion as conversions
from meetings import services as meeting_services
from meetings.minutes import services as minutes_services
from meetings.models import Conversion, Document, ExemptAccess, Meeting, Report
from meetings.packs import builder
from meetings.packs import services as pack_services
from meetings.packs.models import BuildStatus, Pack, PackBuild, PackKind
from meetings.packs.tasks import build_meeting_packs
from meetings.tasks import convert_upload
from opendata import services as opendata_services
from opendata.models import CalendarEntry, SearchDocument
from opendata.tasks import extract_text, refresh_meeting
from performance import services as performance_services
from performance.models import KPI, Figure, ImportRun
from performance.tasks import run_import_task
from scrutiny import stored_pdfs
from scrutiny.models import Council, StoredPdf
from scrutiny.tasks import build_stored_pdf, refresh_stored_pdfs
from tests.factories import make_user
from tests.factories.meetings import AgendaItemFactory, DocumentFactory, MeetingFactory
from tests.factories.minutes import make_meeting_with_items
from tests.factories.opendata import build_world
from tests.factories.packs import make_pack_meeting
from tests.factories.performance import ServiceAreaFactory, figure, financial_year
from tests.meetings.test_conversion import make_docx
from tests.performance.test_imports import HEADER, csv_bytes

pytestmark = pytest.mark.django_db

# Every background task, by module path, with the tests that prove it idempotent and safe to
# retry. A new task must be added here (with its tests) or test_every_task_is_covered fails.
TASKS = {
    "meetings.packs.tasks.build_meeting_packs": (
        "test_pack_build_run_twice_changes_nothing",
        "test_pack_build_failing_part_way_then_retried",
    ),
    "performance.tasks.run_import_task": (
        "test_import_run_twice_changes_nothing",
        "test_import_failing_part_way_then_retried",
    ),
    "opendata.tasks.refresh_meeting": (
        "test_refresh_meeting_run_twice_changes_nothing",
        "test_refresh_meeting_failing_part_way_then_retried",
    ),
    "scrutiny.tasks.build_stored_pdf": (
        "test_stored_pdf_build_run_twice_changes_nothing",
        "test_stored_pdf_build_failing_part_way_then_retried",
    ),
    "scrutiny.tasks.refresh_stored_pdfs": (
        "test_stored_pdf_refresh_run_twice_changes_nothing",
        "test_stored_pdf_build_failing_part_way_then_retried",
    ),
    "meetings.tasks.convert_upload": (
        "test_conversion_run_twice_changes_nothing",
        "test_conversion_failing_part_way_then_retried",
    ),
    "opendata.tasks.extract_text": (
        "test_extract_text_run_twice_changes_nothing",
        "test_extract_text_failing_part_way_then_retried",
        "test_a_transient_read_failure_keeps_the_text_already_read",
    ),
}

# The portal's apps (labels), in INSTALLED_APPS order.
PORTAL_APPS = (
    "scrutiny",
    "meetings",
    "minutes",
    "performance",
    "workprogramme",
    "packs",
    "opendata",
)

# Rows every run deletes and writes again by design: these fields are new each time.
REWRITTEN = {"opendata.searchdocument": {"id", "indexed_at"}}
# How rows a run creates are matched between a clean run and a retry.
NATURAL_KEYS = {
    "opendata.searchdocument": ("kind", "object_id"),
    "opendata.calendarentry": ("meeting_id",),
    "packs.pack": ("meeting_id", "kind"),
    "scrutiny.storedpdf": ("kind", "key", "fingerprint"),
    "performance.figure": ("kpi_id", "period_id"),
    # A queue of "compare this meeting's public records again" markers (opendata.records):
    # idempotent, so a marker is the same whatever its row id (ids differ between a clean run
    # and a retry on PostgreSQL, whose sequences do not roll back).
    "opendata.dirtyroot": ("root",),
    # A change a run records for members (meetings.changes, e.g. "supplementary pack, pages
    # 15-17 -> 18-20"): the same change whatever its row id (PostgreSQL sequences again).
    "meetings.meetingchange": (
        "meeting_id",
        "kind",
        "item_id",
        "document_id",
        "report_id",
        "before",
        "after",
    ),
}
# A pack's per-build identity (see the module docstring); its file is compared by content.
PER_BUILD = {
    "packs.pack": {"build_id", "file_name", "sha256", "size"},
    "scrutiny.storedpdf": {"file_name", "sha256", "size"},
}
RUN_LOGS = frozenset({"packs.packbuild", "performance.importrun"})
PACK_FILE = re.compile(r"^packs/(?P<meeting>\d+)/(?P<kind>[a-z]+)-[0-9a-f]{32}\.pdf$")
STORED_PDF_FILE = re.compile(r"^(?P<version>printed/[a-z-]+/[^/]+/[0-9a-f]{16})-[0-9a-f]{32}\.pdf$")


class WorkerKilled(SystemExit):
    """What ``db_worker`` raises inside a running task on a second SIGTERM (``sys.exit(1)``):
    not an ``Exception``, so no ``except Exception`` in the task sees it."""


# -- the guard --------------------------------------------------------------------------------


def defined_tasks() -> dict[str, Task]:
    """Every Task object defined in any module of the portal's apps (migrations aside)."""
    found: dict[str, Task] = {}
    for label in PORTAL_APPS:
        package = importlib.import_module(apps.get_app_config(label).name)
        names = [package.__name__] + [
            info.name
            for info in pkgutil.walk_packages(package.__path__, prefix=f"{package.__name__}.")
            if ".migrations" not in info.name
        ]
        for name in names:
            module = importlib.import_module(name)
            for value in vars(module).values():
                if isinstance(value, Task) and value.func.__module__ == module.__name__:
                    found[value.module_path] = value
    return found


def test_every_task_is_covered():
    found = defined_tasks()
    missing = sorted(set(found) - set(TASKS))
    stale = sorted(set(TASKS) - set(found))
    assert not missing, f"Background tasks with no idempotency/retry tests in TASKS: {missing}"
    assert not stale, f"TASKS names tasks that no longer exist: {stale}"
    for path, tests in TASKS.items():
        for name in tests:
            assert callable(globals().get(name)), f"{path}: no test called {name} here"


# -- snapshots --------------------------------------------------------------------------------


def _models():
    for label in PORTAL_APPS:
        yield from apps.get_app_config(label).get_models()


def _canon(value) -> str:
    return json.dumps(value, sort_keys=True, default=str)


def _walk(path: str = "") -> Iterator[str]:
    try:
        folders, files = default_storage.listdir(path)
    except FileNotFoundError:  # nothing stored yet
        return
    for name in files:
        yield f"{path}/{name}" if path else name
    for folder in folders:
        yield from _walk(f"{path}/{folder}" if path else folder)


def stored_files() -> dict[str, bytes]:
    """Every file in the default storage, read through the storage API."""
    out = {}
    for name in sorted(_walk()):
        with default_storage.open(name, "rb") as handle:
            out[name] = handle.read()
    return out


def snapshot() -> dict[str, list[str] | dict[str, str]]:
    """Every row of every portal table (less ``REWRITTEN`` fields), and every stored file's
    name and SHA-256."""
    state: dict = {}
    for model in _models():
        label = model._meta.label_lower
        drop = REWRITTEN.get(label, set())
        key = NATURAL_KEYS.get(label)
        rows = []
        for row in model._base_manager.order_by("pk").values():
            kept = {k: v for k, v in row.items() if k not in drop}
            rows.append(_canon([[row[k] for k in key], kept] if key else kept))
        state[label] = sorted(rows)
    state["storage"] = {n: hashlib.sha256(d).hexdigest() for n, d in stored_files().items()}
    return state


_PDF_CACHE: dict[str, str] = {}


def pdf_content(data: bytes) -> str:
    """A built pack as read back with pypdf: page count, every page's text, bookmarks with
    their pages, page labels. Equal for two builds of the same inputs."""
    digest = hashlib.sha256(data).hexdigest()
    if digest not in _PDF_CACHE:
        reader = pypdf.PdfReader(io.BytesIO(data))

        def outline(items) -> list:
            out = []
            for item in items:
                if isinstance(item, list):
                    out.append(outline(item))
                else:
                    out.append([item.title, reader.get_destination_page_number(item)])
            return out

        _PDF_CACHE[digest] = _canon(
            {
                "pages": len(reader.pages),
                "text": [page.extract_text() for page in reader.pages],
                "outline": outline(reader.outline),
                "labels": list(reader.page_labels),
            }
        )
    return _PDF_CACHE[digest]


def result_state(*, skip: frozenset[str] = frozenset()) -> dict[str, dict[str, str]]:
    """What a run leaves, comparable between a clean run and a retry: ``{table: {record key:
    record}}``. Rows a run creates are keyed by their natural key (history rows, which are
    append-only, by their content and occurrence); pack files by meeting and kind, compared by
    content; other files by name and SHA-256."""
    state: dict[str, dict[str, str]] = {}
    for model in _models():
        meta = model._meta
        label = meta.label_lower
        if label in skip:
            continue
        historical = any(f.attname == "history_id" for f in meta.fields)
        natural = NATURAL_KEYS.get(label)
        drop = REWRITTEN.get(label, set()) | PER_BUILD.get(label, set())
        if natural or historical:
            drop = drop | {"id", "history_id"}
        records: dict[str, str] = {}
        seen: collections.Counter = collections.Counter()
        for row in model._base_manager.order_by("pk").values():
            record = _canon({k: v for k, v in row.items() if k not in drop})
            if historical:
                key = f"{record}#{seen[record]}"
                seen[record] += 1
            elif natural:
                key = _canon([row[k] for k in natural])
            else:
                key = str(row[meta.pk.attname])
            records[key] = record
        state[label] = records
    files: dict[str, str] = {}
    for name, data in stored_files().items():
        match = PACK_FILE.match(name)
        stored_pdf = STORED_PDF_FILE.match(name)
        if match:
            key = f"pack file {match['meeting']}/{match['kind']}"
            assert key not in files, f"two stored files for one pack: {key}"
            files[key] = pdf_content(data)
        elif stored_pdf:  # one file per content version, its name unique per build
            key = f"stored pdf {stored_pdf['version']}"
            assert key not in files, f"two stored files for one version: {key}"
            files[key] = pdf_content(data)
        else:
            files[name] = hashlib.sha256(data).hexdigest()
    state["storage"] = files
    return state


def assert_same(after: dict, before: dict) -> None:
    """Equal snapshots; on a difference, say which rows of which tables changed."""
    changes = {}
    for table in sorted(set(before) | set(after)):
        old, new = before.get(table), after.get(table)
        if old == new:
            continue
        if isinstance(old, dict) and isinstance(new, dict):
            changes[table] = {
                k: (old.get(k), new.get(k))
                for k in sorted(set(old) | set(new))
                if old.get(k) != new.get(k)
            }
        else:
            changes[table] = {
                "gone": sorted(set(old or []) - set(new or [])),
                "new": sorted(set(new or []) - set(old or [])),
            }
    assert not changes, f"state changed: {json.dumps(changes, indent=1)[:6000]}"


def assert_no_half_written(failed: dict, *, pre: dict, clean: dict) -> None:
    """Every record (run logs aside) after the failed run is exactly as before it or exactly
    as the clean run leaves it (absent counts as a value)."""
    torn = {}
    for table in sorted(set(pre) | set(failed) | set(clean)):
        if table in RUN_LOGS:
            continue
        p, f, c = pre.get(table, {}), failed.get(table, {}), clean.get(table, {})
        for key in set(p) | set(f) | set(c):
            if f.get(key) not in (p.get(key), c.get(key)):
                torn.setdefault(table, {})[key] = {
                    "before": p.get(key),
                    "after failure": f.get(key),
                    "clean run": c.get(key),
                }
    assert not torn, f"half-written records: {json.dumps(torn, indent=1)[:6000]}"


def split(failed: dict, *, pre: dict, clean: dict, table: str) -> tuple[set, set]:
    """Keys of ``table`` whose record differs between ``pre`` and ``clean``, split into those
    the failed run left as before and those it left as the clean run does."""
    p, f, c = pre.get(table, {}), failed.get(table, {}), clean.get(table, {})
    changed = {k for k in set(p) | set(c) if p.get(k) != c.get(k)}
    return {k for k in changed if f.get(k) == p.get(k)}, {
        k for k in changed if f.get(k) == c.get(k)
    }


def restore_files(before: dict[str, bytes]) -> None:
    for name in set(_walk()) - set(before):
        default_storage.delete(name)
    for name, data in before.items():
        if not default_storage.exists(name):
            assert default_storage.save(name, ContentFile(data)) == name


@contextmanager
def finished() -> Iterator[list]:
    """The results of every task that finishes inside the block (django-tasks' signal)."""
    results: list = []

    def collect(sender, task_result, **kwargs):
        results.append(task_result)

    task_finished.connect(collect, weak=False)
    try:
        yield results
    finally:
        task_finished.disconnect(collect)


class Runner:
    """Runs a task's work with commit callbacks executed, at an instant (frozen) or now."""

    def __init__(self, capture):
        self.capture = capture
        self.instant = (timezone.now() + dt.timedelta(hours=1)).replace(microsecond=0)

    def now(self, work: Callable):
        with finished() as results, self.capture(execute=True):
            value = work()
        return value, results

    def frozen(self, work: Callable):
        with time_machine.travel(self.instant, tick=False):
            return self.now(work)

    def clean_reference(
        self, work: Callable, *, skip=frozenset(), state: Callable | None = None
    ) -> dict:
        """The state a clean run of ``work`` leaves, taken inside a savepoint that is then
        rolled back (and the storage put back), so the test continues from before it."""
        before, files = snapshot(), stored_files()
        savepoint = transaction.savepoint()
        try:
            _, results = self.frozen(work)
            assert results, "the clean run ran no task"
            for result in results:
                assert result.status == TaskResultStatus.SUCCESSFUL, result.errors
                assert result.return_value not in {"failed", "skipped"}, result.return_value
            clean = state() if state else result_state(skip=skip)
        finally:
            transaction.savepoint_rollback(savepoint)
            restore_files(files)
        assert_same(snapshot(), before)
        return clean


def statuses(results) -> list[tuple[str, str]]:
    return [(r.task.name, r.status) for r in results]


# -- agenda packs -----------------------------------------------------------------------------


def assert_packs_whole() -> None:
    """Each pack row describes its stored file exactly, and no other pack file is stored."""
    names = set()
    for pack in Pack.objects.all():
        with default_storage.open(pack.file_name, "rb") as handle:
            data = handle.read()
        assert hashlib.sha256(data).hexdigest() == pack.sha256, pack
        assert len(data) == pack.size, pack
        assert len(pypdf.PdfReader(io.BytesIO(data)).pages) == pack.page_count, pack
        names.add(pack.file_name)
    assert {n for n in _walk() if n.startswith("packs/")} == names


def downloads(client) -> dict[str, bytes]:
    """Every pack downloaded through its page (as an officer, who may read all three). The
    members' pack download is logged as an exempt access; the test's own log rows are
    removed again so that they do not count as writes of the task."""
    logged = set(ExemptAccess.objects.values_list("pk", flat=True))
    out = {}
    for pack in Pack.objects.all():
        response = client.get(pack.get_absolute_url())
        assert response.status_code == 200, pack
        out[pack.kind] = b"".join(response.streaming_content)
    ExemptAccess.objects.exclude(pk__in=logged).delete()
    return out


@pytest.fixture
def packs_meeting(client):
    """A meeting with all three packs built, then changed so every pack needs rebuilding: a
    three-page paper added (the public and members' packs grow, so the supplementary pack's
    numbering moves) and an item renamed."""
    Council.objects.create(name="Kirklees Council", address="Town Hall\nHuddersfield HD1 2TA")
    pm = make_pack_meeting()
    DocumentFactory(
        agenda_item=pm.items["appendices"],
        title="Appendix C (late)",
        order=3,
        pages=2,
        text="LATE-APPENDIX-C",
        is_late=True,
        urgency_reasons="The figures arrived after the agenda was published.",
    )
    first = pack_services.request_build(meeting=pm.meeting, reason="first")
    first.refresh_from_db()
    assert first.status == BuildStatus.OK, first.error
    assert set(Pack.objects.values_list("kind", flat=True)) == set(PackKind.values)
    DocumentFactory(
        agenda_item=pm.items["report"], title="Appendix D", pages=3, text="NEW-APPENDIX-D"
    )
    item = pm.items["appendices"]
    item.title = "Performance appendices, quarter 4"
    item.save()
    client.force_login(make_user("officer"))
    return pm.meeting


def request(meeting):
    return lambda: pack_services.request_build(meeting=meeting, reason="test")


def test_pack_build_run_twice_changes_nothing(packs_meeting, django_capture_on_commit_callbacks):
    run = Runner(django_capture_on_commit_callbacks)
    build, results = run.now(request(packs_meeting))
    assert statuses(results) == [("build_meeting_packs", TaskResultStatus.SUCCESSFUL)]
    build.refresh_from_db()
    assert build.status == BuildStatus.OK
    assert build.summary.count(": built") == 3
    assert_packs_whole()
    once = snapshot()
    # The same task again (a retried or duplicated task): it finds the build done.
    result, _ = run.now(lambda: build_meeting_packs.enqueue(build_id=build.pk))
    assert result.status == TaskResultStatus.SUCCESSFUL and result.return_value == "skipped"
    assert_same(snapshot(), once)
    # Asking again with nothing changed queues nothing.
    again, results = run.now(request(packs_meeting))
    assert again is None and results == []
    assert_same(snapshot(), once)


class Nth:
    """Wraps ``real`` so that its ``n``-th call runs and then raises ``error`` (``before``:
    raises instead of running)."""

    def __init__(self, real, n: int, error: BaseException, *, before: bool = False):
        self.real, self.n, self.error, self.before, self.calls = real, n, error, before, 0

    def __call__(self, *args, **kwargs):
        self.calls += 1
        if self.calls == self.n and self.before:
            raise self.error
        value = self.real(*args, **kwargs)
        if self.calls == self.n:
            raise self.error
        return value


# Kinds are built public, supplementary, members' (pack_services.KINDS).
PACK_FAULTS = {
    # Stamping "Page N" on the public pack, the first kind built, raises: nothing is switched.
    "stamp step, first pack": {
        "where": (builder, "stamp_pages"),
        "n": 1,
        "error": RuntimeError("stamping failed"),
        "before": True,
        "task": TaskResultStatus.FAILED,
        "build": BuildStatus.FAILED,
        "error_text": "Unexpected error while building: RuntimeError: stamping failed",
        "new_kinds": set(),
    },
    # Merging the uploads into the members' pack (the last) fails the way a bad upload does:
    # the public and supplementary packs were already rebuilt and stay (they are good).
    "merge step, last pack": {
        "where": (builder, "_insert_uploads"),
        "n": 3,
        "error": builder.PackBuildError('"Appendix A" (appendix.pdf) could not be merged: boom'),
        "before": True,
        "task": TaskResultStatus.SUCCESSFUL,
        "build": BuildStatus.FAILED,
        "error_text": "could not be merged: boom",
        "new_kinds": {PackKind.PUBLIC, PackKind.SUPPLEMENTARY},
    },
    # The supplementary pack's file is stored and its row updated, then the transaction
    # fails: the row is rolled back and the stored file deleted.
    "row switch, middle pack": {
        "where": (Pack.objects, "update_or_create"),
        "n": 2,
        "error": OperationalError("could not serialize access"),
        "before": False,
        "task": TaskResultStatus.FAILED,
        "build": BuildStatus.FAILED,
        "error_text": "OperationalError: could not serialize access",
        "new_kinds": {PackKind.PUBLIC},
    },
    # The worker is killed while stamping the members' pack: the build is never finished.
    "worker killed, last pack": {
        "where": (builder, "stamp_pages"),
        "n": 3,
        "error": WorkerKilled(1),
        "before": True,
        "task": TaskResultStatus.FAILED,
        "build": BuildStatus.BUILDING,
        "error_text": "",
        "new_kinds": {PackKind.PUBLIC, PackKind.SUPPLEMENTARY},
        # The build still holds its lease (given up at this frozen instant): the same task
        # again leaves it to its watch, which takes it over once the lease has passed
        # (tests/packs/test_interrupted_builds.py, tests/packs/test_worker_kill.py).
        "again": "running",
    },
}


@pytest.mark.parametrize("fault", PACK_FAULTS, ids=list(PACK_FAULTS))
def test_pack_build_failing_part_way_then_retried(
    fault, packs_meeting, client, django_capture_on_commit_callbacks, monkeypatch
):
    spec = PACK_FAULTS[fault]
    run = Runner(django_capture_on_commit_callbacks)
    old_packs = {p.kind: p for p in Pack.objects.all()}
    old_downloads = downloads(client)
    builds_before = set(PackBuild.objects.values_list("pk", flat=True))
    pre, pre_exact = result_state(), snapshot()
    clean = run.clean_reference(request(packs_meeting))

    target, name = spec["where"]
    with monkeypatch.context() as fault_in:
        fault_in.setattr(
            target,
            name,
            Nth(getattr(target, name), spec["n"], spec["error"], before=spec["before"]),
        )
        build, results = run.frozen(request(packs_meeting))
    assert statuses(results) == [("build_meeting_packs", spec["task"])]
    build.refresh_from_db()
    assert build.status == spec["build"]
    assert spec["error_text"] in build.error
    failed = result_state()
    assert_no_half_written(failed, pre=pre, clean=clean)
    assert_packs_whole()
    # Exactly the kinds built before the fault have their new pack; the others are as before,
    # row and file: still downloadable, byte-identical.
    kept, rebuilt = split(failed, pre=pre, clean=clean, table="packs.pack")
    assert rebuilt == {_canon([packs_meeting.pk, k]) for k in spec["new_kinds"]}
    assert len(kept) == 3 - len(spec["new_kinds"])
    now = downloads(client)
    for kind in set(PackKind.values) - spec["new_kinds"]:
        assert Pack.objects.get(meeting=packs_meeting, kind=kind).built_at == (
            old_packs[kind].built_at
        )
        assert now[kind] == old_downloads[kind]
        assert hashlib.sha256(now[kind]).hexdigest() == old_packs[kind].sha256
    for kind in spec["new_kinds"]:
        assert now[kind] != old_downloads[kind]
        assert pdf_content(now[kind]) == clean["storage"][f"pack file {packs_meeting.pk}/{kind}"]
    if not spec["new_kinds"]:  # nothing but the failed build's row has changed
        after = snapshot()
        assert_same({**after, "packs.packbuild": []}, {**pre_exact, "packs.packbuild": []})

    # Retrying the same task does nothing more: the build is not queued any more.
    at_failure = snapshot()
    result, _ = run.frozen(lambda: build_meeting_packs.enqueue(build_id=build.pk))
    assert result.return_value == spec.get("again", "skipped")
    assert_same(snapshot(), at_failure)
    # The retry that rebuilds is a new request (the officer's Rebuild, or the next change):
    # it reaches exactly the clean run's packs.
    retry, results = run.frozen(request(packs_meeting))
    assert statuses(results) == [("build_meeting_packs", TaskResultStatus.SUCCESSFUL)]
    retry.refresh_from_db()
    assert retry.status == BuildStatus.OK
    assert_same(
        result_state(skip=frozenset({"packs.packbuild"})), _without(clean, "packs.packbuild")
    )
    assert_packs_whole()
    assert set(PackBuild.objects.values_list("pk", flat=True)) == builds_before | {
        build.pk,
        retry.pk,
    }
    for kind, data in downloads(client).items():
        assert pdf_content(data) == clean["storage"][f"pack file {packs_meeting.pk}/{kind}"]


def _without(state: dict, *tables: str) -> dict:
    return {k: v for k, v in state.items() if k not in tables}


# -- KPI imports ------------------------------------------------------------------------------

BIG = 205  # more rows than services.BACKGROUND_ROWS: the import runs as a background task


@pytest.fixture
def queued_import():
    """An officer's upload of a quarter's figures for 205 KPIs (one figure already there is
    updated), queued as a task on the production database backend, not yet run."""
    periods = financial_year()
    quarter = periods["Q4 2016/17"]
    area = ServiceAreaFactory()
    KPI.objects.bulk_create(
        [
            KPI(
                reference=f"BIG {n}",
                slug=f"big-{n}",
                title=f"Big {n}",
                service_area=area,
                first_year=2016,
            )
            for n in range(BIG)
        ]
    )
    figure(KPI.objects.get(reference="BIG 0"), quarter, target=D("40"), actual=D("10"))
    content = csv_bytes(
        [HEADER] + [[f"BIG {n}", "", "50", str(n % 100), "", "", "", "", ""] for n in range(BIG)]
    )
    officer = make_user("officer")
    database_backend = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    with override_settings(TASKS=database_backend):
        run = performance_services.start_import(
            period=quarter, upload=SimpleUploadedFile("q4.csv", content), by=officer
        )
        queued = DBTaskResult.objects.get()
    assert run.in_background and run.status == ImportRun.Status.PENDING
    assert queued.task_path == "performance.tasks.run_import_task"
    assert queued.args_kwargs == {"args": [run.pk], "kwargs": {}}
    return run, content


def test_import_run_twice_changes_nothing(queued_import, django_capture_on_commit_callbacks):
    run, _ = queued_import
    runner = Runner(django_capture_on_commit_callbacks)
    result, _ = runner.now(lambda: run_import_task.enqueue(run.pk))
    assert result.return_value == "succeeded"
    run.refresh_from_db()
    assert (run.created_count, run.updated_count) == (BIG - 1, 1)
    once = snapshot()
    result, _ = runner.now(lambda: run_import_task.enqueue(run.pk))
    assert result.status == TaskResultStatus.SUCCESSFUL and result.return_value == "succeeded"
    assert_same(snapshot(), once)


def _last_row_fault(monkeypatch, error: BaseException) -> None:
    """The last row's figure is written, then ``error`` is raised inside the write
    transaction."""
    last = KPI.objects.get(reference=f"BIG {BIG - 1}")
    real = performance_services._apply_figure

    def apply(**kwargs):
        value = real(**kwargs)
        if kwargs["kpi"].pk == last.pk:
            assert Figure.objects.filter(kpi=last).exists()  # really written, then undone
            raise error
        return value

    monkeypatch.setattr(performance_services, "_apply_figure", apply)


@pytest.mark.parametrize("fault", ["error while writing the last row", "worker killed"])
def test_import_failing_part_way_then_retried(
    fault, queued_import, django_capture_on_commit_callbacks, monkeypatch
):
    run, content = queued_import
    runner = Runner(django_capture_on_commit_callbacks)
    pre = result_state()
    clean = runner.clean_reference(lambda: run_import_task.enqueue(run.pk))

    killed = fault == "worker killed"
    with monkeypatch.context() as fault_in:
        _last_row_fault(fault_in, WorkerKilled(1) if killed else RuntimeError("disk full"))
        result, _ = runner.frozen(lambda: run_import_task.enqueue(run.pk))
    failed = result_state()
    assert_no_half_written(failed, pre=pre, clean=clean)
    # All or nothing: not one figure (nor history row) of the 205 was kept.
    assert_same(_without(failed, *RUN_LOGS), _without(pre, *RUN_LOGS))
    run.refresh_from_db()
    if killed:
        assert result.status == TaskResultStatus.FAILED
        assert run.status == ImportRun.Status.WRITING and not run.is_finished
        # Retrying the task imports the file: exactly the clean run.
        result, _ = runner.frozen(lambda: run_import_task.enqueue(run.pk))
        assert result.return_value == "succeeded"
        assert_same(result_state(), clean)
        return
    # A failure the import catches is recorded on the run, which is finished: re-running the
    # task leaves it alone, and the officer's retry is uploading the file again.
    assert result.status == TaskResultStatus.SUCCESSFUL and result.return_value == "failed"
    assert run.status == ImportRun.Status.FAILED
    assert "Nothing was saved" in run.errors[0]["message"]
    at_failure = snapshot()
    result, _ = runner.frozen(lambda: run_import_task.enqueue(run.pk))
    assert result.return_value == "failed"
    assert_same(snapshot(), at_failure)
    again, results = runner.frozen(
        lambda: performance_services.start_import(
            period=run.period, upload=SimpleUploadedFile("q4.csv", content), by=run.uploaded_by
        )
    )
    assert statuses(results) == [("run_import_task", TaskResultStatus.SUCCESSFUL)]
    assert again.status == ImportRun.Status.SUCCEEDED
    assert result_state()["performance.figure"] == clean["performance.figure"]


# -- search index, PDF text, calendar ---------------------------------------------------------


@pytest.fixture
def changed_meeting(django_capture_on_commit_callbacks):
    """The published, indexed meeting of the search tests, then changed behind the task's
    back: a new PDF (text not read yet) and a new venue (its calendar entry must move on)."""
    world = build_world(django_capture_on_commit_callbacks)
    document = DocumentFactory(
        agenda_item=world.item, title="Appendix B – vacancies", text="Vacancy rates by team"
    )
    assert document.text_extracted_at is None and document.text == ""
    Meeting.all_objects.filter(pk=world.meeting.pk).update(venue="Council Chamber")
    return world.meeting, Document.all_objects.get(pk=document.pk)


def _read_fails(monkeypatch, document) -> None:
    """Reading ``document``'s file from the storage fails (storage unreachable)."""
    storage_class = type(storages["default"])
    real = storage_class.open

    def open_(self, name, mode="rb"):
        if name == document.file.name:
            raise OSError("storage unreachable")
        return real(self, name, mode)

    monkeypatch.setattr(storage_class, "open", open_)


OPENDATA_FAULTS = {
    # The search rows are inserted, then the transaction fails.
    "index bulk insert": lambda mp, doc: mp.setattr(
        SearchDocument.objects,
        "bulk_create",
        Nth(SearchDocument.objects.bulk_create, 1, OperationalError("deadlock detected")),
    ),
    # The PDF cannot be read from the storage.
    "storage read": _read_fails,
    # The worker is killed after the PDF's text was read.
    "killed after reading": lambda mp, doc: mp.setattr(
        opendata_services, "read_pdf_text", Nth(opendata_services.read_pdf_text, 1, WorkerKilled(1))
    ),
}


def _searchable(meeting) -> str:
    """The indexed text of the meeting's PDFs."""
    return "\n".join(
        SearchDocument.objects.filter(meeting=meeting, kind="document").values_list(
            "body", flat=True
        )
    )


def test_refresh_meeting_run_twice_changes_nothing(
    changed_meeting, django_capture_on_commit_callbacks
):
    meeting, document = changed_meeting
    runner = Runner(django_capture_on_commit_callbacks)
    sequence = CalendarEntry.objects.get(meeting=meeting).sequence
    result, _ = runner.now(lambda: refresh_meeting.enqueue(meeting.pk))
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert CalendarEntry.objects.get(meeting=meeting).sequence == sequence + 1
    assert "Vacancy rates by team" in _searchable(meeting)
    once = snapshot()
    result, _ = runner.now(lambda: refresh_meeting.enqueue(meeting.pk))
    assert result.status == TaskResultStatus.SUCCESSFUL and result.return_value > 0
    assert_same(snapshot(), once)


@pytest.mark.parametrize("fault", OPENDATA_FAULTS, ids=list(OPENDATA_FAULTS))
def test_refresh_meeting_failing_part_way_then_retried(
    fault, changed_meeting, django_capture_on_commit_callbacks, monkeypatch
):
    meeting, document = changed_meeting
    runner = Runner(django_capture_on_commit_callbacks)
    pre = result_state()
    clean = runner.clean_reference(lambda: refresh_meeting.enqueue(meeting.pk))

    with monkeypatch.context() as fault_in:
        OPENDATA_FAULTS[fault](fault_in, document)
        result, _ = runner.frozen(lambda: refresh_meeting.enqueue(meeting.pk))
    assert result.status == TaskResultStatus.FAILED
    failed = result_state()
    assert_no_half_written(failed, pre=pre, clean=clean)
    # The meeting's search rows are all as before (none half-indexed).
    assert failed["opendata.searchdocument"] == pre["opendata.searchdocument"]
    document.refresh_from_db()
    if fault == "index bulk insert":  # the PDF's text was read and kept, a whole record
        assert document.has_text_layer is True and "Vacancy rates" in document.text
    else:  # nothing was written for the document: the retry reads it again
        assert document.text_extracted_at is None and document.has_text_layer is None
        assert failed["opendata.calendarentry"] == pre["opendata.calendarentry"]

    result, _ = runner.frozen(lambda: refresh_meeting.enqueue(meeting.pk))
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert_same(result_state(), clean)
    assert "Vacancy rates by team" in _searchable(meeting)


def test_extract_text_run_twice_changes_nothing(
    changed_meeting, django_capture_on_commit_callbacks
):
    meeting, document = changed_meeting
    runner = Runner(django_capture_on_commit_callbacks)
    result, _ = runner.now(lambda: extract_text.enqueue(document.pk))
    assert result.status == TaskResultStatus.SUCCESSFUL and result.return_value is True
    assert "Vacancy rates by team" in _searchable(meeting)
    once = snapshot()
    result, _ = runner.now(lambda: extract_text.enqueue(document.pk))
    assert result.status == TaskResultStatus.SUCCESSFUL and result.return_value is True
    assert_same(snapshot(), once)


@pytest.mark.parametrize("fault", OPENDATA_FAULTS, ids=list(OPENDATA_FAULTS))
def test_extract_text_failing_part_way_then_retried(
    fault, changed_meeting, django_capture_on_commit_callbacks, monkeypatch
):
    meeting, document = changed_meeting
    runner = Runner(django_capture_on_commit_callbacks)
    pre = result_state()
    clean = runner.clean_reference(lambda: extract_text.enqueue(document.pk))

    with monkeypatch.context() as fault_in:
        OPENDATA_FAULTS[fault](fault_in, document)
        result, _ = runner.frozen(lambda: extract_text.enqueue(document.pk))
    assert result.status == TaskResultStatus.FAILED
    failed = result_state()
    assert_no_half_written(failed, pre=pre, clean=clean)
    assert failed["opendata.searchdocument"] == pre["opendata.searchdocument"]
    document.refresh_from_db()
    if fault == "index bulk insert":
        assert document.has_text_layer is True and "Vacancy rates" in document.text
    else:
        assert_same(_without(failed, *RUN_LOGS), _without(pre, *RUN_LOGS))

    result, _ = runner.frozen(lambda: extract_text.enqueue(document.pk))
    assert result.status == TaskResultStatus.SUCCESSFUL and result.return_value is True
    assert_same(result_state(), clean)


def test_a_transient_read_failure_keeps_the_text_already_read(
    changed_meeting, django_capture_on_commit_callbacks, monkeypatch
):
    """Reading a document's text again (``extract_text``) while the storage is unreachable
    must not replace the text read before with "no text layer"."""
    meeting, document = changed_meeting
    runner = Runner(django_capture_on_commit_callbacks)
    runner.now(lambda: extract_text.enqueue(document.pk))
    good = snapshot()
    with monkeypatch.context() as fault_in:
        _read_fails(fault_in, document)
        result, _ = runner.now(lambda: extract_text.enqueue(document.pk))
    assert result.status == TaskResultStatus.FAILED
    assert_same(snapshot(), good)
    document.refresh_from_db()
    assert document.has_text_layer is True and "Vacancy rates by team" in document.text


# -- stored public PDFs -------------------------------------------------------------------------


@pytest.fixture
def requested_pdf(client):
    """Published minutes whose PDF an anonymous reader asked for: the build is queued on the
    production database backend (the reader was told it is being prepared), not yet run."""
    meeting = make_meeting_with_items(business=1)
    minutes = minutes_services.start_minutes(meeting=meeting)
    minutes_services.publish_minutes(minutes=minutes)
    with override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}):
        response = client.get(reverse("meeting-minutes-pdf", args=[meeting.pk]))
        queued = DBTaskResult.objects.get()
    assert response.status_code == 503
    row = StoredPdf.objects.get()
    assert queued.task_path == "scrutiny.tasks.build_stored_pdf"
    assert queued.args_kwargs == {"args": [row.pk], "kwargs": {}}
    return row


def test_stored_pdf_build_run_twice_changes_nothing(
    requested_pdf, django_capture_on_commit_callbacks
):
    runner = Runner(django_capture_on_commit_callbacks)
    result, _ = runner.now(lambda: build_stored_pdf.enqueue(requested_pdf.pk))
    assert result.return_value == "built"
    once = snapshot()
    result, _ = runner.now(lambda: build_stored_pdf.enqueue(requested_pdf.pk))
    assert result.status == TaskResultStatus.SUCCESSFUL and result.return_value == "ready"
    assert_same(snapshot(), once)


def test_stored_pdf_refresh_run_twice_changes_nothing(
    requested_pdf, django_capture_on_commit_callbacks
):
    runner = Runner(django_capture_on_commit_callbacks)
    key = requested_pdf.key
    result, _ = runner.now(lambda: refresh_stored_pdfs.enqueue("minutes", key, False))
    assert result.return_value == 1
    once = snapshot()
    result, _ = runner.now(lambda: refresh_stored_pdfs.enqueue("minutes", key, False))
    assert result.status == TaskResultStatus.SUCCESSFUL and result.return_value == 0
    assert_same(snapshot(), once)


STORED_PDF_FAULTS = {
    # WeasyPrint fails (a bad template, memory): nothing was stored.
    "render fails": lambda mp: mp.setattr(
        stored_pdfs,
        "render_pdf",
        Nth(stored_pdfs.render_pdf, 1, RuntimeError("out of memory"), before=True),
    ),
    # The worker is killed after the file was stored and the row marked ready, inside the
    # transaction: the row is rolled back and the file deleted.
    "killed after storing": lambda mp: mp.setattr(
        stored_pdfs, "_prune", Nth(stored_pdfs._prune, 1, WorkerKilled(1))
    ),
}


@pytest.mark.parametrize("fault", STORED_PDF_FAULTS, ids=list(STORED_PDF_FAULTS))
@pytest.mark.parametrize("task", ["build", "refresh"])
def test_stored_pdf_build_failing_part_way_then_retried(
    fault, task, requested_pdf, django_capture_on_commit_callbacks, monkeypatch
):
    if task == "build":
        run = lambda: build_stored_pdf.enqueue(requested_pdf.pk)  # noqa: E731
    else:
        run = lambda: refresh_stored_pdfs.enqueue("minutes", requested_pdf.key, False)  # noqa: E731
    runner = Runner(django_capture_on_commit_callbacks)
    pre = result_state()
    clean = runner.clean_reference(run)

    with monkeypatch.context() as fault_in:
        STORED_PDF_FAULTS[fault](fault_in)
        result, _ = runner.frozen(run)
    assert result.status == TaskResultStatus.FAILED
    failed = result_state()
    assert_no_half_written(failed, pre=pre, clean=clean)
    # All or nothing: still pending, no file (the public is still told "being prepared").
    assert_same(failed, pre)
    assert StoredPdf.objects.get().status == StoredPdf.Status.PENDING

    result, _ = runner.frozen(run)
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert_same(result_state(), clean)


# -- uploads converted to PDF -----------------------------------------------------------------

# The conversion's records: the PDF a run adds (its document, its report, their history) has a
# per-build identity like a pack's: surrogate ids (PostgreSQL does not roll sequences back),
# a new unique storage name, and ``sha256``/``sha512``/``size`` (LibreOffice's PDF carries its
# creation time and a new /ID). Those are left out; rows are keyed by content and occurrence,
# the link to the document by whether there is one, and the PDF compared by content.
CONVERSION_TABLES = frozenset(
    {
        "meetings.conversion",
        "meetings.historicalconversion",
        "meetings.document",
        "meetings.historicaldocument",
        "meetings.report",
        "meetings.historicalreport",
    }
)
PDF_IDENTITY = {"id", "history_id", "file", "size", "sha256", "sha512"}
CONVERSION_LOG = ("meetings.conversion", "meetings.historicalconversion")


def conversion_state() -> dict[str, dict[str, str]]:
    """``result_state`` with the conversion's records and the PDFs it stores made comparable
    between a clean run and a retry (see ``CONVERSION_TABLES``)."""
    state = result_state(skip=CONVERSION_TABLES)
    for label in CONVERSION_TABLES:
        model = apps.get_model(label)
        drop = {"id", "history_id"} if "conversion" in label else PDF_IDENTITY
        records: dict[str, str] = {}
        seen: collections.Counter = collections.Counter()
        for row in model._base_manager.order_by("pk").values():
            kept = {k: v for k, v in row.items() if k not in drop}
            if "document_id" in kept:
                kept["document_id"] = kept["document_id"] is not None
            record = _canon(kept)
            records[f"{record}#{seen[record]}"] = record
            seen[record] += 1
        state[label] = records
    documents = {d.file.name: d for d in Document.all_objects.all()}
    files: dict[str, str] = {}
    for name, value in state["storage"].items():
        document = documents.get(name)
        if document is None:  # a stray PDF keeps its unique name: it differs from any run
            files[name] = value
            continue
        with default_storage.open(name, "rb") as handle:
            files[f"document file {document.agenda_item_id}/{document.order}"] = pdf_content(
                handle.read()
            )
    state["storage"] = files
    return state


@pytest.fixture
def queued_conversion(django_capture_on_commit_callbacks):
    """An officer's Word upload (the paper is the report itself), kept and queued on the
    production database backend, not yet converted."""
    item = AgendaItemFactory(meeting=MeetingFactory())
    data = make_docx("Budget monitoring", "Libraries")
    with override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}):
        # The task is queued on commit, as in production.
        with django_capture_on_commit_callbacks(execute=True):
            upload = conversions.start_conversion(
                agenda_item=item,
                uploaded_file=SimpleUploadedFile("Budget report.docx", data),
                title="Budget report",
                is_report=True,
                by=make_user("officer"),
            )
        queued = DBTaskResult.objects.get()
    assert upload.status == Conversion.Status.CONVERTING and upload.attempt == 1
    assert queued.task_path == "meetings.tasks.convert_upload"
    assert queued.args_kwargs == {"args": [], "kwargs": {"conversion_id": upload.pk, "attempt": 1}}
    return upload


def convert_again(upload, attempt: int = 1):
    return lambda: convert_upload.enqueue(conversion_id=upload.pk, attempt=attempt)


def test_conversion_run_twice_changes_nothing(
    queued_conversion, django_capture_on_commit_callbacks
):
    runner = Runner(django_capture_on_commit_callbacks)
    result, _ = runner.now(convert_again(queued_conversion))
    assert result.status == TaskResultStatus.SUCCESSFUL and result.return_value == "converted"
    queued_conversion.refresh_from_db()
    assert queued_conversion.status == Conversion.Status.CONVERTED
    assert Report.all_objects.get(document=queued_conversion.document).title == "Budget report"
    once = snapshot()
    result, _ = runner.now(convert_again(queued_conversion))
    assert result.status == TaskResultStatus.SUCCESSFUL and result.return_value == "superseded"
    assert_same(snapshot(), once)


def _document_write_fails(monkeypatch) -> None:
    """Storing the converted PDF fails (the storage is full); the original was stored before."""
    storage_class = type(storages["default"])
    real = storage_class._save

    def save(self, name, content):
        if name.startswith("documents/"):
            raise OSError("No space left on device")
        return real(self, name, content)

    monkeypatch.setattr(storage_class, "_save", save)


CONVERSION_FAULTS = {
    # The pikepdf checks and sanitising of the PDF LibreOffice made fail: nothing was stored.
    "sanitising step": lambda mp: mp.setattr(
        meeting_services,
        "inspect_pdf",
        Nth(meeting_services.inspect_pdf, 1, RuntimeError("pikepdf failed"), before=True),
    ),
    # The storage write of the PDF fails.
    "storage write": _document_write_fails,
    # The PDF is stored and its document row written, then adding the report fails in the
    # same transaction: the rows are rolled back, and the stored PDF must go too.
    "after the document is stored": lambda mp: mp.setattr(
        meeting_services,
        "add_report",
        Nth(
            meeting_services.add_report,
            1,
            OperationalError("could not serialize access"),
            before=True,
        ),
    ),
    # The worker is killed once the document and report are written, before the commit.
    "worker killed": lambda mp: mp.setattr(
        meeting_services, "add_report", Nth(meeting_services.add_report, 1, WorkerKilled(1))
    ),
}


@pytest.mark.parametrize("fault", CONVERSION_FAULTS, ids=list(CONVERSION_FAULTS))
def test_conversion_failing_part_way_then_retried(
    fault, queued_conversion, django_capture_on_commit_callbacks, monkeypatch
):
    upload = queued_conversion
    runner = Runner(django_capture_on_commit_callbacks)
    pre = conversion_state()
    clean = runner.clean_reference(convert_again(upload), state=conversion_state)
    assert len(clean["meetings.document"]) == 1 and len(clean["meetings.report"]) == 1

    with monkeypatch.context() as fault_in:
        CONVERSION_FAULTS[fault](fault_in)
        result, _ = runner.frozen(convert_again(upload))
    failed = conversion_state()
    # The conversion is the run log (asserted below); every other record is as before: no
    # document, no report, no stored PDF (all or nothing).
    assert_no_half_written(
        _without(failed, *CONVERSION_LOG), pre=_without(pre, *CONVERSION_LOG), clean=clean
    )
    assert_same(_without(failed, *CONVERSION_LOG), _without(pre, *CONVERSION_LOG))
    assert not Document.all_objects.exists()
    upload.refresh_from_db()

    if fault == "worker killed":
        # Never finished: still converting, and the officer may try again once it stalls.
        assert result.status == TaskResultStatus.FAILED
        assert upload.status == Conversion.Status.CONVERTING and upload.document is None
        assert not conversions.is_stalled(upload, now=runner.instant)
        later = runner.instant + conversions.STALLED_AFTER + dt.timedelta(seconds=1)
        assert conversions.is_stalled(upload, now=later)
        # The same task run again (its attempt is still current) converts: the clean run.
        result, _ = runner.frozen(convert_again(upload))
        assert result.return_value == "converted"
        assert_same(conversion_state(), clean)
        return

    # A failure is recorded on the conversion for the officer, with a reason.
    assert result.status == TaskResultStatus.SUCCESSFUL and result.return_value == "failed"
    assert upload.status == Conversion.Status.FAILED and upload.document is None
    assert "Try again" in upload.failure
    # The same task again is overtaken (the conversion is no longer converting): no change.
    at_failure = snapshot()
    result, _ = runner.frozen(convert_again(upload))
    assert result.return_value == "superseded"
    assert_same(snapshot(), at_failure)
    # The officer's "Try again" (conversion_views → retry_conversion) queues attempt 2, which
    # reaches the clean run's state: the same document, report and PDF; the conversion the
    # same but for its attempt (and its history, which records the failure and the retry).
    _, results = runner.frozen(
        lambda: conversions.retry_conversion(conversion=upload, by=upload.uploaded_by)
    )
    assert statuses(results) == [("convert_upload", TaskResultStatus.SUCCESSFUL)]
    assert results[0].return_value == "converted"
    retried = conversion_state()
    assert_same(
        _without(retried, "meetings.conversion", "meetings.historicalconversion"),
        _without(clean, "meetings.conversion", "meetings.historicalconversion"),
    )
    (row,) = Conversion.objects.values()
    (clean_row,) = (json.loads(r) for r in clean["meetings.conversion"].values())
    assert row.pop("attempt") == clean_row.pop("attempt") + 1
    row.pop("id")
    row["document_id"] = row["document_id"] is not None
    assert json.loads(_canon(row)) == clean_row
