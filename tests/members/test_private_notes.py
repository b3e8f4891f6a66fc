"""Issue 23: private notes on agenda items and papers, private to their author.

The canary word is written into notes (on an open item, on an exempt item and on a paper) and
then looked for on every surface as the public, as another councillor, as a councillor off
the committee and as an officer: meeting pages, the author's note pages, search, feeds, CSV,
calendars, the API and the sitemap. The briefing PDF is read back with pypdf.
"""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from meetings import notes
from meetings.models import Document, PrivateNote
from tests.factories import MembershipFactory, PersonFactory, make_user
from tests.factories.meetings import (
    AgendaItemFactory,
    DocumentFactory,
    ExemptAgendaItemFactory,
    PublishedMeetingFactory,
)

pytestmark = pytest.mark.django_db
CANARY = "QUOKKANOTE7"  # the author's note text; never anywhere but the author's own pages
OTHER = "WOMBATNOTE3"  # another member's note on the same paper
EXEMPT_TEXT = "NUMBATEXEMPT5"  # in the exempt paper's extracted text: members' search only


@pytest.fixture
def setting():
    meeting = PublishedMeetingFactory()
    item = AgendaItemFactory(meeting=meeting, title="Budget monitoring")
    paper = DocumentFactory(agenda_item=item, title="Budget appendix")
    exempt = ExemptAgendaItemFactory(meeting=meeting, title="Property disposal")
    exempt_paper = DocumentFactory(agenda_item=exempt, title="Valuation")
    Document.all_objects.filter(pk=exempt_paper.pk).update(text=f"Valuation {EXEMPT_TEXT} sum")
    people = {}
    for name in ("author", "colleague"):
        person = PersonFactory(name=f"Councillor {name.title()}")
        MembershipFactory(
            person=person, committee=meeting.committee, start_date=dt.date(2000, 1, 1)
        )
        people[name] = make_user("councillor", person=person)
    people["outsider"] = make_user("councillor", person=PersonFactory(name="Councillor Outside"))
    people["officer"] = make_user("officer")
    return meeting, item, paper, exempt, exempt_paper, people


def _write(client, user, url, text):
    client.force_login(user)
    return client.post(url, {"text": text, "save": ""})


def _author_notes(client, setting):
    meeting, item, paper, exempt, exempt_paper, people = setting
    author = people["author"]
    for url, text in (
        (reverse("note-item", args=[item.pk]), f"Item: ask about {CANARY} <b>bold</b>"),
        (reverse("note-paper", args=[paper.pk]), f"Paper: {CANARY} on page 3"),
        (reverse("note-item", args=[exempt.pk]), f"Exempt: {CANARY} valuation"),
        (reverse("note-paper", args=[exempt_paper.pk]), f"Exempt paper: {CANARY}"),
    ):
        response = _write(client, author, url, text)
        assert response.status_code == 302, response.content.decode()[:500]
    _write(client, people["colleague"], reverse("note-paper", args=[paper.pk]), f"Mine {OTHER}")
    client.logout()


def test_the_author_sees_their_notes_beside_the_item_and_the_paper(client, setting):
    meeting, item, paper, exempt, exempt_paper, people = setting
    _author_notes(client, setting)
    client.force_login(people["author"])
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert page.count(CANARY) == 4
    assert OTHER not in page
    # Plain text, escaped: the angle brackets are text, not markup.
    assert "&lt;b&gt;bold&lt;/b&gt;" in page and "<b>bold</b>" not in page
    block = page.split(f'id="paper-note-{paper.pk}"', 1)[1].split("</div>", 1)[0]
    assert f"Paper: {CANARY} on page 3" in block
    assert reverse("note-paper", args=[paper.pk]) in block
    assert reverse("my-meeting-notes", args=[meeting.pk]) in page
    assert reverse("my-briefing", args=[meeting.pk]) in page
    # Stored encrypted: the database row does not hold the words.
    assert not PrivateNote.objects.filter(sealed_text__contains=CANARY).exists()
    assert PrivateNote.objects.filter(author=people["author"]).count() == 4


def test_notes_are_listed_for_the_meeting_and_from_my(client, setting):
    meeting, item, paper, exempt, exempt_paper, people = setting
    _author_notes(client, setting)
    client.force_login(people["author"])
    listing = client.get(reverse("my-meeting-notes", args=[meeting.pk]))
    assert listing["Cache-Control"] == "private, no-store" or "no-store" in listing["Cache-Control"]
    text = listing.content.decode()
    assert text.count(CANARY) == 4 and OTHER not in text
    assert "Exempt – members only" in text
    index = client.get(reverse("my-notes")).content.decode()
    assert reverse("my-meeting-notes", args=[meeting.pk]) in index and "4 notes" in index
    assert reverse("my-notes") in client.get(reverse("my-portal")).content.decode()


