"""Checking and sanitising uploaded PDFs (issue 3, item 7).

``inspect_pdf(data, *, filename)`` either raises ``ValidationError`` with a message the
officer can act on, or returns a ``CheckedPdf``: the bytes to store (sanitised when the upload
carried active content), the page count, hashes and a list of what was removed.

Active content removed: document JavaScript (the ``/Names /JavaScript`` tree and any action of
type JavaScript or carrying ``/JS``), launch actions, actions that fetch or submit data
(ImportData, SubmitForm), links into other files (GoToR) and into embedded files (GoToE),
links whose address is not http(s) or mailto (``javascript:``, ``file:``, ``data:``…),
article-thread actions into another file (``/Thread`` with ``/F``), media actions and
players (Rendition, Sound, Movie, RichMediaExecute; Movie, Sound, Screen and RichMedia
annotations), a catalog ``/URI /Base`` that is not http(s),
automatic actions (``/OpenAction`` other than going to a page, ``/AA`` anywhere), embedded
files (the ``/EmbeddedFiles`` name tree, file attachment annotations and embedded file
streams), and XFA forms (which can script). Actions are looked for in every object of the
file and every dictionary inside one: link and widget annotations, form fields, outline items
(bookmarks), the catalog and ``/Next`` chains (issue 13 finding 8).
"""

from __future__ import annotations

import hashlib
import io
import re
from dataclasses import dataclass, field

import pikepdf
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat

from meetings.document_html import pdf_headings
from scrutiny.pdfcheck import is_tagged

PDF_MAGIC = b"%PDF-"
DANGEROUS_ACTIONS = {
    "/JavaScript",
    "/Launch",
    "/ImportData",
    "/SubmitForm",
    "/GoToE",
    "/GoToR",
    # Media: play sound or video, often from a file next to the PDF or on a server (issue
    # 13/14 second outside review). A council paper has no business playing media.
    "/Rendition",
    "/Sound",
    "/Movie",
    "/RichMediaExecute",
}
# Annotations that embed or play media (a /Movie annotation names an external file); the
# page keeps its text, the player goes.
MEDIA_ANNOTATIONS = {"/Movie", "/Sound", "/Screen", "/RichMedia"}
# Links may go to web pages and e-mail addresses; any other scheme (javascript:, file:, data:,
# vbscript:, smb:…) or none is removed.
SAFE_URI_SCHEMES = {"http", "https", "mailto"}
URI_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.\-]*):")
# Keys whose value is an action: an annotation's or outline item's /A, the catalog's
# /OpenAction, a link annotation's /PA (PDF 2.0).
ACTION_KEYS = ("/A", "/OpenAction", "/PA")
MAX_DEPTH = 64


@dataclass
class CheckedPdf:
    data: bytes
    page_count: int
    sha256: str
    sha512: str
    removed: list[str] = field(default_factory=list)
    # Tagged all through (scrutiny.pdfcheck.is_tagged), and the structure tree's headings.
    tagged: bool = False
    headings: list = field(default_factory=list)

    @property
    def size(self) -> int:
        return len(self.data)

    @property
    def sanitised_text(self) -> str:
        return "; ".join(self.removed)


# Said to the officer right after an untagged PDF is uploaded (issue 16).
UNTAGGED_WARNING = (
    "{title} is not a tagged PDF: a screen reader cannot follow its headings, lists and "
    "tables. Agenda packs that include it cannot be declared accessible (PDF/UA): their front "
    "sheet names it as not accessible and points to its web page version, which has its text "
    "but no structure. If it came from a Word or OpenDocument file, remove it and upload that "
    "file to the item instead: the portal converts it to a tagged PDF."
)


def _reject(message: str, field_name: str):
    raise ValidationError({field_name: [message]})


def read_upload(uploaded_file, *, field_name: str = "uploaded_file") -> bytes:
    """Read an uploaded file, refusing it before reading if it is over the size limit."""
    limit = settings.MAX_UPLOAD_BYTES
    size = getattr(uploaded_file, "size", None)
    if size is not None and size > limit:
        _reject(
            f"The file is {filesizeformat(size)}; the largest file you can upload is "
            f"{filesizeformat(limit)}. Make the PDF smaller (for example reduce image "
            "quality) and try again.",
            field_name,
        )
    uploaded_file.seek(0)
    data = uploaded_file.read(limit + 1)
    if len(data) > limit:
        _reject(
            f"The file is over {filesizeformat(limit)}, the largest file you can upload.",
            field_name,
        )
    return data


