"""Paged lists: the one page size and the one way to read the page.

Every paged list shows ``settings.PAGE_SIZE`` rows, except the lists named in ``PAGE_SIZES``,
each with its reason. ``paged`` reads the page and ``page_query`` keeps the filters in the page
links, which are drawn by ``templates/includes/pagination.html``. The sitemap's 5,000 URLs a
file (``scrutiny.sitemap_index``) and the OParl API's ``limit`` are not pages of a list shown to
people and keep their own numbers.
"""

from __future__ import annotations

from django.conf import settings
from django.core.paginator import Page, Paginator

# Lists that show another number of rows, and why.
PAGE_SIZES: dict[str, int] = {
    # The calendar shows every upcoming meeting above the page of past ones.
    "meeting-calendar": 40,
    # Lead member reports sit under the work programme index, on the same page.
    "lead-member-reports": 20,
    # Each search result carries a snippet of text; the count is capped (``CappedPaginator``).
    "search": 20,
    # Each entry of a record's history is a table of the fields that changed.
    "record-history": 25,
}


def page_size(name: str | None = None) -> int:
    """Rows a page of the list called ``name`` (``settings.PAGE_SIZE`` unless it is listed in
    ``PAGE_SIZES``)."""
    return PAGE_SIZES.get(name, settings.PAGE_SIZE) if name else settings.PAGE_SIZE


def paged(request, queryset, name: str | None = None, *, count: int | None = None) -> Page:
    """The requested page of ``queryset``: a page past the end gives the last page and a
    page that is not a number the first (``Paginator.get_page``), never an error.

    ``count``: the number of rows of ``queryset`` when the caller has it already (read in one
    query with other totals), so that the paginator does not count them again."""
    paginator = Paginator(queryset, page_size(name))
    if count is not None:
        paginator.count = count  # Paginator.count is a cached_property: this is its value
    return paginator.get_page(request.GET.get("page"))


def page_query(request) -> str:
    """The request's query without its page, for the pagination links (filters kept)."""
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


# Beyond this the offset is out of a 32-bit integer's range on every page size in use.
MAX_WINDOW_PAGE = 2**31 // 1000


def requested_page(request, name: str | None = None) -> tuple[int, int, int] | None:
    """For a list that reads its page's rows and its total in one query (window counts):
    ``(number, offset, limit)`` of the page asked for, or None when it is not a page that
    can hold rows (0, negative, or so far past any list that its offset would overflow the
    database's integers): the caller then counts and reads the last page through ``paged``,
    as a page past the end does. A page that is not a number is the first."""
    size = page_size(name)
    try:
        number = int(request.GET.get("page", 1))
    except (TypeError, ValueError):
        number = 1
    if number < 1 or number > MAX_WINDOW_PAGE:
        return None
    return number, (number - 1) * size, size


def known_page(rows: list, number: int, total: int, name: str | None = None) -> Page:
    """Page ``number`` of a list of ``total`` rows whose rows ``rows`` were read with the
    total (``requested_page``): the same Page ``paged`` gives, without counting again."""
    paginator = Paginator([], page_size(name))
    paginator.count = total  # a cached_property: this is its value
    return Page(rows, number, paginator)
