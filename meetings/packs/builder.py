"""Build an agenda pack PDF: front sheet and authored papers by WeasyPrint, uploads by pikepdf.

How a pack is put together (see docs/packs.md for the why):

1. ``collect()`` reads the meeting into a ``PackSpec``: the agenda entries on the front sheet and
   the papers of each, in agenda order. Which items and papers go in depends on the kind of
   pack (public, supplementary, members').
2. ``input_hash()`` fingerprints everything that goes into the pack (texts, report sections,
   document SHA-256s, membership, council details and the print templates), so an unchanged
   pack is not rebuilt.
3. ``build_pdf()`` lays out ONE WeasyPrint document holding the front sheet, every authored or
   generated report and the exempt placeholders (so the whole thing shares one structure tree:
   it stays a tagged PDF with ``/Lang``). The front sheet needs page numbers that depend on its
   own length and on the papers' lengths, the papers are laid out once first, then the front
   sheet until the numbers it printed are the numbers it produced (usually once), and the two
   are combined into one document before writing. Uploaded PDFs are then
   inserted at their places with pikepdf, each tagged upload's structure tree merged into the
   pack's (``structure.py``); front-sheet links are pointed at the right pages;
   every page is stamped "Page N" (and "NOT FOR PUBLICATION" on exempt pages of the members'
   pack; ``stamping.py``); bookmarks are written; the pack declares PDF/UA only when every
   upload in it is tagged (otherwise its front sheet names the papers that are not, with
   their HTML versions); the file is written to a local temporary file.
4. ``store_pack()`` copies that finished file into the default storage (file system or S3)
   under a new, unique name; ``services.run_build`` then switches the ``Pack`` row to it in a
   transaction and deletes the previous file once that commits, so a reader only ever gets
   a whole pack, the old one or the new one.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import logging
import os
import tempfile
import uuid
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import pikepdf
from django.conf import settings
from django.core.files import File
from django.core.files.storage import Storage, default_storage
from django.db.models import Prefetch
from django.template.loader import get_template
from django.urls import reverse
from django.utils import timezone

from meetings.extensions import report_generators
from meetings.models import SCHEDULE_12A_PARAGRAPHS, AgendaItem, Document, Meeting, Report
from meetings.stamping import stamp_pages
from scrutiny.models import Council
from scrutiny.printing import render_document, write_document

from . import previous_minutes, structure
from .models import PackKind

logger = logging.getLogger(__name__)

# Bump when the build logic changes the output; template edits are picked up automatically.
# 3: table headers carry /Scope (scrutiny.printing); 4: uploads' structure trees merged, PDF/UA
# declared only when every page is tagged, untagged papers named on the front sheet.
BUILDER_VERSION = "4"
TEMPLATES = [
    "print/base.html",
    "packs/print/front.html",
    "packs/print/papers.html",
    "packs/print/_style.css",
    "packs/print/_front_sheet.html",
    "packs/print/_report.html",
]
LINK_PREFIX = "https://pack.invalid/page/"
MAX_LAYOUT_PASSES = 6
UNSAFE = {pikepdf.Name.JavaScript, pikepdf.Name.Launch, pikepdf.Name("/ImportData")}


class PackBuildError(Exception):
    """A build failed for a reason an officer can act on (the message names the paper)."""


@dataclass
class Paper:
    key: str
    title: str
    source: str  # "authored" | "generated" | "uploaded" | "placeholder" | "minutes"
    item: AgendaItem
    report: Report | None = None
    document: Document | None = None
    body_html: str = ""
    not_for_publication: bool = False
    pages: int = 1
    first: int = 0
    pdf: pikepdf.Pdf | None = None
    # Uploads: is the PDF tagged all through (``structure.is_tagged``)? Set when it is opened.
    tagged: bool = True

    @property
    def html_url(self) -> str:
        """The paper's HTML version on the portal (uploads; ``meetings.document_html``)."""
        if self.document is None:
            return ""
        return settings.SITE_URL.rstrip("/") + reverse("document-html", args=[self.document.pk])

    @property
    def is_html(self) -> bool:
        return self.source != "uploaded"

    @property
    def last(self) -> int:
        return self.first + self.pages - 1


