"""The print system: one way to turn a print template into an accessible PDF.

Agenda packs, minutes, reports and trackers all go through ``render_pdf`` so every PDF the
portal publishes is tagged (PDF/UA-1), has a title, a language and an author, and shares
one print stylesheet (``templates/print/base.html``).

This module is also the print boundary: it is the only code that imports WeasyPrint (a guard
test holds it to that), and WeasyPrint reads nothing but what the boundary hands it:

- documents are laid out against ``PRINT_BASE_URL``, an origin that is not a place on disk or
  on the network, so a relative URL (``var/db.sqlite3``) never resolves inside the project;
- ``PortalURLFetcher`` serves the portal's own static files (``/static/…``, through the
  staticfiles finders and ``STATIC_ROOT``), the media files a caller names explicitly
  (``/media/…``, through the storage API; none by default, because uploaded papers include
  exempt ones; ``render_document`` names the council's logo, which every page shows) and
  ``data:`` URIs (their content is already in the document: nothing is read);
  it refuses ``file:``, ``http:``, ``https:``, every other scheme and every other path, without
  opening a socket or a file;
- no attachment is ever embedded: ``<link rel="attachment">`` is dropped from the document's
  metadata, ``<a rel="attachment">`` becomes an ordinary link (or no link), a link to a path on the
  portal points at ``SITE_URL``, links other than ``http:``, ``https:``, ``mailto:`` and the
  document's own anchors are dropped, and
  ``write_document`` checks the finished PDF has no embedded file before returning it.
"""

from __future__ import annotations

import hashlib
import io
import logging
import mimetypes
import posixpath
from collections.abc import Iterable
from typing import Any
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.http import content_disposition_header, http_date

from scrutiny.models import Council

PDF_VARIANT = "pdf/ua-1"
# Where print documents "live": relative URLs resolve here, and only here is anything served.
# ``.invalid`` never resolves (RFC 2606) and the fetcher never opens a connection anyway.
PRINT_BASE_URL = "https://print.portal.invalid/"
LINK_SCHEMES = frozenset({"http", "https", "mailto"})

logger = logging.getLogger(__name__)


class PrintFetchRefused(ValueError):
    """A print document asked for something outside the portal's static files and media."""


def _weasyprint():
    import weasyprint

    return weasyprint


def _storage_name(path: str, prefix: str) -> str | None:
    """The storage name under ``prefix`` for a URL path, or None when it would leave it."""
    prefix = urlsplit(prefix).path or "/"
    if not prefix.endswith("/") or not path.startswith(prefix):
        return None
    name = unquote(path[len(prefix) :])
    if not name or "\\" in name or "\x00" in name:
        return None
    parts = name.split("/")
    if any(part in ("", ".", "..") for part in parts):
        return None
    return posixpath.join(*parts)


def _static_bytes(name: str) -> bytes | None:
    from django.contrib.staticfiles import finders
    from django.contrib.staticfiles.storage import staticfiles_storage

    found = finders.find(name)
    if found:
        with open(found, "rb") as handle:
            return handle.read()
    if settings.STATIC_ROOT and staticfiles_storage.exists(name):
        with staticfiles_storage.open(name, "rb") as handle:
            return handle.read()
    return None


