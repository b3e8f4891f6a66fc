"""The permission matrix: every URL pattern of the URL conf × every role.

Each pattern must be declared in ``RULES`` with its class; a new view with no rule fails
``test_every_url_pattern_is_classified``, so nothing can escape the matrix. Real URLs for the
patterns come from the demo council: the public and officer pages are crawled (links and form
actions) and the first URL seen for each pattern is used; patterns nothing links to are built
in ``extra_urls``. Exempt papers add members-only cases.

Classes and what each role gets:

============  =========  ================  ==============  ========  =====
class         anonymous  councillor (not   committee       officer   admin
                         on committee)     member
============  =========  ================  ==============  ========  =====
public        200        200               200             200       200
members       404        404               200             200       200
officer       login      403               403             200*      200*
admin-only    login      403               403             403       200*
signed-in     login      200               200             200       200
============  =========  ================  ==============  ========  =====

``*`` officer pages that only take POST answer 405 to a GET (to anyone: a refusal that
reveals nothing), and some GET actions redirect within the officer area; every deny is also
checked with a POST, which must get the login redirect or 403. Every 200 HTML page is
checked for the CSP header, no inline code and a CSRF token in every POST form.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command
from django.urls import Resolver404, resolve

from conftest import hold_for_module
from scrutiny.models import Committee, Membership
from tests.factories import PersonFactory, make_user
from tests.hardening.test_security import assert_safe_page
from tests.site.test_guards import walk_patterns

PUBLIC, REDIRECT, MEMBERS, OFFICER, SIGNED_IN, SERVICE, ACCOUNT, ADMIN = (
    "public",
    "redirect",
    "members",
    "officer",
    "signed-in",
    "service",
    "account",
    "admin",
)

NOT_FOUND = "not-found"
# Administrators only (issue 21): the council settings, the constitution settings and people
# and roles. Like the officer pages, anyone else signed in gets 403 (officers included) and
# the public the login.
ADMINISTRATOR = "administrator"
# A signed-in user's POST-only action (``/my/changes/seen/``): 405 to every GET, and a POST
# from a visitor who is not signed in goes to the login page.
SIGNED_IN_POST = "signed-in-post"
# Officers only, and 404 (not the login page or 403) for everyone else: the address says
# nothing about whether the paper exists (the original of a converted paper).
OFFICER_HIDDEN = "officer-hidden"

RULES: dict[str, str] = {
    # scrutiny
    "home": PUBLIC,
    "committee-list": PUBLIC,
    "committee-detail": PUBLIC,
    "person-list": PUBLIC,
    "person-detail": PUBLIC,
    "accessibility": PUBLIC,
    "sitemap-page": PUBLIC,
    "healthz": SERVICE,
    "robots": SERVICE,
    # The installable web app and offline papers (scrutiny.offline, meetings.packs.offline).
    "web-manifest": SERVICE,
    "service-worker": SERVICE,
    "offline-meeting": PUBLIC,  # what this visitor may save (JSON)
    "offline-check": SERVICE,  # which saved addresses this visitor may still read (JSON)
    "sitemap": SERVICE,
    "sitemap-section": SERVICE,
    "my-portal": SIGNED_IN,
    "my-exempt-reads": SIGNED_IN,
    # Private notes (issue 23): any signed-in user's own; an open item's or public paper's
    # note page for anyone signed in (an exempt one 404s off the committee: tests/members).
    "my-notes": SIGNED_IN,
    "my-meeting-notes": SIGNED_IN,
    "my-briefing": SIGNED_IN,
    "note-item": SIGNED_IN,
    "note-paper": SIGNED_IN,
    "my-changes-seen": SIGNED_IN_POST,
    "login": ACCOUNT,
    "logout": ACCOUNT,
    "session-extend": SIGNED_IN,  # GET: seconds left (JSON); POST: stay signed in
    "officer-home": OFFICER,
    "officer-constitution": ADMINISTRATOR,
    "officer-constitution-standard-items": ADMINISTRATOR,
    "officer-staff": ADMINISTRATOR,
    "officer-staff-role": ADMINISTRATOR,
    "officer-staff-disable": ADMINISTRATOR,
    "officer-staff-enable": ADMINISTRATOR,
    "officer-staff-new-link": ADMINISTRATOR,
    # The council's settings and brand (scrutiny/council_views.py).
    "council-settings": ADMINISTRATOR,
    "council-setup": ADMINISTRATOR,  # once the council exists: to council-settings
    "brand-css": PUBLIC,
    "council-logo": NOT_FOUND,  # the demo council has no logo; this name is not its logo
    "officer-committee-list": OFFICER,
    "officer-committee-add": OFFICER,
    "officer-committee-edit": OFFICER,
    "officer-committee-members": OFFICER,
    "officer-person-list": OFFICER,
    "officer-person-add": OFFICER,
    "officer-person-edit": OFFICER,
    "officer-year-list": OFFICER,
    "officer-year-add": OFFICER,
    "officer-year-edit": OFFICER,
    "officer-membership-add": OFFICER,
    "officer-membership-edit": OFFICER,
    "officer-year-members": OFFICER,
    "officer-year-committees": OFFICER,
    "officer-history-recent": OFFICER,
    "officer-history": OFFICER,
    "officer-person-login": OFFICER,
    "officer-person-login-reset": OFFICER,
    "officer-person-login-disable": OFFICER,
    "officer-person-login-enable": OFFICER,
    "account-set-password": ACCOUNT,
    # meetings
    "meeting-calendar": PUBLIC,
    "meeting-detail": PUBLIC,
    "committee-meetings": PUBLIC,
    "report-detail": PUBLIC,
    "document-download": PUBLIC,
    "document-html": PUBLIC,  # the paper's text as a web page, governed like the PDF
    "document-original": OFFICER_HIDDEN,  # may hold hidden text the PDF does not show
    "officer-meetings": OFFICER,
    "officer-meeting-add": OFFICER,
    "officer-meeting": OFFICER,
    "officer-meeting-exempt-access": OFFICER,
    "officer-meeting-edit": OFFICER,
    "officer-meeting-preview": OFFICER,
    "officer-meeting-publish": OFFICER,
    "officer-meeting-cancel": OFFICER,
    "officer-meeting-postpone": OFFICER,
    "officer-meeting-held": OFFICER,
    "officer-item-add": OFFICER,
    "officer-item-edit": OFFICER,
    "officer-item-move": OFFICER,
    "officer-items-add-several": OFFICER,
    "officer-item-remove": OFFICER,
    "officer-report-add": OFFICER,
    "officer-report-edit": OFFICER,
    "officer-document-add": OFFICER,
    "officer-document-remove": OFFICER,
    "officer-conversion-original": OFFICER,
    "officer-conversion-retry": OFFICER,
    "officer-conversion-remove": OFFICER,
    "officer-report-remove": OFFICER,
    "officer-report-publish": OFFICER,
    "officer-document-publish": OFFICER,
    "officer-report-withdraw": OFFICER,
    "officer-document-withdraw": OFFICER,
    "officer-report-new-version": OFFICER,
    "officer-document-new-version": OFFICER,
    "officer-report-move": OFFICER,
    "officer-document-move": OFFICER,
    "officer-standard-items": OFFICER,
    # minutes and actions
    "meeting-minutes": PUBLIC,
    "meeting-minutes-pdf": PUBLIC,
    "action-tracker": PUBLIC,
    "action-tracker-csv": PUBLIC,
    "action-detail": PUBLIC,
    "committee-actions": PUBLIC,
    "committee-actions-csv": PUBLIC,
    "officer-minutes": OFFICER,
    "officer-minutes-take": OFFICER,
    "officer-attendance-register": OFFICER,
    "officer-minutes-start": OFFICER,
    "officer-attendee-add": OFFICER,
    "officer-attendee-remove": OFFICER,
    "officer-minutes-no-interests": OFFICER,
    "officer-minutes-publish": OFFICER,
    "officer-minute-edit": OFFICER,
    "officer-declaration-add": OFFICER,
    "officer-declaration-remove": OFFICER,
    "officer-minutes-approve": OFFICER,
    "officer-minute-correct": OFFICER,
    "officer-actions": OFFICER,
    "officer-minutes-action-add": OFFICER,
    "officer-minutes-action-edit": OFFICER,
    "officer-minutes-action-note-add": OFFICER,
    # agenda packs
    "meeting-pack": PUBLIC,
    "meeting-supplementary-pack": PUBLIC,
    "meeting-members-pack": MEMBERS,
    "officer-packs": OFFICER,
    "officer-pack-rebuild": OFFICER,
    # email (notifications): the signed links of alerts answer 404 to a link that is not
    # valid, whoever asks (the valid ones: tests/notifications/test_alerts.py)
    "alerts-subscribe": PUBLIC,
    "alerts-privacy": PUBLIC,
    "alerts-confirm": NOT_FOUND,
    "alerts-manage": NOT_FOUND,
    "alerts-unsubscribe": NOT_FOUND,
    "officer-meeting-email": OFFICER,
    "officer-meeting-email-resend": OFFICER,
    "officer-email-suspended": OFFICER,
    "officer-email-suspended-lift": OFFICER,
    "officer-meeting-email-summons": OFFICER,
    # performance
    "kpi-dashboard": PUBLIC,
    "kpi-detail": PUBLIC,
    "officer-performance": OFFICER,
    "officer-performance-area-add": OFFICER,
    "officer-performance-area-edit": OFFICER,
    "officer-performance-kpi-add": OFFICER,
    "officer-performance-kpi": OFFICER,
    "officer-performance-kpi-edit": OFFICER,
    "officer-performance-figure": OFFICER,
    "officer-performance-override": OFFICER,
    "officer-performance-periods": OFFICER,
    "officer-performance-imports": OFFICER,
    "officer-performance-import-new": OFFICER,
    "officer-performance-import": OFFICER,
    "officer-performance-import-template": OFFICER,
    "officer-performance-report-new": OFFICER,
    "officer-performance-report-preview": OFFICER,
    # work programme, improvement plans, reviews
    "workprogramme-index": PUBLIC,
    "workprogramme-items": PUBLIC,
    "workprogramme-item": PUBLIC,
    "committee-workprogramme": PUBLIC,
    "improvement-plan": PUBLIC,
    "improvement-action": PUBLIC,
    "inspection-detail": PUBLIC,
    "review-recommendations": PUBLIC,
    "review-detail": PUBLIC,
    "review-recommendation": PUBLIC,
    "lead-member-report": PUBLIC,
    "tracker-pdf": PUBLIC,
    "officer-workprogramme": OFFICER,
    "officer-programme-add": OFFICER,
    "officer-wp-item-add": OFFICER,
    "officer-wp-item-edit": OFFICER,
    "officer-wp-item-schedule": OFFICER,
    "officer-wp-consideration-agenda": OFFICER,
    "officer-wp-consideration-remove": OFFICER,
    "officer-action-edit": OFFICER,
    "officer-action-progress": OFFICER,
    "officer-deliverable-done": OFFICER,
    "officer-rec-response": OFFICER,
    "officer-rec-follow-up": OFFICER,
    "officer-rec-plan-item": OFFICER,
    "officer-lead-report-add": OFFICER,
    "officer-lead-report-highlight": OFFICER,
    "officer-wp-action-add": OFFICER,
    "officer-wp-deliverable-add": OFFICER,
    "officer-wp-deliverable-edit": OFFICER,
    "officer-wp-deliverable-remove": OFFICER,
    "officer-wp-highlight-edit": OFFICER,
    "officer-wp-highlight-remove": OFFICER,
    "officer-wp-inspection-add": OFFICER,
    "officer-wp-inspection-edit": OFFICER,
    "officer-wp-inspection-rec-add": OFFICER,
    "officer-wp-inspection-rec-edit": OFFICER,
    "officer-wp-inspection-rec-remove": OFFICER,
    "officer-wp-lead-report-edit": OFFICER,
    "officer-wp-measure-add": OFFICER,
    "officer-wp-measure-edit": OFFICER,
    "officer-wp-measure-remove": OFFICER,
    "officer-wp-plan-add": OFFICER,
    "officer-wp-plan-edit": OFFICER,
    "officer-wp-plan-item-edit": OFFICER,
    "officer-wp-plan-item-remove": OFFICER,
    "officer-wp-priority-add": OFFICER,
    "officer-wp-priority-edit": OFFICER,
    "officer-wp-review-add": OFFICER,
    "officer-wp-review-edit": OFFICER,
    "officer-wp-review-rec-add": OFFICER,
    "officer-wp-review-rec-edit": OFFICER,
    "officer-wp-target-add": OFFICER,
    "officer-wp-target-edit": OFFICER,
    "officer-wp-target-remove": OFFICER,
    # imports (issue 19)
    "officer-imports": OFFICER,
    "officer-import-detail": OFFICER,
    "officer-wp-pre-decision": OFFICER,
    # call-in (decisions.callin_urls): a validated request is public; starting one takes a
    # sign-in (a councillor off the call-in rules is told why; their POST gets 403)
    "callin-start": SIGNED_IN,
    "callin-detail": PUBLIC,
    "officer-callins": OFFICER,
    "officer-callin": OFFICER,
    # executive decisions and the forward plan (issue 17)
    "forward-plan": PUBLIC,
    "forward-plan-entry": PUBLIC,
    "forward-plan-editions": PUBLIC,
    "forward-plan-edition": PUBLIC,
    "decision-list": PUBLIC,
    "decision-detail": PUBLIC,
    "forward-plan-feed": PUBLIC,
    "forward-plan-calendar": PUBLIC,
    "decisions-feed": PUBLIC,
    "call-ins-feed": PUBLIC,
    # a public delegated report (an exempt one is tested in tests/decisions)
    "decision-report": PUBLIC,
    "officer-decision-report-add": OFFICER,
    "officer-decisions": OFFICER,
    "officer-decision-settings": OFFICER,
    "officer-portfolio-holder-add": OFFICER,
    "officer-portfolio-holder-edit": OFFICER,
    "officer-delegated-officer-add": OFFICER,
    "officer-delegated-officer-edit": OFFICER,
    "officer-wards-add": OFFICER,
    "officer-forward-plan-entry-add": OFFICER,
    "officer-forward-plan-entry": OFFICER,
    "officer-forward-plan-entry-edit": OFFICER,
    "officer-forward-plan-entry-publish": OFFICER,
    "officer-forward-plan-entry-status": OFFICER,
    "officer-forward-plan-edition-publish": OFFICER,
    "officer-decision-add": OFFICER,
    "officer-decision": OFFICER,
    "officer-decision-edit": OFFICER,
    "officer-decision-publish": OFFICER,
    "officer-decision-implemented": OFFICER,
    "officer-decisions-from-minutes": OFFICER,
    # search, feeds, open data, OParl
    "search": PUBLIC,
    "open-data": PUBLIC,
    "kpis-csv": PUBLIC,
    "recommendations-csv": PUBLIC,
    "meetings-ics": PUBLIC,
    "committee-ics": PUBLIC,
    # Issue 20: a calendar file per year, and the feeds' monthly archives (RFC 5005).
    "meetings-year-ics": PUBLIC,
    "committee-year-ics": PUBLIC,
    "papers-feed-archive": PUBLIC,
    "committee-papers-feed-archive": PUBLIC,
    "minutes-feed-archive": PUBLIC,
    "committee-minutes-feed-archive": PUBLIC,
    "meeting-ics": PUBLIC,
    "papers-feed": PUBLIC,
    "committee-papers-feed": PUBLIC,
    "minutes-feed": PUBLIC,
    "committee-minutes-feed": PUBLIC,
    "officer-documents-without-text": OFFICER,
    "oparl-index": REDIRECT,
    "favicon": REDIRECT,
    "oparl-system": PUBLIC,
    "oparl-body-list": PUBLIC,
    "oparl-body": PUBLIC,
    "oparl-body-collection": PUBLIC,
    "oparl-organization-meetings": PUBLIC,
    "oparl-file-access": PUBLIC,
    "oparl-file-download": PUBLIC,
    "oparl-object": PUBLIC,
    # Any other path under the API: a JSON 404 with CORS for everyone (opendata.views).
    "oparl-not-found": NOT_FOUND,
}
ADMIN_PREFIX = "django-admin/"
ROLES = ["anonymous", "councillor", "member", "officer", "admin"]
LINK = re.compile(r"""(?:href|action)=["']([^"'#]*)""")
ABSOLUTE = re.compile(r"""https?://testserver(/[^"'<>\s]*)""")
CRAWL_LIMIT = 2500


def patterns():
    """(route, url name) of every pattern outside Django admin."""
    return [(route, p.name) for route, p in walk_patterns() if not route.startswith(ADMIN_PREFIX)]


def test_every_url_pattern_is_classified():
    unnamed = [route for route, name in patterns() if not name]
    unclassified = sorted({name for _, name in patterns() if name and name not in RULES})
    stale = sorted(set(RULES) - {name for _, name in patterns()})
    assert unnamed == [], "URL patterns need a name to be classified"
    assert unclassified == [], f"Add these URL names to RULES with their class: {unclassified}"
    assert stale == [], f"RULES names URLs that no longer exist: {stale}"


def url_name(path: str) -> str | None:
    try:
        return resolve(urlsplit(path).path).url_name
    except Resolver404:
        return None


def crawl(client, starts: list[str], per_name: int = 4) -> dict[str, str]:
    """First URL seen (as a link or form action) for each URL name; up to ``per_name`` pages
    of each name are read for more links, and every page of the sitemap (so every URL it
    lists is seen)."""
    found: dict[str, str] = {}
    fetched: dict[str, int] = {}
    queue, seen = list(starts), set()
    while queue and sum(fetched.values()) < CRAWL_LIMIT:
        path = queue.pop(0)
        if path in seen or path.startswith(("/" + ADMIN_PREFIX, "/static/")):
            continue
        seen.add(path)
        name = url_name(path)
        if name is None:
            continue
        found.setdefault(name, path)
        if name == "logout" or (fetched.get(name, 0) >= per_name and name != "sitemap-section"):
            continue
        fetched[name] = fetched.get(name, 0) + 1
        response = client.get(path)
        if response.status_code != 200 or response.streaming:
            continue
        if not response["Content-Type"].startswith(("text/", "application/")):
            continue
        if response["Content-Type"].startswith("application/pdf"):
            continue
        body = response.content.decode(errors="replace")
        for link in LINK.findall(body) + ABSOLUTE.findall(body):
            parts = urlsplit(link)
            if parts.netloc and parts.netloc != "testserver":
                continue
            if parts.path.startswith("/"):
                queue.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return found


@pytest.fixture(scope="module")
def matrix_council(request, django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo council and its users, built once for the module (conftest.hold_for_module);
    packs are built by on-commit follow-up work: it runs, as a real commit would."""
    yield from hold_for_module(
        request, django_db_blocker, tmp_path_factory, build_council, run_on_commit=True
    )


@pytest.fixture
def council(matrix_council, db):
    return matrix_council


def build_council() -> dict:
    call_command("load_demo_data", stdout=open(os.devnull, "w"))  # noqa: SIM115
    from meetings.models import AgendaItem

    exempt_item = (
        AgendaItem.all_objects.filter(is_exempt=True, meeting__published_at__isnull=False)
        .select_related("meeting__committee")
        .first()
    )
    assert exempt_item is not None, "the demo council has an exempt item"
    committee = exempt_item.meeting.committee
    member_person = PersonFactory(name="Matrix Member")
    Membership.objects.create(
        person=member_person, committee=committee, start_date=dt.date(2010, 5, 20)
    )
    users = {
        "anonymous": None,
        "councillor": make_user(
            "councillor", username="matrix-outsider", person=PersonFactory(name="Outsider")
        ),
        "member": make_user("councillor", username="matrix-member", person=member_person),
        "officer": make_user("officer", username="matrix-officer"),
        "admin": make_user("admin", username="matrix-admin"),
    }
    return {"exempt_item": exempt_item, "committee": committee, "users": users}


def extra_urls(council) -> dict[str, str]:
    """URLs for patterns that no page links to (actions offered only in some states, POST-only
    endpoints, service URLs), built from the demo council's records."""
    from django.core.files.base import ContentFile
    from django.urls import reverse

    from imports.models import ImportRun as SiteImportRun
    from meetings.minutes.models import Declaration, InterestType, Minute, MinutesSet
    from meetings.models import AgendaItem, Document, Meeting, Report
    from performance.models import ImportRun, Period
    from workprogramme.models import Consideration, WorkProgramme

    import_run = SiteImportRun.objects.create(site="https://democracy.example.gov.uk")
    meeting = Meeting.all_objects.filter(published_at__isnull=False).order_by("pk").first()
    item = AgendaItem.all_objects.filter(meeting=meeting).order_by("pk").first()
    document = Document.all_objects.order_by("pk").first()
    minute = Minute.objects.order_by("pk").first()
    minutes = MinutesSet.all_objects.order_by("pk").first()
    declaration = Declaration.objects.create(
        minute=minute,
        person=council["users"]["member"].person,
        interest_type=InterestType.OTHER,
        description="Matrix test declaration",
    )
    run = ImportRun.objects.create(
        period=Period.objects.order_by("pk").first(),
        file=ContentFile(b"ref,actual\n", name="import.csv"),
        original_filename="import.csv",
        file_format="csv",
    )
    generated = Report.all_objects.exclude(generator="").order_by("pk").first()
    from meetings.models import Conversion

    converted = Conversion.objects.create(
        agenda_item=Document.objects.order_by("pk").first().agenda_item,
        document=Document.objects.order_by("pk").first(),
        title="Converted paper",
        original=ContentFile(b"PK\x03\x04 a Word file", name="paper.docx"),
        original_filename="paper.docx",
        mime_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        sha256="0" * 64,
        status=Conversion.Status.CONVERTED,
    )
    consideration = Consideration.objects.order_by("pk").first()
    programme = WorkProgramme.objects.order_by("pk").first()
    open_item = (
        AgendaItem.all_objects.filter(meeting=meeting, is_exempt=False, is_confidential=False)
        .order_by("pk")
        .first()
    )
    public_paper = Document.objects.order_by("pk").first()
    urls = {
        "my-meeting-notes": reverse("my-meeting-notes", args=[meeting.pk]),
        "my-briefing": reverse("my-briefing", args=[meeting.pk]),
        "note-item": reverse("note-item", args=[open_item.pk]),
        "note-paper": reverse("note-paper", args=[public_paper.pk]),
        "officer-history": reverse("officer-history", args=["meetings", "meeting", meeting.pk]),
        "officer-meeting-preview": reverse("officer-meeting-preview", args=[meeting.pk, "public"]),
        "officer-minutes-start": reverse("officer-minutes-start", args=[meeting.pk]),
        "officer-pack-rebuild": reverse("officer-pack-rebuild", args=[meeting.pk]),
        "officer-item-add": reverse("officer-item-add", args=[meeting.pk]),
        "officer-items-add-several": reverse("officer-items-add-several", args=[meeting.pk]),
        "officer-item-move": reverse("officer-item-move", args=[item.pk]),
        "officer-item-remove": reverse("officer-item-remove", args=[item.pk]),
        "officer-document-remove": reverse("officer-document-remove", args=[document.pk]),
        "document-original": reverse("document-original", args=[converted.document_id]),
        "officer-conversion-original": reverse("officer-conversion-original", args=[converted.pk]),
        "officer-conversion-retry": reverse("officer-conversion-retry", args=[converted.pk]),
        "officer-conversion-remove": reverse("officer-conversion-remove", args=[converted.pk]),
        "officer-document-publish": reverse("officer-document-publish", args=[document.pk]),
        "officer-report-publish": reverse("officer-report-publish", args=[generated.pk]),
        "officer-report-remove": reverse("officer-report-remove", args=[generated.pk]),
        "officer-report-withdraw": reverse("officer-report-withdraw", args=[generated.pk]),
        "officer-report-move": reverse("officer-report-move", args=[generated.pk]),
        "officer-report-new-version": reverse("officer-report-new-version", args=[generated.pk]),
        "officer-document-withdraw": reverse("officer-document-withdraw", args=[document.pk]),
        "officer-document-move": reverse("officer-document-move", args=[document.pk]),
        "officer-document-new-version": reverse("officer-document-new-version", args=[document.pk]),
        "officer-meeting-publish": reverse("officer-meeting-publish", args=[meeting.pk]),
        "officer-meeting-cancel": reverse("officer-meeting-cancel", args=[meeting.pk]),
        "officer-meeting-postpone": reverse("officer-meeting-postpone", args=[meeting.pk]),
        "officer-meeting-held": reverse("officer-meeting-held", args=[meeting.pk]),
        "officer-declaration-add": reverse("officer-declaration-add", args=[minute.pk]),
        "officer-declaration-remove": reverse("officer-declaration-remove", args=[declaration.pk]),
        "officer-minutes-approve": reverse("officer-minutes-approve", args=[minute.pk]),
        "officer-minutes-publish": reverse("officer-minutes-publish", args=[minutes.pk]),
        "officer-performance-import": reverse("officer-performance-import", args=[run.pk]),
        "officer-performance-report-preview": reverse(
            "officer-performance-report-preview", args=[generated.pk]
        ),
        "officer-wp-consideration-agenda": reverse(
            "officer-wp-consideration-agenda", args=[consideration.pk]
        ),
        "officer-wp-consideration-remove": reverse(
            "officer-wp-consideration-remove", args=[consideration.pk]
        ),
        "tracker-pdf": reverse("tracker-pdf", args=["workprogramme", programme.pk]),
        "officer-import-detail": reverse("officer-import-detail", args=[import_run.pk]),
        "oparl-index": reverse("oparl-index"),
        "oparl-body-collection": "/api/oparl/v1/body/1/meetings",
        "oparl-not-found": "/api/oparl/v1/meeting/abc",
        "alerts-confirm": reverse("alerts-confirm", args=["not-a-token"]),
        "alerts-manage": reverse("alerts-manage", args=["not-a-token"]),
        "alerts-unsubscribe": reverse("alerts-unsubscribe", args=["not-a-token"]),
        "officer-meeting-email": reverse("officer-meeting-email", args=[meeting.pk]),
        "officer-meeting-email-resend": reverse(
            "officer-meeting-email-resend", args=[meeting.pk, 1]
        ),
        "officer-email-suspended": reverse("officer-email-suspended"),
        "officer-email-suspended-lift": reverse("officer-email-suspended-lift", args=[1]),
        "officer-meeting-email-summons": reverse(
            "officer-meeting-email-summons", args=[meeting.pk]
        ),
        "healthz": "/healthz",
        "council-logo": reverse("council-logo", args=["logo-none.svg"]),
        "council-setup": reverse("council-setup"),
        "robots": "/robots.txt",
        "favicon": "/favicon.ico",
        "web-manifest": "/manifest.webmanifest",
        "service-worker": "/sw.js",
        "offline-meeting": reverse("offline-meeting", args=[meeting.pk]),
        "offline-check": reverse("offline-check") + f"?u=/meetings/{meeting.pk}/",
        "logout": "/accounts/logout/",
        "login": "/accounts/login/",
        "session-extend": "/accounts/session/",
        "my-changes-seen": reverse("my-changes-seen"),
        "account-set-password": "/accounts/set-password/MQ/not-a-token/",
    }
    from decisions.models import CallInRequest

    heard = CallInRequest.objects.order_by("pk").first()  # the demo's validated call-in
    urls["callin-detail"] = reverse("callin-detail", args=[heard.pk])
    urls["callin-start"] = reverse("callin-start", args=[heard.decision_id])
    urls["officer-callin"] = reverse("officer-callin", args=[heard.pk])
    # The crawl's page budget may run out before a member's pack link is reached.
    urls["meeting-members-pack"] = reverse(
        "meeting-members-pack", args=[council["exempt_item"].meeting_id]
    )
    urls["officer-wp-pre-decision"] = reverse(
        "officer-wp-pre-decision", args=[heard.decision.forward_plan_entry_id]
    )
    urls.update(decision_urls(meeting))
    staff = council["users"]["officer"]
    for name in ("role", "disable", "enable", "new-link"):
        urls[f"officer-staff-{name}"] = reverse(f"officer-staff-{name}", args=[staff.pk])
    login_person = council["users"]["member"].person
    for name in ("login", "login-reset", "login-disable", "login-enable"):
        urls[f"officer-person-{name}"] = reverse(f"officer-person-{name}", args=[login_person.pk])
    return urls


def decision_urls(meeting) -> dict[str, str]:
    """The decisions app's records (issue 17): a published entry, an edition, a published
    decision, a portfolio holder and a delegated officer, each behind its pages."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    from decisions import services
    from tests.factories.decisions import (
        DelegatedOfficerFactory,
        PortfolioHolderFactory,
        PublishedDecisionFactory,
        PublishedEntryFactory,
    )
    from tests.factories.meetings import make_pdf_bytes

    entry = PublishedEntryFactory()
    edition = services.publish_edition()
    decision = PublishedDecisionFactory(cabinet=entry.cabinet)
    holder = PortfolioHolderFactory()
    officer = DelegatedOfficerFactory()
    pk = {"args": [decision.pk]}
    delegated = PublishedDecisionFactory(maker_kind="officer", cabinet=None, officer=officer)
    report = services.add_delegated_report(
        decision=delegated,
        uploaded_file=SimpleUploadedFile("report.pdf", make_pdf_bytes(1)),
        title="Delegated report",
    )
    return {
        "decision-report": report.get_absolute_url(),
        "officer-decision-report-add": reverse("officer-decision-report-add", args=[delegated.pk]),
        "forward-plan-entry": reverse("forward-plan-entry", args=[entry.pk]),
        "forward-plan-edition": reverse("forward-plan-edition", args=[edition.number]),
        "decision-detail": reverse("decision-detail", **pk),
        "officer-portfolio-holder-edit": reverse("officer-portfolio-holder-edit", args=[holder.pk]),
        "officer-delegated-officer-edit": reverse(
            "officer-delegated-officer-edit", args=[officer.pk]
        ),
        "officer-forward-plan-entry": reverse("officer-forward-plan-entry", args=[entry.pk]),
        "officer-forward-plan-entry-edit": reverse(
            "officer-forward-plan-entry-edit", args=[entry.pk]
        ),
        "officer-forward-plan-entry-publish": reverse(
            "officer-forward-plan-entry-publish", args=[entry.pk]
        ),
        "officer-forward-plan-entry-status": reverse(
            "officer-forward-plan-entry-status", args=[entry.pk]
        ),
        "officer-decision": reverse("officer-decision", **pk),
        "officer-decision-edit": reverse("officer-decision-edit", **pk),
        "officer-decision-publish": reverse("officer-decision-publish", **pk),
        "officer-decision-implemented": reverse("officer-decision-implemented", **pk),
        "officer-decisions-from-minutes": reverse(
            "officer-decisions-from-minutes", args=[meeting.pk]
        ),
    }


def members_only_urls(council) -> list[str]:
    """Exempt material of the exempt item's meeting: members, officers and admins only."""
    from meetings.models import Document, Report

    item = council["exempt_item"]
    urls = [f"/meetings/{item.meeting_id}/members-pack.pdf"]
    urls += [
        f"/reports/{pk}/"
        for pk in Report.all_objects.filter(agenda_item=item).values_list("pk", flat=True)
    ]
    urls += [
        f"/documents/{pk}/"
        for pk in Document.all_objects.filter(agenda_item=item).values_list("pk", flat=True)
    ]
    assert len(urls) >= 3, urls
    return urls


def expected(cls: str, role: str) -> set[int] | str:
    if cls in (PUBLIC, SERVICE):
        return {200}
    if cls == NOT_FOUND:
        return {404}
    if cls == OFFICER_HIDDEN:
        return {200} if role in ("officer", "admin") else {404}
    if cls == REDIRECT:
        return "public-redirect"
    if cls == MEMBERS:
        return {200} if role in ("member", "officer", "admin") else {404}
    if cls == ADMINISTRATOR:
        if role == "anonymous":
            return "login"
        return "officer-allowed" if role == "admin" else {403}
    if cls == OFFICER:
        if role == "anonymous":
            return "login"
        return {403} if role in ("councillor", "member") else "officer-allowed"
    if cls == SIGNED_IN:
        return "login" if role == "anonymous" else {200}
    if cls == SIGNED_IN_POST:
        return "login" if role == "anonymous" else {405}
    raise AssertionError(cls)


def check(response, want, where: str) -> str | None:
    status = response.status_code
    location = response.get("Location", "")
    if want == "login":
        ok = status == 302 and location.startswith("/accounts/login/")
        # A POST-only endpoint may refuse a GET before asking who you are: it reveals
        # nothing, and the POST (checked too) must still go to the login page.
        ok = ok or (status == 405 and " GET " in where)
    elif want == "public-redirect":
        ok = status in (301, 302) and not location.startswith("/accounts/")
    elif want == "officer-allowed":
        ok = status in (200, 405) or (status == 302 and not location.startswith("/accounts/"))
    else:
        ok = status in want or (want == {403} and status == 405 and " GET " in where)
    if not ok:
        return f"{where}: got {status} {location} expected {want}"
    if status == 200:
        assert_safe_page(response, where)
    return None


def test_permission_matrix(client, council):
    users = council["users"]
    client.force_login(users["admin"])
    found = crawl(client, ["/", "/officer/", "/sitemap.xml", "/my/"])
    client.logout()
    found.update({k: v for k, v in extra_urls(council).items() if k not in found})

    missing = sorted(name for name in RULES if name not in found)
    assert missing == [], f"No URL found for: {missing} (add them to extra_urls)"

    cases = [(found[name], RULES[name]) for name in sorted(RULES)]
    cases += [(url, MEMBERS) for url in members_only_urls(council)]
    problems = []
    for role in ROLES:
        client.logout()
        if users[role] is not None:
            client.force_login(users[role])
        for url, cls in cases:
            where = f"{role} GET {url} ({cls})"
            if cls == ACCOUNT:
                continue
            response = client.get(url)
            if problem := check(response, expected(cls, role), where):
                problems.append(problem)
            if (
                (cls == OFFICER and role in ("anonymous", "councillor", "member"))
                or (cls == ADMINISTRATOR and role != "admin")
                or (cls == SIGNED_IN_POST and role == "anonymous")
            ):
                response = client.post(url, {})
                if problem := check(response, expected(cls, role), f"{role} POST {url}"):
                    problems.append(problem)
    assert problems == [], "\n".join(problems)


def test_account_pages(client, council):
    assert client.get("/accounts/login/").status_code == 200
    assert client.get("/accounts/logout/").status_code == 405  # logging out takes a POST
    client.force_login(council["users"]["member"])
    assert client.get("/accounts/login/").status_code == 302  # already signed in
    assert client.post("/accounts/logout/").status_code == 302
    assert client.get("/my/").status_code == 302


def test_django_admin_is_for_administrators_only(client, council):
    paths = ["/django-admin/", "/django-admin/auth/user/", "/django-admin/auth/group/"]
    for role in ROLES:
        client.logout()
        if council["users"][role] is not None:
            client.force_login(council["users"][role])
        for path in paths:
            response = client.get(path)
            if role == "admin":
                assert response.status_code == 200, (role, path)
            else:
                assert response.status_code == 302, (role, path)
                assert response["Location"].startswith("/django-admin/login/"), (role, path)
    admin_routes = [route for route, _ in walk_patterns() if route.startswith(ADMIN_PREFIX)]
    assert len(admin_routes) > 10  # the admin is mounted, and only under its prefix
    assert Committee.objects.exists()
