"""The work programme loader updates records already loaded when their values in the data
files change (through the services' update functions), adds nothing twice, and writes nothing
when nothing changed (docs/fixtures.md)."""

from __future__ import annotations

import shutil

import pytest
import yaml
from django.apps import apps

from scrutiny.fixtures import DEMO_DIR, Fixtures, app_loaders
from workprogramme import fixture_loader
from workprogramme.models import (
    ActionPlanItem,
    ExecutiveResponse,
    Highlight,
    ImprovementAction,
    InspectionRecommendation,
    MeasureTarget,
    PlanPriority,
    ReviewRecommendation,
    WorkProgrammeItem,
)

pytestmark = pytest.mark.django_db


def _rows() -> dict[str, int]:
    """Rows per work programme model, history included (a write leaves a history row)."""
    return {
        m._meta.label: m._default_manager.count()
        for m in apps.get_app_config("workprogramme").get_models()
    }


def _edit(folder, name, change) -> None:
    path = folder / "workprogramme" / name
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def test_a_changed_value_updates_the_loaded_record_and_adds_nothing(tmp_path):
    folder = tmp_path / "demo"
    shutil.copytree(DEMO_DIR, folder)
    fixtures = Fixtures(folder)
    for _app, load in app_loaders():
        load(fixtures)
    before = _rows()
    item = WorkProgrammeItem.objects.get(number=2)

    # A second load of the same files writes nothing, not even a history row.
    fixture_loader.load(Fixtures(folder))
    assert _rows() == before

    def programme(data):
        data["items"][1]["issue"] = "Performance Management (changed)"
        data["items"][1]["status"] = "completed"

    def inspection(data):
        data["recommendations"][0] = "The first recommendation, reworded."

    def plan(data):
        priority = data["priorities"][0]
        priority["title"] = "Children Looked After (changed)"
        priority["actions"][0]["text"] = "Audit care planning (changed)"
        priority["success_measures"][1]["targets"][0]["target"] = "30%"

    def review(data):
        rec = data["recommendations"][12]
        rec["text"] = "Reduce agency staff (changed)."
        rec["response"]["reasons"] = "Changed reasons."
        rec["action_plan"][0]["owner"] = "Head of Service"

    def lead_member(data):
        data["highlights"][0]["body"] = "A changed highlight."

    _edit(folder, "programme.yaml", programme)
    _edit(folder, "inspection.yaml", inspection)
    _edit(folder, "improvement_plan.yaml", plan)
    _edit(folder, "review.yaml", review)
    _edit(folder, "lead_member_report.yaml", lead_member)
    fixture_loader.load(Fixtures(folder))

    item.refresh_from_db()
    assert item.issue == "Performance Management (changed)" and item.status == "completed"
    assert item.version == 2
    assert InspectionRecommendation.objects.get(number=1).text == (
        "The first recommendation, reworded."
    )
    priority = PlanPriority.objects.get(number=1)
    assert priority.title == "Children Looked After (changed)"
    assert ImprovementAction.objects.get(priority=priority, number=1).text == (
        "Audit care planning (changed)"
    )
    targets = MeasureTarget.objects.filter(measure__priority=priority, measure__number=2)
    assert [t.target for t in targets.order_by("pk")] == ["30%", "50%"]
    rec = ReviewRecommendation.objects.get(number=13)
    assert rec.text == "Reduce agency staff (changed)."
    assert ExecutiveResponse.objects.get(recommendation=rec).reasons == "Changed reasons."
    assert ActionPlanItem.objects.get(recommendation=rec).owner == "Head of Service"
    assert Highlight.objects.order_by("order", "pk").first().body == "A changed highlight."

    # Nothing was added beside the old records: only history rows for the changes.
    after = _rows()
    added = {k: after[k] - before[k] for k in before if after[k] != before[k]}
    assert all(".Historical" in k for k in added), added

    # And loading the changed files again writes nothing more.
    fixture_loader.load(Fixtures(folder))
    assert _rows() == after
