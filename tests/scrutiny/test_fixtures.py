"""The demo council's data files (fixtures/demo, docs/fixtures.md) load what they should.

A loader treats an empty folder as "nothing to load", so a data folder committed without its
files, or a loader that stops reading one, would load a thinner demo without a word: these
tests count what the demo must have, and check that loading it again adds nothing."""

from __future__ import annotations

import io

import pytest
import yaml
from django.apps import apps
from django.core.management import call_command

from scrutiny.fixtures import DEMO_DIR, FixtureError, Fixtures, app_loaders

# What the demo council has (model label: at least how many). The seed papers fix most
# numbers: 10 work programme issues, 27 Ofsted and 27 review recommendations, 10 priorities.
EXPECTED = {
    "scrutiny.Committee": 5,
    "scrutiny.Person": 10,
    "scrutiny.Membership": 10,
    "meetings.Meeting": 4,
    "meetings.AgendaItem": 10,
    "meetings.Report": 1,
    "meetings.Document": 1,
    "minutes.MinutesSet": 3,
    "minutes.Minute": 10,
    "minutes.Attendance": 10,
    "minutes.Action": 1,
    "performance.KPI": 10,
    "performance.Figure": 20,
    # The decisions data (decisions/decisions.yaml): the Cabinet (the fifth committee), its two
    # portfolio holders, 13 wards, three forward plan entries and decisions, one call-in with
    # five signatures, heard (a hearing agenda item and its report) and referred back.
    "decisions.PortfolioHolder": 2,
    "decisions.DelegatedOfficer": 1,
    "decisions.Ward": 13,
    "decisions.DecisionSettings": 1,
    "decisions.ForwardPlanEntry": 3,
    "decisions.Decision": 3,
    "decisions.CallInRequest": 1,
    "decisions.CallInSignature": 5,
    "decisions.CallInOutcome": 1,
    "workprogramme.WorkProgrammeItem": 10,
    "workprogramme.Consideration": 4,
    "workprogramme.Inspection": 1,
    "workprogramme.InspectionRecommendation": 27,
    "workprogramme.ImprovementPlan": 1,
    "workprogramme.PlanPriority": 10,
    "workprogramme.ImprovementAction": 30,
    "workprogramme.Deliverable": 10,
    "workprogramme.SuccessMeasure": 10,
    "workprogramme.MeasureTarget": 1,
    "workprogramme.ProgressUpdate": 7,
    "workprogramme.ScrutinyReview": 1,
    "workprogramme.ReviewRecommendation": 27,
    "workprogramme.ExecutiveResponse": 6,
    "workprogramme.FollowUp": 5,
    "workprogramme.LeadMemberReport": 1,
    "workprogramme.Highlight": 6,
}


def _counts() -> dict[str, int]:
    """Rows per model, history tables and the rebuilt search index left out."""
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models()
        if not model.__name__.startswith("Historical") and model._meta.app_label != "opendata"
    }


def _history_counts() -> dict[str, int]:
    """History rows per model: a loader that saves a record again, even unchanged, adds one
    (the search index, rebuilt on every load, is left out)."""
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models()
        if model.__name__.startswith("Historical") and model._meta.app_label != "opendata"
    }


@pytest.mark.django_db
def test_demo_loads_every_kind_of_record_and_a_second_load_adds_nothing():
    call_command("load_demo_data", stdout=io.StringIO())
    counts = _counts()
    thin = {
        label: (counts.get(label), at_least)
        for label, at_least in EXPECTED.items()
        if counts.get(label, 0) < at_least
    }
    assert not thin, f"the demo has fewer records than it should (found, expected): {thin}"
    history = _history_counts()

    call_command("load_demo_data", stdout=io.StringIO())
    again = _counts()
    changed = {
        label: (counts[label], again[label]) for label in counts if again[label] != counts[label]
    }
    assert not changed, f"loading the demo twice changed these counts: {changed}"
    history_again = _history_counts()
    rewritten = {k: (v, history_again[k]) for k, v in history.items() if history_again[k] != v}
    assert not rewritten, f"loading the demo again wrote these records again: {rewritten}"


def test_every_app_with_demo_data_loads_it_from_fixtures():
    """Each app's demo is data loaded by its fixture_loader (no demo module of code left)."""
    loaders = dict(app_loaders())
    for app in ("scrutiny", "meetings", "meetings.minutes", "decisions", "performance"):
        assert loaders[app].__module__ == f"{app}.fixture_loader", app
    assert loaders["workprogramme"].__module__ == "workprogramme.fixture_loader"


def test_an_empty_or_missing_decisions_file_stops_the_load(tmp_path, db):
    from decisions import fixture_loader

    with pytest.raises(FixtureError, match="the demo data file is missing"):
        fixture_loader.load(Fixtures(tmp_path))
    (tmp_path / "decisions").mkdir()
    (tmp_path / fixture_loader.FILE).write_text("# nothing\n")
    with pytest.raises(FixtureError, match="the file is empty"):
        fixture_loader.load(Fixtures(tmp_path))


def _data_files():
    return sorted(p for p in DEMO_DIR.rglob("*") if p.is_file())


def test_every_demo_folder_has_data_files():
    folders = [DEMO_DIR, *(p for p in DEMO_DIR.rglob("*") if p.is_dir())]
    empty = [str(f.relative_to(DEMO_DIR)) for f in folders if not any(f.iterdir())]
    assert not empty, f"empty demo data folders: {empty}"
    for app_folder in ("meetings", "minutes", "performance", "decisions", "workprogramme"):
        assert any((DEMO_DIR / app_folder).rglob("*.*")), f"fixtures/demo/{app_folder} is empty"


@pytest.mark.parametrize("path", _data_files(), ids=lambda p: str(p.relative_to(DEMO_DIR)))
def test_every_demo_file_has_content(path):
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".yaml":
        assert yaml.safe_load(text), f"{path} holds no data"
    else:
        assert len(text.strip().splitlines()) > 1, f"{path} has no rows below its header"


def test_an_empty_workprogramme_file_stops_the_load(tmp_path, db):
    from workprogramme import fixture_loader

    (tmp_path / "workprogramme").mkdir()
    for name in fixture_loader.FILES:
        (tmp_path / "workprogramme" / name).write_text("# nothing\n")
    with pytest.raises(FixtureError, match="the file is empty"):
        fixture_loader.load(Fixtures(tmp_path))
