#!/usr/bin/env python
"""Agenda pack benchmark (issue 4, item 8).

Generates a 200-page pack: a front sheet plus 20 uploaded 10-page PDFs (text and a table on
every page), and measures in the same run

(a) the full build: ``services.request_build(force=True)`` — what the background task does:
    read the meeting, fingerprint the inputs, lay out the front sheet (repeating if its page
    numbers move), merge, link, stamp, bookmark, write to a temporary file, fsync, hash and
    move into place, record the pack;
(b) the floor: the front sheet render alone + a raw pikepdf concatenation (open the 20 PDFs,
    append their pages, save) + the page stamping alone.

It prints build seconds, floor seconds, their ratio and the peak memory (maximum resident
set size) of a separate process that does one full build. Targets: ratio <= 1.3, peak memory
<= 500 MB.

It sets Django up by itself against a temporary SQLite database and media folder:

    .venv/bin/python bench/pack_build.py [--repeats 5]
"""

from __future__ import annotations

import argparse
import gc
import io
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOCUMENTS = 20
PAGES_PER_DOCUMENT = 10


def setup_django(workdir: Path) -> None:
    os.environ["DATABASE_URL"] = f"sqlite:///{workdir / 'bench.sqlite3'}"
    os.environ["MEDIA_ROOT"] = str(workdir / "media")
    os.environ["TASKS_IMMEDIATE"] = "true"
    os.environ["DJANGO_SETTINGS_MODULE"] = "scrutiny.settings"
    # A standalone script: make the project importable (the apps themselves are not on
    # sys.path by hand anywhere else).
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def make_document_pdf(number: int, pages: int = PAGES_PER_DOCUMENT) -> bytes:
    """A real PDF: a heading, paragraphs and a 5-column table on every page (Helvetica)."""
    import pikepdf

    pdf = pikepdf.new()
    font = pdf.make_indirect(
        pikepdf.Dictionary(
            Type=pikepdf.Name.Font,
            Subtype=pikepdf.Name.Type1,
            BaseFont=pikepdf.Name.Helvetica,
            Encoding=pikepdf.Name.WinAnsiEncoding,
        )
    )
    for page_no in range(1, pages + 1):
        ops = [f"BT /F1 16 Tf 56 780 Td (Appendix {number}: service report, page {page_no}) Tj ET"]
        y = 750
        for line in range(14):
            text = (
                f"Paragraph {line + 1}. The panel asked for an update on performance in "
                f"quarter {line % 4 + 1}; figures and commentary follow."
            )
            ops.append(f"BT /F1 10 Tf 56 {y} Td ({text}) Tj ET")
            y -= 14
        # A table: 8 rows x 5 columns with ruled lines and cell text.
        top, left, row_h, col_w = y - 20, 56, 20, 96
        for row in range(9):
            ops.append(f"{left} {top - row * row_h} m {left + 5 * col_w} {top - row * row_h} l S")
        for col in range(6):
            ops.append(f"{left + col * col_w} {top} m {left + col * col_w} {top - 8 * row_h} l S")
        for row in range(8):
            for col in range(5):
                cell = (
                    ["Indicator", "Target", "Q1", "Q2", "RAG"][col]
                    if row == 0
                    else f"KI {number}{row}{col}"
                )
                x = left + col * col_w + 4
                ty = top - row * row_h - 14
                ops.append(f"BT /F1 9 Tf {x} {ty} Td ({cell}) Tj ET")
        page = pikepdf.Page(
            pikepdf.Dictionary(
                Type=pikepdf.Name.Page,
                MediaBox=[0, 0, 595, 842],
                Resources=pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=font)),
                Contents=pdf.make_stream("\n".join(ops).encode("latin-1")),
            )
        )
        pdf.pages.append(page)
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def tag_pdf(data: bytes) -> bytes:
    """The same PDF tagged (issue 16): each page's content in one marked-content sequence
    held by a /P element (a Document > Sect > P tree, a parent tree, /MarkInfo), so the
    build merges a real structure tree per upload (``--tagged``)."""
    import pikepdf

    pdf = pikepdf.open(io.BytesIO(data))
    root = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.StructTreeRoot))
    document = pdf.make_indirect(
        pikepdf.Dictionary(Type=pikepdf.Name.StructElem, S=pikepdf.Name.Document, P=root)
    )
    nums, kids = [], []
    for index, page in enumerate(pdf.pages):
        page.contents_add(pdf.make_stream(b"/P <</MCID 0>> BDC\n"), prepend=True)
        page.contents_add(pdf.make_stream(b"\nEMC\n"))
        element = pdf.make_indirect(
            pikepdf.Dictionary(
                Type=pikepdf.Name.StructElem, S=pikepdf.Name.P, P=document, Pg=page.obj, K=0
            )
        )
        page.obj.StructParents = index
        nums += [index, pikepdf.Array([element])]
        kids.append(element)
    document.K = pikepdf.Array(kids)
    root.K = pikepdf.Array([document])
    root.ParentTree = pdf.make_indirect(pikepdf.Dictionary(Nums=pikepdf.Array(nums)))
    pdf.Root.StructTreeRoot = root
    pdf.Root.MarkInfo = pikepdf.Dictionary(Marked=True)
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def create_meeting() -> int:
    import datetime as dt
    import hashlib
    from zoneinfo import ZoneInfo

    from django.core.files.base import ContentFile

    from meetings.models import AgendaItem, Document, Meeting, MeetingStatus
    from scrutiny.models import Committee, Council, Membership, Person

    Council.objects.get_or_create(
        name="Benchmark Council", defaults={"address": "Town Hall\nBench Street"}
    )
    committee = Committee.objects.create(name="Benchmark Scrutiny Panel", slug="bench-panel")
    for n, role in enumerate(["chair", "vice_chair"] + ["member"] * 8 + ["cooptee"] * 2):
        person = Person.objects.create(name=f"Member {n}", slug=f"member-{n}", party="Party")
        Membership.objects.create(
            person=person, committee=committee, role=role, start_date=dt.date(2017, 5, 17)
        )
    start = dt.datetime(2017, 10, 9, 10, tzinfo=ZoneInfo("Europe/London"))
    meeting = Meeting.all_objects.create(
        committee=committee,
        start=start,
        venue="Meeting Room 4, Town Hall",
        status=MeetingStatus.AGENDA_PUBLISHED,
        published_at=start - dt.timedelta(days=10),
    )
    for n in range(1, DOCUMENTS + 1):
        item = AgendaItem.all_objects.create(
            meeting=meeting,
            order=n,
            number=str(n),
            title=f"Service report {n}",
            description=f"To consider the report on service area {n}.",
            contact_text=f"Officer {n}, Service Manager, 01484 221{n:03d}",
        )
        data = make_document_pdf(n)
        tagged = bool(os.environ.get("BENCH_TAGGED"))
        if tagged:
            data = tag_pdf(data)
        Document.all_objects.create(
            agenda_item=item,
            title=f"Appendix {n}",
            file=ContentFile(data, name=f"appendix-{n}.pdf"),
            original_filename=f"appendix-{n}.pdf",
            page_count=PAGES_PER_DOCUMENT,
            size=len(data),
            sha256=hashlib.sha256(data).hexdigest(),
            is_tagged=tagged,  # as the upload path records it (meetings.uploads.inspect_pdf)
        )
    return meeting.pk