@dataclass
class Entry:
    item: AgendaItem
    papers: list[Paper]
    contact: str = ""
    placeholder: bool = False

    @property
    def first(self) -> int | None:
        return self.papers[0].first if self.papers else None

    @property
    def last(self) -> int | None:
        return self.papers[-1].last if self.papers else None

    @property
    def paragraph_text(self) -> str:
        return SCHEDULE_12A_PARAGRAPHS.get(self.item.exempt_paragraph or 0, "")


@dataclass
class PackSpec:
    meeting: Meeting
    kind: str
    title: str
    first_page: int
    entries: list[Entry]
    members: list = field(default_factory=list)
    council: Council | None = None
    warnings: list[str] = field(default_factory=list)

    @property
    def papers(self) -> list[Paper]:
        return [p for e in self.entries for p in e.papers]

    @property
    def untagged(self) -> list[Paper]:
        """The uploaded papers that are not tagged: the pack cannot claim PDF/UA with them."""
        return [p for p in self.papers if not p.is_html and not p.tagged]


@dataclass
class BuildResult:
    page_count: int
    front_pages: int
    first_page: int
    sha256: str
    size: int
    contents: dict
    layout_passes: int


# -- collecting -------------------------------------------------------------------------------


def items_with_papers():
    """Agenda items with everything a pack reads of them: contacts, reports with their
    sections, documents (bench/dataset.py reads many meetings' items with it)."""
    return AgendaItem.all_objects.order_by("order", "pk").prefetch_related(
        "contact_officers",
        Prefetch(
            "reports",
            queryset=Report.all_objects.issued()  # never drafts (scrutiny.visibility)
            .order_by("order", "pk")
            .select_related("document", "author")
            .prefetch_related("sections"),
        ),
        Prefetch("documents", queryset=Document.all_objects.issued().order_by("order", "pk")),
    )


def _items(meeting: Meeting) -> list[AgendaItem]:
    return list(items_with_papers().filter(meeting=meeting))


def _contact(item: AgendaItem) -> str:
    if item.contact_text:
        return item.contact_text
    parts = []
    for person in item.contact_officers.all():
        bits = [person.display_name, person.job_title, person.phone, person.email]
        parts.append(", ".join(b for b in bits if b))
    return "; ".join(parts)


def _papers_of(item: AgendaItem, *, late: bool | None, not_for_publication: bool) -> list[Paper]:
    """The papers of ``item`` in order: reports, then documents that are not a report's PDF.
    ``late``: only late papers (True), only on-time ones (False) or all (None)."""

    def wanted(paper) -> bool:
        is_late = item.is_late or paper.is_late
        return late is None or is_late == late

    papers: list[Paper] = []
    report_docs = set()
    for report in item.reports.all():
        if report.document_id:
            report_docs.add(report.document_id)
        if not wanted(report):
            continue
        if report.source == Report.Source.UPLOADED:
            if report.document is None:
                raise PackBuildError(
                    f'Report "{report.title}" (item {item.number}) is marked as uploaded but '
                    "has no PDF attached."
                )
            papers.append(
                Paper(
                    key=f"report-{report.pk}",
                    title=report.title,
                    source="uploaded",
                    item=item,
                    report=report,
                    document=report.document,
                    not_for_publication=not_for_publication,
                )
            )
        else:
            papers.append(
                Paper(
                    key=f"report-{report.pk}",
                    title=report.title,
                    source=report.source,
                    item=item,
                    report=report,
                    not_for_publication=not_for_publication,
                )
            )
    for document in item.documents.all():
        if document.pk in report_docs or not wanted(document):
            continue
        papers.append(
            Paper(
                key=f"document-{document.pk}",
                title=document.title,
                source="uploaded",
                item=item,
                document=document,
                not_for_publication=not_for_publication,
            )
        )
    return papers


