"""Lead member reports: a committee's report for a period and its highlights."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max

from scrutiny.audit import records_by
from scrutiny.models import Committee, Person
from workprogramme.models import Highlight, HighlightKind, LeadMemberReport
from workprogramme.services._common import apply_fields, locked


def _check_report(
    period_start: dt.date, period_end: dt.date, lead_member: Person | None, lead_member_name: str
) -> None:
    """What a report needs, when it starts and when it is edited: a period that does not end
    before it starts, and a lead member chosen or named."""
    if period_end < period_start:
        raise ValidationError({"period_end": "The period must end on or after it starts."})
    if lead_member is None and not lead_member_name.strip():
        raise ValidationError({"lead_member": "Choose or name the lead member."})


@transaction.atomic
def create_lead_member_report(
    *,
    committee: Committee,
    period_start: dt.date,
    period_end: dt.date,
    lead_member: Person | None = None,
    lead_member_name: str = "",
    general_comments: str = "",
) -> LeadMemberReport:
    _check_report(period_start, period_end, lead_member, lead_member_name)
    return LeadMemberReport.objects.create(
        committee=committee,
        period_start=period_start,
        period_end=period_end,
        lead_member=lead_member,
        lead_member_name=lead_member_name,
        general_comments=general_comments,
    )


@records_by
@transaction.atomic
def update_lead_member_report(
    *,
    report: LeadMemberReport,
    expected_version: int | None,
    committee: Committee,
    period_start: dt.date,
    period_end: dt.date,
    lead_member: Person | None = None,
    lead_member_name: str = "",
    general_comments: str = "",
    by=None,
) -> LeadMemberReport:
    report = locked(report, expected_version)
    _check_report(period_start, period_end, lead_member, lead_member_name)
    return apply_fields(
        report,
        {
            "committee": committee,
            "period_start": period_start,
            "period_end": period_end,
            "lead_member": lead_member,
            "lead_member_name": lead_member_name.strip(),
            "general_comments": general_comments.strip(),
        },
    )


@transaction.atomic
def add_highlight(
    *,
    report: LeadMemberReport,
    kind: str,
    body: str,
    title: str = "",
    date: dt.date | None = None,
) -> Highlight:
    if not (body.strip() or title.strip()):
        raise ValidationError({"body": "Enter the highlight."})
    order = (report.highlights.aggregate(n=Max("order"))["n"] or 0) + 1
    return Highlight.objects.create(
        report=report, kind=kind, body=body.strip(), title=title.strip(), date=date, order=order
    )


@records_by
@transaction.atomic
def update_highlight(
    *,
    highlight: Highlight,
    expected_version: int | None,
    kind: str,
    body: str,
    title: str = "",
    date: dt.date | None = None,
    by=None,
) -> Highlight:
    highlight = locked(highlight, expected_version)
    errors: dict[str, str] = {}
    if kind not in HighlightKind.values:
        errors["kind"] = "Choose what kind of highlight this is."
    if not (body.strip() or title.strip()):
        errors["body"] = "Enter the highlight."
    if errors:
        raise ValidationError(errors)
    return apply_fields(
        highlight, {"kind": kind, "body": body.strip(), "title": title.strip(), "date": date}
    )


@records_by
@transaction.atomic
def remove_highlight(*, highlight: Highlight, by=None) -> None:
    highlight.delete()
