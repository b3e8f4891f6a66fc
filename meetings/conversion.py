"""Papers that arrive as Word, OpenDocument, RTF or Excel files (issue 15, item 7).

An officer uploads ``.docx``, ``.odt``, ``.doc``, ``.rtf`` or ``.xlsx`` on the item's upload
page. ``start_conversion`` keeps the original (a ``Conversion`` row, "converting") and queues
``meetings.tasks.convert_upload``; the task runs LibreOffice headless (``convert_to_pdf``)
and hands the PDF to ``services.add_document``, the same path an uploaded PDF takes (the
pikepdf checks and sanitising of ``meetings.uploads``), so the paper is then a document like
any other and goes into the packs like any other. The officer sees "converting", "converted"
or "failed: <reason>" on the item (``templates/meetings/officer/_conversions.html``).

Until it is converted the upload is no paper: nobody but officers sees it and no pack holds
it. The agenda cannot be published while a paper is converting (``check_nothing_converting``,
called by ``services.publish_meeting``), so the pack built at publication never misses one.
After publication a converted upload is a draft late paper, like a late PDF.

LibreOffice runs in a throwaway directory with a throwaway user profile (macros off, links
never updated, a proxy that goes nowhere), without network (a new network namespace through
``unshare`` where the system allows one; see ``sandbox_prefix``), with a time limit after
which its whole process group is killed, and with a memory limit (``RLIMIT_AS``). A
zip-based document that would expand to far more than a paper is refused at upload
(``check_zip``). Its PDF export is tagged (structure tree, marked content). LibreOffice
7.4's Calc writes no structure tree, so a spreadsheet is converted to HTML by Calc and printed
by Writer, which tags its tables.

The original is kept for officers only (``conversion_views``): it may hold hidden text,
comments, tracked changes or properties that the PDF does not show.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import hashlib
import io
import json
import logging
import os
import resource
import shutil
import signal
import subprocess
import tempfile
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone

from meetings import services
from meetings.models import AgendaItem, Conversion, Meeting, Report
from meetings.uploads import read_upload
from scrutiny.audit import records_by

logger = logging.getLogger(__name__)

DEFAULT_SOFFICE = "/usr/bin/soffice"
DEFAULT_TIMEOUT = 120  # seconds for one conversion, both LibreOffice runs included
# Address space LibreOffice may use (settings.DOCUMENT_CONVERSION_MEMORY): a file built to
# exhaust memory stops LibreOffice, not the worker's machine.
DEFAULT_MEMORY = 2 * 1024 * 1024 * 1024
# A .docx, .odt or .xlsx is a zip. Refused before it is stored or queued: one that expands to
# more than this (settings.DOCUMENT_MAX_EXPANDED_BYTES, by the sizes the zip declares), one
# with more entries than this, or one with a part of over 1 MB squeezed more than 200 to 1
# (a "zip bomb"; real documents compress text ten or twenty to one).
DEFAULT_MAX_EXPANDED = 100 * 1024 * 1024
MAX_ZIP_ENTRIES = 10_000
MAX_RATIO = 200
RATIO_CHECKED_ABOVE = 1024 * 1024
# A conversion still "converting" this long after it was queued or last started has lost its
# worker (killed, or none running): the officer may try again.
STALLED_AFTER = dt.timedelta(minutes=10)

ZIP = b"PK\x03\x04"
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
RTF = b"{\\rtf"

# Tagged PDF (structure tree and marked content), as LibreOffice's JSON filter options.
PDF_OPTIONS = json.dumps(
    {
        "UseTaggedPDF": {"type": "boolean", "value": "true"},
        "ExportBookmarks": {"type": "boolean", "value": "true"},
        "ExportNotes": {"type": "boolean", "value": "false"},
    },
    separators=(",", ":"),
)
PDF_TARGET = f"pdf:writer_pdf_Export:{PDF_OPTIONS}"

# A throwaway profile: no macros run, linked content is never fetched, and anything that still
# tries the network through LibreOffice's own settings goes to a closed local port.
PROFILE_SETTINGS_VALUES = [
    ("/org.openoffice.Office.Common/Security/Scripting", "MacroSecurityLevel", "3"),
    ("/org.openoffice.Office.Common/Security/Scripting", "DisableMacrosExecution", "true"),
    ("/org.openoffice.Office.Common/Load", "UpdateLinksOnLoad", "0"),  # never
    ("/org.openoffice.Inet/Settings", "ooInetProxyType", "1"),  # manual: the dead proxy
    ("/org.openoffice.Inet/Settings", "ooInetHTTPProxyName", "127.0.0.1"),
    ("/org.openoffice.Inet/Settings", "ooInetHTTPProxyPort", "9"),
    ("/org.openoffice.Inet/Settings", "ooInetHTTPSProxyName", "127.0.0.1"),
    ("/org.openoffice.Inet/Settings", "ooInetHTTPSProxyPort", "9"),
    ("/org.openoffice.Inet/Settings", "ooInetNoProxy", ""),
]
PROFILE_SETTINGS = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<oor:items xmlns:oor="http://openoffice.org/2001/registry" '
    'xmlns:xs="http://www.w3.org/2001/XMLSchema" '
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">\n'
    + "".join(
        f'<item oor:path="{path}"><prop oor:name="{name}" oor:op="fuse">'
        f"<value>{value}</value></prop></item>\n"
        for path, name, value in PROFILE_SETTINGS_VALUES
    )
    + "</oor:items>\n"
)
DEAD_PROXY = "http://127.0.0.1:9"


@dataclass(frozen=True)
class Format:
    extension: str
    label: str
    mime_type: str
    infilter: str  # LibreOffice reads the file only as this (no guessing: "not a PDF" stays so)
    magic: bytes
    spreadsheet: bool = False


FORMATS: dict[str, Format] = {
    f.extension: f
    for f in (
        Format(
            ".docx",
            "Word document",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "MS Word 2007 XML",
            ZIP,
        ),
        Format(
            ".odt", "OpenDocument text", "application/vnd.oasis.opendocument.text", "writer8", ZIP
        ),
        Format(".doc", "Word 97–2003 document", "application/msword", "MS Word 97", OLE2),
        Format(".rtf", "Rich Text Format document", "application/rtf", "Rich Text Format", RTF),
        Format(
            ".xlsx",
            "Excel workbook",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "Calc MS Excel 2007 XML",
            ZIP,
            spreadsheet=True,
        ),
    )
}
# What the upload field accepts (its ``accept`` attribute and help text).
ACCEPT = ",".join(["application/pdf", ".pdf", *FORMATS, *(f.mime_type for f in FORMATS.values())])


class ConversionError(Exception):
    """The document could not be converted; the message is for the officer."""


def format_of(name: str) -> Format | None:
    return FORMATS.get(PurePath(name or "").suffix.lower())


def is_convertible(uploaded_file) -> bool:
    """True for a file the officer uploaded as Word, OpenDocument, RTF or Excel (by its name;
    ``start_conversion`` checks the content)."""
    return uploaded_file is not None and format_of(getattr(uploaded_file, "name", "")) is not None


# --- running LibreOffice -------------------------------------------------------------------


@functools.cache
def sandbox_prefix() -> tuple[str, ...]:
    """The command that runs LibreOffice without network: ``unshare`` into a new network
    namespace (only a loopback that is down), as an unprivileged user where user namespaces
    are allowed. Where the system allows neither, LibreOffice runs with the throwaway
    profile's dead proxy only, and a warning is logged once."""
    unshare = shutil.which("unshare")
    if unshare:
        for prefix in ((unshare, "--map-root-user", "--net"), (unshare, "--net")):
            try:
                probe = subprocess.run(
                    [*prefix, "true"], capture_output=True, timeout=10, check=False
                )
            except (OSError, subprocess.SubprocessError):
                continue
            if probe.returncode == 0:
                return prefix
    logger.warning(
        "Documents are converted without a network namespace (unshare is not available "
        "here): LibreOffice's own settings still send it nowhere."
    )
    return ()


