"""The HTML version of an uploaded paper (issue 16): ``/documents/<id>/text/``.

Governed like the PDF itself (``views._paper_or_404``: the public managers and
``scrutiny.visibility``; an exempt or confidential paper only for those who may read it, each
reading logged with ``services.log_exempt_access``). The text is ``Document.text`` (extracted
by the opendata app) with the structure tree's headings (``document_html``).
"""

from __future__ import annotations

from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import patch_cache_control

from meetings import services
from meetings.document_html import blocks
from meetings.models import Document
from meetings.views import _paper_or_404
from scrutiny import visibility


def document_html(request, pk):
    document = _paper_or_404(request, Document, pk)
    item = document.agenda_item
    if item.is_private:
        services.log_exempt_access(user=request.user, document=document)
    meeting = item.meeting
    response = render(
        request,
        "meetings/document_html.html",
        {
            "document": document,
            "item": item,
            "meeting": meeting,
            "blocks": blocks(document.text, document.headings),
            "breadcrumbs": [
                ("Meetings", reverse("meeting-calendar")),
                (str(meeting), meeting.get_absolute_url() if meeting.is_published else None),
                (document.title, None),
            ],
        },
    )
    if not visibility.is_paper_public(document):
        patch_cache_control(response, private=True, no_store=True)
    return response
