"""Real-browser journeys: an officer builds and publishes an agenda, the public finds it,
opens the paper in the browser and downloads it; axe-core finds no WCAG A/AA violations on
the meetings pages."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

import pytest
from django.utils import timezone

from conftest import fill_date, login
from tests.factories import CommitteeFactory, MembershipFactory, PersonFactory, make_user
from tests.factories.meetings import make_pdf_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_officer_builds_and_publishes_public_finds_and_downloads(page, browser, live_server):
    committee = CommitteeFactory(name="Children's Scrutiny Panel", slug="csp-journey")
    make_user("officer", username="journey-officer")
    start = timezone.localdate() + dt.timedelta(days=21)

    login(page, "journey-officer")
    page.goto("/officer/meetings/")
    page.get_by_role("link", name="Create a meeting").click()
    page.select_option("#id_committee", label="Children's Scrutiny Panel")
    fill_date(page, "start", f"{start:%Y-%m-%d}T10:00")
    page.fill("#id_venue", "Meeting Room 4 - Town Hall, Huddersfield")
    page.get_by_role("button", name="Save").click()
    assert "standard opening items" in page.content()

    page.get_by_role("link", name="Add an agenda item").click()
    page.fill("#id_title", "PSHE / Prevent in Schools")
    page.fill("#id_description", "To receive a report relating to the teaching of PSHE.")
    page.get_by_role("button", name="Save").click()
    assert "PSHE / Prevent in Schools" in page.content()

    page.get_by_role("link", name="Upload a file to item 7").click()
    page.fill("#id_title", "Prevent in schools report")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "Prevent report.pdf"
        path.write_bytes(make_pdf_bytes(3, "Prevent report"))
        page.set_input_files("#id_uploaded_file", str(path))
        page.get_by_role("button", name="Upload").click()
    assert "Uploaded Prevent in schools report (3 pages)" in page.content()

    page.get_by_role("link", name="Publish the agenda").first.click()
    page.get_by_role("button", name="Publish the agenda").click()
    assert "The agenda is published" in page.content()

    # A member of the public, not signed in.
    context = browser.new_context(base_url=live_server.url, accept_downloads=True)
    public = context.new_page()
    public.goto("/")
    public.get_by_role("link", name="Meetings", exact=True).first.click()
    public.get_by_role("link", name=f"{start:%A} {start.day} {start:%B %Y}").first.click()
    assert "PSHE / Prevent in Schools" in public.content()
    assert "Agenda published" in public.content()
    # The paper opens in the browser (issue 23: a phone downloaded it instead)...
    with public.expect_response(lambda r: "/documents/" in r.url) as opened:
        public.get_by_role("link", name="Prevent in schools report", exact=True).click()
    paper = opened.value
    assert paper.status == 200 and paper.headers["content-type"] == "application/pdf"
    assert paper.headers["content-disposition"].startswith("inline")
    assert "sandbox" not in paper.headers["content-security-policy"]
    assert "/documents/" in public.url
    public.go_back()
    # ...and "Download" beside it saves it, named for the meeting's date and the paper.
    with public.expect_download() as info:
        public.get_by_role("link", name="Download Prevent in schools report (PDF)").click()
    download = info.value
    assert download.suggested_filename == f"{start:%Y-%m-%d}-prevent-in-schools-report.pdf"
    assert Path(download.path()).read_bytes().startswith(b"%PDF")
    context.close()
    assert committee.meetings.count() == 1


def test_meetings_pages_pass_axe(page, axe):
    from django.core.management import call_command

    call_command("load_demo_data", stdout=open("/dev/null", "w"))  # noqa: SIM115
    from meetings.models import Meeting, Report

    october = Meeting.objects.get(
        committee__slug="childrens-scrutiny-panel", start__date="2017-10-09"
    )
    february = Meeting.objects.get(
        committee__slug="corporate-parenting-board", start__date="2017-02-20"
    )
    report = Report.objects.filter(source="authored").first()
    public = [
        "/meetings/",
        "/meetings/?committee=childrens-scrutiny-panel&year=2017%2F18",
        october.get_absolute_url(),
        february.get_absolute_url(),
        report.get_absolute_url(),
        "/committees/childrens-scrutiny-panel/meetings/",
    ]
    failures = {}
    for url in public:
        page.goto(url)
        if violations := axe(page):
            failures[url] = violations
    login(page, "cllr.hill", "councillor-demo-2017")
    for url in ["/my/", february.get_absolute_url()]:
        page.goto(url)
        if violations := axe(page):
            failures["member " + url] = violations
    assert failures == {}


def test_officer_pages_pass_axe(page, axe):
    committee = CommitteeFactory()
    MembershipFactory(committee=committee, person=PersonFactory())
    make_user("officer", username="axe-officer")
    login(page, "axe-officer")
    page.goto("/officer/meetings/add/")
    page.select_option("#id_committee", label=committee.name)
    fill_date(page, "start", "2030-01-14T10:00")
    page.get_by_role("button", name="Save").click()
    meeting_url = page.url
    failures = {}
    for url in [
        meeting_url,
        "/officer/meetings/",
        meeting_url + "publish/",
        meeting_url + "items/add/",
        meeting_url + "preview/public/",
    ]:
        page.goto(url)
        if violations := axe(page):
            failures[url] = violations
    page.goto(meeting_url)
    page.get_by_role("link", name="Write a report for item 1").click()
    if violations := axe(page):
        failures["report form"] = violations
    assert failures == {}
