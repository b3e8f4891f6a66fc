"""Issue 23: "My briefing" read back as text (pypdf, and pdftotext where it is installed), as
a screen reader or copy and paste gets it: no empty bullets before or after the items, and
never a full stop doubled after a.m. or p.m."""

from __future__ import annotations

import datetime as dt
import io
import re
import shutil
import subprocess

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from meetings import notes
from tests.factories import MembershipFactory, PersonFactory, make_user
from tests.factories.meetings import (
    AgendaItemFactory,
    DocumentFactory,
    PublishedMeetingFactory,
    ReportFactory,
)

pytestmark = pytest.mark.django_db


def _texts(data: bytes) -> list[str]:
    texts = ["\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)]
    if shutil.which("pdftotext"):
        texts.append(
            subprocess.run(
                ["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True
            ).stdout.decode()
        )
    return texts


@pytest.mark.parametrize("hour", [10, 14])  # a.m. and p.m.
def test_the_briefing_text_has_no_stray_bullets_or_doubled_full_stops(client, hour):
    start = timezone.make_aware(dt.datetime(2017, 10, 9, hour, 0))
    meeting = PublishedMeetingFactory(start=start)
    item = AgendaItemFactory(meeting=meeting, order=1, number="1", title="Budget monitoring")
    ReportFactory(agenda_item=item, title="Budget report")
    paper = DocumentFactory(agenda_item=item, title="Budget appendix")
    AgendaItemFactory(meeting=meeting, order=2, number="2", title="Work programme")
    person = PersonFactory(name="Cahal Burke")
    MembershipFactory(person=person, committee=meeting.committee, start_date=dt.date(2000, 1, 1))
    user = make_user("councillor", person=person)
    notes.save_note(author=user, item=item, document=paper, text="Ask about the overspend.")
    client.force_login(user)

    response = client.get(reverse("my-briefing", args=[meeting.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    for text in _texts(response.content):
        lines = [line.strip() for line in text.splitlines()]
        assert not [line for line in lines if line in {"•", "◦", "-", "–"}], text
        assert "•" not in text, text
        assert not re.search(r"[ap]\.m\.\s*\.", text), text
        assert "a.m." in text if hour < 12 else "p.m." in text
        # The papers are read in order, each under its item.
        flat = " ".join(lines)
        assert (
            flat.index("1: Budget monitoring")
            < flat.index("Report: Budget report")
            < flat.index("Paper: Budget appendix (2 pages)")
            < flat.index("Ask about the overspend.")
            < flat.index("2: Work programme")
        ), text
