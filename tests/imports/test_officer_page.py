"""The officer page starts an import as a background task and shows its progress and report;
the imported council's public pages look like hand-entered ones."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from imports.models import ImportRun
from meetings.models import Meeting
from scrutiny.models import Committee, Person
from tests.factories import make_user
from tests.imports.moderngov import generated_site, sample_site, serving

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_client(settings):
    settings.IMPORT_REQUEST_INTERVAL = 0
    settings.IMPORT_BACKOFF = 0.01
    settings.IMPORT_TIMEOUT = 5


@pytest.fixture
def officer_client(client):
    client.force_login(make_user("officer", username="clerk"))
    return client


def test_an_officer_starts_an_import_and_reads_its_report(
    officer_client, django_capture_on_commit_callbacks
):
    site = generated_site(committees=2, meetings=6, restricted_every=3)
    site.failing["doc:700001"] = -1
    with serving(site) as url, django_capture_on_commit_callbacks(execute=True):
        response = officer_client.post(
            reverse("officer-imports"),
            {"site": url, "date_from": "2020-01-01", "date_to": "2030-12-31"},
        )
    assert response.status_code == 302
    run = ImportRun.objects.get()
    assert response["Location"] == reverse("officer-import-detail", args=[run.pk])
    assert (run.status, run.meetings_done, run.meetings_total) == ("done", 6, 6)
    assert run.documents == 5 and run.errors == 1  # the failing paper is not counted
    page = officer_client.get(response["Location"]).content.decode()
    assert re.search(r'id="import-meetings">6 of 6', page)
    assert "document 700001" in page and "HTTP 503" in page
    assert "restricted: papers not imported" in page
    assert "meeting" in page and "6 created" in page
    listing = officer_client.get(reverse("officer-imports")).content.decode()
    assert url in listing and "Finished" in listing
    assert Meeting.all_objects.count() == 6


def test_a_bad_address_is_refused_on_the_form(officer_client):
    response = officer_client.post(
        reverse("officer-imports"),
        {"site": "not a url", "date_from": "2026-02-01", "date_to": "2026-01-01"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Enter a valid URL" in page
    assert "The end date must be on or after the start date." in page
    assert not ImportRun.objects.exists()


def test_others_cannot_start_an_import(client):
    response = client.post(reverse("officer-imports"), {"site": "https://example.org"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    client.force_login(make_user("councillor", username="cllr"))
    assert (
        client.post(reverse("officer-imports"), {"site": "https://example.org"}).status_code == 403
    )
    assert not ImportRun.objects.exists()


def test_imported_public_pages_look_like_hand_entered_ones(client):
    with serving(sample_site()) as url:
        from django.core.management import call_command

        call_command(
            "import_moderngov", url, "--from", "2026-01-01", "--to", "2026-02-28", "--no-progress"
        )
    audit = Committee.objects.get(name="Audit Committee")
    page = client.get(audit.get_absolute_url())
    assert page.status_code == 200
    held = Meeting.objects.get(committee=audit, status="held")
    meeting_page = client.get(f"/meetings/{held.pk}/").content.decode()
    assert "Work Programme" in meeting_page and "DRAFT WP  FEBRUARY 2026" in meeting_page
    assert "The Committee considered a report" in meeting_page or "/minutes/" in meeting_page
    minutes = client.get(f"/meetings/{held.pk}/minutes/")
    assert minutes.status_code == 200
    assert "The Committee considered a report" in minutes.content.decode()
    assert "MsoNormal" not in minutes.content.decode()
    # ModernGov never published the cancelled meeting's agenda (no items): like a hand-entered
    # meeting cancelled before publication, the public does not see it.
    cancelled = Meeting.all_objects.get(committee=audit, status="cancelled")
    assert client.get(f"/meetings/{cancelled.pk}/").status_code == 404
    curley = Person.objects.get(name="Basil Curley")
    person_page = client.get(curley.get_absolute_url()).content.decode()
    assert "Audit Committee" in person_page and "Charlestown" in person_page


def test_a_run_whose_worker_was_killed_says_so_and_how_to_carry_on(officer_client):
    import datetime as dt

    from django.utils import timezone

    long_ago = timezone.now() - dt.timedelta(minutes=30)
    run = ImportRun.objects.create(
        site="https://democracy.example.gov.uk",
        status="running",
        started_at=long_ago,
        progress_at=long_ago,
        meetings_total=10,
        meetings_done=4,
    )
    page = officer_client.get(reverse("officer-import-detail", args=[run.pk])).content.decode()
    assert "its worker has probably stopped" in page and "4 of 10" in page
    run.progress_at = timezone.now()
    run.save()
    page = officer_client.get(reverse("officer-import-detail", args=[run.pk])).content.decode()
    assert "its worker has probably stopped" not in page


def test_a_finished_run_can_be_run_again_from_its_page(
    officer_client, django_capture_on_commit_callbacks
):
    """Attack 22: a finished run's page was a dead end (the address typed again to re-run)."""
    site = generated_site(committees=1, meetings=3, restricted_every=0)
    with serving(site) as url:
        with django_capture_on_commit_callbacks(execute=True):
            first = officer_client.post(
                reverse("officer-imports"),
                {"site": url, "date_from": "2020-01-01", "date_to": "2030-12-31", "dry_run": "on"},
            )
        page = officer_client.get(first["Location"]).content.decode()
        form = re.search(r'<form method="post" action="([^"]+)" novalidate id="import-ag', page)
        assert form and "Import it for real" in page and "Dry run again" in page
        fields = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)">', page))
        fields.pop("csrfmiddlewaretoken", None)
        assert fields == {"site": url, "date_from": "2020-01-01", "date_to": "2030-12-31"}
        assert not Meeting.all_objects.exists()  # a dry run saves nothing
        with django_capture_on_commit_callbacks(execute=True):
            again = officer_client.post(form.group(1), fields)
        real = ImportRun.objects.latest("pk")
        assert again["Location"] == reverse("officer-import-detail", args=[real.pk])
        real.refresh_from_db()
        assert (real.dry_run, real.status, real.meetings_done) == (False, "done", 3)
        page = officer_client.get(again["Location"]).content.decode()
        assert "Run this import again" in page
    assert Meeting.all_objects.count() == 3


