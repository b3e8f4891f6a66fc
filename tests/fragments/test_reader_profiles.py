"""Issue 20: signed-in readers' profiles kept between requests (``scrutiny.readers``).

With the fragment cache on, a signed-in reader's user row, permissions, roles, memberships
and the meetings they keep notes on come from one profile in the shared cache, under the
access generation. These tests hold it to the rule that matters: anything that changes what
a reader may see or do counts on the very next request: a membership ended or begun, a role
taken away or given, a password changed, an account switched off, a note added; and a
change saved inside a transaction is counted again when it commits. The signed-in meeting
page makes no query at all once everything it needs is remembered.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.contrib.auth.models import Group
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from meetings import notes
from scrutiny import permissions, readers, services
from scrutiny.auth_backend import PortalModelBackend
from scrutiny.roles import OFFICERS
from tests.factories import MembershipFactory, PersonFactory, make_user
from tests.factories.meetings import (
    AgendaItemFactory,
    DocumentFactory,
    ExemptAgendaItemFactory,
    PublishedMeetingFactory,
)

pytestmark = pytest.mark.django_db
# What differs between two requests by design: the CSRF token (masked anew each time) and
# the seconds left in the session (the sign-out warning's clock).
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"|data-expires-in="\d+"')
CANARY = "READERKINGFISHER7"  # an exempt paper's title: members and officers only


@pytest.fixture(autouse=True)
def _fragments_on(fragments_on):
    yield


@pytest.fixture
def setting():
    meeting = PublishedMeetingFactory()
    item = AgendaItemFactory(meeting=meeting, title="Budget monitoring")
    DocumentFactory(agenda_item=item, title="Budget appendix")
    exempt = ExemptAgendaItemFactory(meeting=meeting, title="Property disposal")
    DocumentFactory(agenda_item=exempt, title=f"Valuation {CANARY}")
    person = PersonFactory(name="Councillor Reader")
    membership = MembershipFactory(
        person=person, committee=meeting.committee, start_date=dt.date(2000, 1, 1)
    )
    member = make_user("councillor", person=person)
    return meeting, item, membership, member


def _page(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_the_signed_in_meeting_page_makes_no_query_once_remembered(client, setting):
    meeting, _, _, member = setting
    client.force_login(member)
    url = meeting.get_absolute_url()
    first = _page(client, url)
    assert CANARY in first
    with CaptureQueriesContext(connection) as ctx:
        second = _page(client, url)
    assert TOKEN.sub("", second) == TOKEN.sub("", first)
    # The session is in the cache (LocMem here, Redis in production) and nothing else is read.
    assert [q["sql"] for q in ctx.captured_queries if "django_session" not in q["sql"]] == []


def test_an_ended_membership_counts_on_the_next_request(client, setting):
    meeting, _, membership, member = setting
    client.force_login(member)
    url = meeting.get_absolute_url()
    assert CANARY in _page(client, url)
    services.end_membership(
        membership=membership, end_date=timezone.localdate() - dt.timedelta(days=1)
    )
    # Ended before the meeting's date too, so neither today nor the meeting day lets them in.
    membership.refresh_from_db()
    membership.end_date = membership.start_date
    membership.save()
    assert CANARY not in _page(client, url)


def test_a_new_membership_counts_on_the_next_request(client, setting):
    meeting, _, _, _ = setting
    person = PersonFactory(name="Councillor Newcomer")
    newcomer = make_user("councillor", person=person)
    client.force_login(newcomer)
    url = meeting.get_absolute_url()
    assert CANARY not in _page(client, url)
    MembershipFactory(person=person, committee=meeting.committee, start_date=dt.date(2000, 1, 1))
    assert CANARY in _page(client, url)


def test_a_role_taken_away_or_given_counts_on_the_next_request(client, setting):
    meeting, *_ = setting
    officer = make_user("officer")
    client.force_login(officer)
    assert client.get(reverse("officer-home")).status_code == 200
    assert CANARY in _page(client, meeting.get_absolute_url())
    officer.groups.remove(Group.objects.get(name=OFFICERS))
    assert client.get(reverse("officer-home")).status_code == 403
    assert CANARY not in _page(client, meeting.get_absolute_url())
    Group.objects.get(name=OFFICERS).user_set.add(officer)  # from the group's side
    assert client.get(reverse("officer-home")).status_code == 200


def test_a_group_losing_a_permission_counts_on_the_next_request(client, setting):
    officer = make_user("officer")
    client.force_login(officer)
    assert client.get(reverse("officer-home")).status_code == 200
    group = Group.objects.get(name=OFFICERS)
    removed = list(group.permissions.filter(codename="manage_business"))
    group.permissions.remove(*removed)
    assert client.get(reverse("officer-home")).status_code == 403
    group.permissions.add(*removed)


def test_a_changed_password_or_a_switched_off_account_signs_out(client, setting):
    meeting, _, _, member = setting
    client.force_login(member)
    url = meeting.get_absolute_url()
    assert CANARY in _page(client, url)
    member.set_password("a new long passphrase 2026")
    member.save()
    page = _page(client, url)
    assert CANARY not in page and "Sign in" in page  # the old session is no longer valid
    client.force_login(member)
    assert CANARY in _page(client, url)
    member.is_active = False
    member.save()
    assert CANARY not in _page(client, url)


def test_a_note_added_shows_on_the_next_request(client, setting):
    meeting, item, _, member = setting
    client.force_login(member)
    url = meeting.get_absolute_url()
    assert "READERNOTE3" not in _page(client, url)
    notes.save_note(author=member, item=item, document=None, text="READERNOTE3 ask about it")
    assert "READERNOTE3" in _page(client, url)


@pytest.mark.django_db(transaction=True)  # real commits
def test_a_change_in_a_transaction_is_counted_again_at_commit(setting):
    meeting, _, membership, member = setting
    with transaction.atomic():
        membership.end_date = membership.start_date
        membership.save()
        during = readers.access_generation()
    # Another process could have built this member's profile from the old rows between the
    # save and the commit, under ``during``: the commit must move the number past it.
    assert readers.access_generation() != during


def test_the_profile_answers_as_the_database_does(setting):
    meeting, _, membership, member = setting
    committee = meeting.committee
    backend = PortalModelBackend()
    cached = backend.get_user(member.pk)
    assert readers.profile_of(cached) is not None
    plain = type(member).objects.get(pk=member.pk)
    days = [None, dt.date(1999, 12, 31), dt.date(2000, 1, 1), timezone.localdate()]
    for on in days:
        assert permissions.can_view_exempt(cached, committee, on) == (
            permissions.can_view_exempt(plain, committee, on)
        )
    assert permissions.is_officer(cached) is permissions.is_officer(plain) is False
    assert permissions.is_administrator(cached) is permissions.is_administrator(plain)
    admin = make_user("admin")
    assert permissions.is_administrator(backend.get_user(admin.pk)) is True
    assert permissions.is_officer(backend.get_user(admin.pk)) is True


def test_an_unpublished_meeting_is_gone_on_the_next_request(client, setting):
    meeting, *_ = setting
    url = meeting.get_absolute_url()
    assert client.get(url).status_code == 200  # remembered for this generation
    meeting.published_at = None
    meeting.save()
    assert client.get(url).status_code == 404


def test_the_shared_header_keeps_each_readers_own_links(client, setting):
    meeting, _, _, member = setting
    url = meeting.get_absolute_url()
    anonymous = _page(client, url)
    assert "Sign in" in anonymous and "Officer pages" not in anonymous
    client.force_login(member)
    page = _page(client, url)
    assert "Sign out" in page and "Officer pages" not in page and "My meetings" in page
    officer = make_user("officer")
    client.force_login(officer)
    assert "Officer pages" in _page(client, url)
    # The sign-out form's token is this session's (it is outside the shared parts).
    client.logout()
    strict = type(client)(enforce_csrf_checks=True)
    strict.force_login(member)
    page = _page(strict, url)
    token = page.split('name="csrfmiddlewaretoken" value="', 1)[1].split('"', 1)[0]
    response = strict.post(reverse("logout"), {"csrfmiddlewaretoken": token})
    assert response.status_code == 302


def test_a_council_name_change_shows_in_the_shared_header(client, setting):
    from scrutiny.council import save_council

    meeting, *_ = setting
    url = meeting.get_absolute_url()
    _page(client, url)
    save_council(by=make_user("admin"), name="Readerford Borough Council")
    assert "Readerford Borough Council" in _page(client, url)
