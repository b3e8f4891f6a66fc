"""HTTP to a ModernGov site: timeouts, retries with backoff, a polite request rate and
conditional GETs for documents. The settings (all optional):

``IMPORT_TIMEOUT`` seconds to wait for an answer (default 90: self-hosted ModernGov sites can
take a minute), ``IMPORT_RETRIES`` attempts after the first (3), ``IMPORT_BACKOFF`` the first
wait in seconds, doubled each time (1.0), ``IMPORT_REQUEST_INTERVAL`` the least time between
two requests to the site (0.2 s: at most five a second)."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from urllib.parse import urlencode

import requests
from django.conf import settings


class FetchError(Exception):
    """The site did not give an answer we can use (after the retries)."""


@dataclass
class Fetched:
    status: int  # 200, or 304 when the document has not changed
    content: bytes
    etag: str
    last_modified: str
    content_type: str


def _setting(name: str, default):
    return getattr(settings, name, default)


class ModernGovClient:
    def __init__(
        self,
        site: str,
        *,
        timeout: float | None = None,
        retries: int | None = None,
        backoff: float | None = None,
        interval: float | None = None,
        session: requests.Session | None = None,
    ):
        self.site = site.rstrip("/")
        self.timeout = _setting("IMPORT_TIMEOUT", 90) if timeout is None else timeout
        self.retries = _setting("IMPORT_RETRIES", 3) if retries is None else retries
        self.backoff = _setting("IMPORT_BACKOFF", 1.0) if backoff is None else backoff
        self.interval = _setting("IMPORT_REQUEST_INTERVAL", 0.2) if interval is None else interval
        self.session = session or requests.Session()
        self.session.headers["User-Agent"] = "scrutiny-portal-importer"
        self._lock = threading.Lock()
        self._next_at = 0.0
        self.requests_made = 0

    def _wait_turn(self) -> None:
        with self._lock:
            now = time.monotonic()
            wait = self._next_at - now
            self._next_at = max(now, self._next_at) + self.interval
        if wait > 0:
            time.sleep(wait)

    def get(self, url: str, *, headers: dict | None = None) -> requests.Response:
        last = ""
        for attempt in range(self.retries + 1):
            if attempt:
                time.sleep(self.backoff * 2 ** (attempt - 1))
            self._wait_turn()
            try:
                self.requests_made += 1
                response = self.session.get(url, headers=headers or {}, timeout=self.timeout)
            except requests.RequestException as exc:
                last = f"{type(exc).__name__}: {exc}"
                continue
            if response.status_code == 304 or response.status_code < 400:
                return response
            last = f"HTTP {response.status_code}"
            if response.status_code < 500 and response.status_code != 429:
                break  # a 404 or 403 will not change by asking again
        raise FetchError(f"{url}: {last} (after {attempt + 1} attempts)")

    def service(self, method: str, **params) -> bytes:
        query = f"?{urlencode(params)}" if params else ""
        return self.get(f"{self.site}/mgWebService.asmx/{method}{query}").content

    def document_url(self, attachment_id: str) -> str:
        return f"{self.site}/mgConvert2PDF.aspx?ID={attachment_id}"

    def document(self, attachment_id: str, *, etag: str = "", last_modified: str = "") -> Fetched:
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        r = self.get(self.document_url(attachment_id), headers=headers)
        return Fetched(
            status=r.status_code,
            content=r.content if r.status_code != 304 else b"",
            etag=r.headers.get("ETag", ""),
            last_modified=r.headers.get("Last-Modified", ""),
            content_type=r.headers.get("Content-Type", ""),
        )
