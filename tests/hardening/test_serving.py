"""scrutiny.serving.file_response in its three modes, with conditional requests."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.test import RequestFactory
from django.utils.http import http_date

from scrutiny.serving import file_response

WHEN = dt.datetime(2026, 11, 20, 9, 30, tzinfo=dt.UTC)
BODY = b"%PDF-1.7 pretend document body\n" * 100


@pytest.fixture
def stored(settings) -> Path:
    folder = Path(settings.MEDIA_ROOT) / "documents"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "abc123.pdf"
    path.write_bytes(BODY)
    return path


def serve(path, **headers):
    request = RequestFactory().get("/documents/1/", headers=headers)
    return file_response(
        request,
        path,
        filename="Appendix A – finance.pdf",
        content_type="application/pdf",
        last_modified=WHEN,
        etag="sha256-abc",
    )


def test_django_mode_streams_with_validators(stored, settings):
    settings.DOCUMENT_SERVING = "django"
    response = serve(stored)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == BODY
    assert response["Content-Length"] == str(len(BODY))
    assert response["ETag"] == '"sha256-abc"'
    assert response["Last-Modified"] == http_date(WHEN.timestamp())
    assert response["Content-Type"] == "application/pdf"
    assert "inline" in response["Content-Disposition"]
    assert (
        "filename*=utf-8''Appendix%20A%20%E2%80%93%20finance.pdf"
        in (response["Content-Disposition"])
    )
    assert "private" in response["Cache-Control"]
    assert "X-Accel-Redirect" not in response


def test_django_mode_answers_304_to_matching_etag_and_date(stored, settings):
    settings.DOCUMENT_SERVING = "django"
    by_etag = serve(stored, if_none_match='"sha256-abc"')
    assert by_etag.status_code == 304
    assert by_etag.content == b""
    assert by_etag["ETag"] == '"sha256-abc"'
    by_date = serve(stored, if_modified_since=http_date(WHEN.timestamp() + 60))
    assert by_date.status_code == 304
    changed = serve(stored, if_none_match='"sha256-other"')
    assert changed.status_code == 200


def test_x_accel_redirect_mode_hands_over_to_nginx(stored, settings):
    settings.DOCUMENT_SERVING = "x-accel-redirect"
    response = serve(stored)
    assert response.status_code == 200
    assert response["X-Accel-Redirect"] == "/protected/documents/abc123.pdf"
    assert response.content == b""
    assert "Content-Length" not in response
    assert response["ETag"] == '"sha256-abc"'
    assert response["Content-Type"] == "application/pdf"
    assert serve(stored, if_none_match='"sha256-abc"').status_code == 304


def test_x_sendfile_mode_names_the_absolute_path(stored, settings):
    settings.DOCUMENT_SERVING = "x-sendfile"
    response = serve(stored)
    assert response["X-Sendfile"] == str(stored.resolve())
    assert response.content == b""


def test_refuses_files_outside_media_root(settings, tmp_path):
    settings.DOCUMENT_SERVING = "x-accel-redirect"
    outside = tmp_path / "secret.pdf"
    outside.write_bytes(BODY)
    with pytest.raises(ValueError):
        serve(outside)
    with pytest.raises(ValueError):
        serve(Path(settings.MEDIA_ROOT) / ".." / "secret.pdf")


def test_public_files_may_be_cached_by_shared_caches(stored, settings):
    request = RequestFactory().get("/")
    response = file_response(request, stored, filename="pack.pdf", public=True)
    assert "public" in response["Cache-Control"]
    assert "private" not in response["Cache-Control"]
