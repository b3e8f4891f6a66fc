"""The portal's own error answers: 400, 500 and 503 (database unavailable).

They are rendered from ``templates/errors/layout.html``, which needs no database (no context
processors, no signed-in user), so they can be shown while the database is down or while a
request is being refused before it reached any view. Paths under ``/api/`` get JSON instead
of HTML, with the same CORS header as the API's answers.
"""

from __future__ import annotations

import logging
import sqlite3
import sys

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string

logger = logging.getLogger("scrutiny.errors")

API_PREFIX = "/api/"
# How long a client should wait before asking again while the database is unavailable.
RETRY_AFTER_SECONDS = 30

# SQLite reports missing tables and syntax errors as OperationalError too: only these
# messages mean "the database cannot be reached or used now" rather than a bug.
_SQLITE_UNAVAILABLE = ("database is locked", "unable to open database", "disk i/o error")


def is_api_path(path: str) -> bool:
    return path.startswith(API_PREFIX)


def database_unavailable(exc: BaseException | None) -> bool:
    """Whether ``exc`` means the database is down or unreachable (not a bug in a query)."""
    if isinstance(exc, InterfaceError):
        return True
    if not isinstance(exc, OperationalError):
        return False
    cause = exc.__cause__
    if isinstance(cause, sqlite3.OperationalError):
        return any(text in str(cause).lower() for text in _SQLITE_UNAVAILABLE)
    # psycopg's OperationalError: connection refused or lost, too many clients, shutdown,
    # statement timeout. All mean "try again later".
    return True


def error_response(request, status: int, title: str, message: str = "") -> HttpResponse:
    """An error page (or JSON under /api/) that needs no database."""
    if request is not None and is_api_path(request.path):
        response = JsonResponse({"error": message or title, "status": status}, status=status)
        response["Access-Control-Allow-Origin"] = "*"
    else:
        body = render_to_string(
            f"{status}.html",
            {
                "title": title,
                "message": message,
                "council_name": settings.COUNCIL_NAME,
                "council_website": settings.COUNCIL_WEBSITE,
            },
        )
        response = HttpResponse(body, status=status, content_type="text/html; charset=utf-8")
    response["Cache-Control"] = "no-store"
    if status == 503:
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def service_unavailable(request) -> HttpResponse:
    return error_response(
        request,
        503,
        "Sorry, the service is unavailable",
        "The service cannot reach its database at the moment. Try again in a few minutes.",
    )


def bad_request(request, exception=None, message: str = "") -> HttpResponse:
    """``handler400`` (SuspiciousOperation, bad Host header, too many fields…) and the answer
    of ``scrutiny.middleware.RequestInputGuard``."""
    return error_response(
        request,
        400,
        "Sorry, there is a problem with the request",
        message or "The portal could not understand the request.",
    )


def server_error(request) -> HttpResponse:
    """``handler500``: Django calls it while handling the uncaught exception, so
    ``sys.exc_info()`` still holds it. A database that is down is a 503 with Retry-After
    (the request may succeed later), anything else the portal's own 500 page."""
    exc = sys.exc_info()[1]
    if database_unavailable(exc):
        logger.warning("Database unavailable: %s answered 503 (%s)", request.path, exc)
        return service_unavailable(request)
    return error_response(
        request, 500, "Sorry, there is a problem with the service", "An unexpected error."
    )