def make_url_fetcher(*, media: Iterable[str] = ()):
    """A WeasyPrint URL fetcher that serves only the portal's static files, the named media
    files (storage names) and ``data:`` URIs; everything else raises ``PrintFetchRefused``."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    allowed_media = frozenset(media)

    class PortalURLFetcher(URLFetcher):
        def __init__(self):
            # No handlers beyond what fetch() below does itself: never a socket, never a file.
            super().__init__(allowed_protocols=("data",), allow_redirects=False)
            self.handlers.clear()
            self.handle_open.clear()
            self.process_request.clear()
            self.process_response.clear()
            self.handle_error.clear()

        def fetch(self, url, headers=None):
            if url.startswith("data:"):
                return self._data(url)
            if not url.startswith(PRINT_BASE_URL):
                self._refuse(url)
            path = urlsplit(url).path
            name = _storage_name(path, settings.STATIC_URL)
            if name is not None:
                body = _static_bytes(name)
                if body is None:
                    self._refuse(url)
                return self._response(url, name, body)
            name = _storage_name(path, settings.MEDIA_URL)
            if name is not None and name in allowed_media:
                from django.core.files.storage import default_storage

                with default_storage.open(name, "rb") as handle:
                    return self._response(url, name, handle.read())
            self._refuse(url)

        def _data(self, url):
            from urllib.request import DataHandler, Request

            # data: only (checked by the caller): the bytes are in the URL, nothing is opened.
            response = DataHandler().data_open(Request(url))  # noqa: S310
            return URLFetcherResponse(url, response.read(), dict(response.headers.items()))

        @staticmethod
        def _response(url, name, body):
            content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
            return URLFetcherResponse(url, body, {"Content-Type": content_type})

        @staticmethod
        def _refuse(url):
            logger.warning("Print: refused to fetch %s", url[:200])
            raise PrintFetchRefused(f"Print documents may not load {url[:200]}")

    return PortalURLFetcher()


def _link_target(target: str) -> str | None:
    """A link's target in the PDF: a path on the portal points at the public site; web and
    e-mail addresses stay; anything else (``file:``, ``javascript:``, ``data:``…) is dropped."""
    if target.startswith(PRINT_BASE_URL):
        return settings.SITE_URL.rstrip("/") + "/" + target[len(PRINT_BASE_URL) :]
    if urlsplit(target).scheme.lower() in LINK_SCHEMES:
        return target
    return None


def _without_attachments(document):
    """Drop every attachment from a laid-out document: ``<link rel=attachment>`` (metadata)
    and ``<a rel=attachment>`` (kept as a plain link when its target is a web address); drop
    links to anything but the web, e-mail and the document's own anchors."""
    document.metadata.attachments = []
    for page in document.pages:
        kept = []
        for link_type, target, rectangle, box in page.links:
            if link_type == "attachment":
                link_type = "external"
            if link_type == "external":
                target = _link_target(target)
                if target is None:
                    continue
            kept.append((link_type, target, rectangle, box))
        page.links[:] = kept
    return document


def assert_no_embedded_files(data: bytes) -> None:
    """Raise if a PDF made here holds an embedded file or a file attachment annotation."""
    import pikepdf

    with pikepdf.open(io.BytesIO(data)) as pdf:
        names = pdf.Root.get("/Names")
        if names is not None and "/EmbeddedFiles" in names:
            raise RuntimeError("A print document tried to embed a file.")
        for page in pdf.pages:
            for annot in page.get("/Annots", ()):
                if annot.get("/Subtype") == "/FileAttachment":
                    raise RuntimeError("A print document tried to attach a file.")


def render_html(template: str, context: dict[str, Any], *, council: Council | None = None) -> str:
    council = council or Council.current()
    return render_to_string(template, {"council": council, "council_name": council.name, **context})


def render_document(
    template: str,
    context: dict[str, Any],
    *,
    title: str,
    author: str | None = None,
    lang: str = "en-GB",
    base_url: str | None = None,
    media: Iterable[str] = (),
):
    """Lay out ``template`` with WeasyPrint and return the ``weasyprint.Document``.

    Callers that need page positions before writing (the agenda pack counts pages and reads
    anchors) use this; everyone else calls ``render_pdf``. ``base_url`` may only be
    ``PRINT_BASE_URL`` (the default): the boundary cannot be widened by a caller. ``media``
    names the storage files the document may show (none by default).
    """
    if base_url not in (None, PRINT_BASE_URL):
        raise ValueError("Print documents are laid out against PRINT_BASE_URL only.")
    weasyprint = _weasyprint()
    council = Council.current()  # once: the author and the templates' council name
    if council.logo:
        # The council's logo is public (every page shows it): print templates may show it.
        media = (*media, council.logo.name)
    html = render_html(
        template,
        {"pdf_title": title, "pdf_lang": lang, "pdf_author": author or council.name, **context},
        council=council,
    )
    document = weasyprint.HTML(
        string=html, base_url=PRINT_BASE_URL, url_fetcher=make_url_fetcher(media=media)
    )
    # Title comes from <title>, language from <html lang>, author from <meta name=author>.
    return _without_attachments(document.render(pdf_variant=PDF_VARIANT))


