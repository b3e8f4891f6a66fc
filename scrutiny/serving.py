"""Serving stored files (documents, agenda packs) efficiently, after the view checked access.

``file_response(request, storage, name, *, filename, content_type, last_modified, etag)`` (or
``file_response(request, fieldfile, ...)``) is the one way a view hands a stored file to the
client. The file is named by its storage and its name in that storage, never by a path, so
the same view works with the file system (``MEDIA_ROOT``) and with S3 (``MEDIA_STORAGE=s3``).
``settings.DOCUMENT_SERVING`` decides how the bytes travel:

- ``"django"`` (default): Django streams the file from ``storage.open()`` (``FileResponse``)
  with ``Content-Length`` from ``storage.size()``, ``ETag`` and ``Last-Modified``. Works with
  every storage (with S3 the app server fetches the object first).
- ``"x-accel-redirect"``: an empty response carrying ``X-Accel-Redirect: /protected/<path
  relative to MEDIA_ROOT>``; nginx serves the bytes from an ``internal`` location (see
  docs/deploy.md). The Python worker is free again at once. File system only.
- ``"x-sendfile"``: an empty response carrying ``X-Sendfile: <absolute path>`` for Apache
  (mod_xsendfile) or lighttpd. File system only.
- ``"storage-url"``: ``302`` to a presigned URL of the object that expires after
  ``settings.DOCUMENT_URL_SECONDS`` and makes the storage answer with this ``filename``
  (``response-content-disposition``) and content type. S3 only; the bytes never pass
  through the app server.

In every mode a conditional request whose ``ETag``/``Last-Modified`` matches gets ``304 Not
Modified`` (or ``412``) without the storage being asked anything, and a file missing from
the storage is a 404. ``scrutiny.env`` refuses at start-up a mode that cannot work with the
configured storage; ``file_response`` refuses it too (``ImproperlyConfigured``) rather than
hand out a wrong path or an unsigned URL.

Access is always decided by the view before calling this; the front-end server only serves
files it is told to, from a location the public cannot request directly, and S3 objects are
private (only presigned URLs reach them). Responses are ``Cache-Control: private`` unless the
caller says the file is public (then ``public, no-cache``: kept, but revalidated on every use),
so exempt papers never sit in a shared cache. ``HEAD`` gets the headers without a body; the
redirects of ``storage-url`` are never cacheable at all (``private, no-store``: the URL expires).
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.files.storage import Storage
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.http import content_disposition_header, http_date, quote_etag

PROTECTED_PREFIX = "/protected/"

# A paper (a PDF) opens in the browser's own viewer: no ``sandbox`` (Chromium's viewer runs
# with it today, but Safari's, and Chromium's before version 9x, refuse a sandboxed PDF), and
# nothing may load or frame it. A download, or anything that is not a PDF, is sandboxed too,
# in case a browser ever renders it after all.
INLINE_PDF_POLICY = "default-src 'none'; frame-ancestors 'none'"
DOWNLOAD_POLICY = "default-src 'none'; sandbox"


def wants_download(request: HttpRequest) -> bool:
    """Whether the link asked for the file to be saved (``?download=1``) rather than opened
    in the browser, which is what a paper's own link does (issue 23: on a phone an
    attachment went to the downloads folder instead of opening)."""
    return request.GET.get("download") == "1"


def paper_headers(response: HttpResponse, *, inline: bool) -> HttpResponse:
    """The headers every served paper carries: never sniffed as anything but its declared
    type, and the policy for opening it inline or saving it."""
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = INLINE_PDF_POLICY if inline else DOWNLOAD_POLICY
    return response


MODES = ("django", "x-accel-redirect", "x-sendfile", "storage-url")


def media_relative(path: str | os.PathLike) -> str:
    """``path`` relative to MEDIA_ROOT as a URL path; refuses anything outside MEDIA_ROOT."""
    root = Path(settings.MEDIA_ROOT).resolve()
    resolved = Path(path).resolve()
    try:
        relative = resolved.relative_to(root)
    except ValueError as exc:
        raise ValueError(f"{path} is not inside MEDIA_ROOT") from exc
    return relative.as_posix()


def is_missing(exc: BaseException) -> bool:
    """Whether ``exc`` (from a storage call) means "no such file": the file system's
    FileNotFoundError, or S3's 404 / NoSuchKey when it surfaces as a botocore error."""
    if isinstance(exc, FileNotFoundError):
        return True
    error = getattr(exc, "response", None)
    if isinstance(error, dict):
        code = str(error.get("Error", {}).get("Code", ""))
        status = error.get("ResponseMetadata", {}).get("HTTPStatusCode")
        return code in {"404", "NoSuchKey", "NotFound"} or status == 404
    return False


