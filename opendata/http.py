"""HTTP caching for feeds, calendars, the API and the CSV downloads: a strong ETag (a hash
of the body), Last-Modified, and 304 answers to conditional requests.

Feeds, calendars and the API take Last-Modified from ``opendata.records`` (public rows
only: a change to a draft or an exempt paper never moves it, a withdrawal does). The CSV
downloads take it from every row of the tables behind them (``data_last_modified``); being
streamed, they take their ETag from the data's change stamps instead of the body
(``streamed_conditional``)."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
from collections.abc import Callable

from django.db import connection
from django.utils import timezone
from django.utils.cache import get_conditional_response
from django.utils.dateparse import parse_datetime
from django.utils.http import http_date

from meetings.models import AgendaItem, Document, Meeting, Report
from opendata.models import CalendarEntry
from scrutiny.models import Committee, Council, Membership, MunicipalYear, Person

# Models whose changes can change a CSV download (every row counts). Minutes models are
# added by opendata.minutes.register(); the performance and work programme models below.
WATCHED: list[tuple[type, str]] = [
    (Meeting, "modified_at"),
    (AgendaItem, "modified_at"),
    (Report, "modified_at"),
    (Document, "modified_at"),
    (Committee, "modified_at"),
    (Person, "modified_at"),
    (Membership, "modified_at"),
    (MunicipalYear, "modified_at"),
    (Council, "modified_at"),
    (CalendarEntry, "changed_at"),
]


def _watch_later_apps() -> None:
    from performance.models import KPI, Figure
    from workprogramme.models import ExecutiveResponse, ReviewRecommendation, ScrutinyReview

    for model in (KPI, Figure, ScrutinyReview, ReviewRecommendation, ExecutiveResponse):
        WATCHED.append((model, "modified_at"))


_watch_later_apps()


def data_last_modified():
    """The newest change to any watched model: one query, one indexed MAX per table."""
    quote = connection.ops.quote_name
    parts = [
        f"SELECT MAX({quote(model._meta.get_field(name).column)}) AS m "  # noqa: S608
        f"FROM {quote(model._meta.db_table)}"
        for model, name in WATCHED
    ]
    sql = "SELECT MAX(m) FROM (" + " UNION ALL ".join(parts) + ") AS stamps"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql)  # table and column names only, from model metadata
        (value,) = cursor.fetchone()
    if isinstance(value, str):  # SQLite returns text
        value = parse_datetime(value)
    if value is not None and timezone.is_naive(value):
        value = timezone.make_aware(value, dt.UTC)
    return value


def public_conditional(view: Callable) -> Callable:
    """``conditional`` for feeds, calendars and the API: the public records are brought up
    to date first, and Last-Modified comes from them alone."""
    from opendata import records

    @functools.wraps(view)
    def fresh(request, *args, **kwargs):
        records.ensure_fresh()
        return view(request, *args, **kwargs)

    return conditional(fresh, last_modified=records.public_last_modified)


# Part of every streamed CSV's ETag: raise it when a CSV's columns or format change, so a
# client's copy of the old format is not answered 304.
STREAMED_FORMAT = "1"


def streamed_conditional(view: Callable) -> Callable:
    """``conditional`` for the streamed CSV downloads, whose body is never held whole to be
    hashed. The ETag is built before the view runs, from what the body depends on: the
    request (path and filters), the newest change to the tables behind it
    (``data_last_modified``), the content generation (``scrutiny.cache``: bumped by every
    save and delete, so a deleted row changes it too) and today's date (a KPI's missing figure
    turns from "not due" to "not provided" on its due date). A client whose copy is current
    gets a 304 without the CSV's query running at all."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        from scrutiny.cache import content_generation

        last_modified = data_last_modified()
        timestamp = int(last_modified.timestamp()) if last_modified is not None else None
        key = "|".join(
            [
                STREAMED_FORMAT,
                request.get_full_path(),
                last_modified.isoformat() if last_modified is not None else "",
                str(content_generation()),
                timezone.localdate().isoformat(),
            ]
        )
        etag = '"' + hashlib.sha256(key.encode()).hexdigest()[:40] + '"'
        response = get_conditional_response(request, etag=etag, last_modified=timestamp)
        if response is None:
            response = view(request, *args, **kwargs)
            if response.status_code != 200:
                return response
        response["ETag"] = etag
        response["Cache-Control"] = "public, no-cache"
        response["Access-Control-Allow-Origin"] = "*"  # open data: any site may read it
        if timestamp is not None:
            response["Last-Modified"] = http_date(timestamp)
        return response

    return wrapper


def conditional(view: Callable, *, last_modified: Callable = data_last_modified) -> Callable:
    """Give a GET view's 200 answers an ETag and Last-Modified, and answer 304 when the
    client's copy is current (If-None-Match first, then If-Modified-Since)."""
    newest = last_modified

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if response.status_code != 200 or getattr(response, "streaming", False):
            return response
        etag = '"' + hashlib.sha256(response.content).hexdigest()[:40] + '"'
        last_modified = newest()
        response["ETag"] = etag
        response["Cache-Control"] = "public, no-cache"
        response["Access-Control-Allow-Origin"] = "*"  # open data: any site may read it
        timestamp = None
        if last_modified is not None:
            timestamp = int(last_modified.timestamp())
            response["Last-Modified"] = http_date(timestamp)
        return get_conditional_response(
            request, etag=etag, last_modified=timestamp, response=response
        )

    return wrapper
