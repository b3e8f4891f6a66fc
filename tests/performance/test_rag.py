"""The RAG rules, table-driven, with the edges (no database)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest

from performance import rag
from performance.rag import Rag

DUE = dt.date(2017, 5, 12)
AFTER = dt.date(2017, 6, 1)
BEFORE = dt.date(2017, 4, 20)

# (case, actual, target, polarity, tolerance, tolerance kind, today, override, expected)
CASES = [
    (
        "KI 397: 60.7 against 85, higher is better",
        D("60.7"),
        D("85"),
        "increase",
        D("5"),
        "percent",
        AFTER,
        "",
        Rag.OFF_TRACK,
    ),
    (
        "above target (increase)",
        D("86"),
        D("85"),
        "increase",
        D("5"),
        "percent",
        AFTER,
        "",
        Rag.ON_TRACK,
    ),
    (
        "equal to target (increase) is On Track",
        D("85"),
        D("85"),
        "increase",
        D("5"),
        "percent",
        AFTER,
        "",
        Rag.ON_TRACK,
    ),
    (
        "equal to target (decrease) is On Track",
        D("4.7"),
        D("4.7"),
        "decrease",
        D("5"),
        "percent",
        AFTER,
        "",
        Rag.ON_TRACK,
    ),
    (
        "just short, inside the band",
        D("84"),
        D("85"),
        "increase",
        D("5"),
        "percent",
        AFTER,
        "",
        Rag.AT_RISK,
    ),
    (
        "on the percent band boundary is At Risk",
        D("80.75"),
        D("85"),
        "increase",
        D("5"),
        "percent",
        AFTER,
        "",
        Rag.AT_RISK,
    ),
    (
        "just past the percent boundary is Off Track",
        D("80.74"),
        D("85"),
        "increase",
        D("5"),
        "percent",
        AFTER,
        "",
        Rag.OFF_TRACK,
    ),
    (
        "on an absolute band boundary is At Risk",
        D("82"),
        D("85"),
        "increase",
        D("3"),
        "absolute",
        AFTER,
        "",
        Rag.AT_RISK,
    ),
    (
        "past an absolute band boundary is Off Track",
        D("81.99"),
        D("85"),
        "increase",
        D("3"),
        "absolute",
        AFTER,
        "",
        Rag.OFF_TRACK,
    ),
    (
        "no band: any shortfall is Off Track",
        D("84.99"),
        D("85"),
        "increase",
        D("0"),
        "absolute",
        AFTER,
        "",
        Rag.OFF_TRACK,
    ),
    (
        "decrease: below target is On Track",
        D("153"),
        D("175"),
        "decrease",
        D("5"),
        "percent",
        AFTER,
        "",
        Rag.ON_TRACK,
    ),
    (
        "decrease: above target in band is At Risk",
        D("1.26"),
        D("1.2"),
        "decrease",
        D("5"),
        "percent",
        AFTER,
        "",
        Rag.AT_RISK,
    ),
    (
        "decrease: on the boundary is At Risk",
        D("126"),
        D("120"),
        "decrease",
        D("5"),
        "percent",
        AFTER,
        "",
        Rag.AT_RISK,
    ),
    (
        "decrease: past the band is Off Track",
        D("1.3"),
        D("1.2"),
        "decrease",
        D("5"),
        "percent",
        AFTER,
        "",
        Rag.OFF_TRACK,
    ),
    (
        "decrease: target 0, figure 4 (percent band of 0 is 0)",
        D("4"),
        D("0"),
        "decrease",
        D("5"),
        "percent",
        AFTER,
        "",
        Rag.OFF_TRACK,
    ),
    (
        "target to agree: not rated",
        D("95"),
        None,
        "increase",
        D("5"),
        "percent",
        AFTER,
        "",
        Rag.NO_TARGET,
    ),
    (
        "missing figure before the due date: Data Not Due",
        None,
        D("85"),
        "increase",
        D("5"),
        "percent",
        BEFORE,
        "",
        Rag.NOT_DUE,
    ),
    (
        "missing figure on the due date: Not Provided",
        None,
        D("85"),
        "increase",
        D("5"),
        "percent",
        DUE,
        "",
        Rag.NOT_PROVIDED,
    ),
    (
        "missing figure after the due date: Not Provided",
        None,
        D("85"),
        "increase",
        D("5"),
        "percent",
        AFTER,
        "",
        Rag.NOT_PROVIDED,
    ),
    (
        "missing figure and target to agree",
        None,
        None,
        "increase",
        D("5"),
        "percent",
        AFTER,
        "",
        Rag.NOT_PROVIDED,
    ),
    (
        "override wins over the computed status",
        D("60.7"),
        D("85"),
        "increase",
        D("5"),
        "percent",
        AFTER,
        "at_risk",
        Rag.AT_RISK,
    ),
]


@pytest.mark.parametrize(
    "actual,target,polarity,tolerance,kind,today,override,expected",
    [c[1:] for c in CASES],
    ids=[c[0] for c in CASES],
)
def test_status(actual, target, polarity, tolerance, kind, today, override, expected):
    got = rag.status(
        actual=actual,
        target=target,
        polarity=polarity,
        tolerance=tolerance,
        tolerance_kind=kind,
        due_on=DUE,
        today=today,
        override=override,
    )
    assert got == expected


# (case, target, to agree, cumulative, year target, fraction, expected target, pro rata)
TARGETS = [
    ("own target wins", D("85"), False, False, None, D("0.25"), D("85"), False),
    ("to agree: no target", None, True, False, None, D("1"), None, False),
    (
        "cumulative Q1 gets a quarter of the year",
        None,
        False,
        True,
        D("18"),
        D("0.25"),
        D("4.5"),
        True,
    ),
    ("cumulative Q2 gets half", None, False, True, D("18"), D("0.5"), D("9"), True),
    ("cumulative month 5 gets 5/12", None, False, True, D("12"), D(5) / 12, D("5"), True),
    (
        "cumulative with its own target keeps it",
        D("10"),
        False,
        True,
        D("18"),
        D("0.5"),
        D("10"),
        False,
    ),
    ("cumulative but to agree: no target", None, True, True, D("18"), D("0.5"), None, False),
    ("not cumulative: year target not used", None, False, False, D("18"), D("0.5"), None, False),
]


@pytest.mark.parametrize(
    "target,to_agree,cumulative,year_target,fraction,expected,pro_rata",
    [c[1:] for c in TARGETS],
    ids=[c[0] for c in TARGETS],
)
def test_effective_target(target, to_agree, cumulative, year_target, fraction, expected, pro_rata):
    got, got_pro_rata = rag.effective_target(
        target=target,
        target_to_agree=to_agree,
        cumulative=cumulative,
        year_target=year_target,
        elapsed_fraction=fraction,
    )
    assert got == expected
    assert got_pro_rata is pro_rata


def test_cumulative_year_to_date_rated_against_pro_rata_target():
    # KI 220 style: 6 custodial sentences by Q2 against 18 a year is On Track (9 pro rata),
    # 10 by Q2 is Off Track even though it is under the annual 18.
    target, _ = rag.effective_target(
        target=None,
        target_to_agree=False,
        cumulative=True,
        year_target=D("18"),
        elapsed_fraction=D("0.5"),
    )
    assert rag.rate(actual=D("6"), target=target, polarity="decrease") == Rag.ON_TRACK
    assert (
        rag.rate(
            actual=D("10"),
            target=target,
            polarity="decrease",
            tolerance=D("5"),
            tolerance_kind="percent",
        )
        == Rag.OFF_TRACK
    )


# (case, current, previous, polarity, key, symbol)
DIRECTIONS = [
    ("up, higher is better", D("70"), D("65"), "increase", "improving", "▲"),
    ("down, higher is better", D("60.7"), D("65.1"), "increase", "worsening", "▼"),
    ("down, lower is better", D("153"), D("160"), "decrease", "improving", "▼"),
    ("up, lower is better", D("27.6"), D("26.1"), "decrease", "worsening", "▲"),
    ("no change", D("4.7"), D("4.7"), "decrease", "same", "▶"),
    ("no previous figure", D("4.7"), None, "decrease", "none", "–"),
    ("no current figure", None, D("4.7"), "increase", "none", "–"),
]


@pytest.mark.parametrize(
    "current,previous,polarity,key,symbol",
    [c[1:] for c in DIRECTIONS],
    ids=[c[0] for c in DIRECTIONS],
)
def test_direction(current, previous, polarity, key, symbol):
    got = rag.direction(current=current, previous=previous, polarity=polarity)
    assert (got.key, got.symbol) == (key, symbol)
    assert got.text


def test_every_status_has_text_and_a_symbol():
    for status in Rag:
        assert status.label
        assert rag.symbol(status) and rag.colour(status) in {"green", "amber", "red", "grey"}
    assert len({rag.symbol(s) for s in Rag}) == len(Rag)