def soffice_path() -> str:
    return getattr(settings, "DOCUMENT_CONVERTER", DEFAULT_SOFFICE)


def conversion_timeout() -> float:
    return float(getattr(settings, "DOCUMENT_CONVERSION_TIMEOUT", DEFAULT_TIMEOUT))


def conversion_memory() -> int:
    return int(getattr(settings, "DOCUMENT_CONVERSION_MEMORY", DEFAULT_MEMORY))


def max_expanded_bytes() -> int:
    return int(getattr(settings, "DOCUMENT_MAX_EXPANDED_BYTES", DEFAULT_MAX_EXPANDED))


def _limit_memory(limit: int) -> None:  # pragma: no cover - runs in the child, before exec
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def check_zip(data: bytes, fmt: Format) -> None:
    """Refuse a zip-based document that would expand to far more than any paper (a zip
    bomb), by what its directory declares, before it is stored or handed to LibreOffice. A
    zip too damaged to read is left to LibreOffice, which says so on the item."""
    if fmt.magic != ZIP:
        return
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        return
    limit = max_expanded_bytes()
    refused = (
        f"The {fmt.label} would expand to more than {filesizeformat(limit)} when opened"
        if sum(m.file_size for m in members) > limit
        else f"The {fmt.label} holds more than {MAX_ZIP_ENTRIES:,} parts"
        if len(members) > MAX_ZIP_ENTRIES
        else f"The {fmt.label} holds a part squeezed far more than any document's"
        if any(
            m.file_size > RATIO_CHECKED_ABOVE and m.file_size > MAX_RATIO * max(m.compress_size, 1)
            for m in members
        )
        else ""
    )
    if refused:
        raise ValidationError(
            {
                "uploaded_file": [
                    f"{refused}, so the portal will not convert it: nothing was saved. Open "
                    "it, save it as PDF and upload that, or ask the author for a smaller file."
                ]
            }
        )


