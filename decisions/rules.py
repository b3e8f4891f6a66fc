"""Checks of the decisions app that both a form and a service run: one function each, so an
officer form shows the message on its field before anything is written and the service
refuses the same thing whoever calls it (a command, the demo, a test).

Each returns ``{field: message}``, empty when all is well; it writes nothing.
"""

from __future__ import annotations

import datetime as dt

from decisions.models import ExceptionKind, MakerKind
from meetings import workdays
from scrutiny.models import Committee, Membership

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


def chair_on(committee, day: dt.date):
    """The person recorded as ``committee``'s chair on ``day`` (a ``Membership`` of role
    chair in force that day), or None. Two overlapping chairs: the one who started last."""
    membership = (
        Membership.objects.in_force_on(day)
        .filter(committee=committee, role=Membership.Role.CHAIR)
        .select_related("person")
        .order_by("-start_date", "-pk")
        .first()
    )
    return membership.person if membership else None


def _chair_problem(chair, committee, day: dt.date, what: str, field: str) -> dict[str, str]:
    if committee is None:
        return {
            "scrutiny_chair": "Choose the overview and scrutiny committee whose chair is "
            "informed and agrees in the decisions settings first."
        }
    recorded = chair_on(committee, day)
    if recorded is None:
        # The regulations' fallbacks (reg. 10: each member of the committee informed; reg. 11:
        # the chair, or else the vice-chair, of the council) are not recorded by the portal,
        # so it does not pretend to check them.
        return {
            field: f"No chair of {committee} is recorded on {day:%-d %B %Y}, so the portal "
            f"cannot check who {what}. Record the chair's membership (with its dates) on the "
            "committee's officer page. The regulations' fallbacks (every member informed; the "
            "chair or vice-chair of the council) are not recorded here."
        }
    if chair is not None and chair.pk != recorded.pk:
        return {
            "scrutiny_chair": f"{chair} was not the chair of {committee} on {day:%-d %B %Y}: "
            f"{recorded} was."
        }
    return {}


def exception_problems(
    *,
    kind: str,
    chair,
    informed_on: dt.date | None,
    notice_on: dt.date | None,
    agreed_on: dt.date | None,
    decision_date: dt.date | None,
    committee,
    notice_days: int,
) -> dict[str, str]:
    """A general exception (reg. 10) or special urgency (reg. 11) as recorded: the person is
    the chair of the overview and scrutiny committee (``committee``) on the day they were
    informed or agreed; for a general exception the chair is informed no later than the notice
    is published, and the notice is published ``notice_days`` clear working days before the
    decision (``meetings.workdays``); special urgency is agreed no later than the decision
    day. A missing date is the caller's to report (``_exception_record_problems``)."""
    problems: dict[str, str] = {}
    if kind == ExceptionKind.GENERAL:
        if informed_on is not None:
            problems.update(
                _chair_problem(chair, committee, informed_on, "was informed", "chair_informed_on")
            )
            if notice_on is not None and informed_on > notice_on:
                problems["chair_informed_on"] = (
                    "The chair must be informed before the general exception notice is "
                    f"published ({notice_on:%-d %B %Y}), not after."
                )
        if (
            notice_on is not None
            and decision_date is not None
            and not workdays.is_in_time(notice_on, decision_date, notice_days)
        ):
            latest = workdays.latest_publication_date(decision_date, notice_days)
            problems["exception_notice_published_on"] = (
                f"The notice must be published {notice_days} clear working days before "
                f"the decision (by {latest:%-d %B %Y}). Use special urgency instead."
            )
    elif kind == ExceptionKind.SPECIAL_URGENCY and agreed_on is not None:
        problems.update(_chair_problem(chair, committee, agreed_on, "agreed", "chair_agreed_on"))
        if decision_date is not None and agreed_on > decision_date:
            problems["chair_agreed_on"] = (
                "The chair's agreement must be given before the decision is taken "
                f"({decision_date:%-d %B %Y}), not after."
            )
    return problems
