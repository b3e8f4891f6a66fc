"""``/my/``: the changes a member has not acknowledged, per meeting, on every device (issue 23
finding 1). Canary words in an exempt item's title and an exempt paper's title never reach
the public or a councillor who is not on the committee."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from meetings import services
from meetings.models import ChangeAcknowledgement, Meeting, MeetingChange
from tests.factories import CommitteeFactory, MembershipFactory, PersonFactory, make_user
from tests.factories.meetings import (
    AgendaItemFactory,
    DocumentFactory,
    ExemptAgendaItemFactory,
    MeetingFactory,
)

pytestmark = pytest.mark.django_db

ITEM_CANARY = "ZEBRAITEMCANARY"
PAPER_CANARY = "OKAPIPAPERCANARY"


@pytest.fixture
def setting():
    officer = make_user("officer", username="clerk")
    committee = CommitteeFactory(name="Children's Scrutiny Panel")
    member = make_user("councillor", person=PersonFactory(name="Cahal Burke"))
    MembershipFactory(person=member.person, committee=committee, start_date=dt.date(2017, 1, 1))
    other_committee = CommitteeFactory(name="Corporate Parenting Board")
    outsider = make_user("councillor", person=PersonFactory(name="Erin Hill"))
    MembershipFactory(person=outsider.person, committee=other_committee)
    meeting = MeetingFactory(
        committee=committee,
        start=timezone.now().replace(second=0, microsecond=0) + dt.timedelta(days=20),
    )
    AgendaItemFactory(meeting=meeting, order=1, number="1", title="Social care update")
    exempt = ExemptAgendaItemFactory(meeting=meeting, order=2, number="2", title="Depot")
    DocumentFactory(agenda_item=exempt, title="Valuation", is_draft=False)
    services.publish_meeting(meeting=meeting, by=officer, confirm_late=True, confirm_unsigned=True)
    # The outsider's own committee has a meeting too, so their page is not simply empty.
    theirs = MeetingFactory(committee=other_committee, start=timezone.now() + dt.timedelta(days=5))
    AgendaItemFactory(meeting=theirs, title="Placements")
    services.publish_meeting(meeting=theirs, by=officer, confirm_late=True, confirm_unsigned=True)
    return {
        "officer": officer,
        "member": member,
        "outsider": outsider,
        "meeting": Meeting.all_objects.get(pk=meeting.pk),
        "exempt": exempt,
    }


def _changes_html(client) -> str:
    html = client.get(reverse("my-portal")).content.decode()
    start = html.index('id="what-changed"')
    end = html.index("Your upcoming meetings")
    return html[start:end]


def _seen(client, meeting) -> None:
    up_to = MeetingChange.all_objects.filter(meeting=meeting).latest("pk").pk
    response = client.post(reverse("my-changes-seen"), {"seen": f"{meeting.pk}:{up_to}"})
    assert response.status_code == 302 and response["Location"] == reverse("my-portal")


def test_a_first_visit_shows_the_recent_changes_of_upcoming_meetings(client, setting):
    client.force_login(setting["member"])
    html = _changes_html(client)
    assert "Agenda published" in html
    assert "Changes of the last 14 days" in html
    assert "first visit" not in html


def test_changes_show_before_and_after_and_link_to_the_place(client, setting):
    meeting, officer = setting["meeting"], setting["officer"]
    item = meeting.items.get(number="1")
    services.update_agenda_item(item=item, title="Children's social care update", by=officer)
    client.force_login(setting["member"])
    html = _changes_html(client)
    assert "Item 1 retitled: “Social care update” → “Children&#x27;s social care update”" in html
    assert f'href="{meeting.get_absolute_url()}#item-{item.pk}"' in html


def test_acknowledging_holds_across_sign_ins(setting):
    meeting, officer, member = setting["meeting"], setting["officer"], setting["member"]
    phone, tablet = Client(), Client()
    phone.force_login(member)
    assert "Agenda published" in _changes_html(phone)
    _seen(phone, meeting)
    assert "Nothing has changed" in _changes_html(phone)
    tablet.force_login(member)  # another device, another session
    assert "Nothing has changed" in _changes_html(tablet)
    services.update_agenda_item(
        item=meeting.items.get(number="1"), title="Social care: the figures", by=officer
    )
    for device in (phone, tablet):
        html = _changes_html(device)
        assert "Item 1 retitled" in html and "Agenda published" not in html
    _seen(tablet, meeting)
    phone.logout()
    phone.force_login(member)
    assert "Nothing has changed" in _changes_html(phone)
    assert ChangeAcknowledgement.objects.filter(user=member, meeting=meeting).count() == 1


def test_a_change_recorded_while_the_member_read_stays_new(client, setting):
    meeting, officer = setting["meeting"], setting["officer"]
    client.force_login(setting["member"])
    shown_up_to = MeetingChange.all_objects.filter(meeting=meeting).latest("pk").pk
    services.update_agenda_item(
        item=meeting.items.get(number="1"), title="Arrived meanwhile", by=officer
    )
    client.post(reverse("my-changes-seen"), {"seen": f"{meeting.pk}:{shown_up_to}"})
    html = _changes_html(client)
    assert "Arrived meanwhile" in html and "Agenda published" not in html


def test_acknowledge_all(client, setting):
    member, officer = setting["member"], setting["officer"]
    second = MeetingFactory(
        committee=setting["meeting"].committee, start=timezone.now() + dt.timedelta(days=40)
    )
    AgendaItemFactory(meeting=second, title="Work programme")
    services.publish_meeting(meeting=second, by=officer, confirm_late=True, confirm_unsigned=True)
    client.force_login(member)
    html = _changes_html(client)
    assert html.count('data-kind="agenda_published"') == 2 and "I've seen them all" in html
    seen = [
        f"{m.pk}:{MeetingChange.all_objects.filter(meeting=m).latest('pk').pk}"
        for m in (setting["meeting"], second)
    ]
    client.post(reverse("my-changes-seen"), {"seen": seen})
    assert "Nothing has changed" in _changes_html(client)


def test_acknowledging_refuses_what_is_not_the_members(client, setting):
    meeting = setting["meeting"]
    assert client.post(reverse("my-changes-seen"), {"seen": f"{meeting.pk}:1"}).status_code == 302
    assert not ChangeAcknowledgement.objects.exists()  # not signed in
    client.force_login(setting["outsider"])
    response = client.post(reverse("my-changes-seen"), {"seen": f"{meeting.pk}:99"}, follow=True)
    assert "No changes were marked as seen" in response.content.decode()
    assert not ChangeAcknowledgement.objects.exists()
    client.force_login(setting["member"])
    response = client.post(reverse("my-changes-seen"), {"seen": "drop table"}, follow=True)
    assert "was not recognised" in response.content.decode()
    assert not ChangeAcknowledgement.objects.exists()
    assert client.get(reverse("my-changes-seen")).status_code == 405


def test_the_csrf_token_is_required(setting):
    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.force_login(setting["member"])
    meeting = setting["meeting"]
    response = csrf_client.post(reverse("my-changes-seen"), {"seen": f"{meeting.pk}:1"})
    assert response.status_code == 403
    assert not ChangeAcknowledgement.objects.exists()


def test_old_changes_of_a_meeting_never_acknowledged_are_not_listed(client, setting):
    MeetingChange.all_objects.update(at=timezone.now() - dt.timedelta(days=15))
    client.force_login(setting["member"])
    html = _changes_html(client)
    assert 'data-kind="agenda_published"' not in html
    assert "Nothing has changed on your committees' meetings" in html


def test_exempt_changes_reach_only_those_who_may_see_the_item(client, setting):
    meeting, officer, exempt = setting["meeting"], setting["officer"], setting["exempt"]
    services.update_agenda_item(item=exempt, title=f"Depot {ITEM_CANARY}", by=officer)
    paper = exempt.documents.get()
    services.update_document(document=paper, title=f"Valuation {PAPER_CANARY}", by=officer)
    services.withdraw_paper(paper=exempt.documents.get(), reason="Wrong file", by=officer)
    # The committee's member sees them, marked members only.
    client.force_login(setting["member"])
    html = _changes_html(client)
    assert ITEM_CANARY in html and PAPER_CANARY in html and "Members only" in html
    # A councillor of another committee sees nothing of them, on any page of theirs.
    client.force_login(setting["outsider"])
    page = client.get(reverse("my-portal")).content.decode()
    assert ITEM_CANARY not in page and PAPER_CANARY not in page
    assert meeting.get_absolute_url() not in page
    response = client.post(
        reverse("my-changes-seen"), {"seen": f"{meeting.pk}:1"}, follow=True
    ).content.decode()
    assert ITEM_CANARY not in response and PAPER_CANARY not in response
    # The public: /my/ asks for sign-in; the change log's public rows hold neither title.
    client.logout()
    assert client.get(reverse("my-portal")).status_code == 302
    public_text = " ".join(
        f"{c.before} {c.after} {c.subject}" for c in MeetingChange.all_objects.public()
    )
    assert ITEM_CANARY not in public_text and PAPER_CANARY not in public_text
    assert PAPER_CANARY not in client.get(meeting.get_absolute_url()).content.decode()


def test_a_member_who_left_the_committee_no_longer_sees_its_changes(client, setting):
    member, meeting = setting["member"], setting["meeting"]
    member.person.memberships.update(end_date=timezone.localdate() - dt.timedelta(days=1))
    client.force_login(member)
    assert meeting.get_absolute_url() not in _changes_html(client)