def _seed_profile(profile: Path) -> None:
    user = profile / "user"
    user.mkdir(parents=True)
    (user / "registrymodifications.xcu").write_text(PROFILE_SETTINGS, encoding="utf-8")


def _run_soffice(
    *, work: Path, source: Path, infilter: str, target: str, deadline: float, limit: float
) -> Path:
    """One LibreOffice conversion of ``source`` into ``work/out-*``; returns the output file."""
    soffice = soffice_path()
    if not Path(soffice).exists():
        raise ConversionError(
            "the document converter (LibreOffice) is not installed on the server. Tell the "
            "portal's administrators, or save the document as PDF and upload that."
        )
    outdir = Path(tempfile.mkdtemp(prefix="out-", dir=work))
    command = [
        *sandbox_prefix(),
        soffice,
        f"-env:UserInstallation={(work / 'profile').as_uri()}",
        "--headless",
        "--invisible",
        "--nologo",
        "--nodefault",
        "--norestore",
        "--nolockcheck",
        f"--infilter={infilter}",
        "--convert-to",
        target,
        "--outdir",
        str(outdir),
        str(source),
    ]
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(work),
        "TMPDIR": str(work),
        "LANG": "C.UTF-8",
        "SAL_USE_VCLPLUGIN": "svp",
        "http_proxy": DEAD_PROXY,
        "https_proxy": DEAD_PROXY,
        "HTTP_PROXY": DEAD_PROXY,
        "HTTPS_PROXY": DEAD_PROXY,
        "no_proxy": "",
    }
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise ConversionError(_too_long(limit))
    process = subprocess.Popen(
        command,
        cwd=work,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,  # its own process group, so a timeout kills every child
        preexec_fn=functools.partial(_limit_memory, conversion_memory()),
    )
    try:
        stdout, stderr = process.communicate(timeout=remaining)
    except subprocess.TimeoutExpired:
        _kill_group(process)
        raise ConversionError(_too_long(limit)) from None
    finally:
        if process.poll() is None:  # pragma: no cover - an exception while waiting
            _kill_group(process)
    produced = [p for p in outdir.iterdir() if p.is_file()]
    if process.returncode != 0 or not produced:
        logger.warning(
            "LibreOffice did not convert %s (exit %s): %s %s",
            source.name,
            process.returncode,
            stdout.decode(errors="replace")[-500:],
            stderr.decode(errors="replace")[-500:],
        )
        raise ConversionError(
            "LibreOffice could not read the file: it may be damaged, protected with a "
            "password, or not really the kind of document its name says. Open it, save it "
            "again (or save it as PDF) and upload that."
        )
    return produced[0]


