"""The accessibility statement (issue 16 finding 6): the GOV.UK model's sections, a compliance
status that follows what is known, and nothing in it that the tests do not know to be true.

- every ``KNOWN_ISSUES`` entry has a probe here that still reproduces it, and a probe that
  reproduces an issue not listed fails (the registry is kept honest both ways);
- every automated check the statement names is a test that exists;
- the paper figures come from ``manage.py accessibility_audit`` over public papers only;
- the panels of ``accessibility_statement_panels`` appear; an exempt paper's title never does.
"""

from __future__ import annotations

import ast
import datetime as dt
import io
import re
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.urls import reverse

from scrutiny import accessibility
from scrutiny.extensions import accessibility_statement_panels
from scrutiny.models import AccessibilityAudit
from scrutiny.pdfcheck import check_pdf
from scrutiny.printing import render_pdf
from tests.factories import make_user
from tests.factories.meetings import (
    AgendaItemFactory,
    DocumentFactory,
    ExemptAgendaItemFactory,
    MeetingFactory,
    PublishedMeetingFactory,
)
from tests.factories.packs import CANARY

pytestmark = pytest.mark.django_db

REPO = Path(__file__).resolve().parents[2]

MODEL_SECTIONS = (
    "Accessibility statement for",
    "How accessible this website is",
    "What to do if you cannot access parts of this website",
    "Reporting accessibility problems with this website",
    "Enforcement procedure",
    "Technical information about this website",
    "Compliance status",
    "Non-accessible content",
    "Non-compliance with the accessibility regulations",
    "Disproportionate burden",
    "Content that's not within the scope of the accessibility regulations",
    "What we're doing to improve accessibility",
    "Preparation of this accessibility statement",
)


def statement(client) -> str:
    response = client.get(reverse("accessibility"))
    assert response.status_code == 200
    return response.content.decode()


def text_of(html: str) -> str:
    """The page's words with tags removed and whitespace folded (apostrophes unescaped)."""
    words = re.sub(r"<[^>]+>", " ", html).replace("&#x27;", "'").replace("&#39;", "'")
    return re.sub(r"\s+", " ", words)


def tagged_pdf(title: str) -> bytes:
    return render_pdf(
        "meetings/print/demo_document.html",
        {
            "committee_name": "Test panel",
            "meeting_date": dt.date(2025, 1, 1),
            "sections": [("Summary", ["A tagged paragraph.", "- a list item"])],
        },
        title=title,
    )


def published_meeting(year: int):
    return PublishedMeetingFactory(start=dt.datetime(year, 3, 4, 10, 0, tzinfo=dt.UTC))


# --- probes: each reproduces one known issue; True while the issue is still there ----------


def probe_pack_drops_upload_tags(client) -> bool:
    from tests.packs.helpers import ok_build, pack

    data = tagged_pdf("Tagged upload")
    assert check_pdf(data).ok, "the probe's upload must itself be tagged"
    item = AgendaItemFactory(meeting=published_meeting(2025), title="Tagged paper item")
    DocumentFactory(
        agenda_item=item,
        title="Tagged upload",
        file=ContentFile(data, name="tagged.pdf"),
        page_count=check_pdf(data).pages,
    )
    ok_build(item.meeting)
    built = pack(item.meeting)
    with built.storage.open(built.file_name, "rb") as handle:
        return bool(check_pdf(handle.read()).untagged_pages)


def probe_officer_session_ends_without_warning(client) -> bool:
    """No officer page says anything about the session ending (no warning, no extend)."""
    client.force_login(make_user("officer", username="probe-session"))
    html = client.get(reverse("officer-home")).content.decode()
    return not re.search(r"session[^<]{0,120}(end|expir|time|extend)", html, re.I | re.S)


def probe_officer_native_date_time_inputs(client) -> bool:
    client.force_login(make_user("officer", username="probe-dates"))
    html = client.get(reverse("officer-meeting-add")).content.decode()
    return 'type="datetime-local"' in html


