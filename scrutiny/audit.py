"""The audit trail: who changed what, and when, on every record that keeps history.

Every model with ``history = HistoricalRecords()`` (django-simple-history) is tracked; the
``HistoryRequestMiddleware`` records the signed-in user on each change. This module reads
those records for the officer pages under ``/officer/history/``:

- ``tracked_models()``: the portal's models that keep history;
- ``history_entries(model, pk)``: one entry per saved version, newest first, each with the
  fields that changed from the version before (old and new value, shown readably);
- ``recent_changes(limit)``: the latest changes across all tracked records.
"""

from __future__ import annotations

import functools
import inspect
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.urls import reverse

from scrutiny.apps_list import PORTAL_APP_LABELS

CHANGE_TYPES = {"+": "Created", "~": "Changed", "-": "Deleted"}
# Bookkeeping fields that change on every save and say nothing to a reader.
HIDDEN_FIELDS = {"modified_at", "created_at", "version"}


@dataclass
class FieldChange:
    name: str
    label: str
    old: str
    new: str


@dataclass
class HistoryEntry:
    record: Any
    kind: str
    when: Any
    who: str
    reason: str
    changes: list[FieldChange] = field(default_factory=list)

    @property
    def symbol(self) -> str:
        return {"Created": "+", "Changed": "~", "Deleted": "×"}[self.kind]


def has_history(model: type[models.Model]) -> bool:
    manager = getattr(model, "history", None)
    return manager is not None and hasattr(manager, "model") and not _is_historical(model)


def _is_historical(model) -> bool:
    return getattr(model, "_history_excluded_fields", None) is not None or hasattr(
        model, "instance_type"
    )


def tracked_models() -> list[type[models.Model]]:
    found = [
        m for m in apps.get_models() if m._meta.app_label in PORTAL_APP_LABELS and has_history(m)
    ]
    return sorted(found, key=lambda m: (m._meta.app_label, m._meta.verbose_name))


def tracked_model(app_label: str, model_name: str) -> type[models.Model] | None:
    try:
        model = apps.get_model(app_label, model_name)
    except LookupError:
        return None
    return model if model in tracked_models() else None


def history_url(obj: models.Model) -> str | None:
    """The officer history page of ``obj``, or None if its model keeps no history."""
    if getattr(obj, "pk", None) is None or not isinstance(obj, models.Model):
        return None
    if not has_history(type(obj)):
        return None
    meta = obj._meta
    return reverse(
        "officer-history",
        kwargs={"app_label": meta.app_label, "model_name": meta.model_name, "pk": obj.pk},
    )


def history_records(model: type[models.Model], pk: int) -> models.QuerySet:
    historical = model.history.model
    return (
        historical.objects.filter(**{model._meta.pk.attname: pk})
        .select_related("history_user")
        .order_by("-history_date", "-history_id")
    )


def _who(record) -> str:
    user = record.history_user
    if user is None:
        return "System (no signed-in user)"
    person = getattr(user, "person", None)
    return f"{person.display_name} ({user.get_username()})" if person else user.get_username()


class _Formatter:
    """Shows field values as a reader expects them: choice labels, names, Yes/No."""

    def __init__(self, model: type[models.Model]):
        self.model = model
        self._related: dict[tuple[type, Any], str] = {}

    def field(self, name: str):
        try:
            return self.model._meta.get_field(name)
        except FieldDoesNotExist:
            return None

    def label(self, name: str) -> str:
        f = self.field(name)
        return str(getattr(f, "verbose_name", name)).capitalize() if f else name

    def value(self, name: str, value) -> str:
        f = self.field(name)
        if value is None or value == "":
            return "(empty)"
        if isinstance(value, bool):
            return "Yes" if value else "No"
        if f is not None and f.choices:
            return str(dict(f.flatchoices).get(value, value))
        if f is not None and f.is_relation and f.many_to_one:
            return self._related_name(f.related_model, value)
        if isinstance(value, list):  # many-to-many: list of through rows or ids
            return ", ".join(str(v) for v in value) or "(none)"
        return str(value)

    def _related_name(self, model, pk) -> str:
        key = (model, pk)
        if key not in self._related:
            obj = model._base_manager.filter(pk=pk).first()
            self._related[key] = str(obj) if obj is not None else f"#{pk} (deleted)"
        return self._related[key]


def _visible_fields(record, model) -> list[str]:
    names = []
    for f in model._meta.concrete_fields:
        if f.attname in HIDDEN_FIELDS or f.primary_key:
            continue
        if hasattr(record, f.attname):
            names.append(f.attname if not f.is_relation else f.name)
    return names


