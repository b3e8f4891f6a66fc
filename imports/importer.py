"""The ModernGov importer: reads a site's web service and writes what it says through the
portal's services (``scrutiny.services``, ``meetings.services``, ``meetings.minutes.services``),
the same paths an officer's pages take. See docs/import.md for the mapping.

Every record written is remembered in ``ImportedRecord`` (site, kind, source id), with a
digest of what the source said and the record's version right after the import. A re-run:
- adds what is new; leaves alone what the source did not change (same digest);
- updates what the source changed, unless an officer changed the record since the import
  (its version or modified_at differs from the one stored): that is reported, not overwritten;
- asks for documents with If-None-Match / If-Modified-Since, and replaces a changed one
  through ``replace_document``.
Each meeting is one transaction: an interrupted run leaves whole meetings, and the next run
carries on from where it stopped (what is already there is unchanged and skipped quickly).
"""

from __future__ import annotations

import contextlib
import copy
import datetime as dt
import hashlib
import html
import json
import logging
import os
import re
import selectors
import signal
import threading
import time
import traceback
from collections import Counter, defaultdict, deque
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, OperationalError, connections, transaction
from django.utils import timezone
from django.utils.html import strip_tags

from imports import parse
from imports.client import Fetched, FetchError, ModernGovClient
from imports.models import ImportedRecord
from meetings import services as meeting_services
from meetings.minutes import services as minutes_services
from meetings.minutes.models import AttendanceKind, AttendanceStatus, Minute, MinutesSet
from meetings.models import AgendaItem, Document, ItemKind, Meeting, MeetingStatus
from scrutiny import bulk, readers
from scrutiny import cache as page_cache
from scrutiny import services as core_services
from scrutiny.conflicts import EditConflict, check_version
from scrutiny.models import Committee, Membership, Person
from scrutiny.sanitise import sanitise

# --- the mapping of ModernGov's words --------------------------------------------------------

ATTENDANCE = {
    "present": AttendanceStatus.PRESENT,
    "in attendance": AttendanceStatus.PRESENT,
    "attended": AttendanceStatus.PRESENT,
    "apologies": AttendanceStatus.APOLOGIES,
    "apologies, sent substitute": AttendanceStatus.APOLOGIES,
    "apologies received": AttendanceStatus.APOLOGIES,
    "absent": AttendanceStatus.ABSENT,
    "present as substitute": AttendanceStatus.PRESENT,
}
NOT_RECORDED = {"expected", ""}  # attendance not taken yet

ROLES = {
    "chair": Membership.Role.CHAIR,
    "chairman": Membership.Role.CHAIR,
    "vice-chair": Membership.Role.VICE_CHAIR,
    "vice chair": Membership.Role.VICE_CHAIR,
    "vice-chairman": Membership.Role.VICE_CHAIR,
    "committee member": Membership.Role.MEMBER,
    "member": Membership.Role.MEMBER,
    "substitute": Membership.Role.SUBSTITUTE,
    "reserve": Membership.Role.SUBSTITUTE,
    "co-optee": Membership.Role.COOPTEE,
    "co-opted member": Membership.Role.COOPTEE,
}
# Attendees who come to the meeting without being members of the committee.
OTHER_ROLES = {"in attendance", "officer", "guest", "attending", "observer", "also present"}

ITEM_KINDS = [
    (re.compile(r"apolog|membership of the|substitut", re.I), ItemKind.MEMBERSHIP),
    (re.compile(r"^minutes\b|minutes of the (previous|last)", re.I), ItemKind.MINUTES),
    (re.compile(r"declaration|interests", re.I), ItemKind.INTERESTS),
    (re.compile(r"exclusion of the|admission of the|press and public", re.I), ItemKind.ADMISSION),
    (re.compile(r"deputation|petition", re.I), ItemKind.DEPUTATIONS),
    (re.compile(r"public question", re.I), ItemKind.QUESTIONS),
]

CATEGORY_KINDS = [
    (re.compile(r"scrutiny", re.I), Committee.Kind.SCRUTINY_COMMITTEE),
    (re.compile(r"cabinet|executive", re.I), Committee.Kind.CABINET),
    (re.compile(r"^(full )?council$", re.I), Committee.Kind.COUNCIL),
]

logger = logging.getLogger(__name__)

# Meetings written in one transaction (see Importer._write_batch).
BATCH_MEETINGS = 50
BATCH_SECONDS = 5.0
# Writers sharing the database (``processes``): the key of the PostgreSQL advisory lock under
# which one of them writes the people a meeting names before its meetings are written.
PEOPLE_LOCK = 19_0001
MAX_PROCESSES = 16  # writers at most, however many are asked for (--processes refuses more)
# How many times a writer tries a meeting whose record another writer wrote at the same time.
WRITE_ATTEMPTS = 3

_HONORIFIC = re.compile(r"^(councillor|cllr\.?)\s+", re.I)
_PARAGRAPH = re.compile(r"\b([1-7])\b")


def item_kind(title: str) -> str:
    for pattern, kind in ITEM_KINDS:
        if pattern.search(title):
            return kind
    return ItemKind.BUSINESS


def committee_kind(title: str, category: str) -> str:
    for pattern, kind in CATEGORY_KINDS:
        if pattern.search(title):
            return kind
    return (
        Committee.Kind.BOARD
        if not re.search("scrutiny", category, re.I)
        else (Committee.Kind.SCRUTINY_COMMITTEE)
    )


def plain(word_html: str) -> str:
    """Agenda text (Word HTML) as the plain text an item's description holds: sanitised by the
    portal's sanitiser first, then its words."""
    cleaned = sanitise(word_html)
    cleaned = re.sub(r"</p>\s*<p>", "\n\n", cleaned)
    words = html.unescape(strip_tags(cleaned))
    return "\n\n".join(" ".join(p.split()) for p in words.split("\n\n") if p.strip())


def digest(value) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True, default=str).encode()).hexdigest()


PAPER_STAMP = "paper:"


def paper_stamp(title: str, sha256: str) -> str:
    """An imported paper's stamp (``ImportedRecord.local_stamp``): its title and file."""
    return PAPER_STAMP + hashlib.sha256(f"{title}\0{sha256}".encode()).hexdigest()[:32]


def person_name(raw: str) -> tuple[str, str]:
    """("Councillor Basil Curley") -> ("Councillor", "Basil Curley")."""
    m = _HONORIFIC.match(raw)
    return ("Councillor", raw[m.end() :].strip()) if m else ("", raw.strip())


# --- the report --------------------------------------------------------------------------------


@dataclass
class Report:
    counts: dict = field(default_factory=lambda: defaultdict(Counter))
    skipped: list = field(default_factory=list)
    problems: list = field(default_factory=list)
    meetings_total: int = 0
    meetings_done: int = 0
    documents: int = 0
    writers: int = 1  # processes that wrote the meetings side by side

    def count(self, kind: str, what: str) -> None:
        self.counts[kind][what] += 1

    def skip(self, kind: str, source_id: str, why: str) -> None:
        self.skipped.append({"kind": kind, "source_id": source_id, "why": why})

    def problem(self, kind: str, source_id: str, what: str) -> None:
        self.problems.append({"kind": kind, "source_id": source_id, "what": what})

    @property
    def errors(self) -> int:
        return len(self.problems)

    def as_json(self) -> dict:
        return {
            "counts": {k: dict(v) for k, v in sorted(self.counts.items())},
            "skipped": self.skipped,
            "problems": self.problems,
            "meetings_total": self.meetings_total,
            "meetings_done": self.meetings_done,
            "documents": self.documents,
            "writers": self.writers,
        }


ITEM_NUMBER_LENGTH = AgendaItem._meta.get_field("number").max_length


class _Rollback(Exception):
    pass


