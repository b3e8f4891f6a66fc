"""The demo council as data: reads the YAML files in ``fixtures/demo/`` and runs each app's
fixture loader in PORTAL_APPS order (``manage.py load_demo_data``).

Each portal app that has demo data has a ``<app>/fixture_loader.py`` with a ``load(fixtures)``
function that reads its files through :class:`Fixtures` and writes through the app's own
services, the ones officers' pages and importers use. An app reaches only the apps before it
(the one-way import order), so this module imports no app loader by name: it finds them from
PORTAL_APPS. The file format is described in docs/fixtures.md.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from importlib import import_module
from pathlib import Path
from typing import Any

import yaml
from django.contrib.auth import get_user_model
from django.utils.text import slugify

from scrutiny.apps_list import PORTAL_APPS
from scrutiny.env import BASE_DIR

DEMO_DIR = BASE_DIR / "fixtures" / "demo"
LOADER_MODULE = "fixture_loader"


class FixtureError(Exception):
    """A fixture file is missing, is not valid YAML, or names a record that does not exist."""


class Fixtures:
    """The demo data files of one folder, read once each."""

    def __init__(self, directory: Path = DEMO_DIR) -> None:
        self.directory = Path(directory)
        self._cache: dict[str, Any] = {}

    def path(self, name: str) -> Path:
        return self.directory / name

    def read(self, name: str) -> Any:
        """The parsed content of ``name`` (a path relative to the folder)."""
        if name not in self._cache:
            path = self.path(name)
            try:
                text = path.read_text(encoding="utf-8")
            except FileNotFoundError:
                raise FixtureError(f"{path}: the demo data file is missing") from None
            try:
                self._cache[name] = yaml.safe_load(text)
            except yaml.YAMLError as exc:
                raise FixtureError(f"{path}: not valid YAML: {exc}") from None
        return self._cache[name]

    def files(self, folder: str, pattern: str = "*.yaml") -> list[str]:
        """The files of a subfolder, sorted by name (dated names sort by date)."""
        return sorted(
            str(p.relative_to(self.directory)) for p in (self.directory / folder).glob(pattern)
        )

    # Shared lookups -----------------------------------------------------------------------

    def person(self, slug: str | None):
        from scrutiny.models import Person

        if not slug:
            return None
        person = Person.objects.filter(slug=slug).first()
        if person is None:
            raise FixtureError(f"no person {slug!r} (people.yaml gives each person's slug)")
        return person

    def people(self, slugs) -> list:
        return [self.person(s) for s in slugs or ()]

    def committee(self, slug: str):
        from scrutiny.models import Committee

        committee = Committee.objects.filter(slug=slug).first()
        if committee is None:
            raise FixtureError(f"no committee {slug!r} (see committees.yaml)")
        return committee

    def officer_user(self):
        """The user the demo acts as: the demo officer (logins.yaml), else a superuser."""
        User = get_user_model()
        user = User.objects.filter(username="officer").first()
        return user or User.objects.filter(is_superuser=True).first()


def put(model, lookup: dict, fields: dict):
    """The record of ``model`` found by ``lookup``, created with ``fields`` if there is none,
    or saved with them only when one differs: a re-load of unchanged data writes nothing (no
    new modification time, version or history row). For records no service writes."""
    record = model._default_manager.filter(**lookup).first()
    if record is None:
        return model._default_manager.create(**lookup, **fields)
    changed = [name for name, value in fields.items() if getattr(record, name) != value]
    if changed:
        for name in changed:
            setattr(record, name, fields[name])
        record.save()
    return record


def person_slug(name: str) -> str:
    return slugify(name)


def as_date(value) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


def app_loaders() -> list[tuple[str, Callable[[Fixtures], None]]]:
    """(app, load function) for every portal app with a fixture loader, in PORTAL_APPS order.
    An app without one may still have a ``demo`` module of the old kind (code, not data)."""
    loaders = []
    for app in PORTAL_APPS:
        for module_name, takes_fixtures in ((LOADER_MODULE, True), ("demo", False)):
            try:
                module = import_module(f"{app}.{module_name}")
            except ModuleNotFoundError as exc:
                if exc.name != f"{app}.{module_name}":
                    raise
                continue
            if takes_fixtures:
                loaders.append((app, module.load))
            else:
                loaders.append((app, _ignore_fixtures(module.load)))
            break
    return loaders


def _ignore_fixtures(load: Callable[[], None]) -> Callable[[Fixtures], None]:
    return lambda fixtures: load()
