"""Minutes and resolutions in search, the minutes feed and the API; the CSV downloads."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from xml.etree import ElementTree

from django.urls import reverse

from meetings.minutes import services as minutes_services
from meetings.minutes.models import Minute
from meetings.models import ItemKind
from opendata.models import SearchDocument
from tests.factories import make_user
from tests.factories.meetings import AgendaItemFactory, MeetingFactory
from tests.factories.opendata import CANARY, publish
from tests.factories.performance import KPIFactory, figure, financial_year
from tests.factories.workprogramme import ReviewRecommendationFactory

ATOM = {"a": "http://www.w3.org/2005/Atom"}


def write_minutes(world, capture):
    minutes = minutes_services.start_minutes(meeting=world.meeting)
    public = Minute.objects.get(agenda_item=world.item)
    exempt = Minute.objects.get(agenda_item=world.exempt_item)
    minutes_services.save_minute(
        minute=public,
        text="<p>The panel discussed turnover of agency staff in the assessment teams.</p>",
        resolutions=["That a further update on agency staff be considered in three months."],
        version=public.version,
    )
    minutes_services.save_minute(
        minute=exempt,
        text=f"<p>Agency staff {CANARY} discussed in private.</p>",
        resolutions=[f"That the {CANARY} notice be served."],
        version=exempt.version,
    )
    with capture(execute=True):
        minutes_services.publish_minutes(minutes=minutes)
    return minutes


def test_published_minutes_are_searchable_without_exempt_minutes(
    world, client, django_capture_on_commit_callbacks
):
    minutes_services.start_minutes(meeting=world.meeting)
    # Draft minutes are not public: not indexed.
    assert not SearchDocument.objects.filter(kind__in=["minutes", "resolution"]).exists()
    write_minutes(world, django_capture_on_commit_callbacks)
    kinds = sorted(
        SearchDocument.objects.filter(kind__in=["minutes", "resolution"]).values_list(
            "kind", flat=True
        )
    )
    assert kinds == ["minutes", "resolution"]
    response = client.get(reverse("search"), {"q": "further update", "type": "resolution"})
    [(doc, _)] = response.context["results"]
    assert doc.title.startswith("Resolution 1, Minute")
    assert doc.url.endswith(f"#minute-{Minute.objects.get(agenda_item=world.item).pk}")
    response = client.get(reverse("search"), {"q": "turnover"})
    assert [d.kind for d, _ in response.context["results"]] == ["minutes"]
    assert CANARY not in client.get(reverse("search"), {"q": "agency"}).content.decode()
    for field in ("title", "summary", "body"):
        assert not SearchDocument.objects.filter(**{f"{field}__icontains": CANARY}).exists()


def test_minutes_feed_publication_and_approval(world, client, django_capture_on_commit_callbacks):
    minutes = write_minutes(world, django_capture_on_commit_callbacks)
    root = ElementTree.fromstring(client.get(reverse("minutes-feed")).content)
    titles = [e.find("a:title", ATOM).text for e in root.findall("a:entry", ATOM)]
    assert titles == [f"Minutes published (to be approved): {world.meeting}"]
    later = MeetingFactory(committee=world.committee)
    at_item = AgendaItemFactory(
        meeting=later,
        kind=ItemKind.MINUTES,
        title="Minutes of the previous meeting",
        previous_meeting=world.meeting,
    )
    with django_capture_on_commit_callbacks(execute=True):
        publish(later, make_user("officer"))
        minutes_services.approve_minutes(minutes=minutes, at_item=at_item)
    response = client.get(reverse("committee-minutes-feed", args=["childrens-panel"]))
    root = ElementTree.fromstring(response.content)
    titles = [e.find("a:title", ATOM).text for e in root.findall("a:entry", ATOM)]
    assert titles[0] == f"Minutes approved: {world.meeting}"
    assert len(titles) == 2
    assert CANARY not in response.content.decode()
    other = client.get(reverse("committee-minutes-feed", args=[later.committee.slug]))
    assert other.status_code == 200


def test_api_agenda_item_carries_public_resolutions_only(
    world, client, django_capture_on_commit_callbacks
):
    write_minutes(world, django_capture_on_commit_callbacks)
    item = client.get(reverse("oparl-object", args=["agendaitem", world.item.pk])).json()
    assert item["resolutionText"] == (
        "1) That a further update on agency staff be considered in three months."
    )
    meetings = client.get(reverse("oparl-body-collection", args=[0, "meeting"]))
    assert CANARY not in meetings.content.decode()


def rows(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    body = b"".join(response.streaming_content) if response.streaming else response.content
    text = body.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def test_kpi_csv(client, db):
    periods = financial_year(2016)
    kpi = KPIFactory(reference="KI 397", title="Children seen within 15 days")
    figure(kpi, periods["Q1 2016/17"], target=Decimal("70"), actual=Decimal("65"))
    header, *body = rows(client.get(reverse("kpis-csv")))
    assert header[:3] == ["reference", "title", "service_area"]
    [row] = [r for r in body if r[6] == "Q1 2016/17"]
    assert row[0] == "KI 397" and row[1] == "Children seen within 15 days"
    assert row[header.index("target")] == "70.0000"
    assert row[header.index("actual")] == "65.0000"
    assert row[header.index("rag_status")]  # a status in words, never colour alone


def test_recommendations_csv_and_formula_cells(client, db):
    ReviewRecommendationFactory(number=1, text='=HYPERLINK("http://evil")', theme="Workforce")
    header, row = rows(client.get(reverse("recommendations-csv")))
    assert header[3:7] == ["number", "reference_in_report", "theme", "recommendation"]
    assert row[6] == '\'=HYPERLINK("http://evil")'
    assert row[header.index("implementation_status")] == "Not yet assessed"
    second = client.get(
        reverse("recommendations-csv"),
        HTTP_IF_NONE_MATCH=client.get(reverse("recommendations-csv"))["ETag"],
    )
    assert second.status_code == 304


def test_open_data_page_links_csv_downloads(client, db):
    html = client.get(reverse("open-data")).content.decode()
    for name in ("kpis-csv", "recommendations-csv", "action-tracker-csv"):
        assert reverse(name) in html