def _placeholder(item: AgendaItem) -> Paper:
    return Paper(
        key=f"exempt-{item.pk}",
        title="Exempt information – not for publication",
        source="placeholder",
        item=item,
    )


@dataclass
class MeetingInputs:
    """The meeting's records, read once and shared by the packs of one build."""

    items: list[AgendaItem]
    members: list
    council: Council
    # Keys ("report-<id>", "document-<id>") of the papers the public managers
    # (``Report.objects``/``Document.objects``) let the public see now: the only papers a
    # public or supplementary pack may hold, so a pack is public exactly when its papers are.
    public_papers: frozenset[str] = frozenset()
    # The public minutes each "minutes of the previous meeting" item carries
    # (``previous_minutes.carried``), and their rendered papers (shared by the packs).
    minutes: dict = field(default_factory=dict)
    minutes_papers: dict = field(default_factory=dict)


def load_inputs(meeting: Meeting) -> MeetingInputs:
    from .services import public_now

    items = _items(meeting)
    return MeetingInputs(
        items=items,
        members=list(meeting.committee.members_on(meeting.date)),
        council=Council.current(),
        public_papers=public_now(meeting).papers,
        minutes=previous_minutes.carried(items),
    )


def _minutes_papers(item: AgendaItem, inputs: MeetingInputs, *, members: bool) -> list[Paper]:
    """The previous meeting's minutes a minutes item carries (``previous_minutes``): their
    public version, and in the members' pack their exempt minutes as well."""
    minutes = inputs.minutes.get(item.pk)
    if minutes is None:
        return []
    cache = inputs.minutes_papers
    if ("public", item.pk) not in cache:
        cache[("public", item.pk)] = previous_minutes.render_public(minutes)
    papers = [
        Paper(
            key=previous_minutes.public_key(item.pk, minutes),
            title=previous_minutes.title(minutes),
            source="minutes",
            item=item,
            body_html=cache[("public", item.pk)],
            not_for_publication=members and item.is_private,
        )
    ]
    if members and previous_minutes.may_carry_exempt(item, minutes):
        if ("exempt", item.pk) not in cache:
            cache[("exempt", item.pk)] = previous_minutes.render_exempt(minutes)
        body = cache[("exempt", item.pk)]
        if body is not None:
            papers.append(
                Paper(
                    key=previous_minutes.exempt_key(item.pk, minutes),
                    title=f"{previous_minutes.title(minutes)}: exempt minutes "
                    "(not for publication)",
                    source="minutes",
                    item=item,
                    body_html=body,
                    not_for_publication=True,
                )
            )
    return papers