def test_nobody_else_sees_the_notes_anywhere(client, setting):
    meeting, item, paper, exempt, exempt_paper, people = setting
    _author_notes(client, setting)
    surfaces = [
        meeting.get_absolute_url(),
        reverse("document-html", args=[paper.pk]),
        reverse("search") + "?q=Budget",
        reverse("my-notes"),
        reverse("my-meeting-notes", args=[meeting.pk]),
        reverse("my-portal"),
        reverse("officer-meeting", args=[meeting.pk]),
        reverse("officer-meeting-exempt-access", args=[meeting.pk]),
        reverse("papers-feed"),
        reverse("meetings-ics"),
        reverse("meeting-ics", args=[meeting.pk]),
        reverse("sitemap"),
        reverse("action-tracker-csv"),
        reverse("open-data"),
        reverse("oparl-object", args=["meeting", meeting.pk]),
        reverse("oparl-organization-meetings", args=[meeting.committee.pk]),
        reverse("oparl-body-list"),
    ]
    for who in (None, "colleague", "outsider", "officer"):
        client.logout()
        if who:
            client.force_login(people[who])
        for url in surfaces:
            response = client.get(url)
            body = b"".join(response.streaming_content) if response.streaming else response.content
            assert CANARY.encode() not in body, (who, url)
            if who in (None, "outsider"):
                assert EXEMPT_TEXT.encode() not in body, (who, url)
        # Search echoes the words typed; what matters is that nothing matches them.
        found = client.get(reverse("search") + f"?q={CANARY}").content.decode()
        assert "portal-search-results" not in found
        # The exempt paper's words: found by those who may read it, by nobody else.
        found = client.get(reverse("search") + "?q=valuation+sum").content.decode()
        assert (EXEMPT_TEXT in found) == (who in ("colleague", "officer")), who
        if who == "colleague":  # her own note is there, the author's is not
            assert OTHER in client.get(meeting.get_absolute_url()).content.decode()
        # The note pages of the author's notes: another user writes their own, never reads hers.
        for url in (reverse("note-item", args=[item.pk]), reverse("note-paper", args=[paper.pk])):
            response = client.get(url)
            assert CANARY.encode() not in response.content, (who, url)
        briefing = client.get(reverse("my-briefing", args=[meeting.pk]))
        if who is None:
            assert briefing.status_code == 302
        else:
            assert CANARY not in _pdf_text(briefing), who


def _pdf_text(response) -> str:
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == "application/pdf"
    data = b"".join(response.streaming_content) if response.streaming else response.content
    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)


def test_the_briefing_holds_only_the_authors_notes(client, setting):
    meeting, item, paper, exempt, exempt_paper, people = setting
    _author_notes(client, setting)
    client.force_login(people["author"])
    response = client.get(reverse("my-briefing", args=[meeting.pk]))
    assert "no-store" in response["Cache-Control"]
    text = _pdf_text(response)
    assert text.count(CANARY) == 4
    assert OTHER not in text
    assert "Budget monitoring" in text and "Valuation" in text  # the papers she may read
    assert "NOT FOR PUBLICATION" in text
    client.force_login(people["colleague"])
    text = _pdf_text(client.get(reverse("my-briefing", args=[meeting.pk])))
    assert OTHER in text and CANARY not in text
    client.force_login(people["outsider"])
    text = _pdf_text(client.get(reverse("my-briefing", args=[meeting.pk])))
    assert "Valuation" not in text and CANARY not in text and "Budget monitoring" in text


