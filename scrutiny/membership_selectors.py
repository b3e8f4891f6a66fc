"""Reads for the officer page "Members of <committee> for <municipal year>" (issue 15).

Membership is public information (who sits on a committee, in what role, from when to when);
nothing here is exempt. The officer pages read through these functions; the public committee
page keeps its own queries (``Committee.members_on`` and the year list in ``scrutiny.views``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count
from django.utils import timezone

from scrutiny.models import Committee, Membership, MunicipalYear


def year_label(day: dt.date, years: list[MunicipalYear]) -> str:
    """The municipal year ``day`` falls in ("2017/18"), from the stored years if one holds it."""
    found = next((y for y in years if y.start_date <= day <= y.end_date), None)
    return found.name if found else MunicipalYear.label_for(day)


def current_year(today: dt.date | None = None) -> MunicipalYear | None:
    """The year holding ``today`` or, if the next year is not entered yet, the latest begun."""
    today = today or timezone.localdate()
    return MunicipalYear.objects.filter(start_date__lte=today).order_by("-start_date").first()


def year_memberships(committee: Committee, year: MunicipalYear) -> list[Membership]:
    """Everyone who is a member at some time during ``year``, chair first."""
    return list(
        committee.memberships.overlapping(year.start_date, year.end_date)
        .select_related("person")
        .order_by("role_order", "person__sort_name", "start_date")
    )


def open_from_earlier(year: MunicipalYear):
    """Memberships with no end date that started before ``year``: left open, they make a
    member "current" for ever. The page flags them when a new year starts."""
    return Membership.objects.filter(end_date__isnull=True, start_date__lt=year.start_date)


@dataclass
class OpenFlag:
    committee: Committee
    count: int
    since: str  # the municipal year the oldest of them started in


def open_flags(year: MunicipalYear | None, committee: Committee | None = None) -> list[OpenFlag]:
    """Per committee, how many memberships are still open from before ``year``."""
    if year is None:
        return []
    qs = open_from_earlier(year)
    if committee is not None:
        qs = qs.filter(committee=committee)
    rows = qs.values("committee").annotate(n=Count("pk")).order_by()
    counts = {r["committee"]: r["n"] for r in rows}
    if not counts:
        return []
    oldest = {}
    for committee_id, start in qs.order_by("start_date").values_list("committee", "start_date"):
        oldest.setdefault(committee_id, start)
    years = list(MunicipalYear.objects.all())
    committees = Committee.objects.filter(pk__in=counts).order_by("name")
    return [OpenFlag(c, counts[c.pk], year_label(oldest[c.pk], years)) for c in committees]


@dataclass
class YearRow:
    membership: Membership
    open_since: str  # "" unless the membership is open and started in an earlier year
    default_end: dt.date


def year_rows(committee: Committee, year: MunicipalYear, today: dt.date) -> list[YearRow]:
    """The table of the page: each membership during ``year`` with its flag and the end date
    offered when it is ticked: the day before the year starts for a membership carried over
    from an earlier year (the member left at the annual meeting); today for one of this year
    while the year is running; otherwise the year's last day."""
    years = list(MunicipalYear.objects.all())
    in_year_default = today if year.start_date <= today <= year.end_date else year.end_date
    rows = []
    for m in year_memberships(committee, year):
        earlier = m.start_date < year.start_date
        rows.append(
            YearRow(
                membership=m,
                open_since=year_label(m.start_date, years) if earlier and not m.end_date else "",
                default_end=year.start_date - dt.timedelta(days=1) if earlier else in_year_default,
            )
        )
    return rows
