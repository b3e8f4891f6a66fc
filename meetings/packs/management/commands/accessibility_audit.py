"""``manage.py accessibility_audit``: the PDF structure check over everything the public reads.

It runs ``scrutiny.pdfcheck.check_pdf`` on every public paper (uploaded PDFs of open items on
published agendas, issued and current) and every public agenda pack (the public and
supplementary packs that are served now), and stores the counts in an
``AccessibilityAudit`` row. The accessibility statement shows the latest row: "N of M
published papers are tagged; last checked <date>". Only counts are stored, never a title.

It lives in the packs app, the first app that sees both papers and packs; the record it
writes belongs to the base app, which the statement reads. Run it after papers are published
(nightly, with ``refresh_stored_pdfs``).
"""

from __future__ import annotations

import pikepdf
from django.core.management.base import BaseCommand

from meetings.models import Document, Meeting
from meetings.packs import services
from meetings.packs.models import Pack, PackKind
from scrutiny.accessibility import REGULATIONS_DOCUMENTS_FROM
from scrutiny.models import AccessibilityAudit
from scrutiny.pdfcheck import check_pdf


def _check(read) -> tuple[bool, bool] | None:
    """(tagged, passed) of the PDF ``read()`` returns, or None when it cannot be read."""
    try:
        report = check_pdf(read())
    except (OSError, pikepdf.PdfError):
        return None
    structured = not any("structure tree" in p or "not marked" in p for p in report.problems)
    return structured and not report.untagged_pages, report.ok


def _read_document(document: Document):
    def read() -> bytes:
        with document.file.open("rb") as handle:
            return handle.read()

    return read


def _read_pack(pack: Pack):
    def read() -> bytes:
        with pack.storage.open(pack.file_name, "rb") as handle:
            return handle.read()

    return read


def run_audit() -> AccessibilityAudit:
    audit = AccessibilityAudit()
    documents = Document.objects.select_related("agenda_item__meeting").order_by("pk")
    for document in documents.iterator(chunk_size=200):
        audit.papers_checked += 1
        result = _check(_read_document(document))
        if result is None:
            audit.papers_unreadable += 1
            tagged = passed = False
        else:
            tagged, passed = result
        audit.papers_tagged += tagged
        audit.papers_passed += passed
        if not passed and document.agenda_item.meeting.date < REGULATIONS_DOCUMENTS_FROM:
            audit.papers_failed_before_regulations += 1
    packs = Pack.objects.filter(
        kind__in=(PackKind.PUBLIC, PackKind.SUPPLEMENTARY), meeting__in=Meeting.objects.all()
    ).select_related("meeting")
    public_now = {}
    for pack in packs.order_by("pk"):
        if pack.meeting_id not in public_now:
            public_now[pack.meeting_id] = services.public_now(pack.meeting)
        if not pack.file_exists() or not services.is_public_now(pack, public_now[pack.meeting_id]):
            continue  # not served to the public now (being rebuilt or withdrawn)
        audit.packs_checked += 1
        result = _check(_read_pack(pack))
        tagged, passed = result if result is not None else (False, False)
        audit.packs_tagged += tagged
        audit.packs_passed += passed
    audit.save()
    return audit


class Command(BaseCommand):
    help = "Check every public paper and agenda pack for PDF tags and record the counts."

    def handle(self, *args, **options):
        audit = run_audit()
        self.stdout.write(
            f"Papers: {audit.papers_checked} checked, {audit.papers_tagged} tagged, "
            f"{audit.papers_passed} pass the structure check, {audit.papers_unreadable} "
            f"unreadable ({audit.papers_failed_before_regulations} failing papers are from "
            f"meetings before {REGULATIONS_DOCUMENTS_FROM:%-d %B %Y})."
        )
        self.stdout.write(
            f"Agenda packs: {audit.packs_checked} checked, {audit.packs_tagged} tagged, "
            f"{audit.packs_passed} pass the structure check."
        )
        self.stdout.write(f"Recorded as the check of {audit.checked_at:%-d %B %Y %H:%M}.")
