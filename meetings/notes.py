"""Private notes (issue 23): a signed-in member's own notes on agenda items and papers.

Who reads a note: its author, and nobody else. Every read in this module is filtered by
``author=user``; there is no manager, admin, history, export, feed, search row or API for
``PrivateNote``. A note on an exempt or confidential item is shown only while its author may
still read that item (``selectors.may_read_paper``, the rule the exempt paper downloads use):
a member who left the committee keeps their notes on meetings they sat in (they may still
read those papers) and loses sight of notes they could no longer read, without the note being
deleted.

At rest the text is encrypted with Fernet (AES-128-CBC with HMAC-SHA256, from the
``cryptography`` package already installed) under a key derived by HKDF-SHA256 from
``SECRET_KEY``; ``SECRET_KEY_FALLBACKS`` still open older notes, so a key rotation loses
nothing. The database and its backups (``scrutiny.backup`` keeps every table) hold only the
sealed text. A note whose key is gone is shown as unreadable, never as a server error.

Writes go through ``save_note`` and ``delete_note`` (keyword-only, one transaction).
"""

from __future__ import annotations

import base64
import functools
from dataclasses import dataclass

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction

from meetings.models import AgendaItem, Document, Meeting, PrivateNote
from meetings.selectors import may_read_paper, viewer_sees_exempt
from scrutiny import readers

# A page of A4 in the briefing is about 4,000 characters: room for a full note, not a report.
MAX_CHARS = 5000
UNREADABLE = (
    "This note cannot be read: it was saved under an encryption key this site no longer has."
)
_SALT = b"scrutiny-portal:private-notes"


def _key(secret: str) -> bytes:
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=_SALT, info=b"fernet-v1").derive(
        secret.encode()
    )
    return base64.urlsafe_b64encode(derived)


@functools.lru_cache(maxsize=4)
def _fernet(secrets: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(_key(secret)) for secret in secrets])


def _keys() -> MultiFernet:
    fallbacks = tuple(getattr(settings, "SECRET_KEY_FALLBACKS", ()) or ())
    return _fernet((settings.SECRET_KEY, *fallbacks))


def seal(text: str) -> str:
    return _keys().encrypt(text.encode()).decode("ascii")


def unseal(token: str) -> str | None:
    """The note's text, or None when no key of this site opens it."""
    try:
        return _keys().decrypt(token.encode("ascii")).decode()
    except (InvalidToken, ValueError):
        return None


def clean_text(text: str) -> str:
    """The note as it will be saved (line endings normalised, ends trimmed), or a
    ``ValidationError`` with the message shown above the box."""
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n").strip()
    if not text:
        raise ValidationError("Enter your note, or delete it if you no longer need it.")
    if len(text) > MAX_CHARS:
        raise ValidationError(
            f"Your note must be {MAX_CHARS:,} characters or fewer. It has {len(text):,}: "
            f"shorten it by {len(text) - MAX_CHARS:,}."
        )
    return text


def may_keep_notes(user) -> bool:
    """Any signed-in user (councillors and co-optees with a login; officers too)."""
    return bool(user and user.is_authenticated)


# -- What a note may be kept on ------------------------------------------------------------


def readable_item(user, pk: int) -> AgendaItem | None:
    """The agenda item ``pk`` if ``user`` may keep a note on it: they may read its papers
    (the public for an open item of a published meeting, a member of the committee for an
    exempt one, an officer any)."""
    if not may_keep_notes(user):
        return None
    item = AgendaItem.all_objects.select_related("meeting__committee").filter(pk=pk).first()
    if item is None or not may_read_paper(user, item):
        return None
    return item


def readable_document(user, pk: int) -> Document | None:
    """The paper ``pk`` if ``user`` may read it (``may_read_paper``: issued, on a published
    meeting, exempt only for those who may read it)."""
    if not may_keep_notes(user):
        return None
    document = (
        Document.all_objects.select_related("agenda_item__meeting__committee")
        .defer("text", "headings")
        .filter(pk=pk)
        .first()
    )
    if document is None or not may_read_paper(user, document.agenda_item, paper=document):
        return None
    return document


# -- Reading the author's own notes --------------------------------------------------------


def _with_text(note: PrivateNote) -> PrivateNote:
    text = unseal(note.sealed_text)
    note.text = UNREADABLE if text is None else text
    note.unreadable = text is None
    return note


def own_note(user, *, item: AgendaItem, document: Document | None) -> PrivateNote | None:
    if not may_keep_notes(user):
        return None
    note = PrivateNote.objects.filter(author=user, agenda_item=item, document=document).first()
    return _with_text(note) if note else None


def meeting_notes(user, meeting: Meeting) -> list[PrivateNote]:
    """The author's notes on ``meeting`` they may still read, in agenda order, each with
    ``text``. One query (two when a note is on an exempt item: the membership check)."""
    if not may_keep_notes(user):
        return []
    notes = list(
        PrivateNote.objects.filter(author=user, agenda_item__meeting=meeting)
        .select_related("agenda_item", "document")
        .defer("document__text", "document__headings")
        .order_by("agenda_item__order", "agenda_item__pk", "document__order", "pk")
    )
    sees_private = None
    kept = []
    for note in notes:
        note.agenda_item.meeting = meeting
        if note.agenda_item.is_private:
            if sees_private is None:
                sees_private = viewer_sees_exempt(user, meeting)
            if not sees_private:
                continue
        kept.append(_with_text(note))
    return kept


