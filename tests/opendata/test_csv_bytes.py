"""Every CSV download on the demo council, byte for byte against the models' own methods
(issue 20: the CSVs stream plain values from one query; they must say exactly what the model
instances said before: ``owner_display``, ``shown_due_label``, ``is_overdue``, ``rag_on``,
``get_…_display``).

The ``_old_…`` functions below are the row builders as they were before the rewrite (one
model instance a row). ``CSV_BYTES_DUMP=dir`` writes every body to ``dir``.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db.models import OuterRef, Subquery
from django.urls import reverse
from django.utils import timezone

from scrutiny import csvexport
from tests.factories import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("load_demo_data", stdout=open(os.devnull, "w"))  # noqa: SIM115


def _urls() -> dict[str, str]:
    from meetings.minutes.models import Action
    from scrutiny.models import Committee
    from workprogramme.models import ImprovementPlan, ScrutinyReview

    urls = {
        "actions": reverse("action-tracker-csv"),
        "actions-open": reverse("action-tracker-csv") + "?status=open",
        "actions-overdue": reverse("action-tracker-csv") + "?overdue=yes",
        "kpis": reverse("kpis-csv"),
        "recommendations": reverse("recommendations-csv"),
    }
    committees = Committee.objects.filter(
        pk__in=Action.all_objects.values("committee_id")
    ).order_by("slug")
    for committee in committees:
        urls[f"actions-{committee.slug}"] = reverse("committee-actions-csv", args=[committee.slug])
    for committee in Committee.objects.order_by("slug"):
        urls[f"workprogramme-{committee.slug}"] = (
            reverse("committee-workprogramme", args=[committee.slug]) + "?format=csv"
        )
    for plan in ImprovementPlan.objects.order_by("slug"):
        urls[f"plan-{plan.slug}"] = reverse("improvement-plan", args=[plan.slug]) + "?format=csv"
    for review in ScrutinyReview.objects.order_by("slug"):
        urls[f"review-{review.slug}"] = reverse("review-detail", args=[review.slug]) + "?format=csv"
    return urls


def _bodies(client) -> dict[str, bytes]:
    from scrutiny.models import Membership

    found = {}
    for name, url in _urls().items():
        response = client.get(url)
        if response.status_code != 200 or "csv" not in response["Content-Type"]:
            continue
        found[name] = (
            b"".join(response.streaming_content) if response.streaming else (response.content)
        )
    officer = make_user("officer", username="csv-officer")
    client.users = {"actions-as-officer": officer}
    client.force_login(officer)
    found["actions-as-officer"] = _body(client.get(reverse("action-tracker-csv")))
    membership = Membership.objects.select_related("person").order_by("pk").first()
    councillor = make_user("councillor", username="csv-councillor", person=membership.person)
    client.users["actions-as-councillor"] = councillor
    client.force_login(councillor)
    found["actions-as-councillor"] = _body(client.get(reverse("action-tracker-csv")))
    client.logout()
    return found


def _body(response) -> bytes:
    assert response.status_code == 200
    return b"".join(response.streaming_content) if response.streaming else response.content


def _old_action_csv(user, committee=None, query=None) -> bytes:
    from meetings.minutes import selectors
    from meetings.minutes.filters import ActionFilter
    from meetings.minutes.models import ActionNote

    qs = selectors.actions_for(user)
    if committee is not None:
        qs = qs.filter(committee=committee)
    data = query or None
    latest = ActionNote.objects.filter(action=OuterRef("pk")).order_by("-on", "-pk")
    actions = (
        ActionFilter(data, queryset=qs, committee=committee)
        .qs.select_related(
            "committee",
            "owner_person",
            "target_meeting",
            "resolution__minute__agenda_item",
            "dealt_with_item__meeting",
        )
        .annotate(
            note_on=Subquery(latest.values("on")[:1]),
            note_text=Subquery(latest.values("text")[:1]),
        )
        .order_by("committee__name", "-raised_on", "pk")
    )
    today = timezone.localdate()
    rows = []
    for action in actions:
        source = ""
        if action.resolution_id:
            minute = action.resolution.minute
            number = minute.number or minute.agenda_item.number
            source = f"Minute {number}, resolution {action.resolution.number}"
        dealt = ""
        item = action.shown_dealt_with_item
        if item is not None:
            dealt = f"{csvexport.date_text(item.meeting.date)}: {item}"
        rows.append(
            [
                action.committee.name,
                action.raised_on,
                source,
                action.description,
                action.owner_display,
                action.shown_due_label(csvexport.DATE_FORMAT),
                action.get_status_display(),
                action.is_overdue(today),
                f"{csvexport.date_text(action.note_on)}: {action.note_text}"
                if action.note_on
                else "",
                dealt,
            ]
        )
    from meetings.minutes.views.exports import CSV_HEADER

    return csvexport.text(CSV_HEADER, rows).encode()


def _old_kpi_csv() -> bytes:
    from opendata.exports import KPI_HEADER
    from performance.models import Figure

    today = timezone.localdate()
    rows = []
    for f in Figure.objects.select_related("kpi__service_area", "period").order_by(
        "kpi__reference", "period__start_date", "pk"
    ):
        kpi = f.kpi
        rows.append(
            [
                kpi.reference,
                kpi.title,
                kpi.service_area.name,
                kpi.get_unit_display(),
                kpi.get_polarity_display(),
                "yes" if kpi.is_cumulative else "no",
                f.period.label,
                f.period.start_date,
                f.period.end_date,
                f.target,
                "to be agreed" if f.target_to_agree else "",
                f.effective_target,
                f.actual,
                f.rag_on(today).label,
                f.get_override_rag_display() if f.override_rag else "",
                f.statistical_neighbour,
                f.england,
                f.region,
                f.get_commentary_kind_display() if f.commentary_kind else "",
                f.commentary,
                "yes" if f.is_demo else "no",
            ]
        )
    return csvexport.text(KPI_HEADER, rows).encode()


def _old_recommendation_csv() -> bytes:
    from opendata.exports import RECOMMENDATION_HEADER
    from workprogramme.models import ReviewRecommendation

    rows = []
    for rec in ReviewRecommendation.objects.select_related("review__panel", "response").order_by(
        "review__report_date", "review_id", "number"
    ):
        response = getattr(rec, "response", None)
        rows.append(
            [
                rec.review.title,
                rec.review.panel.name,
                rec.review.report_date,
                rec.number,
                rec.body_reference,
                rec.theme,
                rec.text,
                response.get_decision_display() if response else "",
                response.reasons if response else "",
                response.response_date if response else None,
                rec.get_status_display(),
            ]
        )
    return csvexport.text(RECOMMENDATION_HEADER, rows).encode()


def _expected(name: str, client) -> bytes | None:
    from django.contrib.auth.models import AnonymousUser

    from scrutiny.models import Committee

    anonymous = AnonymousUser()
    if name == "kpis":
        return _old_kpi_csv()
    if name == "recommendations":
        return _old_recommendation_csv()
    if name == "actions":
        return _old_action_csv(anonymous)
    if name == "actions-open":
        return _old_action_csv(anonymous, query={"status": "open"})
    if name == "actions-overdue":
        return _old_action_csv(anonymous, query={"overdue": "yes"})
    if name.startswith("actions-as-"):
        return _old_action_csv(client.users[name])
    if name.startswith("actions-"):
        committee = Committee.objects.get(slug=name.removeprefix("actions-"))
        return _old_action_csv(anonymous, committee=committee)
    return None  # the trackers' CSVs (work programme, plan, review) were not rewritten


def test_every_csv_is_byte_for_byte_what_the_models_say(client, demo):
    bodies = _bodies(client)
    dump = os.environ.get("CSV_BYTES_DUMP")
    if dump:
        Path(dump).mkdir(parents=True, exist_ok=True)
        for name, body in bodies.items():
            (Path(dump) / f"{name}.csv").write_bytes(body)
    assert all(len(body.splitlines()) > 1 for body in bodies.values()), "empty CSVs test nothing"
    assert {"kpis", "recommendations", "actions", "actions-as-officer"} <= set(bodies)
    for name, body in bodies.items():
        expected = _expected(name, client)
        if expected is not None:
            assert body == expected, name
