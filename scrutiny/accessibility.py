"""What the accessibility statement says, kept where the tests can hold it to the truth.

The statement (``/accessibility/``, ``scrutiny.views.accessibility``) follows the GOV.UK
model accessibility statement. Nothing in it is written by hand on the page:

- ``KNOWN_ISSUES``: every known failure of the portal's own pages, with the WCAG 2.2
  success criteria it fails, what it affects and when we plan to fix it.
  ``tests/scrutiny/test_accessibility_statement.py`` has a probe per issue that reproduces it:
  an issue that no longer reproduces fails the test until it is removed from this list, and a
  probe that reproduces an issue not listed here fails it too.
- ``AUTOMATED_CHECKS``: the test method, each check naming the test that performs it; the
  tests fail if a named test no longer exists.
- The papers: the latest ``AccessibilityAudit`` (written by ``manage.py accessibility_audit``,
  which runs ``scrutiny.pdfcheck`` over every public paper and agenda pack) gives "N of M
  published papers are tagged; last checked <date>".
- ``scrutiny.extensions.accessibility_statement_panels``: later apps add their own entries to
  "content that is not accessible" (the meetings app lists the untagged papers).

The compliance status is derived (``compliance_status``): "fully compliant" only when nothing
is listed as not accessible and the papers have been checked and all pass.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from scrutiny.extensions import accessibility_statement_panels
from scrutiny.models import AccessibilityAudit

# The statement's own dates: changed by whoever prepares or reviews it (never "today").
STATEMENT_PREPARED = dt.date(2026, 12, 6)
STATEMENT_REVIEWED = dt.date(2026, 12, 6)

STANDARD = "Web Content Accessibility Guidelines version 2.2 AA standard"
REGULATIONS = (
    "Public Sector Bodies (Websites and Mobile Applications) (No. 2) Accessibility Regulations 2018"
)
# PDFs and other documents published before this date are outside the regulations unless they
# are needed for a service.
REGULATIONS_DOCUMENTS_FROM = dt.date(2018, 9, 23)

# How long we take to answer a request for another format, in working days.
RESPONSE_WORKING_DAYS = 5

NON_COMPLIANCE = "non-compliance"
DISPROPORTIONATE_BURDEN = "disproportionate burden"
SECTIONS = (NON_COMPLIANCE, DISPROPORTIONATE_BURDEN)


@dataclass(frozen=True)
class KnownIssue:
    key: str
    # What is affected and how, said to the reader.
    affected: str
    # WCAG 2.2 success criteria it fails ("2.2.1 Timing Adjustable").
    criteria: tuple[str, ...]
    section: str
    # What we will do, and by when (None for a disproportionate burden claim).
    fix: str
    fix_by: dt.date | None

    def __post_init__(self):
        if self.section not in SECTIONS:
            raise ValueError(f"{self.key}: unknown section {self.section!r}")
        if self.section == NON_COMPLIANCE and self.fix_by is None:
            raise ValueError(f"{self.key}: a non-compliance needs a planned fix date")


# Nothing known at present. The last entry, the browser's own date input on the search page
# and the year membership rows, was fixed on 6 December 2026 (every date is a GOV.UK date
# input; tests/site/test_form_accessibility.py fails on a native one); its probe stays in
# tests/scrutiny/test_accessibility_statement.py so it cannot come back unlisted.
KNOWN_ISSUES: tuple[KnownIssue, ...] = ()


@dataclass(frozen=True)
class AutomatedCheck:
    # What the check does, said to the reader.
    what: str
    # The test that does it: "path/to/test_file.py::test_name".
    test: str


AUTOMATED_CHECKS: tuple[AutomatedCheck, ...] = (
    AutomatedCheck(
        "axe-core checks one page of every kind (public, councillor and officer) at 320 and "
        "1280 pixels wide for WCAG 2.2 A and AA failures, target sizes and scrollable "
        "regions included",
        "tests/site/test_browser_axe_widths.py::test_every_kind_of_page_passes_axe_at_320_and_1280",
    ),
    AutomatedCheck(
        "no two kinds of officer page share a title or main heading",
        "tests/site/test_officer_titles.py::test_no_two_officer_page_kinds_share_a_title",
    ),
    AutomatedCheck(
        "an officer is warned before the session ends and can stay signed in, and a form "
        "sent after it ended is not lost",
        "tests/site/test_browser_session_timeout.py::test_officer_is_warned_and_stays_signed_in",
    ),
    AutomatedCheck(
        "an agenda pack built from tagged papers is tagged on every page and declared PDF/UA; "
        "one with an untagged paper is not, and names it",
        "tests/packs/test_pdfua.py::"
        "test_a_pack_of_tagged_uploads_is_tagged_on_every_page_and_declared",
    ),
    AutomatedCheck(
        "axe-core checks the public meetings pages for WCAG 2.2 A and AA failures in Chromium",
        "tests/meetings/test_browser.py::test_meetings_pages_pass_axe",
    ),
    AutomatedCheck(
        "axe-core checks the officer pages for meetings, performance and work programmes",
        "tests/meetings/test_browser.py::test_officer_pages_pass_axe",
    ),
    AutomatedCheck(
        "axe-core checks the search page while a journalist searches, filters and subscribes",
        "tests/opendata/test_browser_search.py::test_journalist_searches_filters_and_subscribes",
    ),
    AutomatedCheck(
        "every form page, public and officer, is parsed: every control has a label, "
        "every hint and error message is tied to its field, and no date is typed in the "
        "browser's own date control",
        "tests/site/test_form_accessibility.py::"
        "test_every_form_page_ties_hints_and_errors_and_labels_every_control",
    ),
    AutomatedCheck(
        "on a phone-sized screen the page does not shift as it loads, and the Content "
        "Security Policy blocks no script",
        "tests/site/test_browser_a11ycsp.py::"
        "test_js_enabled_set_with_no_csp_violation_and_no_layout_shift_on_a_phone",
    ),
    AutomatedCheck(
        "the minutes PDF is checked for tags on every page, table header scopes, alternative "
        "text, a language and a title",
        "tests/hardening/test_pdf_structure.py::test_the_minutes_pdf_passes",
    ),
    AutomatedCheck(
        "every tracker PDF is checked the same way, and has a heading and bookmark per section",
        "tests/hardening/test_pdf_structure.py::"
        "test_every_tracker_pdf_passes_and_has_a_heading_and_bookmark_per_section",
    ),
    AutomatedCheck(
        "an agenda pack of reports written in the portal is checked the same way",
        "tests/hardening/test_pdf_structure.py::test_a_pack_of_authored_and_generated_reports_passes",
    ),
)

# What the structure check (``scrutiny.pdfcheck``) looks for in each published PDF.
PDF_CHECK_CRITERIA: tuple[str, ...] = (
    "the document is tagged and every page's content is in its structure tree",
    "every table header has a scope",
    "every figure has alternative text",
    "the document has a language and a title, and shows the title",
)


@dataclass(frozen=True)
class OutOfScope:
    what: str
    why: str


OUT_OF_SCOPE: tuple[OutOfScope, ...] = (
    OutOfScope(
        what="PDFs and other documents published before 23 September 2018",
        why=(
            "The accessibility regulations do not require us to fix PDFs or other documents "
            "published before 23 September 2018 if they are not essential to providing our "
            "services. Many older committee papers are scans or exports that are not tagged. "
            "If you need one of them, ask us for it in another format."
        ),
    ),
    OutOfScope(
        what="Papers written by other organisations",
        why=(
            "Some papers are written by other organisations (for example NHS bodies, the "
            "police or inspectorates) and published as they sent them. Third-party content "
            "that we do not fund, develop or control is not within the scope of the "
            "regulations. Ask us if you need one of them in another format."
        ),
    ),
    OutOfScope(
        what="Live video",
        why=(
            "Where a meeting is broadcast, the link goes to a live webcast. Live video is "
            "exempt from the regulations, so live webcasts do not have captions."
        ),
    ),
)


def compliance_status(*, issues, panels, audit) -> str:
    """ "fully" only when nothing is listed as not accessible: no known issue, no panel
    entry, and a paper check on record that every paper and pack passed."""
    if issues or panels or audit is None or not audit.all_pass:
        return "partially"
    return "fully"


def statement_context(request) -> dict:
    """Everything the statement template shows."""
    audit = AccessibilityAudit.objects.order_by("-checked_at", "-pk").first()
    panels = accessibility_statement_panels.render_list(request)
    issues = [issue for issue in KNOWN_ISSUES if issue.section == NON_COMPLIANCE]
    burdens = [issue for issue in KNOWN_ISSUES if issue.section == DISPROPORTIONATE_BURDEN]
    return {
        "audit": audit,
        "panels": panels,
        "issues": issues,
        "burdens": burdens,
        "status": compliance_status(issues=KNOWN_ISSUES, panels=panels, audit=audit),
        "checks": AUTOMATED_CHECKS,
        "pdf_criteria": PDF_CHECK_CRITERIA,
        "out_of_scope": OUT_OF_SCOPE,
        "prepared": STATEMENT_PREPARED,
        "reviewed": STATEMENT_REVIEWED,
        "standard": STANDARD,
        "regulations": REGULATIONS,
        "response_days": RESPONSE_WORKING_DAYS,
        "next_fix": min((i.fix_by for i in issues if i.fix_by), default=None),
    }
