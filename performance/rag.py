"""The RAG rules, as pure functions (no database): easy to read, easy to test.

A figure is rated against its target with the KPI's polarity ("good performance shown by"
increase or decrease) and tolerance band:

- **On Track**: the target is met or beaten. Equal to the target is On Track.
- **At Risk**: short of the target by no more than the tolerance band (the boundary itself
  is At Risk). The band is either in the KPI's own unit or a per cent of the target.
- **Off Track**: short of the target by more than the band. With a band of 0 any shortfall
  is Off Track.
- **No target agreed**: a figure but the target is "to agree" (or missing): not rated.
- No figure: **Data Not Due** until the period's due date, **Not Provided** after it.

Cumulative (year-to-date) KPIs: a period with no target of its own is measured against the
financial year's target pro rata (Q2 against half of it), see ``effective_target``.

Direction of travel compares the figure with the previous one (for cumulative KPIs the same
period of the previous year, because year-to-date totals always restart in April).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db import models


class Polarity(models.TextChoices):
    INCREASE = "increase", "Increase"
    DECREASE = "decrease", "Decrease"


class Rag(models.TextChoices):
    ON_TRACK = "on_track", "On Track"
    AT_RISK = "at_risk", "At Risk"
    OFF_TRACK = "off_track", "Off Track"
    NO_TARGET = "no_target", "No target agreed"
    NOT_DUE = "not_due", "Data Not Due"
    NOT_PROVIDED = "not_provided", "Not Provided"


# Values stored in Figure.computed_rag (a missing figure is stored as "").
STORED_VALUES = [Rag.ON_TRACK, Rag.AT_RISK, Rag.OFF_TRACK, Rag.NO_TARGET]
OVERRIDE_CHOICES = [
    (Rag.ON_TRACK.value, Rag.ON_TRACK.label),
    (Rag.AT_RISK.value, Rag.AT_RISK.label),
    (Rag.OFF_TRACK.value, Rag.OFF_TRACK.label),
]

# Shown with the text, never instead of it; the colour class is extra.
RAG_DISPLAY: dict[str, tuple[str, str]] = {
    Rag.ON_TRACK: ("✔", "green"),
    Rag.AT_RISK: ("▲", "amber"),
    Rag.OFF_TRACK: ("✖", "red"),
    Rag.NO_TARGET: ("–", "grey"),
    Rag.NOT_DUE: ("…", "grey"),
    Rag.NOT_PROVIDED: ("?", "grey"),
}


def symbol(status: str) -> str:
    return RAG_DISPLAY[status][0]


def colour(status: str) -> str:
    return RAG_DISPLAY[status][1]


def effective_target(
    *,
    target: Decimal | None,
    target_to_agree: bool,
    cumulative: bool,
    year_target: Decimal | None,
    elapsed_fraction: Decimal,
) -> tuple[Decimal | None, bool]:
    """The target a figure is measured against, and whether it is a pro-rata year target."""
    if target_to_agree:
        return None, False
    if target is not None:
        return Decimal(target), False
    if cumulative and year_target is not None:
        return (Decimal(year_target) * elapsed_fraction).quantize(Decimal("0.0001")), True
    return None, False


def tolerance_band(*, target: Decimal, tolerance: Decimal, tolerance_kind: str) -> Decimal:
    if tolerance_kind == "percent":
        return abs(Decimal(target)) * Decimal(tolerance) / 100
    return Decimal(tolerance)


def rate(
    *,
    actual: Decimal | None,
    target: Decimal | None,
    polarity: str,
    tolerance: Decimal = Decimal(0),
    tolerance_kind: str = "absolute",
) -> Rag | None:
    """Rate a figure; ``None`` when there is no figure (see ``missing_status``)."""
    if actual is None:
        return None
    if target is None:
        return Rag.NO_TARGET
    actual, target = Decimal(actual), Decimal(target)
    margin = actual - target if polarity == Polarity.INCREASE else target - actual
    if margin >= 0:
        return Rag.ON_TRACK
    band = tolerance_band(target=target, tolerance=tolerance, tolerance_kind=tolerance_kind)
    if -margin <= band:
        return Rag.AT_RISK
    return Rag.OFF_TRACK


def missing_status(*, due_on: dt.date, today: dt.date) -> Rag:
    return Rag.NOT_DUE if today < due_on else Rag.NOT_PROVIDED


def status(
    *,
    actual: Decimal | None,
    target: Decimal | None,
    polarity: str,
    tolerance: Decimal = Decimal(0),
    tolerance_kind: str = "absolute",
    due_on: dt.date,
    today: dt.date,
    override: str = "",
) -> Rag:
    """The full rule: override first, then the rating, then a missing figure's status."""
    if override:
        return Rag(override)
    rated = rate(
        actual=actual,
        target=target,
        polarity=polarity,
        tolerance=tolerance,
        tolerance_kind=tolerance_kind,
    )
    return rated if rated is not None else missing_status(due_on=due_on, today=today)


@dataclass(frozen=True)
class Direction:
    key: str  # improving | worsening | same | none
    text: str
    symbol: str


NO_DIRECTION = Direction("none", "No previous figure", "–")


def direction(*, current: Decimal | None, previous: Decimal | None, polarity: str) -> Direction:
    """Direction of travel. The symbol shows which way the figure moved; the text says
    whether that is better or worse given the polarity."""
    if current is None or previous is None:
        return NO_DIRECTION
    current, previous = Decimal(current), Decimal(previous)
    if current == previous:
        return Direction("same", "No change", "▶")
    went_up = current > previous
    better = went_up == (polarity == Polarity.INCREASE)
    return Direction(
        "improving" if better else "worsening",
        "Improving" if better else "Worsening",
        "▲" if went_up else "▼",
    )