def collect(
    meeting: Meeting, kind: str, *, first_page: int = 1, inputs: MeetingInputs | None = None
) -> PackSpec | None:
    """What goes into a pack of ``kind``; ``None`` when the meeting needs no such pack."""
    inputs = inputs or load_inputs(meeting)
    items = inputs.items
    entries: list[Entry] = []
    if kind == PackKind.PUBLIC:
        for item in items:
            if item.is_late:
                continue
            if item.is_private:
                entries.append(Entry(item, [_placeholder(item)], placeholder=True))
            else:
                papers = _papers_of(item, late=False, not_for_publication=False)
                entries.append(Entry(item, papers))
        title = f"Agenda pack: {meeting.committee.name}, {meeting.date:%-d %B %Y}"
    elif kind == PackKind.SUPPLEMENTARY:
        for item in items:
            if item.is_private:
                has_late = item.is_late or any(
                    p.is_late for p in [*item.reports.all(), *item.documents.all()]
                )
                if has_late:
                    entries.append(Entry(item, [_placeholder(item)], placeholder=True))
                continue
            papers = _papers_of(item, late=True, not_for_publication=False)
            if papers or item.is_late:
                entries.append(Entry(item, papers))
        if not entries:
            return None
        title = f"Supplementary agenda pack: {meeting.committee.name}, {meeting.date:%-d %B %Y}"
    elif kind == PackKind.MEMBERS:
        if not any(item.is_private for item in items):
            return None
        for item in items:
            papers = _papers_of(item, late=None, not_for_publication=item.is_private)
            entries.append(Entry(item, papers))
        title = (
            f"Members' agenda pack (not for publication): {meeting.committee.name}, "
            f"{meeting.date:%-d %B %Y}"
        )
    else:  # pragma: no cover - PackKind is closed
        raise ValueError(kind)
    for entry in entries:
        # The previous minutes are on time unless the minutes item itself is late.
        on_time = kind == PackKind.PUBLIC and not entry.item.is_late
        late = kind == PackKind.SUPPLEMENTARY and entry.item.is_late
        if not entry.placeholder and (on_time or late or kind == PackKind.MEMBERS):
            carried = _minutes_papers(entry.item, inputs, members=kind == PackKind.MEMBERS)
            if carried:  # a hand-added "minutes.previous" report would print them twice
                entry.papers = [p for p in entry.papers if not previous_minutes.is_legacy(p.report)]
            entry.papers = carried + entry.papers
    if kind != PackKind.MEMBERS:
        for entry in entries:
            if not entry.placeholder:
                entry.papers = [p for p in entry.papers if p.key in inputs.public_papers]
    for entry in entries:
        entry.contact = _contact(entry.item)
    spec = PackSpec(
        meeting=meeting,
        kind=kind,
        title=title,
        first_page=first_page,
        entries=entries,
        members=inputs.members,
        council=inputs.council,
    )
    for paper in spec.papers:
        if paper.source == Report.Source.GENERATED:
            try:
                paper.body_html = str(report_generators.render(paper.report, for_print=True))
            except Exception as exc:  # a generator's bug must not stop the whole pack
                paper.body_html = (
                    "<p>This report's content could not be generated for the pack.</p>"
                )
                spec.warnings.append(f'Report "{paper.title}" could not be generated: {exc}')
    return spec


# -- fingerprint ------------------------------------------------------------------------------


@cache
def template_version() -> str:
    digest = hashlib.sha256(BUILDER_VERSION.encode())
    for name in TEMPLATES:
        origin = get_template(name).origin.name
        digest.update(Path(origin).read_bytes())
    return digest.hexdigest()


def _fields(obj, exclude=("id", "created_at", "modified_at", "version")) -> dict:
    return {
        f.attname: getattr(obj, f.attname)
        for f in obj._meta.concrete_fields
        if f.attname not in exclude
    }


def _json_default(value) -> str:
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat()
    return str(value)


def input_hash(spec: PackSpec) -> str:
    """SHA-256 over everything that goes into the pack (and nothing that does not)."""
    meeting = spec.meeting
    council = spec.council
    data = {
        "templates": template_version(),
        "kind": spec.kind,
        "first_page": spec.first_page,
        "council": [council.name, council.address, council.phone, council.email],
        # Only what the pack prints: the meeting's status, publication and change times are
        # bookkeeping, and every change to a published meeting stamps papers_changed_at, so
        # fingerprinting them rebuilt every pack (the public one too) on any change.
        "meeting": [meeting.start, meeting.venue, meeting.webcast_url],
        "committee": [meeting.committee.name, meeting.committee.kind],
        "contact": str(meeting.contact_officer) if meeting.contact_officer_id else "",
        "members": [(m.role, str(m.person), m.person.party, m.person.ward) for m in spec.members],
        "entries": [],
    }
    if meeting.contact_officer_id:
        officer = meeting.contact_officer
        data["contact"] = [str(officer), officer.job_title, officer.phone, officer.email]
    for entry in spec.entries:
        item = entry.item
        papers = []
        for paper in entry.papers:
            fingerprint: dict = {"key": paper.key, "source": paper.source, "title": paper.title}
            if paper.source == "placeholder":
                pass
            elif paper.source == "minutes":
                fingerprint["body"] = hashlib.sha256(paper.body_html.encode()).hexdigest()
            elif paper.document is not None:
                fingerprint["sha256"] = paper.document.sha256
            elif paper.report is not None:
                fingerprint["report"] = _fields(paper.report)
                fingerprint["author"] = str(paper.report.author or "")
                fingerprint["sections"] = [
                    (s.order, s.heading, s.body) for s in paper.report.sections.all()
                ]
                if paper.body_html:
                    fingerprint["body"] = hashlib.sha256(paper.body_html.encode()).hexdigest()
            papers.append(fingerprint)
        item_data = [
            item.pk,
            item.number,
            item.title,
            item.is_exempt,
            item.is_confidential,
            item.exempt_paragraph,
            item.exempt_reasons,
            item.is_late,
            item.urgency_reasons,
        ]
        if not (entry.placeholder and spec.kind != PackKind.MEMBERS):
            item_data += [item.kind, item.description, entry.contact]
        data["entries"].append({"item": item_data, "papers": papers})
    raw = json.dumps(data, sort_keys=True, default=_json_default).encode()
    return hashlib.sha256(raw).hexdigest()