def probe_native_date_inputs_in_search_and_membership_rows(client) -> bool:
    """The browser's own date input on the search page or the year membership page (a row's
    end date, the "add members" rows)."""
    from tests.factories import CommitteeFactory, MembershipFactory, MunicipalYearFactory

    year = MunicipalYearFactory(
        name="2030/31", start_date=dt.date(2030, 5, 21), end_date=dt.date(2031, 5, 19)
    )
    committee = CommitteeFactory(slug="probe-dates-panel")
    MembershipFactory(committee=committee, start_date=year.start_date)
    pages = [client.get(reverse("search"))]
    client.force_login(make_user("officer", username="probe-membership-dates"))
    pages.append(
        client.get(
            reverse("officer-year-members", kwargs={"slug": committee.slug, "year": year.pk})
        )
    )
    assert all(page.status_code == 200 for page in pages)
    native = re.compile(r"""type=["']?(date|datetime-local)\b""")
    return any(native.search(page.content.decode()) for page in pages)


PROBES = {
    "native-date-inputs-in-search-and-membership-rows": (
        probe_native_date_inputs_in_search_and_membership_rows
    ),
    "pack-drops-upload-tags": probe_pack_drops_upload_tags,
    "officer-session-ends-without-warning": probe_officer_session_ends_without_warning,
    "officer-native-date-time-inputs": probe_officer_native_date_time_inputs,
}


def test_every_known_issue_has_a_probe():
    keys = [issue.key for issue in accessibility.KNOWN_ISSUES]
    assert len(keys) == len(set(keys))
    assert set(keys) <= set(PROBES), (
        f"Known issues without a probe in this file: {set(keys) - set(PROBES)}"
    )


@pytest.mark.parametrize("key", sorted(PROBES))
def test_the_registry_lists_exactly_the_issues_that_still_reproduce(key, client):
    listed = key in {issue.key for issue in accessibility.KNOWN_ISSUES}
    reproduces = PROBES[key](client)
    if listed:
        assert reproduces, (
            f"{key} no longer reproduces: it is fixed, so remove it from "
            "scrutiny/accessibility.py KNOWN_ISSUES (keep its probe here: it then guards "
            "against the issue coming back unlisted)."
        )
    else:
        assert not reproduces, f"{key} reproduces but the accessibility statement omits it."


def test_every_automated_check_names_a_test_that_exists():
    for check in accessibility.AUTOMATED_CHECKS:
        path, name = check.test.split("::")
        tree = ast.parse((REPO / path).read_text())
        names = {node.name for node in ast.walk(tree) if isinstance(node, ast.FunctionDef)}
        assert name in names, f"{check.test} is named by the statement but does not exist"


def test_dates_are_stored_and_shown_not_today(client, monkeypatch):
    assert accessibility.STATEMENT_PREPARED <= accessibility.STATEMENT_REVIEWED
    monkeypatch.setattr(accessibility, "STATEMENT_PREPARED", dt.date(2024, 2, 3))
    monkeypatch.setattr(accessibility, "STATEMENT_REVIEWED", dt.date(2025, 4, 5))
    words = text_of(statement(client))
    assert "This statement was prepared on 3 February 2024." in words
    assert "It was last reviewed on 5 April 2025." in words


# --- the statement itself -------------------------------------------------------------


def test_the_statement_has_every_section_of_the_model(client):
    words = text_of(statement(client))
    for heading in MODEL_SECTIONS:
        assert heading in words, heading
    assert "Equality and Human Rights Commission (EHRC)" in words
    assert "Equality Advisory and Support Service (EASS)" in words
    assert "is committed to making its website accessible, in accordance with the" in words
    for check in accessibility.AUTOMATED_CHECKS:
        assert check.what in words
    for issue in accessibility.KNOWN_ISSUES:
        assert issue.affected in words
        for criterion in issue.criteria:
            assert criterion in words


