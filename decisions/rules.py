"""Checks of the decisions app that both a form and a service run: one function each, so an
officer form shows the message on its field before anything is written and the service
refuses the same thing whoever calls it (a command, the demo, a test).

Each returns ``{field: message}``, empty when all is well; it writes nothing.
"""

from __future__ import annotations

import datetime as dt

from decisions.models import MakerKind
from scrutiny.models import Committee

MAKER_FIELDS = {
    MakerKind.CABINET: "cabinet",
    MakerKind.PORTFOLIO_HOLDER: "portfolio_holder",
    MakerKind.OFFICER: "officer",
}


def maker_problems(
    *, kind: str | None, cabinet=None, portfolio_holder=None, officer=None, on: dt.date | None
) -> dict[str, str]:
    """The decision maker is exactly one of: the Cabinet (a committee of kind Cabinet), a
    portfolio holder in office on ``on`` (not checked when ``on`` is None), or an officer
    under delegated powers. Only the field of ``kind`` is looked at."""
    if kind not in MAKER_FIELDS:
        return {"maker_kind": "Choose who takes the decision."}
    chosen = {"cabinet": cabinet, "portfolio_holder": portfolio_holder, "officer": officer}
    field = MAKER_FIELDS[kind]
    if chosen[field] is None:
        return {field: f"Choose the {MakerKind(kind).label.lower()} who takes the decision."}
    if kind == MakerKind.CABINET and cabinet.kind != Committee.Kind.CABINET:
        return {"cabinet": "Choose a committee of the kind Cabinet."}
    if kind == MakerKind.PORTFOLIO_HOLDER and on is not None:
        holder = portfolio_holder
        if holder.start_date > on or (holder.end_date and holder.end_date < on):
            return {"portfolio_holder": f"{holder.person} was not in office on {on:%-d %B %Y}."}
    return {}
