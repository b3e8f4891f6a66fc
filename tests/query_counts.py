"""Counting the SQL queries of one public page, for the query-count tests of every app."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

TARGET = 10  # the target: at most ten queries per public page


def page_queries(client, url) -> int:
    """The queries of the second GET of ``url`` (streamed bodies read to the end)."""
    client.get(url)  # warm-up: per-process caches (the council's name) are not the page's cost
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
        assert response.status_code == 200, url
        if response.streaming:
            b"".join(response.streaming_content)
    return len(ctx.captured_queries)
