"""Issue 23: papers open in the browser. A paper's own link answers ``Content-Disposition:
inline`` (a phone shows it, ``#page=N`` works); the "Download" link beside it
(``?download=1``) saves it under the meeting's date and the paper's title. Exempt papers stay
stamped, ``private, no-store`` and refused to those who may not read them, either way."""

from __future__ import annotations

import datetime as dt
import io

import pypdf
import pytest
from django.urls import reverse

from meetings.models import Document, ExemptAccess
from tests.factories import MembershipFactory, PersonFactory, make_user
from tests.factories.meetings import (
    AgendaItemFactory,
    DocumentFactory,
    ExemptAgendaItemFactory,
    PublishedMeetingFactory,
)

pytestmark = pytest.mark.django_db
CANARY = "PANGOLINEXEMPT4"


@pytest.fixture
def papers():
    meeting = PublishedMeetingFactory()
    item = AgendaItemFactory(meeting=meeting, title="Budget monitoring")
    public = DocumentFactory(
        agenda_item=item, title="Budget appendix: Q2", original_filename="scan 0042.pdf"
    )
    exempt_item = ExemptAgendaItemFactory(meeting=meeting, exempt_paragraph=3)
    exempt = DocumentFactory(
        agenda_item=exempt_item, title="Valuation", original_filename="exempt.pdf", text=CANARY
    )
    person = PersonFactory()
    MembershipFactory(person=person, committee=meeting.committee, start_date=dt.date(2000, 1, 1))
    member = make_user("councillor", person=person)
    return meeting, public, exempt, member


def _cache(response) -> set[str]:
    return {d.strip() for d in response.get("Cache-Control", "").split(",") if d.strip()}


def test_a_paper_opens_inline_and_its_download_link_saves_it(client, papers):
    meeting, public, _exempt, _member = papers
    url = reverse("document-download", args=[public.pk])
    name = f"{meeting.date:%Y-%m-%d}-budget-appendix-q2.pdf"
    assert public.download_name == name  # not "scan 0042.pdf"

    opened = client.get(url)
    assert opened.status_code == 200 and opened["Content-Type"] == "application/pdf"
    assert opened["Content-Disposition"] == f'inline; filename="{name}"'
    assert opened["X-Content-Type-Options"] == "nosniff"
    # No sandbox (Safari's viewer refuses a sandboxed PDF), but nothing may load or frame it.
    assert opened["Content-Security-Policy"] == "default-src 'none'; frame-ancestors 'none'"
    assert {"public", "no-cache"} <= _cache(opened)

    saved = client.get(url + "?download=1")
    assert saved["Content-Disposition"] == f'attachment; filename="{name}"'
    assert saved["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert b"".join(saved.streaming_content) == b"".join(opened.streaming_content)

    # The meeting page links the paper itself (inline) and a separate "Download".
    html = client.get(meeting.get_absolute_url()).content.decode()
    assert f'href="{url}">Budget appendix: Q2</a>' in html
    assert f'href="{url}?download=1">Download<span class="govuk-visually-hidden"> Budget' in html


def test_an_exempt_paper_is_refused_to_the_public_either_way(client, papers):
    meeting, _public, exempt, _member = papers
    url = reverse("document-download", args=[exempt.pk])
    for query in ("", "?download=1", "?view=1"):
        response = client.get(url + query)
        assert response.status_code == 404
        assert CANARY.encode() not in response.content
    assert ExemptAccess.objects.filter(refused=True, document=exempt).count() == 3
    html = client.get(meeting.get_absolute_url()).content.decode()
    assert url not in html and "Valuation" not in html
    # A councillor off the committee fares no better.
    client.force_login(make_user("councillor", person=PersonFactory()))
    assert client.get(url).status_code == 404
    assert client.get(url + "?download=1").status_code == 404


def test_an_exempt_paper_opens_inline_stamped_and_unstored_for_a_member(client, papers):
    meeting, _public, exempt, member = papers
    client.force_login(member)
    url = reverse("document-download", args=[exempt.pk])
    html = client.get(meeting.get_absolute_url()).content.decode()
    assert f'href="{url}">Valuation</a>' in html and f'href="{url}?download=1"' in html
    name = f"{meeting.date:%Y-%m-%d}-valuation.pdf"
    for query, disposition in (("", "inline"), ("?download=1", "attachment")):
        response = client.get(url + query)
        assert response.status_code == 200
        assert response["Content-Disposition"] == f'{disposition}; filename="{name}"'
        assert {"private", "no-store"} <= _cache(response) and "public" not in _cache(response)
        assert response["X-Content-Type-Options"] == "nosniff"
        reader = pypdf.PdfReader(io.BytesIO(response.content))
        assert all("NOT FOR PUBLICATION" in page.extract_text() for page in reader.pages)
    assert ExemptAccess.objects.filter(user=member, document=exempt, refused=False).count() == 2


def test_what_is_not_a_pdf_is_only_ever_saved(client, papers):
    _meeting, public, _exempt, _member = papers
    Document.all_objects.filter(pk=public.pk).update(
        mime_type="text/html", original_filename="page.html"
    )
    response = client.get(reverse("document-download", args=[public.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Content-Disposition"].endswith('-budget-appendix-q2.html"')
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_a_title_with_nothing_to_slugify_still_gets_a_name(papers):
    meeting, public, _exempt, _member = papers
    public.title = "!!!"
    assert public.download_name == f"{meeting.date:%Y-%m-%d}.pdf"
    public.title = "x" * 300
    assert len(public.download_name) <= 104