def _struct_children(node) -> list:
    """The structure elements directly under ``node`` (marked-content and object references,
    which carry no ``/S``, are left out)."""
    import pikepdf

    kids = node.get("/K")
    if kids is None:
        return []
    items = list(kids) if isinstance(kids, pikepdf.Array) else [kids]
    return [kid for kid in items if isinstance(kid, pikepdf.Dictionary) and "/S" in kid]


def _header_scope(row, section) -> str:
    """A TH's scope as HTML reads an unscoped header: in a table head, or in a row of headers
    only, it heads its column; in a row with data cells, it heads its row."""
    if section == "/THead":
        return "/Column"
    if row is not None and any(str(kid.get("/S")) == "/TD" for kid in _struct_children(row)):
        return "/Row"
    return "/Column"


def add_table_header_scopes(pdf) -> int:
    """Give every ``/TH`` structure element a ``/Scope`` in its Table attributes (Matterhorn
    15-003; WeasyPrint 70 writes ``/Headers`` on the data cells but no ``/Scope`` on the
    headers). A scope already there is kept. Returns how many headers were given one."""
    root = pdf.Root.get("/StructTreeRoot")
    if root is None:
        return 0
    changed = 0
    seen: set[tuple[int, int]] = set()
    # (element, the kind of its parent, its row when it is a cell, the kind of that row's parent)
    stack = [(kid, None, None, None) for kid in _struct_children(root)]
    while stack:
        node, parent_kind, row, section = stack.pop()
        if node.is_indirect:
            if node.objgen in seen:
                continue
            seen.add(node.objgen)
        kind = str(node.get("/S"))
        if kind == "/TH":
            changed += _set_scope(node, _header_scope(row, section))
        for kid in _struct_children(node):
            if kind == "/TR":
                stack.append((kid, kind, node, parent_kind))
            else:
                stack.append((kid, kind, None, None))
    return changed


def _set_scope(header, scope: str) -> int:
    import pikepdf

    attributes = header.get("/A")
    owners = []
    if isinstance(attributes, pikepdf.Dictionary):
        owners = [attributes]
    elif isinstance(attributes, pikepdf.Array):
        owners = [a for a in attributes if isinstance(a, pikepdf.Dictionary)]
    for owner in owners:
        if owner.get("/O") == pikepdf.Name.Table:
            if "/Scope" in owner:
                return 0
            owner.Scope = pikepdf.Name(scope)
            return 1
    table = pikepdf.Dictionary(O=pikepdf.Name.Table, Scope=pikepdf.Name(scope))
    if attributes is None:
        header.A = table
    elif isinstance(attributes, pikepdf.Array):
        attributes.append(table)
    else:
        header.A = pikepdf.Array([attributes, table])
    return 1


def _finish_structure(data: bytes) -> bytes:
    """What WeasyPrint leaves out of the structure tree, added: TH scopes."""
    import pikepdf

    with pikepdf.open(io.BytesIO(data)) as pdf:
        if not add_table_header_scopes(pdf):
            return data
        out = io.BytesIO()
        pdf.save(out)
        return out.getvalue()


def write_document(document) -> bytes:
    """Write a laid-out document as a tagged PDF (PDF/UA-1), never with an attachment, with
    a scope on every table header."""
    _without_attachments(document)
    data = _finish_structure(document.write_pdf(pdf_variant=PDF_VARIANT, attachments=None))
    assert_no_embedded_files(data)
    return data


def render_pdf(
    template: str,
    context: dict[str, Any],
    *,
    title: str,
    author: str | None = None,
    lang: str = "en-GB",
    base_url: str | None = None,
) -> bytes:
    """Render ``template`` to a tagged PDF (PDF/UA-1) and return its bytes."""
    document = render_document(
        template, context, title=title, author=author, lang=lang, base_url=base_url
    )
    return write_document(document)


def pdf_response(
    data: bytes, *, filename: str, inline: bool = True, last_modified=None
) -> HttpResponse:
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Length"] = str(len(data))
    response["Content-Disposition"] = content_disposition_header(not inline, filename)
    response["ETag"] = '"' + hashlib.sha256(data).hexdigest()[:32] + '"'
    if last_modified is not None:
        response["Last-Modified"] = http_date(last_modified.timestamp())
    return response