def _kill_group(process: subprocess.Popen) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.communicate()


def _too_long(limit: float) -> str:
    return (
        f"the conversion took longer than {limit:g} seconds and was stopped. Save the "
        "document as PDF and upload that, or try again."
    )


def convert_to_pdf(data: bytes, *, extension: str, timeout: float | None = None) -> bytes:
    """Convert a Word, OpenDocument, RTF or Excel file to a tagged PDF with LibreOffice."""
    fmt = FORMATS[extension]
    limit = conversion_timeout() if timeout is None else timeout
    deadline = time.monotonic() + limit
    with tempfile.TemporaryDirectory(prefix="portal-convert-") as tmp:
        work = Path(tmp)
        _seed_profile(work / "profile")
        source = work / f"source{fmt.extension}"
        source.write_bytes(data)
        run = functools.partial(_run_soffice, work=work, deadline=deadline, limit=limit)
        if fmt.spreadsheet:
            html = run(source=source, infilter=fmt.infilter, target="html:HTML (StarCalc)")
            pdf = run(source=html, infilter="HTML (StarWriter)", target=PDF_TARGET)
        else:
            pdf = run(source=source, infilter=fmt.infilter, target=PDF_TARGET)
        return pdf.read_bytes()


# --- services ------------------------------------------------------------------------------


def _enqueue(conversion_id: int, attempt: int) -> None:
    from meetings.tasks import convert_upload

    convert_upload.enqueue(conversion_id=conversion_id, attempt=attempt)


@records_by
@transaction.atomic
def start_conversion(
    *,
    agenda_item: AgendaItem,
    uploaded_file,
    title: str,
    by,
    is_report: bool = False,
    urgency_reasons: str = "",
) -> Conversion:
    """Keep the uploaded original and queue its conversion to PDF (after the commit)."""
    Meeting.all_objects.select_for_update().get(pk=agenda_item.meeting_id)
    errors: dict[str, list[str]] = {}
    if not title.strip():
        errors["title"] = ["Enter a title for the document."]
    name = (getattr(uploaded_file, "name", "") or "").rsplit("/", 1)[-1]
    fmt = format_of(name)
    if fmt is None:
        errors["uploaded_file"] = [
            "Choose a PDF, Word (.docx or .doc), OpenDocument (.odt), RTF or Excel (.xlsx) file."
        ]
    if errors:
        raise ValidationError(errors)
    data = read_upload(uploaded_file)
    if not data:
        raise ValidationError({"uploaded_file": ["The selected file is empty."]})
    if not data.startswith(fmt.magic):
        raise ValidationError(
            {
                "uploaded_file": [
                    f"The file's name ends in {fmt.extension} but it is not a {fmt.label}. "
                    "Open it, save it again in that format (or as PDF) and upload that."
                ]
            }
        )
    check_zip(data, fmt)
    conversion = Conversion(
        agenda_item=agenda_item,
        title=title.strip(),
        is_report=is_report,
        urgency_reasons=urgency_reasons.strip(),
        original_filename=name[:255],
        mime_type=fmt.mime_type,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        uploaded_by=by if getattr(by, "pk", None) else None,
    )
    conversion.original.save(f"original{fmt.extension}", ContentFile(data), save=False)
    path = conversion.original.name
    try:
        conversion.save()
    except Exception:
        conversion.original.storage.delete(path)
        raise
    pk, attempt = conversion.pk, conversion.attempt
    transaction.on_commit(lambda: _enqueue(pk, attempt))
    return conversion


