"""Issue 15's "Done means": a whole realistic agenda pack entered through the officer pages
only, in a real browser, counting every form submission (every POST the page makes, fetch
moves included): ≤ 35.

The council starts with a Children's Scrutiny Panel and last year's membership (factories, not
the demo data, and a later year than the demo). The officer then:
1. adds the new municipal year and sets its membership (copy, end, add with a new person);
2. enters the previous meeting after the fact (real despatch date), its attendance register
   and its minutes, and publishes them;
3. creates the new meeting with the standard items, adds several items at once, moves one;
4. uploads a Word paper (converted by the real worker and LibreOffice) and a PDF paper;
5. adds one exempt item (Schedule 12A paragraph 3) whose private description has a canary;
6. publishes the agenda: the minutes item carries the previous minutes by itself;
7. approves the previous minutes at the new meeting;
8. as the public, downloads the pack and reads it back; the canary is nowhere.
The count and the time are printed (the time is not asserted)."""

from __future__ import annotations

import datetime as dt
import io
import re
import tempfile
import time
from pathlib import Path

import pikepdf
import pypdf
import pytest
from django.utils import timezone

from conftest import fill_date, login
from scrutiny.models import MunicipalYear
from tests.factories import CommitteeFactory, MembershipFactory, PersonFactory, make_user
from tests.factories.meetings import make_pdf_bytes
from tests.meetings.test_browser_conversion import DATABASE_BACKEND, run_worker
from tests.meetings.test_conversion import make_docx

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CANARY = "PERIWINKLE-CANARY-7731"
SUBMISSION_LIMIT = 35

BUSINESS_ITEMS = [
    (
        "Children's Services Improvement Plan – Progress Update",
        "To consider progress against the improvement plan following the Ofsted inspection.",
    ),
    (
        "Special Educational Needs and Disabilities (SEND) – Written Statement of Action",
        "To receive an update on the written statement of action.",
    ),
    (
        "Budget Monitoring Quarter 2",
        "To consider the financial position of Children's Services at quarter 2.",
    ),
]
EXEMPT_TITLE = "Residential Children's Homes – Placement Contract Award"


def year_start(day: dt.date) -> dt.date:
    """The first day (20 May) of the municipal year holding ``day``."""
    start = dt.date(day.year, 5, 20)
    return start if day >= start else dt.date(day.year - 1, 5, 20)


def weekday(day: dt.date) -> dt.date:
    """The Tuesday on or after ``day`` (panels meet on weekdays)."""
    return day + dt.timedelta(days=(1 - day.weekday()) % 7)


class Journey:
    """Counts the page's POSTs, step by step."""

    def __init__(self, page):
        self.page = page
        self.posts: list[str] = []  # "<resource type> <url>" of every POST
        self.steps: list[tuple[str, int]] = []
        self._mark = 0
        page.on(
            "request",
            lambda r: r.method == "POST" and self.posts.append(f"{r.resource_type} {r.url}"),
        )

    def step_done(self, name: str) -> None:
        self.steps.append((name, len(self.posts) - self._mark))
        self._mark = len(self.posts)

    def click(self, role: str, name: str, *, exact: bool = False, scope=None) -> None:
        (scope or self.page).get_by_role(role, name=name, exact=exact).first.click()
        self.page.wait_for_load_state()

    def ok(self) -> str:
        """The page after a submission: no server error, no error summary."""
        content = self.page.content()
        assert "Server Error" not in content
        assert "There is a problem" not in content, self.page.locator("main").inner_text()
        return content


def upload(journey: Journey, item_number: int, title: str, name: str, data: bytes, report: bool):
    page = journey.page
    journey.click("link", f"Upload a file to item {item_number}")
    page.get_by_label("Title").fill(title)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / name
        path.write_bytes(data)
        page.get_by_label("File", exact=True).set_input_files(str(path))
        if report:
            page.get_by_label("This file is the report itself").check()
        journey.click("button", "Upload", exact=True)
    journey.ok()


