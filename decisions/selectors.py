"""Reads of the decisions app shared by its pages and the open data app."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from scrutiny import visibility


def matching(queryset: QuerySet, query: str) -> QuerySet:
    """Decisions of ``queryset`` matching every word of ``query``: the title and reference
    of any decision, and the text, reasons and alternatives of an open one only (a private
    decision's record beyond its title is not public, so it must not be findable by it)."""
    for word in query.split()[:10]:
        public_words = Q(title__icontains=word) | Q(reference__iexact=word)
        recorded = (
            Q(decision__icontains=word)
            | Q(reasons__icontains=word)
            | Q(alternatives__icontains=word)
        )
        queryset = queryset.filter(public_words | (recorded & visibility.decision_open()))
    return queryset


def delegated_report_public() -> Q:
    """A public delegated report (``DelegatedReport.objects.public()``): its decision is public
    (published and not taken in private) and the report is not exempt. The rule itself is in
    ``scrutiny.visibility``, the home of every public rule."""
    return visibility.delegated_report_public()


def is_delegated_report_public(report) -> bool:
    return visibility.is_delegated_report_public(report)


def public_delegated_reports(decision) -> list:
    """The delegated reports of ``decision`` the public may read (none for a private one)."""
    return list(decision.delegated_reports.public().order_by("pk"))