@contextlib.contextmanager
def _interrupts_held():
    """Ctrl-C (SIGINT) inside the block is raised as KeyboardInterrupt when it ends, not at
    once. Only the main thread receives signals; elsewhere the block changes nothing."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[int] = []
    previous = signal.signal(signal.SIGINT, lambda number, frame: caught.append(number))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
    if caught and previous is not signal.SIG_IGN:
        if callable(previous) and previous is not signal.default_int_handler:
            previous(signal.SIGINT, None)  # a handler of the caller's (a worker's)
        else:
            raise KeyboardInterrupt


def _ended(pid: int, status: int) -> str:
    """Why a writer process ended without saying it had finished, in words."""
    if os.WIFSIGNALED(status):
        number = os.WTERMSIG(status)
        try:
            name = signal.Signals(number).name
        except ValueError:
            name = "an unknown signal"
        return (
            f"writer process {pid} was killed by signal {number} ({name}); if no one stopped "
            "it, the system may have run out of memory"
        )
    return f"writer process {pid} ended with exit status {os.waitstatus_to_exitcode(status)}"


def _written_alongside(exc: BaseException) -> bool:
    """Whether ``exc`` is the database refusing a meeting because another writer of the
    import (``Importer.processes``) wrote one of its records at the same moment: the same
    source record twice (a unique violation) or each waiting on the other (a deadlock)."""
    if isinstance(exc, IntegrityError):
        return True
    return isinstance(exc, OperationalError) and getattr(exc.__cause__, "sqlstate", "") == "40P01"


# --- the importer --------------------------------------------------------------------------------


class Importer:
    def __init__(
        self,
        site: str,
        *,
        date_from: dt.date | None = None,
        date_to: dt.date | None = None,
        dry_run: bool = False,
        by=None,
        client: ModernGovClient | None = None,
        progress: Callable[[Report], None] | None = None,
        workers: int = 4,
        processes: int | None = None,
    ):
        self.site = site.rstrip("/")
        self.client = client or ModernGovClient(self.site)
        today = timezone.localdate()
        self.date_from = date_from or today.replace(year=today.year - 10)
        self.date_to = date_to or today.replace(year=today.year + 1)
        self.dry_run = dry_run
        self.by = by
        self.progress = progress or (lambda report: None)
        self.workers = workers
        # Writers side by side on PostgreSQL (``_split``); IMPORT_PROCESSES, 2 by default.
        if processes is None:
            processes = getattr(settings, "IMPORT_PROCESSES", 2)
        self.processes = max(1, min(MAX_PROCESSES, processes))
        self._apart = False  # a writer process beside others (``_write_apart``)
        # A writer's people, member id -> created/updated/unchanged (``_people_first``):
        # two writers may both find a person unchanged, and the run counts them once.
        self._people_done: dict[str, str] = {}
        # A writer's people as its first meeting naming them said: member id -> [run order
        # of that meeting, name, ward, party] (``_people_first``, ``_settle_people``).
        self._people_answers: dict[str, list] = {}
        self._order: dict[str, int] = {}  # meeting id -> its place in the run's order
        self._started = timezone.now()
        self.report = Report()
        self.records: dict[tuple[str, str], ImportedRecord] = {}
        self.types = {
            model: ContentType.objects.get_for_model(model)
            for model in (
                Committee,
                Person,
                Membership,
                Meeting,
                AgendaItem,
                Document,
                Minute,
                MinutesSet,
            )
        }
        self.parties: dict[str, str] = {}
        self.last_seen: dict[int, dict[str, dt.date]] = defaultdict(dict)
        self.batch_meetings, self.batch_seconds = BATCH_MEETINGS, BATCH_SECONDS
        # Memberships seen this run: source id -> (start, end) as last read or written.
        self._spans: dict[str, tuple] = {}
        self._unsaved: dict = {}  # ImportedRecords noted, not yet written (_save_records)
        self._journal: list | None = None  # (key, record before) of the meeting being written
        self._written: set[int] = set()  # ids of the meetings it wrote (scrutiny.bulk)
        self._gone: set[str] = set()  # papers imported before, deleted here since
        self._meeting_versions: dict[int, int] = {}  # of the meetings, as the run began
        self._papers: dict = {}  # the meeting's papers as fetched ahead (_get_meeting)

    # -- the imported-record table --

    def _load_records(self) -> None:
        self.records = {
            (r.kind, r.source_id): r for r in ImportedRecord.objects.filter(site=self.site)
        }
        # Papers imported before and deleted here since: not fetched again (read once, so
        # that the threads fetching ahead need not ask the database).
        papers = {
            r.object_id: source_id
            for (kind, source_id), r in self.records.items()
            if kind == "document"
        }
        kept = set(Document._default_manager.values_list("pk", flat=True)) if papers else set()
        self._gone = {source_id for pk, source_id in papers.items() if pk not in kept}
        # The versions of the meetings imported before, read once: a re-run finds most
        # meetings unchanged without reading each (see ``_meeting``).
        self._meeting_versions = (
            dict(Meeting.all_objects.values_list("pk", "version"))
            if any(kind == "meeting" for kind, _ in self.records)
            else {}
        )

    def _edited(self, obj, record) -> bool:
        """Whether ``obj`` was changed here since the importer last wrote it: a versioned
        record is checked by the one edit-conflict check; a paper by its title and file
        (``paper_stamp``: the portal's own work on it, such as reading its text, saves it
        without an officer changing it; a replacement or withdrawal is checked apart);
        others by their modified_at."""
        if isinstance(obj, Document) and record.local_stamp.startswith(PAPER_STAMP):
            return paper_stamp(obj.title, obj.sha256) != record.local_stamp
        if getattr(obj, "version", None) is not None:
            return self._version_edited(obj.version, record)
        return obj.modified_at.isoformat() != record.local_stamp

    @staticmethod
    def _version_edited(version: int, record) -> bool:
        try:
            check_version(version, record.local_stamp)
        except EditConflict:
            return True
        return False

    def _remember(self, kind: str, source_id: str, obj, source_digest: str, **extra) -> None:
        """Note that ``obj`` is the import of (kind, source_id). Written by ``_save_records``
        at the end of the meeting (in its transaction), with the record's version as it is
        then: what the importer itself did to it later in the meeting (renumbering, a late
        paper published) is not mistaken for an officer's edit on the next run."""
        key = (kind, source_id)
        record = self.records.get(key)
        if self._journal is not None:
            self._journal.append((key, record))
            if record is not None:  # changed below: keep the values it had
                record = copy.copy(record)
        values = {
            "content_type": self.types[type(obj)],
            "object_id": obj.pk,
            "source_digest": source_digest,
            **extra,
        }
        if record is None:
            record = ImportedRecord(site=self.site, kind=kind, source_id=source_id, **values)
        else:
            for name, value in values.items():
                setattr(record, name, value)
        self.records[key] = record
        self._unsaved[key] = (record, type(obj))

    def _save_records(self) -> None:
        """Write the records noted since the last call: their versions read in one query a
        model, then one insert for the new and one update for the changed."""
        if not self._unsaved:
            return
        by_model: dict = defaultdict(list)
        for record, model in self._unsaved.values():
            by_model[model].append(record)
        for model, records in by_model.items():
            if model is Document:  # what an officer can change of a paper: see _edited
                stamps = {
                    pk: paper_stamp(title, sha256)
                    for pk, title, sha256 in model._default_manager.filter(
                        pk__in=[r.object_id for r in records]
                    ).values_list("pk", "title", "sha256")
                }
                for record in records:
                    record.local_stamp = stamps[record.object_id]
                continue
            stamp = "version" if any(f.name == "version" for f in model._meta.fields) else None
            fields = ("pk", stamp or "modified_at")
            found = dict(
                model._default_manager.filter(pk__in=[r.object_id for r in records]).values_list(
                    *fields
                )
            )
            for record in records:
                value = found[record.object_id]
                record.local_stamp = str(value) if stamp else value.isoformat()
        now = timezone.now()
        new, changed = [], []
        for record, _model in self._unsaved.values():
            record.imported_at = now
            (changed if record.pk else new).append(record)
        ImportedRecord.objects.bulk_create(new)
        ImportedRecord.objects.bulk_update(
            changed,
            [
                "content_type",
                "object_id",
                "source_digest",
                "local_stamp",
                "etag",
                "last_modified",
                "imported_at",
            ],
        )
        self._unsaved = {}

    def _existing(self, kind: str, source_id: str, model):
        """(record, obj, edited): what was imported before, the local record (None when it
        was deleted here) and whether an officer changed it since."""
        record = self.records.get((kind, source_id))
        if record is None:
            return None, None, False
        obj = model._default_manager.filter(pk=record.object_id).first()
        if obj is None:
            return record, None, False
        return record, obj, self._edited(obj, record)

    def _upsert(self, kind, source_id, model, data, create, update):
        """Create, update or leave one record; returns the local object (or None)."""
        record, obj, edited = self._existing(kind, source_id, model)
        d = digest(data)
        if record is not None and obj is None:
            self.report.skip(kind, source_id, "deleted here since the import: not re-created")
            return None
        if obj is None:
            obj = create()
            self._remember(kind, source_id, obj, d)
            self.report.count(kind, "created")
            return obj
        if record.source_digest == d:
            self.report.count(kind, "unchanged")
            return obj
        if edited:
            self.report.skip(
                kind, source_id, f"{obj} was edited here since the import: not overwritten"
            )
            return obj
        obj = update(obj) or obj
        self._remember(kind, source_id, obj, d)
        self.report.count(kind, "updated")
        return obj

    # -- the run --

    def run(self) -> Report:
        """Import the site. A bulk import (``scrutiny.bulk``): the agenda packs of meetings
        already held and the PDFs of imported minutes are built when first asked for."""
        self._started = timezone.now()
        self._load_records()
        try:
            with bulk.bulk_import(), bulk.meeting_records_deferred():
                if self.dry_run:
                    with transaction.atomic():
                        self._run()
                        raise _Rollback
                else:
                    self._run()
        except _Rollback:
            pass
        return self.report

    def _fetch(self, kind, source_id, method, parser, **params):
        try:
            return parser(self.client.service(method, **params))
        except (FetchError, parse.ParseError) as exc:
            self.report.problem(kind, source_id, str(exc))
            return None

    def _run(self) -> None:
        found = self._fetch("committees", "", "GetCommittees", parse.committees)
        if found is None:
            self.report.problem(
                "site",
                self.site,
                f"{self.site} did not answer as a ModernGov web service (asked for "
                f"{self.site}/mgWebService.asmx/GetCommittees). Check the address: it is the "
                "part before /mgWebService.asmx or /mgListCommittees.aspx in the address of "
                "the council's ModernGov pages, such as https://democracy.example.gov.uk.",
            )
            return
        councillors = self._fetch("councillors", "", "GetCouncillorsByWard", parse.councillors)
        committees = {}
        with transaction.atomic():  # the people and committees, with their records
            for c in councillors or []:
                self._person(c.id, c.name, ward=c.ward, party=c.party)
            for c in found:
                if c.deleted:
                    self.report.skip("committee", c.id, "deleted in ModernGov")
                    continue
                obj = self._committee(c)
                if obj is not None:
                    committees[c.id] = obj
            self._save_records()
        refs, listed = [], {}
        for cid in committees:
            listing = self._fetch(
                "meetings",
                cid,
                "GetMeetings",
                parse.meetings,
                lCommitteeId=cid,
                sFromDate=self.date_from.strftime("%d/%m/%Y"),
                sToDate=self.date_to.strftime("%d/%m/%Y"),
            )
            for ref in sorted(listing or [], key=lambda r: (r.date or dt.date.min, r.id)):
                if ref.id in listed:  # a joint meeting: the first committee listing it has it
                    self.report.skip(
                        "meeting",
                        ref.id,
                        f"listed by more than one committee: imported once, with "
                        f"{committees[listed[ref.id]]}",
                    )
                    continue
                listed[ref.id] = cid
                refs.append((cid, ref))
        self.report.meetings_total = len(refs)
        self.progress(self.report)
        self._order = {ref.id: i for i, (_cid, ref) in enumerate(refs)}
        apart = self._split(refs)
        self.report.writers = len(apart)
        if len(apart) > 1:
            self._write_apart(committees, apart)
        else:
            self._write_meetings(committees, refs)

    def _write_meetings(self, committees, refs) -> None:
        """Write the meetings ``refs`` names, in order, in this thread.

        The answers are fetched a few meetings ahead of the writes (the site's rate limit
        still applies); the writes stay in order in this thread. Meetings are written in
        batches, one transaction each, every meeting in a savepoint of its own (a meeting
        the portal refuses is rolled back alone). A batch takes only answers already
        fetched, so no transaction stays open waiting on the site, and it ends after
        BATCH_MEETINGS meetings or BATCH_SECONDS. Ctrl-C rolls back the open batch and
        cancels what is not fetched yet: the database holds whole meetings only, exactly
        ``meetings_done`` of them."""
        pool = ThreadPoolExecutor(max_workers=self.workers)
        ahead: deque = deque()
        pending = iter(refs)

        def top_up():
            while len(ahead) < self.workers * 2:
                pair = next(pending, None)
                if pair is None:
                    return
                ahead.append((pair, pool.submit(self._get_meeting, pair[1].id)))

        try:
            top_up()
            while ahead:
                ahead[0][1].result()  # wait for the next answer outside any transaction
                self._write_batch(committees, ahead, top_up)
        finally:
            pool.shutdown(wait=False, cancel_futures=True)

    # -- committees written by processes side by side --

    def _split(self, refs) -> list[list]:
        """The meetings divided among ``processes`` writers, whole committees each (a
        committee's memberships follow its meetings in date order), the biggest committees
        first to the writer with fewest meetings. One writer (the list, whole) when the
        database cannot take writers side by side (SQLite writes one at a time), in a dry
        run (one transaction, rolled back) or inside a caller's transaction."""
        by_committee: dict[str, list] = defaultdict(list)
        for cid, ref in refs:
            by_committee[cid].append((cid, ref))
        connection = transaction.get_connection()
        n = min(self.processes, len(by_committee))
        if (
            n < 2
            or self.dry_run
            or connection.vendor != "postgresql"
            or connection.in_atomic_block
            or not hasattr(os, "fork")
        ):
            return [refs]
        groups: list[list] = [[] for _ in range(n)]
        for meetings in sorted(by_committee.values(), key=len, reverse=True):
            min(groups, key=len).extend(meetings)
        return [g for g in groups if g]

    def _write_apart(self, committees, groups: list[list]) -> None:
        """Write each group of meetings in a process of its own (forked: each has this run's
        records, people and committees as read so far), with its own connection to the
        database. PostgreSQL writes them side by side: the import of a council's history
        is as fast as one writer, times the processes, up to the cores. The people named
        only by meetings are written under one lock (``_people_first``), so two writers
        never make the same person twice. Each writer sends its progress, skips and
        problems here as it goes (JSON lines on a pipe); this process adds them to its
        report and calls ``progress`` with the whole. A writer that fails ends with the
        others still finishing their meetings (every batch is whole), and the run then
        fails with its traceback. Ctrl-C reaches every writer: each rolls back its open
        batch."""
        connections.close_all()  # each writer opens its own
        self.client.session.close()  # and its own connections to the site
        selector = selectors.DefaultSelector()
        children: dict[int, dict] = {}
        for group in groups:
            read, write = os.pipe()
            pid = os.fork()
            if pid == 0:  # the writer: never back into the caller's code
                status = 1
                try:
                    os.close(read)
                    status = self._writer(committees, group, write, len(groups))
                finally:
                    os._exit(status)
            os.close(write)
            stream = os.fdopen(read, "rb")
            children[pid] = {
                "done": 0,
                "documents": 0,
                "counts": {},
                "people": {},
                "answers": {},
                "ended": False,
                "failed": "",
            }
            selector.register(stream, selectors.EVENT_READ, pid)
        base_done, base_documents = self.report.meetings_done, self.report.documents
        stop: BaseException | None = None  # Ctrl-C here, or ``progress`` failed
        try:
            while selector.get_map():
                try:
                    for key, _ in selector.select():
                        line = key.fileobj.readline()
                        if not line.endswith(b"\n"):  # the writer has ended
                            selector.unregister(key.fileobj)
                            key.fileobj.close()
                            continue
                        self._heard(children[key.data], line)
                    self.report.meetings_done = base_done + sum(
                        c["done"] for c in children.values()
                    )
                    self.report.documents = base_documents + sum(
                        c["documents"] for c in children.values()
                    )
                    if stop is None:
                        self.progress(self.report)
                except BaseException as exc:
                    if stop is None:  # stop every writer at a whole batch; hear them out
                        stop = exc
                        for pid in children:
                            with contextlib.suppress(ProcessLookupError):
                                os.kill(pid, signal.SIGINT)
        finally:
            for pid, child in children.items():
                _pid, status = os.waitpid(pid, 0)
                if not child["ended"] and not child["failed"]:
                    child["failed"] = _ended(pid, status)
                for kind, counts in child["counts"].items():
                    self.report.counts[kind].update(counts)
            # What the writers changed is seen by every reader: a bump a writer made while
            # the shared cache was failing ended with it, but this process keeps retrying
            # its own (scrutiny.cache) until the cache confirms it.
            page_cache.bump_generation()
            readers.bump_access_generation()
        failed = [c["failed"] for c in children.values() if c["failed"]]
        # A person two writers met is counted once, as the most that was done to them.
        rank = {"unchanged": 0, "updated": 1, "created": 2}
        people: dict[str, str] = {}

        def note(member_id, what):
            if rank.get(what, 0) >= rank.get(people.get(member_id, ""), -1):
                people[member_id] = what

        for child in children.values():
            for member_id, what in child["people"].items():
                note(member_id, what)
        if stop is None and not failed:
            answers: dict[str, list] = {}  # the run's first answer naming each person
            for child in children.values():
                for member_id, answer in child["answers"].items():
                    if member_id not in answers or answer[0] < answers[member_id][0]:
                        answers[member_id] = answer
            for member_id, what in self._settle_people(answers).items():
                note(member_id, what)
        self.report.counts["person"].update(Counter(people.values()))
        if stop is not None:
            raise stop
        if failed:
            logger.error("A writer process of the import failed:\n%s", failed[0])
            raise RuntimeError(
                "a writer process of the import failed: "
                + failed[0].strip().splitlines()[-1]
                + ". Every batch of meetings it finished is saved; run the import again "
                "and it carries on from there."
            )

    def _heard(self, child: dict, line: bytes) -> None:
        """One message of a writer (``_writer``): its progress, new skips and problems, and
        at its end its counts and, if it did not finish, why."""
        try:
            message = json.loads(line)
        except ValueError:  # cut short by Ctrl-C: the writer says it all again at its end
            return
        child["done"] = message.get("done", child["done"])
        child["documents"] = message.get("documents", child["documents"])
        child["counts"] = message.get("counts", child["counts"])  # of its committed batches
        child["people"] = message.get("people", child["people"])
        child["answers"] = message.get("answers", child["answers"])
        self.report.skipped.extend(message.get("skipped", []))
        self.report.problems.extend(message.get("problems", []))
        if message.get("final") and not message.get("failed"):
            child["ended"] = True
        if message.get("failed"):
            child["failed"] = message["failed"]

    def _writer(self, committees, refs, fd: int, writers: int) -> int:
        """A forked writer: write ``refs`` and say how it goes on ``fd``. Returns the exit
        status (the process ends with ``os._exit``: nothing of the parent's runs at exit)."""
        signal.signal(signal.SIGINT, signal.default_int_handler)  # Ctrl-C, or the parent
        out = os.fdopen(fd, "w")
        parent = os.getppid()
        self.report = Report(meetings_total=len(refs))
        self._apart = True
        self.client.interval *= writers  # the site's rate limit is for all writers together
        sent = {"skipped": 0, "problems": 0}

        def send(**message):
            for name in sent:
                items = getattr(self.report, name)
                message[name], sent[name] = items[sent[name] :], len(items)
            message.update(
                done=self.report.meetings_done,
                documents=self.report.documents,
                counts={k: dict(v) for k, v in self.report.counts.items()},
                people=self._people_done,
                answers=self._people_answers,
            )
            out.write(json.dumps(message, default=str) + "\n")
            out.flush()

        def progress(report):
            send()
            if os.getppid() != parent:  # the run was killed: stop at this whole batch
                raise KeyboardInterrupt

        self.progress = progress
        status, failed = 0, ""
        try:
            self._write_meetings(committees, refs)
        except KeyboardInterrupt:
            signal.signal(signal.SIGINT, signal.SIG_IGN)
            status, failed = 130, "interrupted"
        except BaseException:
            status, failed = 1, traceback.format_exc()
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        try:
            send(final=True, failed=failed)
        finally:
            connections.close_all()
            out.close()
        return status

    def _write_batch(self, committees, ahead: deque, top_up) -> None:
        connection = transaction.get_connection()
        outermost = not connection.in_atomic_block  # not inside a dry run's transaction
        started = time.monotonic()
        ready = 0  # the answers already fetched: this batch's meetings, at most
        while ready < min(len(ahead), self.batch_meetings) and ahead[ready][1].done():
            ready += 1
        self._people_first([ahead[i][1].result() for i in range(ready)])
        written = 0
        with contextlib.ExitStack() as held:
            with transaction.atomic():
                while ahead and ahead[0][1].done() and written < self.batch_meetings:
                    if written >= ready and self._new_people(ahead[0][1].result()):
                        break  # fetched since: its people first, in the next batch
                    (cid, ref), future = ahead.popleft()
                    top_up()
                    self._meeting_safely(committees[cid], ref, future.result())
                    written += 1
                    if time.monotonic() - started >= self.batch_seconds:
                        break
                hooks = self._take_commit_hooks(connection) if outermost else []
                # From the commit to the end of its after-commit work, Ctrl-C waits: a
                # batch committed without its search and open-data work would be missed
                # for good (the next run finds its meetings unchanged).
                held.enter_context(_interrupts_held())
            self.report.meetings_done += written
            self._run_commit_hooks(connection, hooks)
        self.progress(self.report)

    @staticmethod
    def _take_commit_hooks(connection) -> list:
        """The work the batch's writes asked to run after commit (signals, task enqueues),
        taken from Django's list just before the commit, to be run by ``_run_commit_hooks``
        once the commit has happened. If the commit fails they are dropped with it."""
        hooks = [(func, robust) for _sids, func, robust in connection.run_on_commit]
        connection.run_on_commit = []
        return hooks

    def _run_commit_hooks(self, connection, hooks: list) -> None:
        """Run a committed batch's after-commit work as Django would, in order, but inside
        one transaction (a savepoint each) rather than one commit per task queued: a
        batch's signals queue several tasks per meeting, and each commit is a disk flush.
        The hooks of a round run in one savepoint; if one fails, the round is rolled back
        and run again with a savepoint each, so the one that fails is rolled back alone and
        reported and the others still run (the work is the portal's own receivers, which
        read the state they work on: running them twice does them once). Work
        those hooks ask for after commit is run the same way, in the same transaction (a
        few rounds at most; what is left then runs when Django runs it, at its commit). The
        tasks they queue through ``scrutiny.bulk.enqueue`` are queued once for the whole
        batch: a meeting's search refresh, asked for by each of its signals, runs once."""
        if not hooks:
            return
        with transaction.atomic(), bulk.coalesced_tasks():
            for last in (False, False, True):
                try:  # all of a round in one savepoint: the usual case, nothing fails
                    with transaction.atomic():
                        for func, _robust in hooks:
                            func()
                except Exception:  # then one savepoint each: only what fails is lost
                    for func, robust in hooks:
                        try:
                            with transaction.atomic():
                                func()
                        except Exception as exc:
                            logger.exception("After-commit work of an import failed: %r", func)
                            if not robust:
                                self.report.problem(
                                    "background", "", f"after-commit work failed: {exc!r}"
                                )
                if last:
                    break  # the rest stays registered: Django runs it at this commit
                hooks = self._take_commit_hooks(connection)
                if not hooks:
                    break

    def _get_meeting(self, meeting_id: str):
        """The meeting's answer, parsed, and its papers fetched (run ahead, in the pool):
        (meeting, raw answer, {paper id: Fetched or FetchError}), or the error."""
        try:
            data = self.client.service("GetMeeting", lMeetingId=meeting_id)
        except FetchError as exc:
            return exc
        try:
            meeting = parse.meeting(data)
        except parse.ParseError as exc:
            return exc
        papers = {}
        if not self.dry_run:  # a dry run fetches no papers
            for item in meeting.items:
                for d in item.docs:
                    if item.restricted or d.restricted or d.is_url or d.id in self._gone:
                        continue
                    try:
                        papers[d.id] = self._fetch_document(d.id)
                    except FetchError as exc:
                        papers[d.id] = exc
        return meeting, data, papers

    def _fetch_document(self, source_id: str) -> Fetched:
        """Fetch a paper, conditionally when it was imported before (any thread)."""
        record = self.records.get(("document", source_id))
        known = record is not None and source_id not in self._gone
        return self.client.document(
            source_id,
            etag=record.etag if known else "",
            last_modified=record.last_modified if known else "",
        )

    def _meeting_safely(self, committee, ref, answer) -> None:
        if isinstance(answer, Exception):
            self.report.problem("meeting", ref.id, str(answer))
            return
        meeting, raw, self._papers = answer
        for attempt in range(1, WRITE_ATTEMPTS + 1):
            try:
                self._meeting_once(committee, meeting, raw)
                if attempt > 1:
                    self.report.count("meeting", "written again")
                return
            except BaseException as exc:
                if self._apart and _written_alongside(exc):
                    # Another writer wrote a record of it first (a paper two committees
                    # share): take that writer's records, then write the meeting again.
                    self._reload_records(exc.journal)
                    if attempt < WRITE_ATTEMPTS:
                        continue
                    self.report.problem(
                        "meeting",
                        ref.id,
                        "not written: a record of it (such as a paper it shares with a "
                        "meeting of another committee) was being written by another writer "
                        f"of this import at the same time ({str(exc).splitlines()[0]}).",
                    )
                    return
                if not isinstance(exc, ValidationError | parse.ParseError | FetchError):
                    raise
                messages = exc.messages if isinstance(exc, ValidationError) else [str(exc)]
                self.report.problem("meeting", ref.id, "; ".join(messages))
                return

    def _meeting_once(self, committee, meeting: parse.Meeting, raw: bytes) -> None:
        """Write one meeting in a savepoint. If it is rolled back, what this run remembers
        is put back as it was (so no later meeting links to a record that is not there) and
        the report does not count what was not written; the exception is raised with the
        keys of the records it had noted as ``journal``."""
        self._journal = []
        self._written = set()  # meetings whose records this one saved (scrutiny.bulk)
        people, spans = dict(self._seen_people), dict(self._spans)
        last_seen = {k: dict(v) for k, v in self.last_seen.items()}
        counts = {kind: Counter(c) for kind, c in self.report.counts.items()}
        documents, skipped = self.report.documents, len(self.report.skipped)
        try:
            with transaction.atomic():
                self._meeting(committee, meeting, raw)
                for meeting_id in sorted(self._written):
                    bulk.meeting_written(meeting_id)
                self._save_records()
        except BaseException as exc:
            self._unsaved = {}
            for key, previous in reversed(self._journal):
                if previous is None:
                    self.records.pop(key, None)
                else:
                    self.records[key] = previous
            self._people, self._spans = people, spans
            self.last_seen = defaultdict(dict, last_seen)
            self.report.counts = defaultdict(Counter, counts)
            self.report.documents = documents
            del self.report.skipped[skipped:]
            exc.journal = [key for key, _previous in self._journal]
            raise

    def _reload_records(self, keys) -> None:
        """Read again the records ``keys`` names, as another writer may have written them."""
        wanted = defaultdict(set)
        for kind, source_id in keys:
            wanted[kind].add(source_id)
        for kind, ids in wanted.items():
            for record in ImportedRecord.objects.filter(
                site=self.site, kind=kind, source_id__in=ids
            ):
                self.records[(kind, record.source_id)] = record

    # -- committees and people --

    def _committee(self, c: parse.Committee):
        fields = {
            "name": c.title[:200],
            "kind": committee_kind(c.title, c.category),
            "is_active": not c.expired,
        }
        return self._upsert(
            "committee",
            c.id,
            Committee,
            fields,
            lambda: core_services.create_committee(by=self.by, **fields),
            lambda obj: core_services.update_committee(committee=obj, by=self.by, **fields),
        )

    def _person(self, member_id: str, raw_name: str, *, ward: str = "", party: str = ""):
        if not member_id or not raw_name:
            return None
        honorific, name = person_name(raw_name)
        party = party or self.parties.get(member_id, "")
        if party:
            self.parties[member_id] = party
        key = ("person", member_id)
        if key in self._seen_people:  # written once a run (and any cut said once)
            return self._seen_people[key]
        fields = {"name": name, "ward": ward, "party": party}
        for name_of, value in fields.items():  # cut, like titles, and said
            longest = Person._meta.get_field(name_of).max_length
            if len(value) > longest:
                fields[name_of] = value[:longest].strip()
                self.report.skip(
                    "person", member_id, f"{name_of} cut to {longest} characters: {value[:60]}…"
                )
        obj = self._upsert(
            "person",
            member_id,
            Person,
            fields,
            lambda: core_services.create_person(
                kind=Person.Kind.COUNCILLOR, honorific=honorific, by=self.by, **fields
            ),
            lambda obj: core_services.update_person(person=obj, by=self.by, **fields),
        )
        self._seen_people[key] = obj
        return obj

    def _people_first(self, answers) -> None:
        """Write the people the batch's meetings name and this run has not written yet, in
        a transaction of their own before the meetings'. A person the portal refuses is
        left to the meeting, which reports it.

        With writers side by side (``_write_apart``) it holds an advisory lock, under which
        a person already imported (by another writer during this run, or by an earlier
        run) is taken as they are, and only a person not imported yet is made: two writers
        never make the same person twice, nor wait on each other's meetings for a person.
        What each writer's first meeting naming a person said of them is sent to the
        importing process, which, once every writer has finished, writes each person as the
        first meeting of the whole run names them (``_settle_people``), as one process does:
        whichever writer reached a person first, the result is the same on every run."""
        wanted = {}
        for answer in answers:
            for a in self._new_people(answer):
                if a.member_id not in wanted:
                    wanted[a.member_id] = a
                    if self._apart:
                        index = self._order.get(answer[0].id, len(self._order))
                        self._people_answers.setdefault(
                            a.member_id, [index, a.name, a.ward, a.party]
                        )
        if not wanted:
            return
        with transaction.atomic():
            if self._apart:
                with transaction.get_connection().cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_xact_lock(%s)", [PEOPLE_LOCK])
                imported = ImportedRecord.objects.filter(
                    site=self.site, kind="person", source_id__in=list(wanted)
                )
                for record in imported:
                    person = Person.objects.filter(pk=record.object_id).first()
                    self.records[("person", record.source_id)] = record
                    if person is not None:
                        self._seen_people[("person", record.source_id)] = person
                        del wanted[record.source_id]
            for member_id, a in wanted.items():
                key = ("person", member_id)
                record = self.records.get(key)
                before = Counter(self.report.counts["person"])
                try:
                    with transaction.atomic():
                        self._person(member_id, a.name, ward=a.ward, party=a.party)
                        self._save_records()
                    if self._apart:  # counted once for the run, by _write_apart
                        what = self._people_counted(before)
                        if what:
                            self._people_done[member_id] = what
                except ValidationError:
                    self._unsaved = {}
                    self._seen_people.pop(key, None)
                    if record is None:
                        self.records.pop(key, None)
                    else:
                        self.records[key] = record

    def _people_counted(self, before: Counter) -> str | None:
        """What ``_person`` just did (created, updated or unchanged), taken out of the
        report's counts, for the run to count each person once (``_write_apart``)."""
        done = Counter(self.report.counts["person"])
        done.subtract(before)
        self.report.counts["person"] = before
        return next(iter(+done), None)

    def _settle_people(self, answers: dict) -> dict:
        """After the writers: each person they met, written as the earliest meeting of the
        run that names them says (``_people_first``). Returns {member id: what was done}."""
        self._reload_records([("person", member_id) for member_id in answers])
        done = {}
        with transaction.atomic():
            for member_id, (_index, name, ward, party) in sorted(answers.items()):
                before = Counter(self.report.counts["person"])
                said = len(self.report.skipped)
                try:
                    with transaction.atomic():
                        self._person(member_id, name, ward=ward, party=party)
                        self._save_records()
                    del self.report.skipped[said:]  # a field cut: the writers said so
                except ValidationError as exc:
                    self._unsaved = {}
                    self.report.problem("person", member_id, "; ".join(exc.messages))
                what = self._people_counted(before)
                if what:
                    done[member_id] = what
        return done

    def _new_people(self, answer) -> list:
        """The attendees of a fetched meeting this run has not written as people yet."""
        if isinstance(answer, Exception):
            return []
        return [
            a
            for a in answer[0].attendees
            if a.member_id and a.name and ("person", a.member_id) not in self._seen_people
        ]

    @property
    def _seen_people(self) -> dict:
        # People are written once per run: the first answer that names them wins (the
        # councillors-by-ward list first, then the first meeting they attend).
        if not hasattr(self, "_people"):
            self._people = {}
        return self._people

    def _membership(self, committee: Committee, person: Person, role: str, day: dt.date) -> str:
        """Memberships are inferred from attendees: one per person and role, open from the
        first meeting that lists them while later meetings keep listing them; ended by
        ``_end_memberships`` at the last meeting that did. Returns the source id."""
        source_id = f"{committee.pk}:{person.pk}:{role}"
        self.last_seen[committee.pk][source_id] = day
        span = self._spans.get(source_id)
        if span is not None and span[0] <= day and (span[1] is None or day <= span[1]):
            return source_id  # seen this run, and already covers the day: nothing to read
        record, obj, edited = self._existing("membership", source_id, Membership)
        if record is not None and obj is None:
            return source_id  # removed here: not re-created
        if obj is None:
            try:
                obj = core_services.create_membership(
                    person=person, committee=committee, role=role, start_date=day
                )
            except ValidationError as exc:
                self.report.skip("membership", source_id, "; ".join(exc.messages))
                return source_id
            self._remember("membership", source_id, obj, "")
            self.report.count("membership", "created")
            self._spans[source_id] = (obj.start_date, obj.end_date)
            return source_id
        if obj.start_date <= day and (obj.end_date is None or day <= obj.end_date):
            self._spans[source_id] = (obj.start_date, obj.end_date)
            return source_id
        if edited:
            self.report.skip("membership", source_id, f"{obj} was edited here: not changed")
            return source_id
        try:  # listed again after it ended (or before it started): open it over that date
            core_services.update_membership(
                membership=obj,
                person=person,
                committee=committee,
                role=role,
                start_date=min(obj.start_date, day),
                end_date=None,
                voting=obj.voting,
                notes=obj.notes,
            )
        except ValidationError as exc:
            self.report.skip("membership", source_id, "; ".join(exc.messages))
            return source_id
        self._remember("membership", source_id, obj, "")
        self.report.count("membership", "updated")
        self._spans.pop(source_id, None)
        return source_id

    def _end_memberships(self, committee: Committee, listed: set[str]) -> None:
        """Members seen at an earlier meeting of the run but not listed at this one have
        left: their open membership ends at the last meeting that listed them."""
        for source_id, last in list(self.last_seen[committee.pk].items()):
            if source_id in listed:
                continue
            del self.last_seen[committee.pk][source_id]
            self._spans.pop(source_id, None)
            record, obj, edited = self._existing("membership", source_id, Membership)
            if obj is None or obj.end_date is not None:
                continue
            if edited:
                self.report.skip("membership", source_id, f"{obj} was edited here: not ended")
                continue
            core_services.end_membership(membership=obj, end_date=max(last, obj.start_date))
            self._remember("membership", source_id, obj, "")
            self.report.count("membership", "ended")

    # -- one meeting --

    def _aware(self, day: dt.date, time: dt.time | None) -> dt.datetime:
        return timezone.make_aware(dt.datetime.combine(day, time or dt.time(0, 0)))

    def _meeting(self, committee: Committee, m: parse.Meeting, raw: bytes) -> None:
        start = self._aware(m.date, m.time)
        end = (
            self._aware(m.date, m.finish) if m.finish and m.finish > (m.time or m.finish) else None
        )
        status = m.status.lower()
        if status not in ("confirmed", "cancelled", "postponed", "provisional", "moved", ""):
            self.report.problem("meeting", m.id, f"unknown meeting status {m.status!r}")
        # People and memberships first: the minutes' attendance list comes from memberships.
        members, listed = [], set()
        for a in m.attendees:
            person = self._person(a.member_id, a.name, ward=a.ward, party=a.party)
            if person is None:
                self.report.problem("attendee", m.id, f"an attendee without id or name: {a}")
                continue
            role = ROLES.get(a.role.lower())
            if role is None and a.role.lower() not in OTHER_ROLES:
                self.report.problem("attendee", a.member_id, f"unknown role {a.role!r}")
            members.append((a, person, role))
            if role is not None:
                listed.add(self._membership(committee, person, role, m.date))
        if status != "cancelled" and listed:
            self._end_memberships(committee, listed)

        fields = {"start": start, "end": end, "venue": m.location[:300]}
        whole = digest(raw.decode("utf-8", "replace"))
        record = self.records.get(("meeting", m.id))
        version = self._meeting_versions.get(record.object_id) if record is not None else None
        if (
            record is not None
            and record.source_digest == whole
            and version is not None
            and not self._version_edited(version, record)
        ):  # the same answer as last time, and the meeting as the import left it
            self.report.count("meeting", "unchanged")
            self._documents_only(m)
            return
        record, meeting, edited = self._existing("meeting", m.id, Meeting)
        created = False
        if record is not None and meeting is None:
            self.report.skip("meeting", m.id, "deleted here since the import: not re-created")
            return
        if meeting is None:
            meeting = meeting_services.create_meeting(
                committee=committee, standard_items=False, by=self.by, **fields
            )
            bulk.meeting_created(meeting.pk)
            created = True
            self.report.count("meeting", "created")
        elif edited:
            self.report.skip("meeting", m.id, f"{meeting} was edited here since the import")
            return
        elif record.source_digest == whole:
            self.report.count("meeting", "unchanged")
            self._documents_only(m)
            return
        else:
            changed = {k: v for k, v in fields.items() if getattr(meeting, k) != v}
            if changed:
                meeting = meeting_services.update_meeting(meeting=meeting, by=self.by, **changed)
            self.report.count("meeting", "updated")

        self._written.add(meeting.pk)
        items = self._items(meeting, m)
        if (m.agenda_published or m.minutes_published) and not meeting.is_published and items:
            published = min(
                (d.published for i in m.items for d in i.docs if d.published),
                default=m.date - dt.timedelta(days=7),
            )
            meeting = meeting_services.publish_meeting(
                meeting=meeting,
                by=self.by,
                confirm_late=True,
                confirm_unsigned=True,
                late_reason="Imported from ModernGov.",
                at=self._aware(min(published, m.date), dt.time(9, 0)),
            )
        if status == "cancelled" and meeting.status != MeetingStatus.CANCELLED:
            meeting = meeting_services.cancel_meeting(
                meeting=meeting, notice="This meeting was cancelled.", by=self.by
            )
        elif status == "postponed" and meeting.status not in (
            MeetingStatus.POSTPONED,
            MeetingStatus.CANCELLED,
        ):
            meeting = meeting_services.postpone_meeting(
                meeting=meeting, notice="This meeting was postponed.", by=self.by
            )
        elif (
            meeting.status == MeetingStatus.AGENDA_PUBLISHED
            and meeting.start < timezone.now()
            and status not in ("cancelled", "postponed")
        ):
            meeting = meeting_services.mark_held(meeting=meeting, by=self.by)
        if m.minutes_published and status != "cancelled":
            self._minutes(meeting, m, items, members, new=created)
        self._remember("meeting", m.id, meeting, whole)

    def _items(self, meeting: Meeting, m: parse.Meeting) -> dict[str, AgendaItem]:
        """The meeting's items: those imported before updated one by one (``_upsert``), the
        new ones added together (``add_agenda_items``: the meeting locked and renumbered
        once), or, if the portal refuses one of them, one at a time so that only the refused
        item is left out (and reported). Then each item's papers and printed number."""
        items: dict[str, AgendaItem] = {}
        new: list[tuple[parse.Item, dict]] = []
        for i in m.items:
            fields = self._item_fields(i)
            if self.records.get(("item", i.id)) is None:
                new.append((i, fields))
                continue
            try:
                item = self._upsert(
                    "item",
                    i.id,
                    AgendaItem,
                    fields,
                    lambda f=fields: meeting_services.add_agenda_item(
                        meeting=meeting, by=self.by, **f
                    ),
                    lambda obj, f=fields: meeting_services.update_agenda_item(
                        item=obj, by=self.by, **f
                    ),
                )
            except ValidationError as exc:
                self.report.problem("item", i.id, "; ".join(exc.messages))
                continue
            if item is not None:
                items[i.id] = item
        size = meeting_services.MAX_ITEMS_AT_ONCE
        for chunk in (new[n : n + size] for n in range(0, len(new), size)):
            try:
                added = meeting_services.add_agenda_items(
                    meeting=meeting, items=[f for _i, f in chunk], by=self.by
                )
            except ValidationError:
                added = [self._add_item(meeting, i, f) for i, f in chunk]
            for (i, fields), item in zip(chunk, added, strict=True):
                if item is not None:
                    self._remember("item", i.id, item, digest(fields))
                    self.report.count("item", "created")
                    items[i.id] = item
        numbers: dict[int, str] = {}
        for i in m.items:
            item = items.get(i.id)
            if item is None:
                continue
            number = (i.number or str(i.order)).strip().rstrip(".").strip()
            if len(number) > ITEM_NUMBER_LENGTH:  # the item keeps the number given here
                self.report.problem(
                    "item",
                    i.id,
                    f"the printed number “{number[:40]}” is longer than "
                    f"{ITEM_NUMBER_LENGTH} characters: numbered {item.number} here instead",
                )
            elif number and item.number != number:
                numbers[item.pk] = number
            self._item_documents(item, i)
        if numbers:
            meeting_services.set_item_numbers(meeting=meeting, numbers=numbers, by=self.by)
        return items

    def _add_item(self, meeting: Meeting, i: parse.Item, fields: dict) -> AgendaItem | None:
        """Add one item, reporting it if the portal refuses it."""
        try:
            return meeting_services.add_agenda_item(meeting=meeting, by=self.by, **fields)
        except ValidationError as exc:
            self.report.problem("item", i.id, "; ".join(exc.messages))
            return None

    def _item_fields(self, i: parse.Item) -> dict:
        """An item's fields as the portal's services take them (restricted: exempt)."""
        if i.flags.get("iscomment"):
            self.report.problem("item", i.id, "a comment item: ModernGov kind not imported")
        exempt = i.restricted
        fields = {
            "title": i.title[:300] or "Untitled item",
            "description": "" if exempt else plain(i.html),
            "kind": item_kind(i.title),
            "is_exempt": exempt,
        }
        if exempt:
            refs = " ".join(d.restrictions for d in i.docs)
            found = _PARAGRAPH.search(refs)
            fields["exempt_paragraph"] = int(found.group(1)) if found else 1
            fields["exempt_reasons"] = (
                "Restricted in ModernGov, from which this item was imported"
                + (f" ({refs.strip()})." if refs.strip() else ": the paragraph was not given.")
            )
            if not found:
                self.report.skip(
                    "item", i.id, "restricted: imported as exempt (paragraph 1: not given)"
                )
        return fields

    # -- documents --

    def _documents_only(self, m: parse.Meeting) -> None:
        """An unchanged meeting: its documents may still have changed (asked conditionally).
        Its items are read, in one query, only if one of its papers has changed."""
        records = {i.id: self.records.get(("item", i.id)) for i in m.items}
        found: dict | None = None

        def item_of(i: parse.Item):
            nonlocal found
            if found is None:
                found = AgendaItem._default_manager.in_bulk(
                    [r.object_id for r in records.values() if r is not None]
                )
            record = records[i.id]
            return found.get(record.object_id) if record is not None else None

        for i in m.items:
            if records[i.id] is not None:
                self._item_documents(lambda i=i: item_of(i), i)

    def _item_documents(self, item, i: parse.Item) -> None:
        """The papers of item ``i``: ``item`` is its item here, or a callable giving it
        (read only if a paper must be written)."""
        for d in i.docs:
            if d.restricted or i.restricted:
                if not i.restricted and self._withdraw_restricted(d):
                    continue
                self.report.skip("document", d.id, "restricted: papers not imported")
                continue
            if d.is_url:
                self.report.skip("document", d.id, f"an external link, not a file: {d.url}")
                continue
            try:
                self._document(item, d)
            except (FetchError, ValidationError) as exc:
                messages = exc.messages if isinstance(exc, ValidationError) else [str(exc)]
                self.report.problem("document", d.id, "; ".join(messages))

    def _withdraw_restricted(self, d: parse.Doc) -> bool:
        """A paper imported as public and restricted in ModernGov since: withdrawn here (no
        longer served to anyone but officers), and reported for an officer to check. (A
        paper whose item is restricted since leaves public view with it: the item is made
        exempt.) Returns whether the paper had been imported."""
        record, doc, _edited = self._existing("document", d.id, Document)
        if doc is None:
            return False
        while doc.superseded_by_id:  # replaced here since: the current version is the public one
            doc = Document.all_objects.get(pk=doc.superseded_by_id)
        if doc.withdrawn_at:
            self.report.skip("document", d.id, "restricted in ModernGov: already withdrawn here")
            return True
        if self.dry_run:
            self.report.count("document", "would withdraw")
            return True
        reason = "Restricted in ModernGov since it was published here."
        try:
            doc = meeting_services.withdraw_paper(paper=doc, reason=reason, by=self.by)
        except ValidationError as exc:
            self.report.problem(
                "document",
                d.id,
                f"restricted in ModernGov since the import, and could not be withdrawn here "
                f"({'; '.join(exc.messages)}): check it",
            )
            return True
        self._written.add(doc.agenda_item.meeting_id)
        self._remember("document", d.id, doc, record.source_digest)
        self.report.count("document", "withdrawn")
        self.report.problem(
            "document",
            d.id,
            f"“{doc.title}” was restricted in ModernGov after it was imported: withdrawn "
            "here; check whether it was public for long enough to need more",
        )
        return True

    def _document(self, item, d: parse.Doc) -> None:
        deleted = "deleted here since the import: not re-fetched"
        if self.records.get(("document", d.id)) is not None and d.id in self._gone:
            self.report.skip("document", d.id, deleted)
            return
        if self.dry_run:
            record, doc, _edited = self._existing("document", d.id, Document)
            if record is not None and doc is None:
                self.report.skip("document", d.id, deleted)
            else:
                self.report.count("document", "would fetch" if doc is None else "would check")
            return
        fetched = self._papers.pop(d.id, None)  # fetched ahead with the meeting
        if fetched is None:
            fetched = self._fetch_document(d.id)
        elif isinstance(fetched, FetchError):
            raise fetched
        self.report.documents += 1
        if fetched.status == 304:  # asked conditionally: imported before, and kept here
            self.report.count("document", "unchanged")
            return
        record, doc, edited = self._existing("document", d.id, Document)
        if record is not None and doc is None:
            self.report.skip("document", d.id, deleted)
            return
        content = fetched.content
        if doc is not None and hashlib.sha256(content).hexdigest() == record.source_digest:
            self.report.count("document", "unchanged")
            self._remember_document(d.id, doc, record.source_digest, fetched)
            return
        if doc is not None and (edited or doc.superseded_by_id or doc.withdrawn_at):
            self.report.skip("document", d.id, f"{doc} was changed here: not replaced")
            return
        if callable(item):
            item = item()
            if item is None:
                self.report.skip("document", d.id, "its item was deleted here: not imported")
                return
        pdf = self._as_pdf(d, content, fetched.content_type)
        upload = ContentFile(pdf, name=f"{d.id}.pdf")
        self._written.add(item.meeting_id)
        title = d.title[:300] or "Document"
        if doc is None:
            doc = meeting_services.add_document(
                agenda_item=item, uploaded_file=upload, title=title, by=self.by
            )
            if doc.is_draft:  # a paper added after the agenda was published
                doc = meeting_services.publish_late_paper(
                    paper=doc, urgency_reasons="Imported from ModernGov.", by=self.by
                )
            self.report.count("document", "created")
        else:
            doc = meeting_services.replace_document(
                document=doc,
                uploaded_file=upload,
                title=title,
                note="Changed in ModernGov.",
                by=self.by,
            )
            if doc.is_draft:
                doc = meeting_services.publish_late_paper(
                    paper=doc, urgency_reasons="Changed in ModernGov.", by=self.by
                )
            self.report.count("document", "updated")
        self._remember_document(d.id, doc, hashlib.sha256(content).hexdigest(), fetched)

    def _remember_document(self, source_id, doc, content_digest, fetched) -> None:
        self._remember(
            "document",
            source_id,
            doc,
            content_digest,
            etag=fetched.etag[:200],
            last_modified=fetched.last_modified[:100],
        )

    def _as_pdf(self, d: parse.Doc, content: bytes, content_type: str) -> bytes:
        if content.startswith(b"%PDF"):
            return content
        extension = None
        if content.startswith(b"PK") and (
            "word" in content_type or b"word/" in content[:4000] or b"[Content_Types]" in content
        ):
            extension = ".docx"
        elif content.startswith(b"\xd0\xcf\x11\xe0"):
            extension = ".doc"
        elif content.startswith(b"{\\rtf"):
            extension = ".rtf"
        if extension is None:
            raise ValidationError(f"not a PDF or a Word file ({content_type or 'no type'})")
        from meetings.conversion import ConversionError, convert_to_pdf

        try:
            return convert_to_pdf(content, extension=extension)
        except ConversionError as exc:
            raise ValidationError(f"the Word file could not be converted: {exc}") from exc

    # -- minutes and attendance --

    def _minutes(self, meeting, m: parse.Meeting, items: dict, members: list, new=False) -> None:
        """The meeting's published minutes and attendance (``new``: the meeting was created
        by this run, so it has no minutes yet)."""
        minutes = None if new else MinutesSet.all_objects.filter(meeting=meeting).first()
        if minutes is not None and minutes.status != "draft":
            record = self.records.get(("minutes", m.id))
            if record is None or self._edited(minutes, record):
                self.report.skip("minutes", m.id, "minutes changed here: not overwritten")
            else:
                self.report.count("minutes", "unchanged")
            return
        minutes = minutes_services.start_minutes(meeting=meeting, by=self.by)
        rows = {a.person_id: a for a in minutes.attendance.all() if a.person_id}
        statuses = {}
        for a, person, role in members:
            value = a.attendance.lower()
            if value in NOT_RECORDED:
                self.report.skip("attendance", f"{m.id}:{a.member_id}", "attendance not recorded")
                continue
            status = ATTENDANCE.get(value)
            if status is None:
                self.report.problem(
                    "attendance", f"{m.id}:{a.member_id}", f"unknown attendance {a.attendance!r}"
                )
                continue
            if person.pk in rows:
                statuses[rows[person.pk].pk] = status
            elif value != "present as substitute" or role is None:
                minutes_services.add_attendee(
                    minutes=minutes,
                    kind=AttendanceKind.IN_ATTENDANCE,
                    person=person,
                    status=status,
                    role_text=a.role[:200],
                    by=self.by,
                )
        if statuses:
            minutes = minutes_services.save_attendance(
                minutes=minutes, statuses=statuses, version=minutes.version, by=self.by
            )
        minutes_of = {
            minute.agenda_item_id: minute
            for minute in Minute.objects.filter(agenda_item__in=list(items.values()))
        }
        texts = {}
        for i in m.items:
            item = items.get(i.id)
            if item is None or not i.minutes_html.strip() or not i.minute_published:
                continue
            if i.restricted:
                self.report.skip("minute", i.id, "restricted: minute not imported")
                continue
            minute = minutes_of.get(item.pk) or Minute.objects.get(agenda_item=item)
            texts[minute.pk] = sanitise(i.minutes_html)
            self.report.count("minute", "created")
        if texts:
            minutes_services.save_minute_texts(minutes=minutes, texts=texts, by=self.by)
        minutes = minutes_services.publish_minutes(minutes=minutes, by=self.by)
        self._remember("minutes", m.id, minutes, "")
        self.report.count("minutes", "created")


def report_text(report: Report) -> str:
    lines = [f"Meetings: {report.meetings_done} of {report.meetings_total}"]
    if report.writers > 1:
        lines[0] += f" (written by {report.writers} processes side by side)"
    for kind, counts in sorted(report.counts.items()):
        lines.append(f"  {kind}: " + ", ".join(f"{n} {what}" for what, n in sorted(counts.items())))
    if report.skipped:
        lines.append(f"Skipped ({len(report.skipped)}):")
        why = Counter(f"{s['kind']}: {s['why']}" for s in report.skipped)
        lines += [f"  {n} × {w}" for w, n in why.most_common(30)]
    if report.problems:
        lines.append(f"Problems ({len(report.problems)}):")
        lines += [f"  {p['kind']} {p['source_id']}: {p['what']}" for p in report.problems[:50]]
    return "\n".join(lines)
