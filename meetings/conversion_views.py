"""Pages for uploads converted to PDF (``meetings.conversion``): the original file, and the
officer's "try again" and "remove" for a conversion that failed or stalled.

Originals are for officers only, converted or not: a Word or OpenDocument file may hold text
its PDF does not show (hidden text, comments, tracked changes, document properties), so only
the PDF is the paper. Anyone else gets 404 for ``documents/<pk>/original/``, whether the PDF
is public, exempt or withdrawn, so the address says nothing about the paper.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.views import View

from meetings import conversion, services
from meetings.models import Conversion, Document
from meetings.views import _paper_or_404
from scrutiny.permissions import OfficerRequiredMixin, is_officer
from scrutiny.serving import file_response


def _original_response(request, upload: Conversion):
    response = file_response(
        request,
        upload.original,
        filename=upload.download_name,
        content_type=upload.mime_type,
        etag=upload.sha256,
        last_modified=upload.created_at,
        public=False,
        as_attachment=True,
    )
    patch_cache_control(response, no_store=True)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


def document_original(request, pk):
    """The Word (or other) file a document was converted from: officers only (404 for anyone
    else, the same whether the PDF is public or not)."""
    if not is_officer(request.user):
        raise Http404("The original of a converted paper is kept for officers only.")
    document = _paper_or_404(request, Document, pk)
    try:
        upload = document.conversion
    except ObjectDoesNotExist:
        raise Http404("This document was uploaded as a PDF.") from None
    if document.agenda_item.is_private:
        services.log_exempt_access(
            user=request.user,
            document=document,
            what=f"Original {upload.original_filename} of document {document.pk} "
            f"“{document.title}”",
        )
    return _original_response(request, upload)


class OfficerOriginal(OfficerRequiredMixin, View):
    """The uploaded original of a conversion, converted or not (officers only)."""

    def get(self, request, pk):
        upload = get_object_or_404(Conversion.objects.select_related("agenda_item"), pk=pk)
        return _original_response(request, upload)


class ConversionAction(OfficerRequiredMixin, View):
    """Try a failed or stalled conversion again, or remove an upload that did not convert."""

    action = "retry"

    def post(self, request, pk):
        upload = get_object_or_404(Conversion.objects.select_related("agenda_item"), pk=pk)
        item = upload.agenda_item
        try:
            if self.action == "retry":
                conversion.retry_conversion(conversion=upload, by=request.user)
            else:
                conversion.remove_conversion(conversion=upload, by=request.user)
        except ValidationError as exc:
            for error in exc.messages:
                messages.error(request, error)
        else:
            if self.action == "retry":
                messages.success(request, f"Converting {upload.original_filename} again.")
            else:
                messages.success(request, f"Upload removed: {upload.original_filename}.")
        return redirect(reverse("officer-meeting", args=[item.meeting_id]) + f"#item-{item.pk}")
