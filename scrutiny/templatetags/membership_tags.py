"""Flags for memberships left open from an earlier municipal year (issue 15), shown on the
officer home page and a committee's officer page: ``{% open_memberships_flag %}`` and
``{% committee_years committee %}``."""

from django import template
from django.utils import timezone

from scrutiny import membership_selectors as selectors
from scrutiny.membership_views import year_members_url
from scrutiny.models import MunicipalYear

register = template.Library()


@register.inclusion_tag("scrutiny/officer/_open_memberships.html")
def open_memberships_flag():
    year = selectors.current_year(timezone.localdate())
    flags = selectors.open_flags(year)
    return {
        "year": year,
        "flags": [(f, year_members_url(f.committee, year)) for f in flags],
    }


@register.inclusion_tag("scrutiny/officer/_committee_years.html")
def committee_years(committee):
    year = selectors.current_year(timezone.localdate())
    flags = selectors.open_flags(year, committee)
    years = MunicipalYear.objects.order_by("-start_date")
    return {
        "committee": committee,
        "year": year,
        "flags": [(f, year_members_url(f.committee, year)) for f in flags],
        "years": [(y, year_members_url(committee, y)) for y in years],
    }