# -- building ---------------------------------------------------------------------------------


def _unreadable(document: Document, item_number) -> PackBuildError:
    """The officer's sentence for an upload that cannot be read: it names the paper and says
    what to do. The reader's own message (``stream <_io.BytesIO object at 0x…>: unable to
    find trailer dictionary``) means nothing to an officer; it goes to the log."""
    return PackBuildError(
        f"The PDF “{document.title}” ({document.original_filename}, item {item_number}) "
        "could not be read; upload it again."
    )


def _open_upload(paper: Paper) -> pikepdf.Pdf:
    document = paper.document
    try:
        with document.file.open("rb") as fh:
            data = fh.read()
    except (OSError, ValueError) as exc:
        logger.warning("Pack build: document %s could not be opened: %s", document.pk, exc)
        raise _unreadable(document, paper.item.number) from exc
    try:
        pdf = pikepdf.open(io.BytesIO(data))
        if len(pdf.pages) == 0:
            raise PackBuildError(
                f"The PDF “{document.title}” ({document.original_filename}, item "
                f"{paper.item.number}) has no pages; upload it again."
            )
        # Read the whole file now, so damage deep inside it (found lazily, while the pack is
        # written) is reported here, against this paper, rather than as a reader error.
        with open(os.devnull, "wb") as sink:
            pdf.save(sink)
    except pikepdf.PasswordError as exc:
        raise PackBuildError(
            f"The PDF “{document.title}” ({document.original_filename}, item "
            f"{paper.item.number}) is password-protected; upload a copy without a password."
        ) from exc
    except (pikepdf.PdfError, RuntimeError, ValueError, OSError) as exc:
        logger.warning("Pack build: document %s could not be read: %s", document.pk, exc)
        raise _unreadable(document, paper.item.number) from exc
    return pdf


def _is_tagged(paper: Paper) -> bool:
    """Is the upload tagged all through? ``Document.is_tagged`` was found by the same check
    on the same bytes at upload (a file never changes: a new version is a new row), so it is
    used when set; a row from before it existed is checked now (``record_pdf_tagging`` fills
    them in). A tree that cannot be merged still makes the paper untagged
    (``_merge_structures``)."""
    known = paper.document.is_tagged
    if known is not None:
        return known
    return structure.is_tagged(paper.pdf)


def _number(spec: PackSpec, front_pages: int) -> None:
    page = spec.first_page + front_pages
    for paper in spec.papers:
        paper.first = page
        page += paper.pages


