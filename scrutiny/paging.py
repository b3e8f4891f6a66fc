"""Paged public lists (the action tracker, work programme issues, recommendations, lead
member reports): one way to read the page and keep the filters in the page links. The links
are drawn by ``templates/includes/pagination.html``."""

from __future__ import annotations

from django.core.paginator import Page, Paginator

# Rows a page on the long lists: a ten-year council has thousands of actions and issues.
PER_PAGE = 50


def paged(request, queryset, per_page: int = PER_PAGE) -> Page:
    """The requested page of ``queryset``: a page past the end gives the last page and a
    page that is not a number the first (``Paginator.get_page``), never an error."""
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))


def page_query(request) -> str:
    """The request's query without its page, for the pagination links (filters kept)."""
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()
