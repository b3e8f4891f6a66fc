"""One notion of "public" (issue 13, "make it structural"; issue 22, first row).

``scrutiny.visibility`` is the only place that spells out what the public may see. These
tests fail when a hand-written public filter appears anywhere else in the code, when the
rule's constants drift from the models, and when a form offers officers a link to something
the public may not see.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from django.utils import timezone

from meetings.minutes.forms import ActionForm
from meetings.minutes.models import PUBLIC_MINUTES_STATUSES, Action, MinutesStatus
from meetings.models import AgendaItem, Meeting, MeetingStatus
from scrutiny import visibility
from tests.factories import CommitteeFactory
from tests.factories.meetings import (
    AgendaItemFactory,
    ExemptAgendaItemFactory,
    MeetingFactory,
    PublishedMeetingFactory,
)

ROOT = Path(__file__).resolve().parents[2]
APPS = ("scrutiny", "meetings", "decisions", "performance", "workprogramme", "opendata", "bench")
HOME = Path("scrutiny/visibility.py")

# The primitives of the public rule, as they appear in a hand-written queryset filter.
PRIMITIVES = {
    "published agenda": re.compile(r"published_at__isnull"),
    "exempt/confidential/draft flag": re.compile(
        r"(?<![.\w])(?:\w+__)?(?:is_exempt|is_confidential|is_draft)=(?:True|False)\b"
    ),
    # Issue 15: a withdrawn paper or an earlier version is not public either.
    "withdrawn or superseded paper": re.compile(r"(?:withdrawn_at|superseded_by)__isnull"),
    "public minutes statuses": re.compile(
        r"status__in\s*=\s*(?:PUBLIC_MINUTES_STATUSES|[(\[]\s*MinutesStatus\.(?:PUBLISHED|APPROVED))"
    ),
}
# Known uses outside the home, each for a reason. (file, primitive) -> how many.
ALLOWED = {
    # Data integrity constraints, not reads: an exempt item names its paragraph; published
    # minutes have a publication date.
    ("meetings/models.py", "exempt/confidential/draft flag"): 1,
    ("meetings/minutes/models.py", "published agenda"): 1,
    # A published decision has a publication date (issue 17); an exempt delegated report
    # names its paragraph (a data integrity constraint, like the agenda item's).
    ("decisions/models.py", "published agenda"): 1,
    ("decisions/models.py", "exempt/confidential/draft flag"): 1,
    # ``PublicRecord.withdrawn_at`` is the open data record's own field (when an object left
    # public view), not a paper's withdrawal.
    ("opendata/oparl.py", "withdrawn or superseded paper"): 1,
    ("opendata/management/commands/rebuild_public_records.py", "withdrawn or superseded paper"): 1,
}


def _hits() -> dict[tuple[str, str], list[str]]:
    found: dict[tuple[str, str], list[str]] = {}
    for rel, text in _sources():
        for lineno, line in enumerate(text.splitlines(), 1):
            for name, pattern in PRIMITIVES.items():
                if pattern.search(line):
                    found.setdefault((str(rel), name), []).append(f"{rel}:{lineno}: {line.strip()}")
    return found


# Templates: the same primitives tested in a {% if %}/{% elif %} tag. A template asks the
# rule through a property or selector (``meeting.is_published``, ``item.is_private``,
# ``item.public_previous_meeting``, ``item.public_description``); these are the known tests
# of the raw fields, each for a reason. (file, primitive) -> how many.
TEMPLATE_PRIMITIVES = {
    "published agenda": re.compile(r"\bpublished_at\b"),
    "exempt/confidential/draft flag": re.compile(r"\b(?:is_exempt|is_confidential|is_draft)\b"),
}
TEMPLATE_TEST = re.compile(r"\{%-?\s*(?:if|elif)\b[^%]*%\}")
# Which words to print for an item already known to be private (inside ``item.is_private``,
# or a placeholder/exempt paper only private items get): confidential (s100A) or exempt
# (Schedule 12A paragraph N). Both are public labels; they decide no visibility.
EXCLUSION_LABEL = "labels which exclusion applies to an item already shown as private"
OFFICER_ONLY = "officer-only page (OfficerRequiredMixin): shows state, decides nothing public"
TEMPLATE_ALLOWED = {
    ("meetings/templates/meetings/_agenda_item.html", "exempt/confidential/draft flag"): (
        2,
        EXCLUSION_LABEL,
    ),
    ("meetings/templates/meetings/report_detail.html", "exempt/confidential/draft flag"): (
        2,
        EXCLUSION_LABEL,
    ),
    ("meetings/templates/meetings/document_html.html", "exempt/confidential/draft flag"): (
        3,
        EXCLUSION_LABEL + " (the NOT FOR PUBLICATION banner, inside item.is_private)",
    ),
    ("meetings/packs/templates/packs/print/_front_sheet.html", "exempt/confidential/draft flag"): (
        2,
        EXCLUSION_LABEL,
    ),
    ("meetings/packs/templates/packs/print/papers.html", "exempt/confidential/draft flag"): (
        1,
        EXCLUSION_LABEL + " (the exempt placeholder)",
    ),
    (
        "meetings/packs/templates/packs/print/_exempt_minutes.html",
        "exempt/confidential/draft flag",
    ): (1, EXCLUSION_LABEL + " (members' pack only)"),
    (
        "meetings/minutes/templates/minutes/_minutes_body.html",
        "exempt/confidential/draft flag",
    ): (1, EXCLUSION_LABEL + " (inside item.is_private)"),
    ("meetings/templates/meetings/officer/meeting.html", "published agenda"): (1, OFFICER_ONLY),
    ("meetings/templates/meetings/officer/meeting.html", "exempt/confidential/draft flag"): (
        8,
        OFFICER_ONLY
        + " (exempt/confidential tags, draft papers' publish and remove forms, the withdraw"
        " link offered only for issued papers)",
    ),
    ("meetings/packs/templates/packs/officer/build_list.html", "published agenda"): (
        1,
        OFFICER_ONLY + " (rebuild button)",
    ),
}


def _template_hits(text: str) -> dict[str, int]:
    hits: dict[str, int] = {}
    for tag in TEMPLATE_TEST.findall(text):
        for name, pattern in TEMPLATE_PRIMITIVES.items():
            count = len(pattern.findall(tag))
            if count:
                hits[name] = hits.get(name, 0) + count
    return hits


def _templates():
    for app in ("scrutiny", "meetings", "performance", "workprogramme", "opendata", "templates"):
        for path in sorted((ROOT / app).rglob("*.html")):
            yield str(path.relative_to(ROOT)), path.read_text(encoding="utf-8")


def test_no_template_tests_the_public_rule_by_hand():
    """Issue 22: templates were outside the guard (``_agenda_item.html`` tested
    ``previous_meeting.published_at`` for its link). A new raw test fails here: use the
    property or selector that asks ``scrutiny.visibility``, or list it with its reason."""
    found = {}
    for rel, text in _templates():
        for name, count in _template_hits(text).items():
            found[(rel, name)] = count
    unexpected = {
        key: count for key, count in found.items() if count > TEMPLATE_ALLOWED.get(key, (0, ""))[0]
    }
    assert unexpected == {}, (
        "Templates test the public rule by hand (use meeting.is_published, item.is_private, "
        f"item.public_previous_meeting… or list it in TEMPLATE_ALLOWED with its reason): "
        f"{unexpected}"
    )
    stale = {key for key, (count, _) in TEMPLATE_ALLOWED.items() if found.get(key, 0) < count}
    assert stale == set(), f"TEMPLATE_ALLOWED allows more than is there now: {stale}"


def test_the_template_guard_catches_a_raw_test():
    assert _template_hits(
        "{% if item.previous_meeting and item.previous_meeting.published_at %}x{% endif %}"
    ) == {"published agenda": 1}
    assert _template_hits("{% if d.is_draft %}{% elif item.is_exempt %}{% endif %}") == {
        "exempt/confidential/draft flag": 2
    }
    # Printing a field, or asking the rule's properties, is not a test of the raw field.
    assert (
        _template_hits(
            "{{ meeting.published_at|date }}{% if item.is_private %}{% endif %}"
            "{% if meeting.is_published %}{% endif %}"
        )
        == {}
    )


def _sources():
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            rel = path.relative_to(ROOT)
            if "migrations" in rel.parts or rel == HOME:
                continue
            yield rel, path.read_text(encoding="utf-8")


def test_no_hand_written_public_filter_outside_its_home():
    found = _hits()
    unexpected = [
        hit for key, hits in found.items() if len(hits) > ALLOWED.get(key, 0) for hit in hits
    ]
    assert unexpected == [], (
        "Use scrutiny.visibility (or the querysets that delegate to it) instead of writing "
        "the public rule by hand:\n" + "\n".join(unexpected)
    )


def test_every_allowance_is_still_needed():
    """An allowance outlives its reason silently (the OParl tombstones were rewritten onto the
    predicate and their two allowances stayed): each must match what the code still has."""
    found = _hits()
    stale = {key: n for key, n in ALLOWED.items() if len(found.get(key, [])) != n}
    assert stale == {}, f"allowances that no longer match the code; update ALLOWED: {stale}"


def test_the_guard_catches_a_hand_written_filter():
    """The guard itself can fail: each primitive matches the filters it is meant to catch
    and not attribute writes or model fields."""
    caught = [
        "Meeting.objects.filter(published_at__isnull=False)",
        "Report.all_objects.filter(agenda_item__is_exempt=False)",
        "qs.filter(is_confidential=False)",
        "Report.all_objects.filter(is_draft=False)",
        "MinutesSet.all_objects.filter(status__in=PUBLIC_MINUTES_STATUSES)",
        "Minute.objects.filter(minutes__status__in=(MinutesStatus.PUBLISHED,))",
    ]
    for line in caught:
        assert any(p.search(line) for p in PRIMITIVES.values()), line
    for line in ["report.is_draft = False", "is_exempt = models.BooleanField(default=False)"]:
        assert not any(p.search(line) for p in PRIMITIVES.values()), line


def test_the_rule_matches_the_models():
    assert set(visibility.PUBLIC_MINUTES_STATUSES) == {
        MinutesStatus.PUBLISHED.value,
        MinutesStatus.APPROVED.value,
    }
    assert set(PUBLIC_MINUTES_STATUSES) == set(visibility.PUBLIC_MINUTES_STATUSES)
    assert MinutesStatus.DRAFT.value not in visibility.PUBLIC_MINUTES_STATUSES


@pytest.mark.django_db
def test_queryset_and_object_checks_agree():
    """The Q builders and the checks on loaded objects are the same rule."""
    published = PublishedMeetingFactory()
    draft = MeetingFactory(committee=published.committee)
    items = [
        AgendaItemFactory(meeting=published),
        ExemptAgendaItemFactory(meeting=published),
        AgendaItemFactory(meeting=published, is_confidential=True),
        AgendaItemFactory(meeting=draft),
    ]
    public_ids = set(
        AgendaItem.all_objects.filter(visibility.item_public()).values_list("pk", flat=True)
    )
    listed_ids = set(AgendaItem.objects.values_list("pk", flat=True))
    for item in items:
        assert (item.pk in public_ids) == visibility.is_item_public(item)
        assert (item.pk in listed_ids) == visibility.is_item_listed(item)
    assert public_ids == {items[0].pk}
    assert set(Meeting.objects.values_list("pk", flat=True)) == {published.pk}
    assert visibility.public_description(items[1]) == ""
    assert visibility.public_description(items[0]) == items[0].description


@pytest.mark.django_db
def test_action_form_offers_only_what_may_be_linked():
    """Finding 2: an officer cannot link an action to a draft meeting's item or an exempt
    item, nor to a past meeting never published; coming meetings are offered, labelled."""
    committee = CommitteeFactory()
    now = timezone.now()
    published = PublishedMeetingFactory(committee=committee, start=now - dt.timedelta(days=30))
    never_published = MeetingFactory(committee=committee, start=now - dt.timedelta(days=20))
    coming = MeetingFactory(committee=committee, start=now + dt.timedelta(days=20))
    cancelled = MeetingFactory(
        committee=committee, start=now + dt.timedelta(days=40), status=MeetingStatus.CANCELLED
    )
    public_item = AgendaItemFactory(meeting=published)
    exempt_item = ExemptAgendaItemFactory(meeting=published)
    draft_item = AgendaItemFactory(meeting=coming)
    form = ActionForm(committee=committee, editing=True)
    items = set(form.fields["dealt_with_item"].queryset)
    assert items == {public_item}
    assert exempt_item not in items and draft_item not in items
    meetings = list(form.fields["target_meeting"].queryset)
    assert meetings == [published, coming]
    assert never_published not in meetings and cancelled not in meetings
    label = form.fields["target_meeting"].label_from_instance(coming)
    assert "agenda not yet published" in label and Action.UNPUBLISHED_TARGET_TEXT in label
    # A posted draft item is refused with the field's message.
    bound = ActionForm(
        {
            "committee": committee.pk,
            "description": "Report back",
            "status": "open",
            "dealt_with_item": draft_item.pk,
        },
        committee=committee,
        editing=True,
    )
    assert not bound.is_valid() and "dealt_with_item" in bound.errors