def _pdf_name(original_filename: str) -> str:
    stem = PurePath(original_filename).stem or "document"
    return f"{stem}.pdf"


def _current(conversion_id: int, attempt: int):
    return Conversion.objects.filter(
        pk=conversion_id, attempt=attempt, status=Conversion.Status.CONVERTING
    )


def _fail(conversion_id: int, attempt: int, reason: str) -> str:
    with transaction.atomic():
        conversion = _current(conversion_id, attempt).select_for_update().first()
        if conversion is None:
            return "superseded"
        conversion.status = Conversion.Status.FAILED
        conversion.failure = reason[:2000]
        conversion.finished_at = timezone.now()
        conversion.save(update_fields=["status", "failure", "finished_at", "modified_at"])
    return "failed"


def run_conversion(*, conversion_id: int, attempt: int) -> str:
    """The task's work: convert, then add the PDF as a document (and report) through the
    upload services. A failure is recorded on the conversion for the officer, never raised;
    a run that a retry or a removal has overtaken changes nothing."""
    conversion = _current(conversion_id, attempt).first()
    if conversion is None:
        return "superseded"
    _current(conversion_id, attempt).update(started_at=timezone.now())
    fmt = format_of(conversion.original_filename)
    try:
        with conversion.original.open("rb") as handle:
            data = handle.read()
        pdf = convert_to_pdf(data, extension=fmt.extension)
    except ConversionError as exc:
        return _fail(conversion_id, attempt, str(exc))
    except Exception:
        logger.exception("Converting %s failed", conversion)
        return _fail(
            conversion_id,
            attempt,
            "the converter stopped with an unexpected error. Try again, or save the document "
            "as PDF and upload that.",
        )
    stored = []  # the PDF once stored (storage, name): a rollback does not remove it
    try:
        with transaction.atomic():
            locked = _current(conversion_id, attempt).select_for_update().first()
            if locked is None:
                return "superseded"
            item = AgendaItem.all_objects.select_related("meeting").get(pk=locked.agenda_item_id)
            by = locked.uploaded_by
            document = services.add_document(
                agenda_item=item,
                uploaded_file=ContentFile(pdf, name=_pdf_name(locked.original_filename)),
                title=locked.title,
                urgency_reasons=locked.urgency_reasons,
                by=by,
            )
            stored.append((document.file.storage, document.file.name))
            if locked.is_report:
                services.add_report(
                    agenda_item=item,
                    title=locked.title,
                    source=Report.Source.UPLOADED,
                    document=document,
                    urgency_reasons=locked.urgency_reasons,
                    by=by,
                )
            locked.document = document
            locked.status = Conversion.Status.CONVERTED
            locked.failure = ""
            locked.finished_at = timezone.now()
            locked.save()
    except BaseException as exc:
        # Nothing of the paper was kept (the transaction rolled back): nor is its PDF.
        for storage, name in stored:
            storage.delete(name)
        if isinstance(exc, ValidationError):
            # The PDF did not pass the upload checks (too large, no pages…): say why.
            return _fail(conversion_id, attempt, " ".join(exc.messages))
        if not isinstance(exc, Exception):  # the worker is stopping: still "converting"
            raise
        logger.exception("Adding the PDF converted from %s failed", conversion)
        return _fail(
            conversion_id,
            attempt,
            "the PDF could not be added to the item because of an unexpected error. Try "
            "again, or save the document as PDF and upload that.",
        )
    return "converted"