def estimate_front_pages(spec: PackSpec) -> int:
    """A first guess at the front sheet's length (lines of about 70 characters, about 48 lines
    to an A4 page), so the first build usually needs one layout. A wrong guess only costs
    another layout pass; later builds start from the last build's real length."""
    lines = 12.0  # council, heading, notice of meeting
    if spec.kind != PackKind.SUPPLEMENTARY:
        lines += 4.5 + 1.6 * len(spec.members)
    lines += 4.5
    for entry in spec.entries:
        item = entry.item
        lines += 1.7 + len(item.title) // 60
        lines += (len(item.description) // 70 + 1) if item.description else 0
        lines += (len(entry.contact) // 80 + 1) if entry.contact else 0
        if entry.placeholder:
            lines += 1 + len(item.exempt_reasons) // 70
    return max(1, -(-int(lines) // 48))


def _layout(spec: PackSpec, front_guess: int):
    """Lay out the WeasyPrint part: the HTML papers once (their content does not depend on
    page numbers), then the front sheet until the page numbers it prints are the real ones;
    return one document holding both (one structure tree), the front sheet's length and the
    number of front-sheet layouts."""
    html_papers = [p for p in spec.papers if p.is_html]
    context = {"spec": spec, "entries": spec.entries, "link_prefix": LINK_PREFIX}
    papers_pages = []
    if html_papers:
        papers = render_document(
            "packs/print/papers.html", context, title=spec.title, author=spec.council.name
        )
        starts: dict[str, int] = {}
        for index, page in enumerate(papers.pages):
            for anchor in page.anchors:
                if anchor.startswith("paper-"):
                    starts.setdefault(anchor[len("paper-") :], index)
        positions = [starts[p.key] for p in html_papers] + [len(papers.pages)]
        for paper, (a, b) in zip(
            html_papers, zip(positions, positions[1:], strict=False), strict=True
        ):
            paper.pages = b - a
        papers_pages = papers.pages[positions[0] :]  # never a blank page before the first
    front = front_guess
    for passes in range(1, MAX_LAYOUT_PASSES + 1):
        _number(spec, front)
        document = render_document(
            "packs/print/front.html", context, title=spec.title, author=spec.council.name
        )
        if len(document.pages) == front:
            return document.copy(document.pages + papers_pages), front, passes
        front = len(document.pages)
    raise PackBuildError("The front sheet's page numbers did not settle; please try again.")


def _insert_uploads(pdf: pikepdf.Pdf, spec: PackSpec, front_pages: int) -> None:
    placed: list[tuple[Paper, int]] = []
    cursor = front_pages
    for paper in spec.papers:
        if paper.is_html:
            cursor += paper.pages
            continue
        name = f"“{paper.document.title}” ({paper.document.original_filename})"
        try:
            if cursor == len(pdf.pages):  # nothing after it yet: append in one go
                pdf.pages.extend(paper.pdf.pages)
            else:
                for offset, source in enumerate(paper.pdf.pages):
                    pdf.pages.insert(cursor + offset, source)
            for offset in range(paper.pages):
                page = pdf.pages[cursor + offset]
                # No scripts or launch actions ride along into a pack the public downloads.
                if "/AA" in page.obj:
                    del page.obj["/AA"]
                for annot in page.obj.get("/Annots", []):
                    if not isinstance(annot, pikepdf.Dictionary):
                        continue
                    if "/AA" in annot:
                        del annot["/AA"]
                    action = annot.get("/A")
                    if isinstance(action, pikepdf.Dictionary) and action.get("/S") in UNSAFE:
                        del annot["/A"]
        except (pikepdf.PdfError, RuntimeError, ValueError) as exc:
            logger.warning("Pack build: %s could not be merged: %s", name, exc)
            raise PackBuildError(
                f"The PDF {name} could not be added to the pack; upload it again."
            ) from exc
        placed.append((paper, cursor))
        cursor += paper.pages
    _merge_structures(pdf, placed)


def _merge_structures(pdf: pikepdf.Pdf, placed: list[tuple[Paper, int]]) -> None:
    """With every upload's pages in place, merge each tagged upload's structure tree into the
    pack's, in page order (``structure.PackTree``). An upload without a tree, or whose tree
    cannot be merged (logged; the paper then counts as untagged), has its pages' references
    into its own tree dropped, so the pack's tree stays consistent."""
    tree = None
    if pdf.Root.get("/StructTreeRoot") is not None:
        tree = structure.PackTree(pdf)
    for paper, first in placed:
        merged = False
        if tree is not None and paper.pdf.Root.get("/StructTreeRoot") is not None:
            try:
                tree.merge(
                    paper.pdf,
                    title=paper.title,
                    first=first,
                    count=paper.pages,
                    prefix=f"{paper.key}-",
                )
                merged = True
            except (pikepdf.PdfError, RuntimeError, ValueError, TypeError, AttributeError) as exc:
                logger.warning("Pack build: the structure of %s was not merged: %s", paper.key, exc)
        if merged:
            continue
        paper.tagged = False
        for offset in range(paper.pages):
            page = pdf.pages[first + offset].obj
            if "/StructParents" in page:
                del page["/StructParents"]
            for annot in page.get("/Annots", []):
                if isinstance(annot, pikepdf.Dictionary) and "/StructParent" in annot:
                    del annot["/StructParent"]
    if tree is not None:
        tree.finish()


def _link_front_sheet(pdf: pikepdf.Pdf, spec: PackSpec, front_pages: int) -> None:
    """Front-sheet agenda entries were rendered as links to LINK_PREFIX + page number; point
    them at the page in this file."""
    total = len(pdf.pages)
    for page in list(pdf.pages)[:front_pages]:
        for annot in page.obj.get("/Annots", []):
            action = annot.get("/A")
            if action is None or action.get("/S") != pikepdf.Name.URI:
                continue
            uri = str(action.get("/URI", ""))
            if not uri.startswith(LINK_PREFIX):
                continue
            number = int(uri[len(LINK_PREFIX) :])
            index = number - spec.first_page
            if not 0 <= index < total:
                continue
            annot["/A"] = pikepdf.Dictionary(
                S=pikepdf.Name.GoTo,
                D=pikepdf.Array([pdf.pages[index].obj, pikepdf.Name.Fit]),
            )
            annot["/Contents"] = pikepdf.String(f"Go to page {number}")


def _outline(pdf: pikepdf.Pdf, spec: PackSpec) -> None:
    with pdf.open_outline() as outline:
        outline.root.clear()
        outline.root.append(pikepdf.OutlineItem("Notice of meeting and agenda", 0))
        for entry in spec.entries:
            if not entry.papers:
                continue
            label = f"{entry.item.number}. {entry.item.title}" if entry.item.number else ""
            top = pikepdf.OutlineItem(label or entry.item.title, entry.first - spec.first_page)
            if not entry.placeholder:
                for paper in entry.papers:
                    top.children.append(
                        pikepdf.OutlineItem(paper.title, paper.first - spec.first_page)
                    )
            outline.root.append(top)


def _metadata(pdf: pikepdf.Pdf, spec: PackSpec) -> None:
    with pdf.open_metadata(set_pikepdf_as_editor=False) as meta:
        meta["dc:title"] = spec.title
        meta["dc:creator"] = [spec.council.name]
        start = timezone.localtime(spec.meeting.start)
        meta["dc:description"] = f"{spec.meeting.committee.name}, {start:%-d %B %Y %H:%M}"
        meta["dc:language"] = ["en-GB"]
        meta["xmp:CreatorTool"] = "Scrutiny portal agenda pack builder"
        # PDF/UA-1 (the identification WeasyPrint writes) only when every page is tagged.
        if spec.untagged and "pdfuaid:part" in meta:
            del meta["pdfuaid:part"]
    pdf.docinfo["/Title"] = spec.title
    pdf.docinfo["/Author"] = spec.council.name
    pdf.docinfo["/Subject"] = meta["dc:description"]
    pdf.Root.Lang = pikepdf.String("en-GB")
    pdf.Root.PageLabels = pikepdf.Dictionary(
        Nums=pikepdf.Array([0, pikepdf.Dictionary(S=pikepdf.Name.D, St=spec.first_page)])
    )


def _contents(spec: PackSpec) -> dict:
    return {
        "items": {str(e.item.pk): [e.first, e.last] for e in spec.entries if e.papers and e.first},
        # What the pack shows: every item on the front sheet, and those shown openly (title,
        # description, contact, papers) rather than as an exempt placeholder. A public pack
        # is served only while these are still public (services.is_public_now).
        "listed_items": [e.item.pk for e in spec.entries],
        "open_items": [e.item.pk for e in spec.entries if not e.placeholder],
        "papers": [
            {"item": p.item.pk, "key": p.key, "title": p.title, "first": p.first, "last": p.last}
            for p in spec.papers
        ],
        # Declared PDF/UA (every page tagged), and the uploads that are not tagged.
        "pdfua": not spec.untagged,
        "untagged": [
            {"key": p.key, "title": p.title, "document": p.document.pk, "item": p.item.pk}
            for p in spec.untagged
        ],
    }


def write_atomic(pdf: pikepdf.Pdf, target: Path) -> tuple[str, int]:
    """Save ``pdf`` beside ``target`` under a temporary name, then move it into place, so
    readers only ever see a whole file."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.stem}-", suffix=".pdf.tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            pdf.save(fh)
            fh.flush()
            os.fsync(fh.fileno())
        digest = hashlib.sha256()
        with open(tmp, "rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                digest.update(chunk)
        size = os.path.getsize(tmp)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return digest.hexdigest(), size


def build_pdf(spec: PackSpec, target: Path, *, front_guess: int | None = None) -> BuildResult:
    """Build the pack described by ``spec`` into the local file ``target`` (atomically; see
    ``store_pack`` for putting it into the storage). ``front_guess``: the front sheet's
    length at the last build (estimated when there is none)."""
    uploads = [p for p in spec.papers if not p.is_html]
    try:
        for paper in uploads:
            paper.pdf = _open_upload(paper)
            paper.pages = len(paper.pdf.pages)
            paper.tagged = _is_tagged(paper)
        if front_guess is None:
            front_guess = estimate_front_pages(spec)
        document, front_pages, passes = _layout(spec, max(1, front_guess))
        pdf = pikepdf.open(io.BytesIO(write_document(document)))
        del document
        _insert_uploads(pdf, spec, front_pages)
        _link_front_sheet(pdf, spec, front_pages)
        exempt_pages = {
            index
            for paper in spec.papers
            if paper.not_for_publication
            for index in range(paper.first - spec.first_page, paper.last - spec.first_page + 1)
        }
        stamp_pages(pdf, first_page=spec.first_page, not_for_publication=exempt_pages)
        _outline(pdf, spec)
        _metadata(pdf, spec)
        sha256, size = write_atomic(pdf, target)
        page_count = len(pdf.pages)
        pdf.close()
    finally:
        for paper in uploads:
            if paper.pdf is not None:
                paper.pdf.close()
                paper.pdf = None
    return BuildResult(
        page_count=page_count,
        front_pages=front_pages,
        first_page=spec.first_page,
        sha256=sha256,
        size=size,
        contents=_contents(spec),
        layout_passes=passes,
    )


def pack_file_name(meeting: Meeting, kind: str) -> str:
    """A new storage name for a build of ``meeting``'s ``kind`` pack: unique, so storing a
    build never touches the file that readers are being served."""
    return f"packs/{meeting.pk}/{kind}-{uuid.uuid4().hex}.pdf"


def store_pack(local: Path, name: str, storage: Storage = default_storage) -> str:
    """Copy the finished pack at ``local`` into ``storage`` as ``name``; returns the name
    saved (the storage may refuse to overwrite, so it is the caller's to record)."""
    with open(local, "rb") as handle:
        return storage.save(name, File(handle, name=Path(name).name))