def test_a_member_off_the_committee_cannot_note_an_exempt_item(client, setting):
    meeting, item, paper, exempt, exempt_paper, people = setting
    client.force_login(people["outsider"])
    assert client.get(reverse("note-item", args=[exempt.pk])).status_code == 404
    assert (
        client.post(reverse("note-paper", args=[exempt_paper.pk]), {"text": "x"}).status_code == 404
    )
    assert not PrivateNote.objects.exists()
    # An open item is fine for any signed-in user.
    assert (
        _write(client, people["outsider"], reverse("note-item", args=[item.pk]), "ok").status_code
        == 302
    )
    client.logout()
    response = client.get(reverse("note-item", args=[item.pk]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_an_exempt_note_is_hidden_once_the_author_may_no_longer_read_it(client, setting):
    meeting, item, paper, exempt, exempt_paper, people = setting
    _author_notes(client, setting)
    author = people["author"]
    # The membership is removed altogether (not ended: one who left may still read the
    # meetings they sat in). The notes stay hers, and the open ones stay visible.
    author.person.memberships.all().delete()
    client.force_login(author)
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert page.count(CANARY) == 2 and "Exempt:" not in page
    listing = client.get(reverse("my-meeting-notes", args=[meeting.pk])).content.decode()
    assert listing.count(CANARY) == 2
    assert CANARY not in client.get(reverse("note-item", args=[exempt.pk])).content.decode()
    assert PrivateNote.objects.filter(author=author).count() == 4


def test_a_note_stays_readable_after_the_membership_ends(client, setting):
    meeting, item, paper, exempt, exempt_paper, people = setting
    _author_notes(client, setting)
    author = people["author"]
    author.person.memberships.update(end_date=dt.date.today() - dt.timedelta(days=1))
    client.force_login(author)
    listing = client.get(reverse("my-meeting-notes", args=[meeting.pk])).content.decode()
    assert listing.count(CANARY) == 4  # she sat on the committee on the meeting's date


def test_length_limit_and_empty_note_have_clear_messages(client, setting):
    meeting, item, paper, exempt, exempt_paper, people = setting
    url = reverse("note-item", args=[item.pk])
    too_long = "x" * (notes.MAX_CHARS + 7)
    response = _write(client, people["author"], url, too_long)
    assert response.status_code == 200
    text = response.content.decode()
    assert "must be 5,000 characters or fewer" in text and "shorten it by 7" in text
    assert too_long in text  # what was typed is kept in the box, not lost
    assert "govuk-error-summary" in text
    response = _write(client, people["author"], url, "   ")
    assert "Enter your note" in response.content.decode()
    assert not PrivateNote.objects.exists()


def test_edit_and_delete(client, setting):
    meeting, item, paper, *_rest, people = setting
    url = reverse("note-paper", args=[paper.pk])
    _write(client, people["author"], url, "first")
    _write(client, people["author"], url, "second")
    note = PrivateNote.objects.get()
    assert notes.unseal(note.sealed_text) == "second"
    assert "second" in client.get(url).content.decode()
    response = client.post(url, {"delete": ""})
    assert response.status_code == 302 and f"#paper-note-{paper.pk}" in response["Location"]
    assert not PrivateNote.objects.exists()


def test_a_note_sealed_under_another_key_is_unreadable_not_an_error(client, setting, settings):
    meeting, item, paper, *_rest, people = setting
    _write(client, people["author"], reverse("note-item", args=[item.pk]), f"old {CANARY}")
    original = settings.SECRET_KEY
    settings.SECRET_KEY = "another-key-" + "z" * 60
    client.force_login(people["author"])  # sessions are signed with the key too
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert "cannot be read" in page and CANARY not in page
    # A key rotation keeps old notes: the old key as a fallback opens them.
    settings.SECRET_KEY_FALLBACKS = [original]
    client.force_login(people["author"])
    assert notes.unseal(PrivateNote.objects.get().sealed_text) == f"old {CANARY}"
    assert CANARY in client.get(meeting.get_absolute_url()).content.decode()


def test_saving_a_note_leaves_the_public_page_cache_alone():
    from scrutiny.cache import IGNORED_MODELS

    assert "meetings.privatenote" in IGNORED_MODELS


def test_backups_hold_notes_sealed_under_the_author_natural_key(client, setting, tmp_path):
    import gzip
    import json

    from scrutiny.backup import DATA_FILE, create_backup

    meeting, item, paper, *_rest, people = setting
    _write(client, people["author"], reverse("note-item", args=[item.pk]), f"Backed {CANARY}")
    create_backup(tmp_path / "backup")
    data = gzip.decompress((tmp_path / "backup" / DATA_FILE).read_bytes()).decode()
    assert CANARY not in data
    rows = [row for row in json.loads(data) if row["model"] == "meetings.privatenote"]
    assert len(rows) == 1
    # The author by natural key (username): a restore gives the note back to the same login.
    assert rows[0]["fields"]["author"] == [people["author"].username]
    assert notes.unseal(rows[0]["fields"]["sealed_text"]) == f"Backed {CANARY}"


def test_the_meeting_page_query_count_does_not_grow_with_notes(client, setting):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    meeting, item, paper, exempt, exempt_paper, people = setting
    author = people["author"]
    _write(client, author, reverse("note-item", args=[item.pk]), "one")
    url = meeting.get_absolute_url()
    client.get(url)  # warm the session and permissions
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for n in range(4):
        extra = AgendaItemFactory(meeting=meeting, title=f"Extra item {n}")
        extra_paper = DocumentFactory(agenda_item=extra, title=f"Extra paper {n}")
        _write(client, author, reverse("note-item", args=[extra.pk]), f"item note {n}")
        _write(client, author, reverse("note-paper", args=[extra_paper.pk]), f"paper note {n}")
    with CaptureQueriesContext(connection) as many:
        page = client.get(url).content.decode()
    assert "paper note 3" in page and "item note 3" in page
    assert len(many) == len(one), [q["sql"][:100] for q in many.captured_queries]