def _action_kind(obj) -> str | None:
    try:
        if isinstance(obj, pikepdf.Dictionary) and "/S" in obj:
            return str(obj.S)
    except (pikepdf.PdfError, ValueError):  # pragma: no cover - damaged objects
        return None
    return None


def _text(value) -> str:
    """A PDF string as text, whatever its encoding (a URI is usually plain bytes)."""
    try:
        return bytes(value).decode("latin-1")
    except (TypeError, ValueError):
        return str(value)


def uri_is_safe(uri) -> bool:
    """True for an http(s) or mailto address. Readers, like browsers, ignore spaces and
    control characters around and inside a scheme (``" java\tscript:"``), so they are
    dropped before the scheme is read; an address without a scheme is resolved by the reader
    against the file's location (a local file), so it is not safe either."""
    text = "".join(ch for ch in _text(uri) if ch > " " and ch != "\x7f")
    match = URI_SCHEME.match(text)
    return bool(match) and match.group(1).lower() in SAFE_URI_SCHEMES


def _kind_danger(action) -> str | None:
    """What is wrong with an action of a dangerous kind; None for a harmless kind. A /Thread
    action with /F opens an article thread in another file (``file:///etc/passwd``)."""
    kind = _action_kind(action)
    if kind in DANGEROUS_ACTIONS:
        return _describe(kind)
    if kind == "/URI" and not uri_is_safe(action.get("/URI", b"")):
        return _describe("/URI")
    if kind == "/Thread" and "/F" in action:
        return _describe("/GoToR")
    return None


def _danger(action) -> str | None:
    """What is wrong with an action dictionary, in the officer's words; None if harmless."""
    what = _kind_danger(action)
    if what:
        return what
    if isinstance(action, pikepdf.Dictionary) and "/JS" in action:
        return _describe("/JavaScript")
    return None


def _clean_dictionary(obj, removed: set[str]) -> None:
    """Remove the dangerous actions a dictionary holds: whatever it is (the catalog, a page, a
    link or widget annotation, a form field, an outline item, another action)."""
    if "/AA" in obj:
        del obj["/AA"]
        removed.add("automatic actions (run on opening a page, or on a link or form field)")
    for key in ACTION_KEYS:
        if key in obj:
            what = _danger(obj.get(key))
            if what:
                del obj[key]
                removed.add(what)
    chained = obj.get("/Next")
    if isinstance(chained, pikepdf.Dictionary):
        what = _danger(chained)
        if what:
            del obj["/Next"]
            removed.add(what)
    elif isinstance(chained, pikepdf.Array):
        keep = pikepdf.Array()
        for action in chained:
            what = _danger(action)
            if what:
                removed.add(what)
            else:
                keep.append(action)
        obj.Next = keep
    if "/EF" in obj:
        del obj["/EF"]
        removed.add("embedded files")
    if "/JS" in obj:
        del obj["/JS"]
        removed.add("JavaScript")
    what = _kind_danger(obj)
    if what:
        # An action object still referenced from somewhere unforeseen: made harmless in place.
        for key in list(obj.keys()):
            if key != "/Type":
                del obj[key]
        obj.S = pikepdf.Name.Named
        obj.N = pikepdf.Name.FirstPage
        removed.add(what)


def _walk(obj, removed: set[str], depth: int = 0) -> None:
    """Clean ``obj`` and every dictionary held directly inside it (an annotation's ``/A``, an
    outline item's action, a ``/Next`` chain…). Indirect objects are cleaned on their own turn
    in ``_sanitise``, so each is visited once and a reference cycle cannot loop."""
    if depth > MAX_DEPTH:
        return
    if isinstance(obj, pikepdf.Dictionary):
        _clean_dictionary(obj, removed)
        children = [obj.get(key) for key in list(obj.keys())]
    elif isinstance(obj, pikepdf.Array):
        children = list(obj)
    else:
        return
    for child in children:
        if isinstance(child, pikepdf.Dictionary | pikepdf.Array) and not child.is_indirect:
            _walk(child, removed, depth + 1)


