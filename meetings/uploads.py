"""Checking and sanitising uploaded PDFs (issue 3, item 7).

``inspect_pdf(data, *, filename)`` either raises ``ValidationError`` with a message the
officer can act on, or returns a ``CheckedPdf``: the bytes to store (sanitised when the upload
carried active content), the page count, hashes and a list of what was removed.

Active content removed: document JavaScript (the ``/Names /JavaScript`` tree and any action of
type JavaScript), launch actions, actions that fetch or submit data (ImportData, SubmitForm,
GoToR/GoToE/URI are left alone except GoToE, which opens embedded files), automatic actions
(``/OpenAction``, ``/AA`` on the document, pages and annotations), embedded files (the
``/EmbeddedFiles`` name tree, file attachment annotations and embedded file streams), and XFA
forms (which can script).
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass, field

import pikepdf
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat

PDF_MAGIC = b"%PDF-"
DANGEROUS_ACTIONS = {"/JavaScript", "/Launch", "/ImportData", "/SubmitForm", "/GoToE"}


@dataclass
class CheckedPdf:
    data: bytes
    page_count: int
    sha256: str
    sha512: str
    removed: list[str] = field(default_factory=list)

    @property
    def size(self) -> int:
        return len(self.data)

    @property
    def sanitised_text(self) -> str:
        return "; ".join(self.removed)


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
        if kind in DANGEROUS_ACTIONS or kind is not None and kind != "/GoTo":
            del root["/OpenAction"]
            removed.add(f"an action run on opening ({kind.lstrip('/')})")
    if "/AA" in root:
        del root["/AA"]
        removed.add("automatic document actions")
    acroform = root.get("/AcroForm")
    if isinstance(acroform, pikepdf.Dictionary) and "/XFA" in acroform:
        del acroform["/XFA"]
        removed.add("an XFA form")

    for page in pdf.pages:
        if "/AA" in page.obj:
            del page.obj["/AA"]
            removed.add("automatic page actions")
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
            if "/AA" in annot:
                del annot["/AA"]
                removed.add("automatic actions on links or form fields")
            kind = _action_kind(annot.get("/A"))
            if kind in DANGEROUS_ACTIONS:
                del annot["/A"]
                removed.add(_describe(kind))
            keep.append(annot)
        page.obj.Annots = keep

    # Anything left anywhere else in the file (outlines, form fields, chained /Next actions).
    for obj in pdf.objects:
        if not isinstance(obj, pikepdf.Dictionary | pikepdf.Stream):
            continue
        if isinstance(obj, pikepdf.Stream):
            if obj.get("/Type") == pikepdf.Name.EmbeddedFile:
                obj.write(b"")
                removed.add("embedded files")
            continue
        kind = _action_kind(obj)
        if kind in DANGEROUS_ACTIONS:
            for key in list(obj.keys()):
                if key not in ("/Type",):
                    del obj[key]
            obj.S = pikepdf.Name.GoTo
            obj.D = pikepdf.Array([pdf.pages[0].obj, pikepdf.Name.Fit])
            removed.add(_describe(kind))
        if "/EF" in obj:
            del obj["/EF"]
            removed.add("embedded files")
        if "/JS" in obj:
            del obj["/JS"]
            removed.add("JavaScript")
    return sorted(removed)


def _describe(kind: str) -> str:
    return {
        "/JavaScript": "JavaScript",
        "/Launch": "launch actions (which start other programs)",
        "/ImportData": "data import actions",
        "/SubmitForm": "form submission actions",
        "/GoToE": "links into embedded files",
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
    )