def full_build(meeting_pk: int, *, first: bool = True) -> tuple[dict, int, int, str]:
    """One full build. ``first``: as on first publication, with no previous pack (the front
    sheet's length is estimated); otherwise a rebuild that starts from the last length."""
    from meetings.models import Meeting
    from meetings.packs import services
    from meetings.packs.models import Pack

    meeting = Meeting.all_objects.get(pk=meeting_pk)
    if first:
        Pack.objects.filter(meeting=meeting).delete()
    gc.collect()  # start clean: do not charge this run for the previous run's garbage
    started, cpu_started = time.perf_counter(), time.process_time()
    build = services.request_build(meeting=meeting, reason="benchmark", force=True)
    seconds = time.perf_counter() - started
    cpu = time.process_time() - cpu_started
    build.refresh_from_db()
    assert build.status == "ok", build.error
    pack = Pack.objects.get(meeting=meeting, kind="public")
    return {"wall": seconds, "cpu": cpu}, pack.page_count, pack.front_pages, build.summary


def floor(meeting_pk: int, workdir: Path) -> dict[str, float]:
    """Front sheet render alone + raw concatenation (open, append, save) + stamping alone."""
    import pikepdf

    from meetings.models import Meeting
    from meetings.packs import builder
    from meetings.packs.models import PackKind
    from scrutiny.printing import render_pdf

    meeting = Meeting.all_objects.get(pk=meeting_pk)
    spec = builder.collect(meeting, PackKind.PUBLIC)
    for paper in spec.papers:
        paper.pages = PAGES_PER_DOCUMENT
    builder._number(spec, 2)
    context = {"spec": spec, "entries": spec.entries, "link_prefix": builder.LINK_PREFIX}
    paths = [paper.document.file.path for paper in spec.papers]

    gc.collect()
    clock = Clock()
    front = render_pdf("packs/print/front.html", context, title=spec.title)
    clock.lap("front_sheet")
    out = pikepdf.open(io.BytesIO(front))
    sources = [pikepdf.open(path) for path in paths]
    for source in sources:
        out.pages.extend(source.pages)
    clock.lap("concatenate")
    builder.stamp_pages(out, first_page=1)
    clock.lap("stamp")
    out.save(workdir / "floor.pdf")
    clock.lap("concatenate")
    for source in sources:
        source.close()
    out.close()
    return {**clock.laps, "total": clock.total}


