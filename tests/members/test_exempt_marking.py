"""Issue 23 finding 3: an exempt paper served on its own is stamped NOT FOR PUBLICATION with the
Schedule 12A paragraph on every page, and is never stored by a cache; the members' pack is
``private, no-store``; the public never gets either."""

from __future__ import annotations

import datetime as dt
import io

import pikepdf
import pypdf
import pytest
from django.urls import reverse

from tests.factories import MembershipFactory, PersonFactory, make_user
from tests.factories.meetings import (
    AgendaItemFactory,
    DocumentFactory,
    ExemptAgendaItemFactory,
    PublishedMeetingFactory,
)
from tests.factories.packs import make_pack_meeting
from tests.packs.helpers import ok_build

pytestmark = pytest.mark.django_db
CANARY = "CANARY-5e1b2c"


@pytest.fixture
def exempt_doc():
    meeting = PublishedMeetingFactory()
    item = ExemptAgendaItemFactory(meeting=meeting, exempt_paragraph=3)
    return DocumentFactory(agenda_item=item, title=f"Appendix {CANARY}", pages=3, text=CANARY)


def _member_of(meeting):
    person = PersonFactory()
    MembershipFactory(person=person, committee=meeting.committee, start_date=dt.date(2000, 1, 1))
    return make_user("councillor", person=person)


def _page_texts(data: bytes) -> list[str]:
    return [page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages]


def test_exempt_download_is_stamped_on_every_page_and_not_stored(client, exempt_doc):
    client.force_login(_member_of(exempt_doc.agenda_item.meeting))
    for query, disposition in (("", "inline"), ("?view=1", "inline"), ("?download=1", "attach")):
        response = client.get(reverse("document-download", args=[exempt_doc.pk]) + query)
        assert response.status_code == 200
        assert response["Content-Disposition"].startswith(disposition)
        assert response["X-Content-Type-Options"] == "nosniff"
        cache = {d.strip() for d in response["Cache-Control"].split(",")}
        assert {"private", "no-store"} <= cache and "public" not in cache
        texts = _page_texts(response.content)
        assert len(texts) == 3
        for text in texts:
            assert "NOT FOR PUBLICATION" in text
            assert "paragraph 3 of Part 1 of Schedule 12A" in text
            assert CANARY in text  # the paper itself is intact


def test_the_stamp_is_an_artifact_so_a_tagged_paper_stays_tagged(client, exempt_doc):
    client.force_login(_member_of(exempt_doc.agenda_item.meeting))
    data = client.get(reverse("document-download", args=[exempt_doc.pk])).content
    with pikepdf.open(io.BytesIO(data)) as pdf:
        for page in pdf.pages:
            ops = pikepdf.parse_content_stream(page)
            artifacts = [o for o, op in ops if str(op) == "BDC" and o[0] == pikepdf.Name.Artifact]
            assert len(artifacts) == 2  # the two header lines, nothing left unmarked


def test_confidential_paper_is_stamped_without_a_paragraph(client):
    meeting = PublishedMeetingFactory()
    item = AgendaItemFactory(meeting=meeting, is_confidential=True)
    doc = DocumentFactory(agenda_item=item, pages=1)
    client.force_login(_member_of(meeting))
    text = _page_texts(client.get(reverse("document-download", args=[doc.pk])).content)[0]
    assert "NOT FOR PUBLICATION" in text and "Confidential information" in text


def test_public_paper_is_not_stamped(client):
    doc = DocumentFactory(agenda_item__meeting=PublishedMeetingFactory(), pages=1)
    response = client.get(reverse("document-download", args=[doc.pk]))
    data = b"".join(response.streaming_content)
    assert "NOT FOR PUBLICATION" not in _page_texts(data)[0]


def test_public_and_outsiders_get_neither_the_paper_nor_its_html(client, exempt_doc):
    urls = [
        reverse("document-download", args=[exempt_doc.pk]),
        reverse("document-html", args=[exempt_doc.pk]),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 404 and CANARY.encode() not in response.content
    client.force_login(make_user("councillor", person=PersonFactory()))
    for url in urls:
        response = client.get(url)
        assert response.status_code == 404 and CANARY.encode() not in response.content


def test_html_version_of_an_exempt_paper_is_marked_and_not_stored(client, exempt_doc):
    client.force_login(_member_of(exempt_doc.agenda_item.meeting))
    response = client.get(reverse("document-html", args=[exempt_doc.pk]))
    html = response.content.decode()
    assert "NOT FOR PUBLICATION" in html and "paragraph 3" in html
    assert {"private", "no-store"} <= {d.strip() for d in response["Cache-Control"].split(",")}


def test_pack_urls_answer_head_like_get_and_members_pack_is_private_no_store(client):
    built = make_pack_meeting(landscape=False)
    ok_build(built.meeting)
    public_url = reverse("meeting-pack", args=[built.meeting.pk])
    get, head = client.get(public_url), client.head(public_url)
    assert get.status_code == head.status_code == 200
    assert head["Content-Length"] == get["Content-Length"] and head["ETag"] == get["ETag"]
    assert head.content == b""
    url = reverse("meeting-members-pack", args=[built.meeting.pk])
    assert client.head(url).status_code == 404
    client.force_login(make_user("councillor", person=built.member.person))
    for method in (client.get, client.head):
        response = method(url)
        assert response.status_code == 200
        cache = {d.strip() for d in response["Cache-Control"].split(",")}
        assert {"private", "no-store"} <= cache and "no-cache" not in cache