def _sanitise(pdf: pikepdf.Pdf) -> list[str]:
    removed: set[str] = set()
    root = pdf.Root

    names = root.get("/Names")
    if isinstance(names, pikepdf.Dictionary):
        if "/JavaScript" in names:
            del names["/JavaScript"]
            removed.add("document JavaScript")
        if "/EmbeddedFiles" in names:
            del names["/EmbeddedFiles"]
            removed.add("embedded files")
    if "/OpenAction" in root:
        kind = _action_kind(root.OpenAction)
        if kind is not None and kind != "/GoTo":
            del root["/OpenAction"]
            removed.add(f"an action run on opening ({kind.lstrip('/')})")
    # The catalog's /URI dictionary: its /Base is the address every relative link is resolved
    # against, so a ``file:///etc/`` base turns harmless-looking links into local files.
    uri_dict = root.get("/URI")
    if isinstance(uri_dict, pikepdf.Dictionary) and "/Base" in uri_dict:
        base = "".join(ch for ch in _text(uri_dict.Base) if ch > " " and ch != "\x7f")
        match = URI_SCHEME.match(base)
        if not (match and match.group(1).lower() in {"http", "https"}):
            del uri_dict["/Base"]
            removed.add("a base address for links that is not a web address")
    acroform = root.get("/AcroForm")
    if isinstance(acroform, pikepdf.Dictionary) and "/XFA" in acroform:
        del acroform["/XFA"]
        removed.add("an XFA form")

    for page in pdf.pages:
        annots = page.obj.get("/Annots")
        if not isinstance(annots, pikepdf.Array):
            continue
        keep = pikepdf.Array()
        for annot in annots:
            if not isinstance(annot, pikepdf.Dictionary):
                continue
            if annot.get("/Subtype") == pikepdf.Name.FileAttachment:
                removed.add("embedded files")
                continue
            if str(annot.get("/Subtype")) in MEDIA_ANNOTATIONS:
                removed.add("sound and video players")
                continue
            keep.append(annot)
        page.obj.Annots = keep

    # Every object in the file, and the dictionaries inside each: the catalog (OpenAction,
    # AA), pages, link and widget annotations, form fields, outline items (bookmarks), actions
    # and their /Next chains.
    for obj in pdf.objects:
        if isinstance(obj, pikepdf.Stream):
            if obj.get("/Type") == pikepdf.Name.EmbeddedFile:
                obj.write(b"")
                removed.add("embedded files")
            continue
        _walk(obj, removed)
    return sorted(removed)


def _describe(kind: str) -> str:
    return {
        "/JavaScript": "JavaScript",
        "/Launch": "launch actions (which start other programs)",
        "/ImportData": "data import actions",
        "/SubmitForm": "form submission actions",
        "/GoToE": "links into embedded files",
        "/GoToR": "links that open other files",
        "/Rendition": "sound and video players",
        "/Sound": "sound and video players",
        "/Movie": "sound and video players",
        "/RichMediaExecute": "sound and video players",
        "/URI": "links to addresses that are not web pages or e-mail (javascript:, file:, "
        "data: and the like)",
    }.get(kind, kind.lstrip("/"))


def inspect_pdf(data: bytes, *, field_name: str = "uploaded_file") -> CheckedPdf:
    if len(data) > settings.MAX_UPLOAD_BYTES:
        _reject(
            f"The file is over {filesizeformat(settings.MAX_UPLOAD_BYTES)}, the largest "
            "file you can upload.",
            field_name,
        )
    if not data:
        _reject("The selected file is empty. Choose a PDF file.", field_name)
    if PDF_MAGIC not in data[:1024]:
        _reject(
            "The selected file is not a PDF. Save or export it as PDF and upload that.",
            field_name,
        )
    try:
        pdf = pikepdf.open(io.BytesIO(data))
    except pikepdf.PasswordError:
        _reject(
            "The PDF is protected with a password. Upload a copy without a password.",
            field_name,
        )
    except (pikepdf.PdfError, ValueError, OSError, RuntimeError):
        _reject(
            "The PDF could not be read: it may be damaged or incomplete. Open it, save it "
            "again as PDF and upload that.",
            field_name,
        )
    with pdf:
        try:
            page_count = len(pdf.pages)
            if page_count == 0:
                _reject("The PDF has no pages.", field_name)
            removed = _sanitise(pdf)
            tagged = is_tagged(pdf)
            was_encrypted = pdf.is_encrypted
            if removed or was_encrypted:
                out = io.BytesIO()
                pdf.save(out, encryption=False)
                data = out.getvalue()
                if was_encrypted:
                    removed.append("editing restrictions (the file needed no password to open)")
        except pikepdf.PdfError:
            _reject(
                "The PDF could not be read: it may be damaged or incomplete. Open it, save it "
                "again as PDF and upload that.",
                field_name,
            )
    return CheckedPdf(
        data=data,
        page_count=page_count,
        sha256=hashlib.sha256(data).hexdigest(),
        sha512=hashlib.sha512(data).hexdigest(),
        removed=removed,
        tagged=tagged,
        headings=pdf_headings(data) if tagged else [],
    )