def test_another_format_is_asked_for_with_the_council_contact_and_a_response_time(client):
    from scrutiny.models import Council

    Council.objects.create(
        name="Testshire Council", email="democracy@test.gov.uk", phone="01234 567890"
    )
    html = statement(client)
    words = text_of(html)
    assert 'href="mailto:democracy@test.gov.uk"' in html
    assert "call 01234 567890" in words
    assert f"get back to you within {accessibility.RESPONSE_WORKING_DAYS} working days" in words


def _audit(**counts) -> AccessibilityAudit:
    values = {
        "papers_checked": 3,
        "papers_tagged": 3,
        "papers_passed": 3,
        "packs_checked": 1,
        "packs_tagged": 1,
        "packs_passed": 1,
    }
    return AccessibilityAudit.objects.create(**{**values, **counts})


def test_fully_compliant_only_when_nothing_is_listed(client, monkeypatch):
    monkeypatch.setattr(accessibility, "KNOWN_ISSUES", ())
    # No check of the papers on record: we cannot say they are accessible.
    assert 'data-compliance="partially"' in statement(client)
    _audit()
    html = statement(client)
    assert 'data-compliance="fully"' in html and "partially compliant" not in html
    assert "This website is fully compliant with the Web Content Accessibility" in text_of(html)
    _audit(packs_tagged=0, packs_passed=0)
    html = statement(client)
    assert 'data-compliance="partially"' in html
    assert "1 of the 1 agenda packs contain pages that are not tagged" in text_of(html)
    assert "fully tagged" not in text_of(html).replace("not fully tagged", "")


def test_a_known_issue_makes_it_partially_compliant(client, monkeypatch):
    _audit()
    issue = accessibility.KnownIssue(
        key="test-issue",
        affected="The TEST-WIDGET cannot be reached with a keyboard.",
        criteria=("2.1.1 Keyboard",),
        section=accessibility.NON_COMPLIANCE,
        fix="Make the widget a button.",
        fix_by=dt.date(2027, 1, 31),
    )
    monkeypatch.setattr(accessibility, "KNOWN_ISSUES", (issue,))
    words = text_of(statement(client))
    assert "This website is partially compliant" in words
    assert (
        "The TEST-WIDGET cannot be reached with a keyboard. This fails WCAG 2.2 success "
        "criterion 2.1.1 Keyboard. We plan to fix this by 31 January 2027." in words
    )


def test_a_disproportionate_burden_is_listed_in_its_section(client, monkeypatch):
    _audit()
    burden = accessibility.KnownIssue(
        key="test-burden",
        affected="The 1990s BURDEN-MAPS are images of text.",
        criteria=("1.4.5 Images of Text",),
        section=accessibility.DISPROPORTIONATE_BURDEN,
        fix="Redrawing them would cost more than the service's budget.",
        fix_by=None,
    )
    monkeypatch.setattr(accessibility, "KNOWN_ISSUES", (burden,))
    words = text_of(statement(client))
    after = words.split("Disproportionate burden", 1)[1].split("not within the scope")[0]
    assert "BURDEN-MAPS" in after and "Redrawing them" in after
    assert "This website is partially compliant" in words


def test_the_registered_panels_appear_and_make_it_partially_compliant(client, monkeypatch):
    monkeypatch.setattr(accessibility, "KNOWN_ISSUES", ())
    _audit()

    from django.template import engines

    from scrutiny.templatetags import portal

    entry = engines["django"].from_string(
        '<p class="govuk-body">PANEL-ENTRY: {{ count }} papers ({{ panel.count }})</p>'
    )
    real_get_template = portal.get_template
    monkeypatch.setattr(
        portal,
        "get_template",
        lambda name: entry if name == "test/statement_panel.html" else real_get_template(name),
    )

    def panel(request):
        return "test/statement_panel.html", {"count": 2}

    monkeypatch.setattr(accessibility_statement_panels, "_panels", [panel])
    html = statement(client)
    assert "PANEL-ENTRY: 2 papers (2)" in html
    non_compliance = text_of(html).split("Non-compliance with the accessibility regulations")[1]
    assert "PANEL-ENTRY" in non_compliance.split("Disproportionate burden")[0]
    assert 'data-compliance="partially"' in html


