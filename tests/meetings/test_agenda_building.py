"""Issue 15, items 9–11 (agenda parts): the committee's standard opening items edited once and
in order; a new meeting copying the previous meeting's agenda (exemptions kept, papers not);
several items added in one submission; moves answered as JSON, versioned and audited; removal
behind a confirm page; the "(optional) (optional)", "a.m.." and "paragraph 1: 1 –" texts."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.urls import reverse

from meetings import services
from meetings.models import AgendaItem, CommitteeAgendaSettings, ItemKind, Meeting
from meetings.signals import meeting_changed
from tests.factories import CommitteeFactory, MembershipFactory, PersonFactory, make_user
from tests.factories.meetings import DocumentFactory, ReportFactory

LONDON = ZoneInfo("Europe/London")
CANARY = "CANARY-agenda-5c1d"
pytestmark = pytest.mark.django_db


def at(y, m, d, h=10, mi=0):
    return dt.datetime(y, m, d, h, mi, tzinfo=LONDON)


@pytest.fixture
def officer():
    return make_user("officer")


@pytest.fixture
def officer_client(client, officer):
    client.force_login(officer)
    return client


@pytest.fixture
def committee():
    return CommitteeFactory(name="Children's Scrutiny Panel", slug="csp")


def titles(meeting) -> list[tuple[str, str]]:
    return list(
        AgendaItem.all_objects.filter(meeting=meeting)
        .order_by("order")
        .values_list("number", "title")
    )


# --- standard opening items ----------------------------------------------------------------


def standard_post(rows: list[dict], extra: int = 0) -> dict:
    data = {
        "items-TOTAL_FORMS": str(len(rows) + extra),
        "items-INITIAL_FORMS": str(len(rows)),
        "items-MIN_NUM_FORMS": "0",
        "items-MAX_NUM_FORMS": "1000",
    }
    for n, row in enumerate(rows):
        for key, value in row.items():
            data[f"items-{n}-{key}"] = value
    for n in range(len(rows), len(rows) + extra):
        data[f"items-{n}-kind"] = "business"
    return data


def test_standard_items_page_edits_wording_order_and_list_once(officer_client, committee):
    url = reverse("officer-standard-items", args=[committee.slug])
    page = officer_client.get(url).content.decode()
    # The council's defaults, numbered in order, with an empty row to add one.
    assert 'name="items-0-position" value="1"' in page
    assert "Membership of the Committee" in page and "Public Question Time" in page

    # As the real Children's Scrutiny Panel agenda (seed 000): Minutes first, then
    # Membership, Interests, Admission of the Public; no deputations or questions; one added.
    rows = [
        {"position": "2", "kind": "membership", "title": "Membership of the Committee"},
        {"position": "1", "kind": "minutes", "title": "Minutes of the Previous Meeting"},
        {"position": "3", "kind": "interests", "title": "Interests"},
        {"position": "4", "kind": "admission", "title": "Admission of the Public"},
        {"position": "5", "kind": "deputations", "title": "Deputations/Petitions", "remove": "on"},
        {"position": "6", "kind": "questions", "title": "Public Question Time", "remove": "on"},
    ]
    data = standard_post(rows, extra=1)
    data["items-6-title"] = "Chair's announcements"
    data["items-6-position"] = "5"
    response = officer_client.post(url, data)
    assert response.status_code == 302
    saved = CommitteeAgendaSettings.objects.get(committee=committee).standard_items
    assert [i["title"] for i in saved] == [
        "Minutes of the Previous Meeting",
        "Membership of the Committee",
        "Interests",
        "Admission of the Public",
        "Chair's announcements",
    ]
    # The saved list is what the page shows next time, in order.
    page = officer_client.get(url).content.decode()
    assert page.index("Minutes of the Previous Meeting") < page.index("Membership of the")

    previous = services.create_meeting(committee=committee, start=at(2017, 8, 9), by=None)
    meeting = services.create_meeting(committee=committee, start=at(2017, 10, 9), by=None)
    assert titles(meeting) == [
        ("1", "Minutes of the Previous Meeting"),
        ("2", "Membership of the Committee"),
        ("3", "Interests"),
        ("4", "Admission of the Public"),
        ("5", "Chair's announcements"),
    ]
    minutes = meeting.items.get(kind=ItemKind.MINUTES)
    assert minutes.previous_meeting == previous


def test_standard_items_bad_position_is_refused_and_nothing_saved(officer_client, committee):
    url = reverse("officer-standard-items", args=[committee.slug])
    rows = [{"position": "first", "kind": "minutes", "title": "Minutes"}]
    response = officer_client.post(url, standard_post(rows))
    assert response.status_code == 200
    assert "Enter a whole number" in response.content.decode()
    assert not CommitteeAgendaSettings.objects.filter(committee=committee).exists()


# --- copying the previous meeting's agenda ---------------------------------------------------


@pytest.fixture
def previous(committee, officer):
    meeting = services.create_meeting(committee=committee, start=at(2017, 8, 9), by=officer)
    services.add_agenda_item(
        meeting=meeting,
        title="Work Programme",
        description="To discuss and update the work programme.",
        contact_text="Yolande Myers – 01484 221000",
        by=officer,
    )
    exempt = services.add_agenda_item(
        meeting=meeting,
        title="Missing Children Report",
        description=f"Names of the children {CANARY}",
        is_exempt=True,
        exempt_paragraph=1,
        exempt_reasons="The report names children.",
        by=officer,
    )
    confidential = services.add_agenda_item(
        meeting=meeting,
        title="Legal advice",
        description=f"Counsel's opinion {CANARY}",
        is_confidential=True,
        by=officer,
    )
    ReportFactory(agenda_item=exempt, title=f"Report {CANARY}")
    DocumentFactory(agenda_item=confidential, title=f"Appendix {CANARY}")
    return meeting


def test_create_form_copies_the_previous_agenda_with_exemptions_not_papers(
    officer_client, committee, previous
):
    response = officer_client.post(
        reverse("officer-meeting-add"),
        {
            "committee": committee.pk,
            "start": "2017-10-09T10:00",
            "is_public": "on",
            "agenda": "previous",
        },
    )
    assert response.status_code == 302
    meeting = Meeting.all_objects.latest("pk")
    old = list(AgendaItem.all_objects.filter(meeting=previous).order_by("order"))
    new = list(AgendaItem.all_objects.filter(meeting=meeting).order_by("order"))
    assert [(i.number, i.title, i.kind) for i in new] == [(i.number, i.title, i.kind) for i in old]
    copied = {i.title: i for i in new}
    exempt = copied["Missing Children Report"]
    assert (exempt.is_exempt, exempt.exempt_paragraph) == (True, 1)
    assert exempt.exempt_reasons == "The report names children."
    assert copied["Legal advice"].is_confidential
    assert copied["Work Programme"].contact_text == "Yolande Myers – 01484 221000"
    assert not any(i.is_late for i in new)
    # Papers stay with the meeting they belong to.
    assert not exempt.reports.exists() and not copied["Legal advice"].documents.exists()
    # The minutes item now approves the minutes of the meeting copied from.
    minutes = copied["Minutes of the Previous Meeting"]
    assert minutes.previous_meeting == previous
    assert "9 August 2017" in minutes.description
    follow = officer_client.get(response["Location"]).content.decode()
    assert "a copy of the previous meeting" in follow


def test_copying_without_a_previous_meeting_says_so_and_creates_nothing(officer_client, committee):
    response = officer_client.post(
        reverse("officer-meeting-add"),
        {"committee": committee.pk, "start": "2017-10-09T10:00", "agenda": "previous"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "has no earlier meeting to copy the agenda from" in html
    assert not Meeting.all_objects.exists()


def test_copied_exempt_description_never_public(client, committee, previous, officer):
    meeting = services.create_meeting(
        committee=committee, start=at(2030, 10, 9), copy_previous_agenda=True, by=officer
    )
    services.publish_meeting(meeting=meeting, confirm_late=True, by=officer)
    person = PersonFactory()
    outsider = make_user("councillor", person=person)
    MembershipFactory(person=person, committee=CommitteeFactory())  # not on this committee
    for who in (None, outsider):
        client.logout()
        if who:
            client.force_login(who)
        html = client.get(meeting.get_absolute_url()).content.decode()
        assert "Missing Children Report" in html  # listed by title and paragraph
        assert "Schedule 12A paragraph 1</strong>: Information relating to any individual." in (
            html
        )
        assert CANARY not in html
        for path in ("/sitemap.xml", reverse("meeting-calendar")):
            assert CANARY not in client.get(path).content.decode()


# --- several items at once -----------------------------------------------------------------


def several(rows: list[dict], **extra) -> dict:
    data = {
        "rows-TOTAL_FORMS": str(len(rows)),
        "rows-INITIAL_FORMS": "0",
        "rows-MIN_NUM_FORMS": "0",
        "rows-MAX_NUM_FORMS": "1000",
    }
    for n, row in enumerate(rows):
        for key, value in row.items():
            data[f"rows-{n}-{key}"] = value
    data.update(extra)
    return data


def test_add_five_items_and_pasted_titles_in_one_submission(officer_client, committee, officer):
    meeting = services.create_meeting(committee=committee, start=at(2030, 1, 14), by=officer)
    url = reverse("officer-items-add-several", args=[meeting.pk])
    page = officer_client.get(url).content.decode()
    assert page.count('name="rows-') >= 15  # five rows of three fields
    rows = [
        {"title": "PSHE / Prevent in Schools", "description": "To receive a report."},
        {"title": "Leeds and Kirklees Improvement Partnership", "contact_text": "Steve Walker"},
        {"title": ""},  # empty rows are ignored
        {"title": "Corporate Performance Q4 (2016/17)"},
        {"title": "Work Programme"},
    ]
    response = officer_client.post(
        url,
        several(rows, pasted="Minutes of Corporate Parenting Board\n\n  Future Meeting  \n"),
    )
    assert response.status_code == 302
    assert titles(meeting)[6:] == [
        ("7", "PSHE / Prevent in Schools"),
        ("8", "Leeds and Kirklees Improvement Partnership"),
        ("9", "Corporate Performance Q4 (2016/17)"),
        ("10", "Work Programme"),
        ("11", "Minutes of Corporate Parenting Board"),
        ("12", "Future Meeting"),
    ]
    partnership = meeting.items.get(title__startswith="Leeds")
    assert partnership.contact_text == "Steve Walker"
    assert partnership.history.first().history_user == officer
    banner = officer_client.get(response["Location"]).content.decode()
    assert "6 items added (items 7 to 12)" in banner


def test_several_items_all_or_nothing_and_typed_text_kept(officer_client, committee, officer):
    meeting = services.create_meeting(committee=committee, start=at(2030, 1, 14), by=officer)
    url = reverse("officer-items-add-several", args=[meeting.pk])
    response = officer_client.post(
        url, several([{"title": "Good item"}, {"title": "x" * 301}], pasted="Pasted item")
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "300 characters" in html
    assert "Good item" in html and "Pasted item" in html  # nothing typed is lost
    assert meeting.items.count() == 6  # nothing added

    # "Show 5 more rows" keeps what was typed.
    more = officer_client.post(url, several([{"title": "Typed before"}], more_rows="1"))
    html = more.content.decode()
    assert 'value="Typed before"' in html and 'name="rows-5-title"' in html
    assert meeting.items.count() == 6


def test_several_items_after_publication_are_late_with_reasons(officer_client, committee):
    officer = make_user("officer")
    meeting = services.create_meeting(committee=committee, start=at(2030, 1, 14), by=officer)
    services.publish_meeting(meeting=meeting, by=officer)
    url = reverse("officer-items-add-several", args=[meeting.pk])
    response = officer_client.post(url, several([{"title": "Urgent item"}]))
    assert "enter the chair&#x27;s reasons for urgency" in response.content.decode()
    assert meeting.items.count() == 6
    response = officer_client.post(
        url, several([{"title": "Urgent item"}], urgency_reasons="Decision due this month.")
    )
    assert response.status_code == 302
    item = meeting.items.get(title="Urgent item")
    assert item.is_late and item.urgency_reasons == "Decision due this month."


# --- moves ---------------------------------------------------------------------------------


@pytest.fixture
def meeting(committee, officer):
    meeting = services.create_meeting(committee=committee, start=at(2030, 1, 14), by=officer)
    services.add_agenda_items(
        meeting=meeting, items=[{"title": "Alpha"}, {"title": "Beta"}], by=officer
    )
    return meeting


def move(client, item, **data):
    return client.post(
        reverse("officer-item-move", args=[item.pk]), data, HTTP_ACCEPT="application/json"
    )


def test_move_answers_json_with_the_saved_order_versions_and_history(
    officer_client, meeting, officer
):
    beta = meeting.items.get(title="Beta")
    alpha = meeting.items.get(title="Alpha")
    response = move(officer_client, beta, direction="up", version=beta.version)
    assert response.status_code == 200
    answer = response.json()
    assert answer["ok"] is True
    assert answer["message"] == "“Beta” is now item 7 of 8."
    order = [(i["number"], i["title"]) for i in answer["items"]]
    assert order[6:] == [("7", "Beta"), ("8", "Alpha")]
    assert titles(meeting)[6:] == [("7", "Beta"), ("8", "Alpha")]
    versions = {i["pk"]: i["version"] for i in answer["items"]}
    assert versions[beta.pk] == beta.version + 1 and versions[alpha.pk] == alpha.version + 1
    # Audited: each item whose place changed has a history record naming the officer.
    record = AgendaItem.all_objects.get(pk=beta.pk).history.first()
    assert (record.number, record.history_user) == ("7", officer)

    # To a position (a drop), with the new version.
    response = move(officer_client, beta, position="1", version=versions[beta.pk])
    assert response.json()["items"][0]["title"] == "Beta"
    assert titles(meeting)[0] == ("1", "Beta")


def test_stale_move_is_refused_with_409_and_the_current_order(officer_client, meeting):
    beta = meeting.items.get(title="Beta")
    alpha = meeting.items.get(title="Alpha")
    stale = alpha.version
    assert move(officer_client, beta, direction="up", version=beta.version).status_code == 200
    before = titles(meeting)
    response = move(officer_client, alpha, direction="down", version=stale)
    assert response.status_code == 409
    answer = response.json()
    assert answer["ok"] is False and "nothing was moved" in answer["message"]
    assert [i["title"] for i in answer["items"]][6:] == ["Beta", "Alpha"]
    assert titles(meeting) == before


def test_bad_position_is_400_and_without_js_the_page_reloads(officer_client, meeting):
    beta = meeting.items.get(title="Beta")
    response = move(officer_client, beta, position="0", version=beta.version)
    assert response.status_code == 400
    assert "whole number from 1 to 8" in response.json()["message"]
    # The ordinary form post (no JavaScript): a redirect back to the item, with a message.
    response = officer_client.post(
        reverse("officer-item-move", args=[beta.pk]), {"direction": "up", "version": beta.version}
    )
    assert response.status_code == 302
    assert response["Location"].endswith(f"#item-{beta.pk}")
    page = officer_client.get(response["Location"]).content.decode()
    assert "“Beta” is now item 7 of 8." in page
    assert officer_client.get(reverse("officer-item-move", args=[beta.pk])).status_code == 405


def test_move_on_a_published_agenda_rebuilds_packs(
    officer_client, meeting, officer, django_capture_on_commit_callbacks
):
    services.publish_meeting(meeting=meeting, by=officer)
    seen = []

    def changed(sender, meeting, **kw):
        seen.append(meeting.pk)

    meeting_changed.connect(changed)
    try:
        beta = meeting.items.get(title="Beta")
        with django_capture_on_commit_callbacks(execute=True):
            move(officer_client, beta, direction="up", version=beta.version)
    finally:
        meeting_changed.disconnect(changed)
    assert seen == [meeting.pk]
    assert Meeting.all_objects.get(pk=meeting.pk).papers_changed_at is not None


def test_move_needs_an_officer(client, meeting):
    beta = meeting.items.get(title="Beta")
    client.force_login(make_user("councillor"))
    assert move(client, beta, direction="up").status_code == 403
    assert titles(meeting)[7] == ("8", "Beta")


# --- the meeting page and removal ------------------------------------------------------------


def test_meeting_page_keeps_remove_away_and_loads_the_script(officer_client, meeting):
    html = officer_client.get(reverse("officer-meeting", args=[meeting.pk])).content.decode()
    assert "Remove item" not in html
    assert reverse("officer-item-remove", args=[meeting.items.first().pk]) not in html
    assert 'src="/static/js/agenda-order.mjs"' in html
    assert 'aria-live="polite"' in html
    assert "Add several items" in html
    assert "<script>" not in html  # CSP: no inline script


def test_remove_starts_on_the_edit_page_and_asks_first(officer_client, meeting):
    alpha = meeting.items.get(title="Alpha")
    ReportFactory(agenda_item=alpha, title="Alpha report")
    edit = officer_client.get(reverse("officer-item-edit", args=[alpha.pk])).content.decode()
    url = reverse("officer-item-remove", args=[alpha.pk])
    assert url in edit
    confirm = officer_client.get(url).content.decode()
    assert "Remove item 7?" in confirm and "Alpha report" in confirm
    assert AgendaItem.all_objects.filter(pk=alpha.pk).exists()  # asking removes nothing
    response = officer_client.post(url)
    assert response.status_code == 302
    assert not AgendaItem.all_objects.filter(pk=alpha.pk).exists()
    assert titles(meeting)[6] == ("7", "Beta")


def test_published_item_cannot_be_removed(officer_client, meeting, officer):
    services.publish_meeting(meeting=meeting, by=officer)
    alpha = meeting.items.get(title="Alpha")
    edit = officer_client.get(reverse("officer-item-edit", args=[alpha.pk])).content.decode()
    assert reverse("officer-item-remove", args=[alpha.pk]) not in edit
    confirm = officer_client.get(reverse("officer-item-remove", args=[alpha.pk]))
    assert "cannot be removed" in confirm.content.decode()
    officer_client.post(reverse("officer-item-remove", args=[alpha.pk]))
    assert AgendaItem.all_objects.filter(pk=alpha.pk).exists()


# --- small things seen ---------------------------------------------------------------------


def test_optional_is_said_once(officer_client, meeting):
    html = officer_client.get(reverse("officer-item-add", args=[meeting.pk])).content.decode()
    assert "(optional) (optional)" not in html
    assert "Contact line as printed (optional)" in html
    # A label that already says "(optional)" is not given a second one by the template.
    from django import forms
    from django.template.loader import render_to_string

    from scrutiny.forms import BaseForm

    class Form(BaseForm):
        note = forms.CharField(required=False, label="Note (optional)")

    rendered = render_to_string("forms/field.html", {"field": Form()["note"]})
    assert rendered.count("(optional)") == 1


def test_exempt_paragraph_number_is_not_repeated(client, previous, officer):
    services.publish_meeting(meeting=previous, confirm_late=True, by=officer)
    html = client.get(previous.get_absolute_url()).content.decode()
    assert "paragraph 1</strong>: 1 –" not in html
    assert "Schedule 12A paragraph 1</strong>: Information relating to any individual." in html


def test_no_template_ends_a_sentence_with_a_time_in_a_m_or_p_m():
    """ "11.10 p.m..": a time formatted with "a" (a.m./p.m.) followed by a full stop, also
    through filters, template tags or closing HTML tags in between."""
    time_then_stop = re.compile(
        r"""\|(?:date|time):["'][^"']*\b[aA]["'](?:\|\w+(?::\S+)?)*\s*\}\}"""
        r"""(?:\s*\{%[^%]*%\}|\s*</\w+>)*\."""
    )
    offenders = [
        str(path)
        for path in Path(settings.BASE_DIR).rglob("*.html")
        if not {".venv", "node_modules"} & set(path.parts)
        and time_then_stop.search(path.read_text())
    ]
    assert offenders == []


def test_meeting_pages_never_show_a_doubled_full_stop_after_a_time(
    officer_client, committee, officer
):
    from django.test import Client

    client = Client()
    meeting = services.create_meeting(
        committee=committee, start=at(2030, 1, 14, 23, 10), end=at(2030, 1, 14, 23, 50), by=officer
    )
    services.publish_meeting(meeting=meeting, at=at(2030, 1, 2, 23, 10), by=officer)
    pages = [
        officer_client.get(reverse("officer-meeting", args=[meeting.pk])),
        officer_client.get(reverse("officer-meeting-publish", args=[meeting.pk])),
        officer_client.get(reverse("my-portal")),
        client.get(meeting.get_absolute_url()),
    ]
    for page in pages:
        html = page.content.decode()
        assert "p.m.." not in html and "a.m.." not in html
    assert "11.10 p.m." in pages[-1].content.decode()


def test_a_row_needs_a_title_and_no_label_says_optional_wrongly(officer_client, committee, officer):
    meeting = services.create_meeting(committee=committee, start=at(2030, 1, 14), by=officer)
    url = reverse("officer-items-add-several", args=[meeting.pk])
    page = officer_client.get(url).content.decode()
    assert "Title (optional)" not in page and "Description (optional)" in page
    response = officer_client.post(url, several([{"description": "To receive a report."}]))
    assert "Enter the title of the item, or leave the whole row empty." in (
        response.content.decode()
    )
    assert meeting.items.count() == 6

    standard = reverse("officer-standard-items", args=[committee.slug])
    assert "Title (optional)" not in officer_client.get(standard).content.decode()
    rows = [
        {"position": "1", "kind": "minutes", "title": ""},
        {"position": "2", "kind": "interests", "title": "Interests"},
    ]
    response = officer_client.post(standard, standard_post(rows, extra=1))
    assert "Enter a title, or tick" in response.content.decode()
    assert not CommitteeAgendaSettings.objects.filter(committee=committee).exists()
    rows[0]["remove"] = "on"
    assert officer_client.post(standard, standard_post(rows, extra=1)).status_code == 302
    saved = CommitteeAgendaSettings.objects.get(committee=committee).standard_items
    assert [i["title"] for i in saved] == ["Interests"]
