"""The one CSV writer: every CSV the portal hands out is written here (issue 13 finding 7,
issue 22 "CSV responses").

What every CSV gets, whichever app writes it:

- **No formula injection** (OWASP "CSV injection"). A text cell that starts with ``=``, ``+``,
  ``-``, ``@``, a tab or a carriage return is written with a leading ``'``, so a spreadsheet
  shows it as text instead of running it (``=HYPERLINK(…)``, ``+cmd|…``, ``@SUM(…)``).
  Real numbers (``int``, ``float``, ``Decimal`` values, not text that looks like one) are
  written as they are, so a negative KPI figure stays a number a spreadsheet can add up: a
  number cannot carry a formula. Text such as ``"-5"`` is text and is escaped.
- **One date format**: a ``date`` cell is ISO 8601 (``2024-03-05``), a ``datetime`` cell is the
  local time as ``2024-03-05 14:30``; ``None`` is an empty cell; ``True``/``False`` are
  ``Yes``/``No``.
- **UTF-8 with a byte-order mark**, so spreadsheet programs read names with accents right.
- ``response()`` answers ``text/csv; charset=utf-8`` as an attachment, either built in memory
  or streamed (``stream=True``) for exports of unbounded size.

``tests/hardening/test_csv_export.py`` fails if ``csv.writer`` or ``csv.DictWriter`` appears
anywhere else in the portal's code.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from decimal import Decimal
from typing import Any

from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
DATE_FORMAT = "%Y-%m-%d"
DATETIME_FORMAT = "%Y-%m-%d %H:%M"
BOM = "\ufeff"
CONTENT_TYPE = "text/csv; charset=utf-8"


def date_text(value: dt.date | dt.datetime | None) -> str:
    """A date (or a datetime, in local time) as every CSV writes it; "" for None.

    For a date inside a longer text cell ("2024-03-05: progress note")."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.strftime(DATETIME_FORMAT)
    return value.strftime(DATE_FORMAT)


def cell(value: Any) -> str | int | float | Decimal:
    """One CSV cell that a spreadsheet will show and never run as a formula."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, int | float | Decimal):
        return value
    if isinstance(value, dt.date):
        return date_text(value)
    text = str(value)
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def read_cell(text: str) -> str:
    """A text cell of a CSV the portal wrote and an officer sends back (the KPI import
    template): the ``'`` that ``cell`` put before a formula character is taken off again."""
    if text.startswith("'") and text[1:].startswith(FORMULA_STARTS):
        return text[1:]
    return text


class _Echo:
    """A file-like object whose ``write`` hands the line back (for streaming)."""

    def write(self, value: str) -> str:
        return value


class Writer:
    """``csv.writer`` with every cell passed through ``cell()``."""

    def __init__(self, out) -> None:
        self._writer = csv.writer(out)

    def writerow(self, row: Iterable[Any]):
        return self._writer.writerow([cell(v) for v in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def lines(header: Iterable[Any], rows: Iterable[Iterable[Any]]) -> Iterator[str]:
    """The CSV text a line at a time (the first line starts with the byte-order mark)."""
    writer = Writer(_Echo())
    yield BOM + writer.writerow(header)
    for row in rows:
        yield writer.writerow(row)


def text(header: Iterable[Any], rows: Iterable[Iterable[Any]]) -> str:
    """The whole CSV as one string."""
    return "".join(lines(header, rows))


def response(
    filename: str,
    header: Iterable[Any],
    rows: Iterable[Iterable[Any]],
    *,
    stream: bool = False,
) -> HttpResponse | StreamingHttpResponse:
    """A CSV download. ``stream=True`` writes rows as the iterable yields them (an export of
    thousands of rows never sits in memory); otherwise the file is built first (so a view can
    give it an ETag)."""
    if stream:
        resp = StreamingHttpResponse(lines(header, rows), content_type=CONTENT_TYPE)
    else:
        resp = HttpResponse(text(header, rows), content_type=CONTENT_TYPE)
    resp["Content-Disposition"] = content_disposition(filename)
    return resp


# A public CSV of a ten-year council is megabytes (the actions, the KPI figures): written on
# every download it is the slowest public "page". ``stored()`` writes it once per content
# generation (``scrutiny.cache``: any save or delete of portal data bumps it, so a change
# shows in the very next download) and keeps the bytes in the shared cache, like the
# calendars and the sitemap's sections; it is then handed out in chunks, streamed like any
# other CSV (the same headers). Only what every reader may see is ever stored: the caller
# decides (a members' or officers' CSV, or a filtered one, is written on request).
STORED_SECONDS = 24 * 3600
STORED_CHUNK = 64 * 1024


def stored(
    name: str, filename: str, header: Iterable[Any], rows: Callable[[], Iterable[Iterable[Any]]]
) -> StreamingHttpResponse:
    """The public CSV ``name`` (a key naming everything its rows depend on besides portal
    data: a committee, the day), written from ``rows()`` when the current generation has
    none, as a streamed download called ``filename``."""
    import hashlib

    from django.core.cache import cache

    from scrutiny.cache import content_generation, generation_is_shared

    if not generation_is_shared():  # no shared cache: written on each request
        return response(filename, header, rows(), stream=True)
    where = hashlib.sha256(name.encode()).hexdigest()[:32]
    key = f"portal:csv:{content_generation()}:{where}"
    body = cache.get(key)
    if body is None:
        body = text(header, rows()).encode()
        cache.set(key, body, STORED_SECONDS)
    chunks = (body[i : i + STORED_CHUNK] for i in range(0, len(body), STORED_CHUNK))
    resp = StreamingHttpResponse(chunks, content_type=CONTENT_TYPE)
    resp["Content-Disposition"] = content_disposition(filename)
    return resp


def content_disposition(filename: str) -> str:
    """The ``Content-Disposition`` of a CSV download (also for a CSV kept and served again)."""
    return content_disposition_header(True, filename)