def is_stalled(conversion: Conversion, *, now: dt.datetime | None = None) -> bool:
    """Still converting long after it was queued or started: its worker is gone."""
    converting = conversion.status == Conversion.Status.CONVERTING
    since = conversion.started_at or conversion.created_at
    return converting and (now or timezone.now()) - since > STALLED_AFTER


@records_by
@transaction.atomic
def retry_conversion(*, conversion: Conversion, by) -> Conversion:
    """Queue a failed (or stalled) conversion again; an earlier run still going is ignored."""
    conversion = Conversion.objects.select_for_update().get(pk=conversion.pk)
    if conversion.status == Conversion.Status.CONVERTED:
        raise ValidationError({"__all__": [f"“{conversion.title}” is already converted."]})
    if conversion.status == Conversion.Status.CONVERTING and not is_stalled(conversion):
        raise ValidationError(
            {"__all__": [f"“{conversion.title}” is being converted: wait for it to finish."]}
        )
    conversion.attempt += 1
    conversion.status = Conversion.Status.CONVERTING
    conversion.failure = ""
    conversion.started_at = None
    conversion.finished_at = None
    conversion.save()
    pk, attempt = conversion.pk, conversion.attempt
    transaction.on_commit(lambda: _enqueue(pk, attempt))
    return conversion


@records_by
@transaction.atomic
def remove_conversion(*, conversion: Conversion, by) -> None:
    """Remove an upload that is converting or failed (with its original). A converted one is
    a document: it goes when its document is removed."""
    conversion = Conversion.objects.select_for_update().filter(pk=conversion.pk).first()
    if conversion is None:
        return
    if conversion.status == Conversion.Status.CONVERTED:
        raise ValidationError(
            {"__all__": [f"“{conversion.title}” is converted: remove the PDF instead."]}
        )
    conversion.delete()


def delete_original_file(sender, instance: Conversion, **kwargs) -> None:
    """``post_delete``: the original goes with its row (removed, or with its document or
    item), once the deletion has committed."""
    name, storage = instance.original.name, instance.original.storage
    if name:
        transaction.on_commit(lambda: storage.delete(name))


# --- reads ---------------------------------------------------------------------------------


def converting_titles(meeting: Meeting) -> list[str]:
    return list(
        Conversion.objects.filter(
            agenda_item__meeting=meeting, status=Conversion.Status.CONVERTING
        ).values_list("title", flat=True)
    )


def check_nothing_converting(meeting: Meeting) -> None:
    """Publishing waits for conversions: a paper still converting would miss the agenda and
    its pack (and come out later as a late paper)."""
    titles = converting_titles(meeting)
    if titles:
        names = ", ".join(f"“{t}”" for t in titles)
        raise ValidationError(
            {
                "__all__": [
                    f"Wait until {names} {'is' if len(titles) == 1 else 'are'} converted to "
                    "PDF, then publish: the agenda and its pack would go out without "
                    f"{'it' if len(titles) == 1 else 'them'}. The meeting page shows the "
                    "progress; remove an upload that is stuck."
                ]
            }
        )


def conversions_by_item(meeting: Meeting) -> dict[int, list[Conversion]]:
    """Every upload of the meeting's items that was converted or is being converted."""
    grouped: dict[int, list[Conversion]] = {}
    conversions = Conversion.objects.filter(agenda_item__meeting=meeting).select_related(
        "document", "document__superseded_by"
    )
    for conversion in conversions:
        conversion.stalled = is_stalled(conversion)
        fmt = format_of(conversion.original_filename)
        conversion.format_label = fmt.label if fmt else "File"
        grouped.setdefault(conversion.agenda_item_id, []).append(conversion)
    return grouped