def tagging_of(data: bytes) -> tuple[bool, list]:
    """(tagged all through, the structure tree's headings) of a stored PDF; an unreadable
    file counts as untagged."""
    try:
        with pikepdf.open(io.BytesIO(data)) as pdf:
            tagged = is_tagged(pdf)
    except (pikepdf.PdfError, ValueError, OSError, RuntimeError):
        return False, []
    return tagged, pdf_headings(data) if tagged else []


# --- staged uploads: a failed form keeps the chosen file (issue 15, item 11) -------------
#
# A browser never re-sends a file input, so a form that fails for another reason (a title
# left empty, the chair's reasons missing) used to lose the PDF the officer had chosen. The
# upload views keep such a file here for a day, under a random name in the storage, and put a
# signed token naming it (and the officer) in the re-rendered form; submitting again without
# choosing a file uses the kept one. A file that was itself the problem is never kept.

STAGED_DIR = "staged-uploads"
STAGED_MAX_AGE = 24 * 60 * 60
_STAGED_SALT = "meetings.uploads.staged"


@dataclass
class StagedUpload:
    name: str  # the storage name
    filename: str  # the file's own name, as the officer chose it
    token: str

    def open(self):
        from django.core.files import File
        from django.core.files.storage import default_storage

        return File(default_storage.open(self.name, "rb"), name=self.filename)

    def discard(self) -> None:
        from django.core.files.storage import default_storage

        default_storage.delete(self.name)


def stage_upload(uploaded_file, *, user) -> StagedUpload | None:
    """Keep ``uploaded_file`` for the officer's next attempt (None if it cannot be kept: too
    large, or unreadable)."""
    import uuid

    from django.core import signing
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    try:
        data = read_upload(uploaded_file)
    except (ValidationError, OSError):
        return None
    if not data:
        return None
    filename = (getattr(uploaded_file, "name", "") or "document.pdf").rsplit("/", 1)[-1][:255]
    name = default_storage.save(f"{STAGED_DIR}/{uuid.uuid4().hex}.upload", ContentFile(data))
    token = signing.dumps({"n": name, "f": filename, "u": user.pk}, salt=_STAGED_SALT)
    clean_staged()
    return StagedUpload(name=name, filename=filename, token=token)


def staged_upload(token: str, *, user) -> StagedUpload | None:
    """The file kept by ``stage_upload`` for this officer, if the token is good and the file
    is still there."""
    from django.core import signing
    from django.core.files.storage import default_storage

    if not token:
        return None
    try:
        data = signing.loads(token, salt=_STAGED_SALT, max_age=STAGED_MAX_AGE)
    except signing.BadSignature:
        return None
    name = str(data.get("n", ""))
    if data.get("u") != user.pk or not name.startswith(f"{STAGED_DIR}/") or ".." in name:
        return None
    if not default_storage.exists(name):
        return None
    return StagedUpload(name=name, filename=str(data.get("f", "")), token=token)


def clean_staged() -> int:
    """Delete kept files older than a day (run whenever a file is kept)."""
    import datetime as dt

    from django.core.files.storage import default_storage
    from django.utils import timezone

    removed = 0
    try:
        _dirs, files = default_storage.listdir(STAGED_DIR)
    except (OSError, NotImplementedError):
        return 0
    limit = timezone.now() - dt.timedelta(seconds=STAGED_MAX_AGE)
    for filename in files:
        name = f"{STAGED_DIR}/{filename}"
        try:
            if default_storage.get_modified_time(name) < limit:
                default_storage.delete(name)
                removed += 1
        except (OSError, NotImplementedError):
            continue
    return removed
