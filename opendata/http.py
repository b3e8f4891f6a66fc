"""HTTP caching for feeds and the API: a strong ETag (a hash of the body), Last-Modified
from the newest change to the data behind it, and 304 answers to conditional requests."""

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
from opendata.models import CalendarEntry, Tombstone
from scrutiny.models import Committee, Council, Membership, MunicipalYear, Person

# Models whose changes can change a feed or an API answer. Every row counts, public or
# not, so that Last-Modified never goes backwards when something leaves public view.
# Minutes models are added by opendata.minutes.register(); the CSV models below.
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
    (Tombstone, "deleted_at"),
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


def conditional(view: Callable) -> Callable:
    """Give a GET view's 200 answers an ETag and Last-Modified, and answer 304 when the
    client's copy is current (If-None-Match first, then If-Modified-Since)."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if response.status_code != 200 or getattr(response, "streaming", False):
            return response
        etag = '"' + hashlib.sha256(response.content).hexdigest()[:40] + '"'
        last_modified = data_last_modified()
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