class Clock:
    """Wall and CPU time of named steps (a step timed twice adds up)."""

    def __init__(self):
        self.laps: dict[str, dict[str, float]] = {}
        self._wall, self._cpu = time.perf_counter(), time.process_time()

    def lap(self, name: str) -> None:
        wall, cpu = time.perf_counter(), time.process_time()
        lap = self.laps.setdefault(name, {"wall": 0.0, "cpu": 0.0})
        lap["wall"] += wall - self._wall
        lap["cpu"] += cpu - self._cpu
        self._wall, self._cpu = wall, cpu

    @property
    def total(self) -> dict[str, float]:
        return {k: sum(lap[k] for lap in self.laps.values()) for k in ("wall", "cpu")}


def child(workdir: Path, meeting_pk: int) -> None:
    setup_django(workdir)
    seconds, *_ = full_build(meeting_pk)
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    print(json.dumps({"seconds": seconds["wall"], "peak_mb": peak_kib / 1024}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--child", nargs=2, metavar=("WORKDIR", "MEETING"), help=argparse.SUPPRESS)
    parser.add_argument(
        "--tagged", action="store_true", help="tagged uploads (their structure trees merged)"
    )
    args = parser.parse_args()
    if args.tagged:
        os.environ["BENCH_TAGGED"] = "1"
    if args.child:
        child(Path(args.child[0]), int(args.child[1]))
        return

    workdir = Path(tempfile.mkdtemp(prefix="pack-bench-"))
    try:
        setup_django(workdir)
        from django.core.management import call_command

        call_command("migrate", verbosity=0, interactive=False)
        meeting_pk = create_meeting()

        # Warm up both paths once (font discovery, template compilation, imports).
        _, pages, front_pages, summary = full_build(meeting_pk)
        floor(meeting_pk, workdir)

        builds, rebuilds, floors = [], [], []
        for _ in range(args.repeats):
            builds.append(full_build(meeting_pk, first=True)[0])
            rebuilds.append(full_build(meeting_pk, first=False)[0])
            floors.append(floor(meeting_pk, workdir))

        def median(runs, clock="wall", part=None):
            return statistics.median((r[part] if part else r)[clock] for r in runs)

        result = subprocess.run(
            [sys.executable, __file__, "--child", str(workdir), str(meeting_pk)],
            check=True,
            capture_output=True,
            text=True,
        )
        peak = json.loads(result.stdout.strip().splitlines()[-1])

        print(f"pack: {pages} pages (front sheet {front_pages}), {DOCUMENTS} uploaded PDFs")
        print(f"  {summary}")
        print(f"medians of {args.repeats} runs      wall s   CPU s")
        rows = [
            ("build (first publication)", builds, None),
            ("rebuild (forced)", rebuilds, None),
            ("floor", floors, "total"),
            ("  front sheet render", floors, "front_sheet"),
            ("  raw concatenation", floors, "concatenate"),
            ("  stamping", floors, "stamp"),
        ]
        for label, runs, part in rows:
            print(f"{label:<28} {median(runs, 'wall', part):7.3f} {median(runs, 'cpu', part):7.3f}")
        for clock in ("wall", "cpu"):
            ratio = median(builds, clock) / median(floors, clock, "total")
            re_ratio = median(rebuilds, clock) / median(floors, clock, "total")
            print(f"ratio ({clock}) {ratio:.2f}, rebuild {re_ratio:.2f}  (target <= 1.3)")
        print(
            f"peak memory MB {peak['peak_mb']:.0f}  (max RSS of a fresh process doing one "
            f"full build, {peak['seconds']:.3f} s cold; target <= 500)"
        )
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
