"""Serving stored files (documents, agenda packs) efficiently, after the view checked access.

``file_response(request, path, *, filename, content_type, last_modified, etag)`` is the one
way a view hands a stored file to the client. ``settings.DOCUMENT_SERVING`` decides how:

- ``"django"`` (default): Django streams the file (``FileResponse``) with ``Content-Length``,
  ``ETag`` and ``Last-Modified``, and answers ``304 Not Modified`` (or ``412``) to a matching
  conditional request without opening the file.
- ``"x-accel-redirect"``: an empty response carrying ``X-Accel-Redirect: /protected/<path
  relative to MEDIA_ROOT>``; nginx serves the bytes from an ``internal`` location (see
  docs/deploy.md). The Python worker is free again at once.
- ``"x-sendfile"``: an empty response carrying ``X-Sendfile: <absolute path>`` for Apache
  (mod_xsendfile) or lighttpd.

Access is always decided by the view before calling this; the front-end server only serves
files it is told to, from a location the public cannot request directly. Responses are
``Cache-Control: private`` unless the caller says the file is public, so exempt papers never
sit in a shared cache.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.http import FileResponse, HttpRequest, HttpResponse
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.http import content_disposition_header, http_date, quote_etag

PROTECTED_PREFIX = "/protected/"
MODES = ("django", "x-accel-redirect", "x-sendfile")


def media_relative(path: str | os.PathLike) -> str:
    """``path`` relative to MEDIA_ROOT as a URL path; refuses anything outside MEDIA_ROOT."""
    root = Path(settings.MEDIA_ROOT).resolve()
    resolved = Path(path).resolve()
    try:
        relative = resolved.relative_to(root)
    except ValueError as exc:
        raise ValueError(f"{path} is not inside MEDIA_ROOT") from exc
    return relative.as_posix()


def file_response(
    request: HttpRequest,
    path: str | os.PathLike,
    *,
    filename: str,
    content_type: str = "application/pdf",
    last_modified: dt.datetime | None = None,
    etag: str | None = None,
    public: bool = False,
    as_attachment: bool = False,
) -> HttpResponse:
    """A response that delivers the file at ``path`` (inside MEDIA_ROOT) as ``filename``.

    ``etag`` is an opaque validator such as the file's SHA-256 (quoted here if needed);
    ``last_modified`` an aware datetime. ``public`` allows shared caches to keep the
    response; leave it False for anything that needed a permission check beyond "published".
    """
    mode = settings.DOCUMENT_SERVING
    if mode not in MODES:  # pragma: no cover - Env already validates this
        raise ValueError(f"Unknown DOCUMENT_SERVING {mode!r}")
    path = Path(path)
    relative = media_relative(path)

    quoted_etag = quote_etag(etag) if etag else None
    timestamp = int(last_modified.timestamp()) if last_modified else None
    not_modified = get_conditional_response(request, etag=quoted_etag, last_modified=timestamp)
    if not_modified is not None:
        _finish(not_modified, etag=quoted_etag, timestamp=timestamp, public=public)
        return not_modified

    if mode == "django":
        response: HttpResponse = FileResponse(
            path.open("rb"), content_type=content_type, as_attachment=as_attachment
        )
        response["Content-Length"] = str(path.stat().st_size)
    else:
        response = HttpResponse(content_type=content_type)
        if mode == "x-accel-redirect":
            response["X-Accel-Redirect"] = PROTECTED_PREFIX + quote(relative)
        else:
            response["X-Sendfile"] = str(path.resolve())
        # The front-end server fills in the body and its length.
        del response["Content-Length"]
    response["Content-Disposition"] = content_disposition_header(as_attachment, filename)
    _finish(response, etag=quoted_etag, timestamp=timestamp, public=public)
    return response


def _finish(response: HttpResponse, *, etag: str | None, timestamp: int | None, public: bool):
    if etag:
        response["ETag"] = etag
    if timestamp is not None:
        response["Last-Modified"] = http_date(timestamp)
    if public:
        patch_cache_control(response, public=True, max_age=300)
    else:
        patch_cache_control(response, private=True, no_cache=True)
        patch_vary_headers(response, ["Cookie"])