def describe(records: list, model: type[models.Model], older=None) -> list[HistoryEntry]:
    """Entries for ``records`` (newest first); ``older`` is the record before the last one
    given (for paged lists), so the oldest entry on a page still shows its changes."""
    fmt = _Formatter(model)
    entries = []
    chain = [*records, older]
    for record, previous in zip(chain, chain[1:], strict=False):
        kind = CHANGE_TYPES.get(record.history_type, record.history_type)
        entry = HistoryEntry(
            record=record,
            kind=kind,
            when=record.history_date,
            who=_who(record),
            reason=record.history_change_reason or "",
        )
        if previous is not None and kind == "Changed":
            delta = record.diff_against(previous, foreign_keys_are_objs=False)
            for change in delta.changes:
                attname = change.field
                base = attname[:-3] if attname.endswith("_id") and fmt.field(attname) else attname
                if base in HIDDEN_FIELDS:
                    continue
                entry.changes.append(
                    FieldChange(
                        name=base,
                        label=fmt.label(base),
                        old=fmt.value(base, change.old),
                        new=fmt.value(base, change.new),
                    )
                )
        elif kind == "Created" or (previous is None and kind == "Changed"):
            for name in _visible_fields(record, model):
                raw = getattr(record, model._meta.get_field(name).attname)
                if raw in (None, "", False, [], {}):
                    continue
                entry.changes.append(
                    FieldChange(name=name, label=fmt.label(name), old="", new=fmt.value(name, raw))
                )
        entries.append(entry)
    return entries


@dataclass
class RecentChange:
    model: type[models.Model]
    record: Any
    kind: str
    who: str
    url: str

    @property
    def model_name(self) -> str:
        return str(self.model._meta.verbose_name).capitalize()


def recent_changes(limit: int = 50) -> list[RecentChange]:
    """The latest ``limit`` changes to any tracked record (``limit`` queries per model at
    most one: each model's newest rows, merged)."""
    rows = []
    for model in tracked_models():
        historical = model.history.model
        pk_name = model._meta.pk.attname
        for record in historical.objects.select_related("history_user").order_by("-history_date")[
            :limit
        ]:
            rows.append((record.history_date, model, record, pk_name))
    rows.sort(key=lambda r: r[0], reverse=True)
    changes = []
    for _when, model, record, pk_name in rows[:limit]:
        meta = model._meta
        changes.append(
            RecentChange(
                model=model,
                record=record,
                kind=CHANGE_TYPES.get(record.history_type, record.history_type),
                who=_who(record),
                url=reverse(
                    "officer-history",
                    kwargs={
                        "app_label": meta.app_label,
                        "model_name": meta.model_name,
                        "pk": getattr(record, pk_name),
                    },
                ),
            )
        )
    return changes


# --- Who made a change: one rule for every service --------------------------------------
#
# Every service that changes tracked records takes ``by=`` (the user acting, or None for a
# task or management command). ``records_by`` makes that argument the author of every
# history row the service writes, inside or outside a web request: it sets
# simple-history's request context (the hook ``HistoryRequestMiddleware`` uses) to a
# stand-in carrying ``by`` for the length of the call and restores what was there after.
# ``by=None`` is recorded as no user, even inside a request — the caller said who acted.


class _ActingAs:
    """A stand-in request for simple-history: it only reads ``.user``."""

    def __init__(self, user):
        from django.contrib.auth.models import AnonymousUser

        self.user = user if getattr(user, "pk", None) is not None else AnonymousUser()


_MISSING = object()


@contextmanager
def recorded_by(by):
    """History rows written inside this block name ``by`` as their user (None: no user)."""
    from simple_history.models import HistoricalRecords

    context = HistoricalRecords.context
    previous = getattr(context, "request", _MISSING)
    context.request = _ActingAs(by)
    try:
        yield
    finally:
        if previous is _MISSING:
            with suppress(AttributeError):
                del context.request
        else:
            context.request = previous


def records_by(func):
    """Decorate a service so its ``by=`` argument is the history user of what it writes."""
    signature = inspect.signature(func)
    if "by" not in signature.parameters:
        raise TypeError(f"{func.__qualname__} takes no by= argument")

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        bound = signature.bind_partial(*args, **kwargs)
        by = bound.arguments.get("by", signature.parameters["by"].default)
        if by is inspect.Parameter.empty:
            by = None
        with recorded_by(by):
            return func(*args, **kwargs)

    wrapper._records_by = True
    return wrapper


def cache_history_manager_classes() -> None:
    """django-simple-history makes a new manager class (``Manager.from_queryset``, which
    walks the queryset class with ``inspect.getmembers``) on every access to a model's
    ``history``, and its post-save receiver reads ``history`` once for every record saved:
    about half a millisecond a save, 5 % of an import's CPU. The class depends only on the
    manager and queryset classes, so it is made once for each pair (``scrutiny.apps``)."""
    from simple_history.manager import HistoryDescriptor

    if getattr(HistoryDescriptor, "_portal_cached", False):
        return
    classes: dict = {}

    def __get__(self, instance, owner):  # noqa: N807 (the descriptor protocol's name)
        key = (self.manager_class, self.queryset_class)
        manager = classes.get(key)
        if manager is None:
            manager = classes[key] = self.manager_class.from_queryset(self.queryset_class)
        return manager(self.model, instance)

    HistoryDescriptor.__get__ = __get__
    HistoryDescriptor._portal_cached = True
