"""Small public findability fixes of issue 16, finding 8: a favicon, a meta description on
every page (specific on committee and meeting pages), and a sitemap for people."""

from __future__ import annotations

import re

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

from tests.factories import CommitteeFactory
from tests.factories.meetings import PublishedMeetingFactory
from tests.query_counts import TARGET, page_queries

pytestmark = pytest.mark.django_db
DESCRIPTION = re.compile(r'<meta name="description" content="([^"]+)">')


def _description(client, url) -> str:
    html = client.get(url).content.decode()
    found = DESCRIPTION.findall(html)
    assert len(found) == 1, url
    return found[0]


def test_every_page_links_a_favicon_that_exists(client):
    html = client.get(reverse("home")).content.decode()
    match = re.search(r'<link rel="icon" href="/static/([^"]+)" type="image/svg\+xml">', html)
    assert match
    path = finders.find(match.group(1))
    assert path and "<svg" in open(path).read()  # noqa: SIM115


def test_meta_description_default_and_specific(client):
    committee = CommitteeFactory(name="Quux Scrutiny Panel", purpose="Scrutinises quux & co.")
    meeting = PublishedMeetingFactory(committee=committee, venue="Room 9")
    assert "committees and scrutiny panels" in _description(client, reverse("home"))
    assert _description(client, committee.get_absolute_url()) == "Scrutinises quux &amp; co."
    meeting_description = _description(client, meeting.get_absolute_url())
    assert meeting_description.startswith("Meeting of the Quux Scrutiny Panel on ")
    assert "Room 9" in meeting_description


def test_footer_sitemap_is_a_page_for_people_and_the_xml_stays(client):
    active = CommitteeFactory(name="Active Panel")
    old = CommitteeFactory(name="Old Panel", is_active=False)
    home = client.get(reverse("home")).content.decode()
    assert f'href="{reverse("sitemap-page")}">Sitemap</a>' in home
    response = client.get(reverse("sitemap-page"))
    assert response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    assert "<h1" in html and active.get_absolute_url() in html
    assert old.get_absolute_url() in html and "(no longer active)" in html
    assert reverse("meeting-calendar") in html and reverse("sitemap") in html
    assert client.get(reverse("sitemap"))["Content-Type"].startswith("application/xml")
    assert page_queries(client, reverse("sitemap-page")) <= TARGET


def test_filtered_people_list_title_and_heading_say_what_is_filtered(client):
    from scrutiny.models import Person
    from tests.factories import PersonFactory

    PersonFactory(party="Labour", ward="Lindley", kind=Person.Kind.COUNCILLOR)
    url = reverse("person-list") + "?party=Labour&ward=Lindley"
    html = client.get(url).content.decode()
    expected = "Councillors and co-optees: Labour, Lindley"
    assert f'<h1 class="govuk-heading-l">{expected}</h1>' in html
    assert f"<title>{expected} – " in html
    plain = client.get(reverse("person-list")).content.decode()
    assert '<h1 class="govuk-heading-l">Councillors and co-optees</h1>' in plain


def test_filtered_action_tracker_title_and_heading_say_what_is_filtered(client):
    url = reverse("action-tracker") + "?status=open&owner=Smith"
    html = client.get(url).content.decode()
    expected = "Actions from committee meetings: Open, Owner: Smith"
    assert f'<h1 class="govuk-heading-l">{expected}</h1>' in html
    assert "<title>Actions: Open, Owner: Smith – " in html
    plain = client.get(reverse("action-tracker")).content.decode()
    assert '<h1 class="govuk-heading-l">Actions from committee meetings</h1>' in plain


def test_narrowed_search_title_and_heading_say_what_is_searched(client):
    committee = CommitteeFactory(name="Quux Panel")
    url = reverse("search") + f"?q=budget&committee={committee.slug}&type=minutes"
    html = client.get(url).content.decode()
    assert (
        '<h1 class="govuk-heading-l">Search results for “budget”: Quux Panel, Minutes</h1>' in html
    )
    assert "<title>budget (Quux Panel, Minutes) – Search committee papers – " in html
    plain = client.get(reverse("search")).content.decode()
    assert '<h1 class="govuk-heading-l">Search committee papers</h1>' in plain