def local_path(storage: Storage, name: str) -> Path:
    """The file's path on this machine, for the modes that hand a path to the front-end
    server; a storage without local paths (S3) is a configuration error."""
    try:
        return Path(storage.path(name))
    except NotImplementedError as exc:
        raise ImproperlyConfigured(
            f"DOCUMENT_SERVING={settings.DOCUMENT_SERVING} needs files on the local file "
            f"system, but {storage.__class__.__name__} has no paths: use storage-url or django"
        ) from exc


def presigned_url(
    storage: Storage, name: str, *, filename: str, content_type: str, as_attachment: bool, public
) -> str:
    """A short-lived signed URL of ``name`` that answers with ``filename``'s disposition."""
    if not getattr(storage, "querystring_auth", False) or getattr(storage, "custom_domain", None):
        raise ImproperlyConfigured(
            "DOCUMENT_SERVING=storage-url needs a storage that signs its URLs (S3 with "
            "querystring auth and no custom domain); files must never get a public URL"
        )
    parameters = {
        "ResponseContentDisposition": content_disposition_header(as_attachment, filename),
        "ResponseContentType": content_type,
        "ResponseCacheControl": "private, max-age=60" if public else "private, no-store",
    }
    return storage.url(name, parameters=parameters, expire=settings.DOCUMENT_URL_SECONDS)


def file_response(
    request: HttpRequest,
    storage: Storage | FieldFile,
    name: str | None = None,
    *,
    filename: str,
    content_type: str = "application/pdf",
    last_modified: dt.datetime | None = None,
    etag: str | None = None,
    public: bool = False,
    as_attachment: bool = False,
) -> HttpResponse:
    """A response that delivers the stored file ``name`` of ``storage`` (or the FieldFile
    given as ``storage``) as ``filename``. Raises Http404 when the file is not stored.

    ``etag`` is an opaque validator such as the file's SHA-256 (quoted here if needed);
    ``last_modified`` an aware datetime. ``public`` allows shared caches to keep the
    response; leave it False for anything that needed a permission check beyond "published".
    """
    if isinstance(storage, FieldFile):
        storage, name = storage.storage, storage.name
    if not name:
        raise Http404("No file is stored.")
    mode = settings.DOCUMENT_SERVING
    if mode not in MODES:  # pragma: no cover - Env already validates this
        raise ValueError(f"Unknown DOCUMENT_SERVING {mode!r}")

    quoted_etag = quote_etag(etag) if etag else None
    timestamp = int(last_modified.timestamp()) if last_modified else None
    not_modified = get_conditional_response(request, etag=quoted_etag, last_modified=timestamp)
    if not_modified is not None:
        _finish(not_modified, etag=quoted_etag, timestamp=timestamp, public=public)
        return not_modified

    if mode == "storage-url":
        if not storage.exists(name):
            raise Http404("The file is missing.")
        url = presigned_url(
            storage,
            name,
            filename=filename,
            content_type=content_type,
            as_attachment=as_attachment,
            public=public,
        )
        redirect = HttpResponseRedirect(url)
        # The URL expires (and grants access by itself): no cache may keep the redirect.
        patch_cache_control(redirect, private=True, no_store=True)
        patch_vary_headers(redirect, ["Cookie"])
        return redirect

    if mode == "django" and request.method == "HEAD":
        # The headers a GET would carry, without opening (or, on S3, fetching) the file.
        try:
            size = storage.size(name)
        except Exception as exc:
            if is_missing(exc):
                raise Http404("The file is missing.") from None
            raise
        response = HttpResponse(content_type=content_type)
        response["Content-Length"] = str(size)
    elif mode == "django":
        handle = None
        try:
            size = storage.size(name)
            handle = storage.open(name, "rb")
            # Fetch now (S3 downloads on first access), so a file deleted a moment ago is a
            # 404 here rather than a response cut off half-way.
            handle.file  # noqa: B018
        except Exception as exc:
            if handle is not None:
                handle.close()
            if is_missing(exc):
                raise Http404("The file is missing.") from None
            raise
        response: HttpResponse = FileResponse(
            handle, content_type=content_type, as_attachment=as_attachment
        )
        response["Content-Length"] = str(size)
    else:
        path = local_path(storage, name)
        relative = media_relative(path)
        if not path.is_file():
            raise Http404("The file is missing.")
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
        # A shared cache may keep a public file but must revalidate it (ETag/Last-Modified,
        # 304) on every use: a paper withdrawn after publication is never answered from a
        # cache (second outside review; it used to be max-age=300).
        patch_cache_control(response, public=True, no_cache=True)
    else:
        patch_cache_control(response, private=True, no_cache=True)
        patch_vary_headers(response, ["Cookie"])
