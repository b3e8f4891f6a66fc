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
