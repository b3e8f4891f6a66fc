"""Issue 15 item 11, the minutes' parts: ticking "No interests were declared" and writing it
too prints it once; the minutes PDF (printed by ``scrutiny.printing``) numbers its pages
"Page N of M"."""

from __future__ import annotations

import io
import re

import pikepdf
import pypdf
import pytest
from django.urls import reverse

from meetings.minutes import selectors, services
from meetings.models import ItemKind
from tests.factories.minutes import make_meeting_with_items

pytestmark = pytest.mark.django_db

SENTENCE = "No interests were declared."


def _interests(minutes):
    return minutes.items.get(agenda_item__kind=ItemKind.INTERESTS)


def _pdf_text(client, meeting) -> tuple[list[str], bytes]:
    response = client.get(reverse("meeting-minutes-pdf", args=[meeting.pk]))
    assert response.status_code == 200
    data = b"".join(response.streaming_content)
    return [p.extract_text() for p in pypdf.PdfReader(io.BytesIO(data)).pages], data


@pytest.mark.parametrize(
    "typed",
    [
        "No interests were declared.",
        "<p>There were <strong>no declarations</strong> of interest.</p>",
        "no  other   interests were declared by Members",
    ],
)
def test_tick_and_typed_words_print_the_sentence_once(client, typed):
    minutes = services.start_minutes(meeting=make_meeting_with_items())
    interests = _interests(minutes)
    services.save_minute(minute=interests, text=typed, version=interests.version)
    services.set_no_interests(minutes=minutes, value=True)
    services.publish_minutes(minutes=minutes)
    page = client.get(reverse("meeting-minutes", args=[minutes.meeting_id])).content.decode()
    said = len(re.findall(r"no\s+(?:<strong>)?(?:other\s+)?(?:interests|declarations)", page, re.I))
    assert said == 1, page
    pages, _ = _pdf_text(client, minutes.meeting)
    text = " ".join(" ".join(pages).split())
    assert len(re.findall(r"no (?:other )?(?:interests|declarations)", text, re.I)) == 1


def test_the_tick_alone_prints_the_sentence(client):
    minutes = services.start_minutes(meeting=make_meeting_with_items())
    services.set_no_interests(minutes=minutes, value=True)
    services.publish_minutes(minutes=minutes)
    page = client.get(reverse("meeting-minutes", args=[minutes.meeting_id])).content.decode()
    assert page.count(SENTENCE) == 1
    pages, _ = _pdf_text(client, minutes.meeting)
    assert " ".join(" ".join(pages).split()).count(SENTENCE) == 1
    # Only the interests item carries it.
    view = selectors.minutes_view(minutes, may_read_exempt=False)
    assert [e.says_no_interests for e in view.items].count(True) == 1


def test_an_unrelated_minute_on_the_interests_item_still_gets_the_sentence():
    minutes = services.start_minutes(meeting=make_meeting_with_items())
    interests = _interests(minutes)
    services.save_minute(
        minute=interests, text="The Chair reminded Members of the code.", version=1
    )
    services.set_no_interests(minutes=minutes, value=True)
    view = selectors.minutes_view(minutes, may_read_exempt=False)
    entry = next(e for e in view.items if e.minute.pk == interests.pk)
    assert entry.says_no_interests
    services.set_no_interests(minutes=minutes, value=False)
    minutes.refresh_from_db()
    view = selectors.minutes_view(minutes, may_read_exempt=False)
    assert not any(e.says_no_interests for e in view.items)


def test_minutes_pdf_has_page_n_of_m_on_every_page(client):
    minutes = services.start_minutes(meeting=make_meeting_with_items(business=3))
    long_text = "\n\n".join(
        f"Paragraph {n}: the Panel discussed the report at length, and members asked about "
        "the budget, the staffing and the timetable for the changes to the service." * 2
        for n in range(40)
    )
    for minute in minutes.items.filter(agenda_item__kind="business"):
        services.save_minute(minute=minute, text=long_text, version=minute.version)
    services.publish_minutes(minutes=minutes)
    pages, data = _pdf_text(client, minutes.meeting)
    total = len(pages)
    assert total >= 3
    for n, text in enumerate(pages, start=1):
        assert f"Page {n} of {total}" in " ".join(text.split()), (n, text[-200:])
    with pikepdf.open(io.BytesIO(data)) as pdf:
        assert pdf.Root.get("/StructTreeRoot") is not None  # still a tagged PDF
        assert len(pdf.pages) == total
