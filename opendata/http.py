"""HTTP caching for feeds and the API: a strong ETag (a hash of the body), Last-Modified
from the newest change to the data behind it, and 304 answers to conditional requests."""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable

from django.db.models import Max
from django.utils.cache import get_conditional_response
from django.utils.http import http_date

from meetings.models import AgendaItem, Document, Meeting, Report
from opendata.models import CalendarEntry, Tombstone
from scrutiny.models import Committee, Council, Membership, MunicipalYear, Person

# Models whose changes can change a feed or an API answer. Every row counts, public or
# not, so that Last-Modified never goes backwards when something leaves public view.
# Later apps (minutes) add theirs in opendata.apps.
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


def data_last_modified():
    """The newest change to any watched model (one indexed MAX per table)."""
    stamps = [model._default_manager.aggregate(m=Max(field))["m"] for model, field in WATCHED]
    stamps = [s for s in stamps if s is not None]
    return max(stamps) if stamps else None


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
        timestamp = None
        if last_modified is not None:
            timestamp = int(last_modified.timestamp())
            response["Last-Modified"] = http_date(timestamp)
        return get_conditional_response(
            request, etag=etag, last_modified=timestamp, response=response
        )

    return wrapper