def test_officer_enters_a_whole_agenda_pack_in_at_most_35_submissions(page, settings):
    settings.TASKS = DATABASE_BACKEND
    today = timezone.localdate()
    new_day = weekday(today + dt.timedelta(days=28))
    previous_day = weekday(today - dt.timedelta(days=42))
    start = year_start(new_day)
    end = dt.date(start.year + 1, 5, 19)
    last_start = dt.date(start.year - 1, 5, 20)
    new_year_name = MunicipalYear.label_for(start)

    # The council as it stands: the panel, last year's municipal year and membership, left open.
    panel = CommitteeFactory(name="Children's Scrutiny Panel", slug="childrens-scrutiny-panel")
    last_year = MunicipalYear.objects.create(
        name=MunicipalYear.label_for(last_start),
        start_date=last_start,
        end_date=start - dt.timedelta(days=1),
    )
    names = [
        ("Chair", "Harriet Ollerenshaw"),
        ("Vice-chair", "Tariq Mahmood"),
        ("Member", "Glenys Armitage"),
        ("Member", "Rhys Pendleton"),
        ("Member", "Sunita Bhatti"),
        ("Member", "Declan Firth"),
        ("Member", "Maureen Haigh"),
    ]
    members = {}
    for role, name in names:
        person = PersonFactory(name=name)
        members[name] = person
        MembershipFactory(
            person=person,
            committee=panel,
            role=role.lower().replace("-", "_"),
            start_date=last_start,
        )
    joining = PersonFactory(name="Bernadette Lockwood")
    make_user("officer", username="democracy-officer")

    login(page, "democracy-officer")  # the first sign-in is not counted
    journey = Journey(page)
    began = time.monotonic()
    page.goto("/officer/")

    # 1. The new municipal year and its membership.
    journey.click("link", "Municipal years")
    journey.click("link", "Add a municipal year")
    page.get_by_label("Name").fill(new_year_name)
    fill_date(page, "start_date", start.isoformat())
    fill_date(page, "end_date", end.isoformat())
    journey.click("button", "Save")
    journey.ok()
    journey.click("link", f"Memberships for {new_year_name}")
    journey.click("link", "Children's Scrutiny Panel")
    journey.click("button", f"Copy {last_year.name}'s membership")
    assert "Copied 7 memberships" in journey.ok()
    # Declan Firth left at the annual meeting: copied by mistake.
    page.get_by_label(f"End the membership of {members['Declan Firth'].display_name}").last.check()
    journey.click("button", "Remove the ticked memberships (entered by mistake)")
    journey.ok()
    # Maureen Haigh stood down in the autumn.
    haigh = members["Maureen Haigh"].display_name
    page.get_by_label(f"End the membership of {haigh}").last.check()
    # A GOV.UK date input: Day, Month and Year boxes in a group named for the person.
    left_on = (
        previous_day - dt.timedelta(days=60)
        if previous_day - dt.timedelta(days=60) > start
        else start + dt.timedelta(days=1)
    )
    end_date = page.get_by_role("group", name=f"End date for {haigh}").last
    end_date.get_by_label("Day").fill(str(left_on.day))
    end_date.get_by_label("Month").fill(str(left_on.month))
    end_date.get_by_label("Year").fill(str(left_on.year))
    journey.click("button", "End the ticked memberships")
    journey.ok()
    # Two join: one already in the portal, one new co-optee.
    page.get_by_label("Person, row 1").select_option(label=joining.display_name)
    page.get_by_label("Role, row 1").select_option(label="Member")
    new_person = page.get_by_role("group", name="New person 1")
    new_person.get_by_label("Name").fill("Canon Philip Ackroyd")
    new_person.get_by_label("Councillor or co-optee").select_option(label="Co-optee")
    new_person.get_by_label("Role").select_option(label="Co-optee")
    journey.click("button", "Add members")
    assert "Added 2 members" in journey.ok()
    journey.step_done("New municipal year and its membership")

    # 2. The previous meeting, entered after the fact.
    page.goto("/officer/")
    journey.click("link", "Meetings and agendas")
    journey.click("link", "Create a meeting")
    page.get_by_label("Committee", exact=True).select_option(label="Children's Scrutiny Panel")
    fill_date(page, "start", f"{previous_day.isoformat()}T10:00")
    page.get_by_label("Venue").fill("Council Chamber - Town Hall, Huddersfield")
    journey.click("button", "Save")
    journey.ok()
    journey.click("link", "Add several items")
    page.get_by_label("Or paste titles, one per line").fill(
        "Children's Social Care Annual Complaints Report\nWork Programme"
    )
    journey.click("button", "Add the items")
    journey.ok()
    journey.click("link", "Publish the agenda")
    despatched = previous_day - dt.timedelta(days=9)
    fill_date(page, "despatched_on", despatched.isoformat())
    journey.click("button", "Publish the agenda")
    journey.ok()
    assert f"{despatched.day} {despatched:%B %Y}" in page.locator("main").inner_text()
    journey.click("link", "Attendance register")
    page.get_by_label(f"Apologies – {members['Rhys Pendleton'].display_name}").check()
    page.get_by_label("Paste others in attendance").fill(
        "Mark Hooper – Strategic Director, Children and Families\n"
        "Elaine McShane – Service Director, Family Support and Child Protection\n"
        "Richard Dunne – Principal Governance and Democratic Engagement Officer"
    )
    journey.click("button", "Save the register")
    journey.ok()
    journey.click("link", "Take or edit the minutes")
    journey.click("link", "Children's Social Care Annual Complaints Report")
    page.locator("form textarea").first.fill(
        "The Panel received the annual report on complaints about children's social care."
    )
    journey.click("button", "Save", exact=True)
    journey.ok()
    journey.click("link", "All items and attendance")
    journey.click("button", "Publish the draft minutes")
    journey.ok()
    journey.step_done("Previous meeting: agenda with despatch date, register, minutes published")

    # 3. The new meeting with the standard items; several items at once; one moved.
    page.goto("/officer/")
    journey.click("link", "Meetings and agendas")
    journey.click("link", "Create a meeting")
    page.get_by_label("Committee", exact=True).select_option(label="Children's Scrutiny Panel")
    fill_date(page, "start", f"{new_day.isoformat()}T10:00")
    page.get_by_label("Venue").fill("Council Chamber - Town Hall, Huddersfield")
    page.get_by_label("The committee's standard opening items").check()
    journey.click("button", "Save")
    journey.ok()
    journey.click("link", "Add several items")
    for n, (title, description) in enumerate(BUSINESS_ITEMS, start=1):
        row = page.get_by_role("group", name=f"New item {n}")
        row.get_by_label("Title").fill(title)
        row.get_by_label("Description").fill(description)
    journey.click("button", "Add the items")
    journey.ok()
    # Budget monitoring goes above the SEND item.
    budget = BUSINESS_ITEMS[2][0]
    page.get_by_role("button", name=re.compile(f"Up.*{re.escape(budget)}")).click()
    page.get_by_role("status").get_by_text(f"“{budget}” is now item 8").wait_for()
    assert journey.posts[-1].startswith("fetch "), journey.posts[-1]  # no page reload
    journey.step_done("New meeting: standard items, three items at once, one moved")

    # 4. A Word paper and a PDF paper.
    upload(
        journey,
        7,
        "Improvement Plan progress report",
        "Improvement plan progress.docx",
        make_docx("Improvement plan progress", "Early help hubs"),
        report=True,
    )
    upload(
        journey,
        8,
        "Appendix A – Budget monitoring Quarter 2",
        "budget-q2.pdf",
        make_pdf_bytes(pages=2, text="High needs block overspend"),
        report=False,
    )
    run_worker()  # the background worker converts the Word file
    page.reload()
    row = page.locator("[id^=item-]").filter(has_text="Improvement plan progress.docx")
    assert row.get_by_text("converted", exact=True).is_visible(), row.inner_text()
    assert row.get_by_role("link", name="Improvement Plan progress report", exact=True).is_visible()
    journey.step_done("Word and PDF papers uploaded; Word converted by the worker")

    # 5. The exempt item.
    journey.click("link", "Add an agenda item")
    page.get_by_label("Title").fill(EXEMPT_TITLE)
    page.get_by_label("Description").fill(
        f"Tender evaluation scores and prices of the bidders ({CANARY})."
    )
    page.get_by_label("Exempt: the public will be excluded for this item").check()
    page.get_by_label("Schedule 12A paragraph").select_option(value="3")
    page.get_by_label("Reasons the item is exempt (shown publicly)").fill(
        "The report contains information about the financial or business affairs of the "
        "bidders; the public interest in keeping it exempt outweighs that in disclosing it."
    )
    journey.click("button", "Save")
    journey.ok()
    journey.step_done("Exempt item with Schedule 12A paragraph 3")

    # 6. Publication; the minutes item carries the previous minutes.
    officer_page = page.content()
    assert f"Minutes of {previous_day.day} {previous_day:%B %Y} (attached automatically)" in (
        officer_page
    )
    journey.click("link", "Publish the agenda")
    journey.click("button", "Publish the agenda")
    assert "The agenda is published" in journey.ok()
    journey.step_done("Agenda published")

    # 7. The previous minutes approved at the new meeting.
    page.get_by_role("button", name="Start the minutes").click()
    page.wait_for_load_state()
    journey.ok()
    journey.click("link", "Minutes of the Previous Meeting")
    journey.click("button", "Approve the minutes")
    assert "correct record" in journey.ok()
    journey.step_done("Previous minutes approved")
    run_worker()  # the packs are built (and rebuilt after the approval)

    elapsed = time.monotonic() - began
    total = len(journey.posts)
    print(f"\nOfficer journey: {total} form submissions in {elapsed:.0f} seconds")
    for n, (name, count) in enumerate(journey.steps, start=1):
        print(f"  {n}. {name}: {count}")

    # 8. The public: the meeting page and the pack.
    page.context.clear_cookies()
    page.goto("/officer/")  # an officer page now asks to sign in
    assert "/accounts/login/" in page.url
    page.goto("/")
    page.get_by_role("link", name="Children's Scrutiny Panel").first.click()
    page.wait_for_load_state()
    journey.click("link", "Meetings of the Children's Scrutiny Panel")
    page.get_by_role("link", name=re.compile(f"{new_day.day} {new_day:%B %Y}")).first.click()
    page.wait_for_load_state()
    journey_meeting_url = page.url
    public_html = page.content()
    assert CANARY not in public_html
    assert EXEMPT_TITLE in public_html
    link = page.get_by_role("link", name="Download the agenda pack")
    pack_href = link.get_attribute("href")
    page.go_back()
    # The previous meeting reads true: published on its real despatch date.
    page.get_by_role("link", name=re.compile(f"{previous_day.day} {previous_day:%B %Y}")).click()
    page.wait_for_load_state()
    assert (
        f"Published on {despatched:%A} {despatched.day} {despatched:%B %Y} "
        f"(entered on this site on {today.day} {today:%B %Y})"
    ) in page.locator("main").inner_text()
    assert "Published late" not in page.content()
    assert CANARY not in page.content()
    response = page.request.get(pack_href)
    assert response.status == 200, journey_meeting_url
    body = response.body()
    reader = pypdf.PdfReader(io.BytesIO(body))
    pages = [p.extract_text() for p in reader.pages]
    text = " ".join(" ".join(pages).split())
    for title in [
        "Membership of the Committee",
        "Minutes of the Previous Meeting",
        "Interests",
        "Admission of the Public",
        "Deputations/Petitions",
        "Public Question Time",
        *[t for t, _ in BUSINESS_ITEMS],
        EXEMPT_TITLE,
    ]:
        assert " ".join(title.split()) in text, title
    assert "Early help hubs" in text  # the Word paper
    assert "High needs block overspend" in text  # the PDF paper
    assert "Children's Social Care Annual Complaints Report" in text  # the previous minutes
    assert "correct record" in text  # reprinted as approved
    assert CANARY not in text
    with pikepdf.open(io.BytesIO(body)) as pdf:
        assert CANARY.encode() not in b"".join(
            o.read_bytes() for o in pdf.objects if isinstance(o, pikepdf.Stream)
        )
    stamps = [re.findall(r"Page (\d+)\s*$", t.strip()) for t in pages]
    assert all(stamps), "every page is stamped"

    def titles(outline):
        for entry in outline:
            yield from titles(entry) if isinstance(entry, list) else [entry.title]

    bookmarks = list(titles(reader.outline))
    assert bookmarks[0] == "Notice of meeting and agenda"
    for mark in [
        "2. Minutes of the Previous Meeting",
        f"Minutes of the meeting held on {previous_day.day} {previous_day:%B %Y} – approved",
        f"7. {BUSINESS_ITEMS[0][0]}",
        "Improvement Plan progress report",
        f"8. {BUSINESS_ITEMS[2][0]}",  # moved up from 9
        "Appendix A – Budget monitoring Quarter 2",
        f"10. {EXEMPT_TITLE}",
    ]:
        assert mark in bookmarks, (mark, bookmarks)
    assert total <= SUBMISSION_LIMIT, journey.posts
