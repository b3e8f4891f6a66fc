"""The one-way app chain and the one app list (issue 22).

``make lint`` runs the import-linter layers contract of pyproject.toml; these tests keep that
contract honest (it must cover every module and follow the one app list) and make sure no
second copy of the app list appears."""

from __future__ import annotations

import ast
import pkgutil
import tomllib
from pathlib import Path

from django.apps import apps
from django.conf import settings

import meetings
from scrutiny.apps_list import PORTAL_APP_LABELS, PORTAL_APPS

ROOT = Path(__file__).resolve().parents[2]
NESTED_APPS = {"meetings.minutes", "meetings.packs"}


def _contract() -> dict:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    (layers,) = [c for c in config["contracts"] if c["type"] == "layers"]
    return {"root_packages": config["root_packages"], "layers": layers["layers"]}


def _layer_modules(layer: str) -> set[str]:
    return {part.strip() for part in layer.replace("|", ":").split(":")}


def test_the_contract_follows_the_one_app_list_from_the_top_down():
    layers = _contract()["layers"]
    top_down = []
    for layer in layers:
        modules = _layer_modules(layer)
        top_down.append("meetings" if len(modules) > 1 else modules.pop())
    assert top_down == list(reversed(PORTAL_APPS))


def test_the_meetings_layer_names_every_module_of_meetings_but_the_nested_apps():
    (meetings_layer,) = [layer for layer in _contract()["layers"] if ":" in layer]
    listed = _layer_modules(meetings_layer)
    present = {f"meetings.{m.name}" for m in pkgutil.iter_modules(meetings.__path__)}
    assert listed == present - NESTED_APPS, (
        "a module of the meetings app is not in its layer in pyproject.toml, so import-linter "
        f"would not check it: {sorted(present - NESTED_APPS - listed)}"
    )


def test_every_top_level_package_of_the_apps_is_a_root_package():
    assert set(_contract()["root_packages"]) == {a.split(".")[0] for a in PORTAL_APPS}


def test_the_app_list_is_what_django_runs():
    assert list(settings.INSTALLED_APPS[-len(PORTAL_APPS) :]) == list(PORTAL_APPS)
    assert {apps.get_app_config(label).name for label in PORTAL_APP_LABELS} == set(PORTAL_APPS)


def test_the_meetings_signals_are_the_base_apps_signals():
    import meetings.signals
    import scrutiny.signals

    assert meetings.signals.meeting_changed is scrutiny.signals.meeting_changed
    assert meetings.signals.meeting_published is scrutiny.signals.meeting_published


def _string_collections(tree: ast.AST):
    for node in ast.walk(tree):
        if isinstance(node, ast.List | ast.Tuple | ast.Set):
            yield {
                elt.value
                for elt in node.elts
                if isinstance(elt, ast.Constant) and isinstance(elt.value, str)
            }


def test_no_second_copy_of_the_app_list():
    """A list naming four or more of the portal's apps (by name or label) outside
    scrutiny/apps_list.py is a copy that will drift when the next app arrives."""
    names = set(PORTAL_APPS) | PORTAL_APP_LABELS
    copies = []
    for package in sorted({a.split(".")[0] for a in PORTAL_APPS}):
        for path in (ROOT / package).rglob("*.py"):
            if path.name == "apps_list.py" or "migrations" in path.parts:
                continue
            for strings in _string_collections(ast.parse(path.read_text())):
                if len(strings & names) >= 4:
                    copies.append(str(path.relative_to(ROOT)))
    assert copies == [], f"copies of the app list; derive them from scrutiny.apps_list: {copies}"


def _later_app_module(text: str) -> str | None:
    """The module of a later app that the dotted string ``text`` names, if any (a model label
    such as "meetings.portalvisit" names none)."""
    import importlib.util

    parts = text.split(".")
    if parts[0] not in {a.split(".")[0] for a in PORTAL_APPS} - {"scrutiny"} or len(parts) < 2:
        return None
    for end in range(len(parts), 1, -1):
        name = ".".join(parts[:end])
        try:
            if importlib.util.find_spec(name) is not None:
                return name
        except (ImportError, ValueError):
            continue
    return None


def test_the_base_app_names_no_later_app_in_a_dotted_string():
    """import-linter sees imports, not ``import_string("meetings.minutes.views.…")``: such a
    string is an upward dependency all the same. Later apps register with the base app
    (``stored_pdfs.register_loader``, ``register_key_resolver``, ``follow_model``) instead.
    The app list itself names the apps, as it must."""
    found = []
    for path in sorted((ROOT / "scrutiny").rglob("*.py")):
        if path.name == "apps_list.py" or "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                module = _later_app_module(node.value)
                if module and node.value not in PORTAL_APPS:
                    found.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.value!r}")
    assert found == [], "the base app names later apps' code:\n" + "\n".join(found)


def test_the_dotted_string_guard_can_fail():
    assert _later_app_module("meetings.minutes.views.minutes_pdf_spec") == "meetings.minutes.views"
    assert _later_app_module("workprogramme.views.tracker_pdf_spec") == "workprogramme.views"
    assert _later_app_module("meetings.portalvisit") is None  # a model label
    assert _later_app_module("scrutiny.tasks.refresh_stored_pdfs") is None  # the base app