# --- the paper check ----------------------------------------------------------------------


def test_the_audit_counts_public_papers_only_and_the_statement_says_so(client):
    old = AgendaItemFactory(meeting=published_meeting(2017), title="Old item")
    DocumentFactory(agenda_item=old, title="Scanned 2017 paper")  # untagged
    new = AgendaItemFactory(meeting=published_meeting(2025), title="New item")
    data = tagged_pdf("Tagged 2025 paper")
    DocumentFactory(
        agenda_item=new, title="Tagged 2025 paper", file=ContentFile(data, name="t.pdf")
    )
    exempt = ExemptAgendaItemFactory(meeting=new.meeting, title="Exempt item")
    DocumentFactory(agenda_item=exempt, title=f"Exempt {CANARY}")  # untagged, not public
    DocumentFactory(agenda_item=new, title=f"Draft {CANARY}", is_draft=True)
    unpublished = AgendaItemFactory(meeting=MeetingFactory())
    DocumentFactory(agenda_item=unpublished, title=f"Unpublished {CANARY}")

    call_command("accessibility_audit", stdout=io.StringIO())
    audit = AccessibilityAudit.objects.get()
    assert (audit.papers_checked, audit.papers_tagged, audit.papers_passed) == (2, 1, 1)
    assert audit.papers_failed_before_regulations == 1

    html = statement(client)
    words = text_of(html)
    assert "1 of 2 published papers are tagged" in words
    assert f"Last checked {audit.checked_at:%-d %B %Y}." in words
    assert "1 of the 2 published papers are not tagged throughout" in words
    assert "1 of the papers that fail the structure check belong to meetings held before" in words
    assert 'data-compliance="partially"' in html
    assert CANARY not in html


def test_no_paper_title_reaches_the_statement_even_from_a_panel(client, monkeypatch):
    """Canary: whatever the registered panels show, an exempt paper's title never appears."""
    item = ExemptAgendaItemFactory(meeting=published_meeting(2025), title=f"Item {CANARY}")
    DocumentFactory(agenda_item=item, title=f"Exempt paper {CANARY}")
    call_command("accessibility_audit", stdout=io.StringIO())
    html = statement(client)
    assert CANARY not in html
    client.force_login(make_user("officer", username="canary-officer"))
    assert CANARY not in statement(client)


def test_the_audit_checks_the_public_pack_and_not_the_members_pack(client):
    from meetings.packs.models import Pack, PackKind
    from tests.packs.helpers import ok_build

    meeting = published_meeting(2025)
    item = AgendaItemFactory(meeting=meeting, title="Open item")
    data = tagged_pdf("Open paper")
    DocumentFactory(
        agenda_item=item,
        title="Open paper",
        file=ContentFile(data, name="open.pdf"),
        page_count=check_pdf(data).pages,
    )
    exempt = ExemptAgendaItemFactory(meeting=meeting, title="Exempt item")
    DocumentFactory(agenda_item=exempt, title=f"Exempt {CANARY}")
    ok_build(meeting)
    assert Pack.objects.filter(meeting=meeting, kind=PackKind.MEMBERS).exists()
    public = Pack.objects.get(meeting=meeting, kind=PackKind.PUBLIC)
    with public.storage.open(public.file_name, "rb") as handle:
        report = check_pdf(handle.read())

    call_command("accessibility_audit", stdout=io.StringIO())
    audit = AccessibilityAudit.objects.get()
    assert audit.packs_checked == 1
    assert audit.packs_tagged == int(not report.untagged_pages)
    assert audit.packs_passed == int(report.ok)
    words = text_of(statement(client))
    assert f"and {audit.packs_tagged} of 1 agenda packs" in words
    if not report.ok:
        assert "The packs are not fully tagged" in words