@dataclass(frozen=True)
class MeetingWithNotes:
    meeting: Meeting
    count: int


def meetings_with_notes(user) -> list[MeetingWithNotes]:
    """The meetings the user has notes on (any they may still read), newest first."""
    if not may_keep_notes(user):
        return []
    rows = list(
        PrivateNote.objects.filter(author=user)
        .select_related("agenda_item__meeting__committee")
        .only(
            "pk",
            "agenda_item__is_exempt",
            "agenda_item__is_confidential",
            "agenda_item__meeting__start",
            "agenda_item__meeting__published_at",
            "agenda_item__meeting__committee__name",
            "agenda_item__meeting__committee__slug",
        )
    )
    counts: dict[int, int] = {}
    meetings: dict[int, Meeting] = {}
    private_ok: dict[int, bool] = {}
    for note in rows:
        item = note.agenda_item
        meeting = item.meeting
        if item.is_private:
            if meeting.pk not in private_ok:
                private_ok[meeting.pk] = viewer_sees_exempt(user, meeting)
            if not private_ok[meeting.pk]:
                continue
        meetings[meeting.pk] = meeting
        counts[meeting.pk] = counts.get(meeting.pk, 0) + 1
    ordered = sorted(meetings.values(), key=lambda m: m.start, reverse=True)
    return [MeetingWithNotes(meeting=m, count=counts[m.pk]) for m in ordered]


def attach_to_agenda(user, meeting: Meeting, items, *, include_private: bool) -> bool:
    """For the meeting page: set ``my_note`` (a note or None) on each item and each of its
    documents. False (nothing set, no query) when the user may not keep notes."""
    if not may_keep_notes(user):
        return False
    by_item: dict[int, PrivateNote] = {}
    by_document: dict[int, PrivateNote] = {}
    for note in PrivateNote.objects.filter(author=user, agenda_item__meeting=meeting):
        if note.document_id:
            by_document[note.document_id] = note
        else:
            by_item[note.agenda_item_id] = note
    for item in items:
        readable = include_private or not item.is_private
        note = by_item.get(item.pk) if readable else None
        item.my_note = _with_text(note) if note else None
        for document in item.documents.all():
            note = by_document.get(document.pk) if readable else None
            document.my_note = _with_text(note) if note else None
    return True


def notes_for_holes(user, meeting: Meeting) -> dict[str, PrivateNote]:
    """For the meeting page's shared body (``scrutiny.fragments``): the user's notes on the
    meeting by the name of the hole they fill, ``note-item-<id>`` and ``note-paper-<id>``,
    each with its item (and paper) loaded. One query; empty when the user may not keep
    notes. Whether a note shows is decided by the holes: the body has one only where the
    user may read the item or paper."""
    if not may_keep_notes(user):
        return {}
    if meeting.pk not in readers.fact(user, "note_meetings", lambda: {meeting.pk}):
        return {}  # none on this meeting, says the reader's profile
    found: dict[str, PrivateNote] = {}
    for note in PrivateNote.objects.filter(
        author=user, agenda_item__meeting=meeting
    ).select_related("agenda_item", "document"):
        _with_text(note)
        if note.document_id:
            note.document.my_note = note
            found[f"note-paper-{note.document_id}"] = note
        else:
            note.agenda_item.my_note = note
            found[f"note-item-{note.agenda_item_id}"] = note
    return found


def noted_meeting_ids(user) -> frozenset[int]:
    """The meetings on which ``user`` keeps private notes (kept in their reader profile,
    ``scrutiny.readers``, which a note's save or delete renews)."""
    return frozenset(
        PrivateNote.objects.filter(author=user)
        .values_list("agenda_item__meeting_id", flat=True)
        .distinct()
    )


# -- Writes --------------------------------------------------------------------------------


def save_note(*, author, item: AgendaItem, document: Document | None, text: str) -> PrivateNote:
    """Create or replace the author's note on ``item`` (or on its paper ``document``).
    The caller has checked the author may read it (``readable_item`` / ``readable_document``)."""
    if document is not None and document.agenda_item_id != item.pk:
        raise ValidationError("That paper is not on this agenda item.")
    sealed = seal(clean_text(text))
    with transaction.atomic():
        note = (
            PrivateNote.objects.select_for_update(of=("self",))
            .filter(author=author, agenda_item=item, document=document)
            .first()
        )
        if note is None:
            note = PrivateNote(author=author, agenda_item=item, document=document)
        note.sealed_text = sealed
        note.save()
    return _with_text(note)


def delete_note(*, author, item: AgendaItem, document: Document | None) -> bool:
    with transaction.atomic():
        deleted, _ = PrivateNote.objects.filter(
            author=author, agenda_item=item, document=document
        ).delete()
    return bool(deleted)