def test_the_report_links_a_record_edited_here_to_its_history(
    officer_client, django_capture_on_commit_callbacks
):
    """An officer reading "was edited here since the import" can open that record's
    history, to see who changed it and when; a skip with no record here has no link."""
    from meetings import services as meeting_services
    from meetings.models import AgendaItem

    site = generated_site(committees=1, meetings=3, restricted_every=2)
    form = {"site": "", "date_from": "2020-01-01", "date_to": "2030-12-31"}
    with serving(site) as url:
        with django_capture_on_commit_callbacks(execute=True):
            officer_client.post(reverse("officer-imports"), {**form, "site": url})
        item = AgendaItem.all_objects.get(title="Budget monitoring report 1")
        clerk = make_user("officer", username="second-clerk")
        meeting_services.update_agenda_item(
            item=item, title="Budget monitoring (corrected by the clerk)", by=clerk
        )
        site.meeting["20001"] = site.meeting["20001"].replace(
            b"Budget monitoring report 1", b"Budget monitoring report one"
        )
        with django_capture_on_commit_callbacks(execute=True):
            response = officer_client.post(reverse("officer-imports"), {**form, "site": url})
    page = officer_client.get(response["Location"]).content.decode()
    skipped = page[page.index('id="import-skipped"') :]
    skipped = skipped[: skipped.index("</ul>")]
    edited = [li for li in skipped.split("<li>") if "was edited here" in li]
    assert edited, skipped
    link = re.search(r'href="([^"]+)">history of (\w+) (\w+)</a>', edited[0])
    assert link is not None, edited[0]
    history = officer_client.get(link.group(1))
    assert history.status_code == 200
    assert "Budget monitoring (corrected by the clerk)" in history.content.decode()
    restricted = [li for li in skipped.split("<li>") if "restricted: papers not imported" in li]
    assert restricted and all("history of" not in li for li in restricted)
