"""The print system: one way to turn a print template into an accessible PDF.

Agenda packs, minutes, reports and trackers all go through ``render_pdf`` so every PDF the
portal publishes is tagged (PDF/UA-1), has a title, a language and an author, and shares
one print stylesheet (``templates/print/base.html``).
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.conf import settings
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.http import content_disposition_header, http_date
from django.views import View

from scrutiny.models import Council

PDF_VARIANT = "pdf/ua-1"


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
):
    """Lay out ``template`` with WeasyPrint and return the ``weasyprint.Document``.

    Callers that need page positions before writing (the agenda pack counts pages and reads
    anchors) use this; everyone else calls ``render_pdf``.
    """
    from weasyprint import HTML

    council = Council.current()  # once: the author and the templates' council name
    html = render_html(
        template,
        {"pdf_title": title, "pdf_lang": lang, "pdf_author": author or council.name, **context},
        council=council,
    )
    document = HTML(string=html, base_url=base_url or str(settings.BASE_DIR))
    # Title comes from <title>, language from <html lang>, author from <meta name=author>.
    return document.render(pdf_variant=PDF_VARIANT)


def write_document(document) -> bytes:
    """Write a laid-out document as a tagged PDF (PDF/UA-1)."""
    return document.write_pdf(pdf_variant=PDF_VARIANT)


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


class PdfView(View):
    """Base view for a printable PDF: subclasses give the template, context and title."""

    template_name = "print/base.html"

    def get_context_data(self, **kwargs) -> dict[str, Any]:
        return kwargs

    def get_title(self) -> str:
        raise NotImplementedError

    def get_filename(self) -> str:
        from django.utils.text import slugify

        return slugify(self.get_title()) + ".pdf"

    def get(self, request, *args, **kwargs):
        context = self.get_context_data(**kwargs)
        data = render_pdf(self.template_name, context, title=self.get_title())
        return pdf_response(data, filename=self.get_filename())
