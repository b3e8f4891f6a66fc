"""scrutiny.serving.file_response in its file-system modes, with conditional requests (the
S3 modes are in test_s3_storage.py)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured, SuspiciousFileOperation
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, default_storage
from django.http import Http404
from django.test import RequestFactory
from django.utils.http import http_date

from scrutiny.serving import file_response

WHEN = dt.datetime(2026, 11, 20, 9, 30, tzinfo=dt.UTC)
BODY = b"%PDF-1.7 pretend document body\n" * 100


@pytest.fixture
def stored(settings) -> str:
    """The storage name of a file saved through the default (file-system) storage."""
    return default_storage.save("documents/abc123.pdf", ContentFile(BODY))


def serve(name, storage=default_storage, **headers):
    request = RequestFactory().get("/documents/1/", headers=headers)
    return file_response(
        request,
        storage,
        name,
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
    assert response["X-Accel-Redirect"] == f"/protected/{stored}"
    assert stored == "documents/abc123.pdf"
    assert response.content == b""
    assert "Content-Length" not in response
    assert response["ETag"] == '"sha256-abc"'
    assert response["Content-Type"] == "application/pdf"
    assert serve(stored, if_none_match='"sha256-abc"').status_code == 304


def test_x_sendfile_mode_names_the_absolute_path(stored, settings):
    settings.DOCUMENT_SERVING = "x-sendfile"
    response = serve(stored)
    assert response["X-Sendfile"] == str((Path(settings.MEDIA_ROOT) / stored).resolve())
    assert response.content == b""


@pytest.mark.parametrize("mode", ["django", "x-accel-redirect", "x-sendfile"])
def test_a_missing_file_is_404_in_every_mode(settings, mode):
    settings.DOCUMENT_SERVING = mode
    with pytest.raises(Http404):
        serve("documents/never-stored.pdf")
    with pytest.raises(Http404):
        serve("")


def test_refuses_files_outside_media_root(settings, tmp_path):
    settings.DOCUMENT_SERVING = "x-accel-redirect"
    outside = tmp_path / "elsewhere"
    other = FileSystemStorage(location=outside)
    other.save("secret.pdf", ContentFile(BODY))
    with pytest.raises(ValueError):
        serve("secret.pdf", storage=other)
    (tmp_path / "secret.pdf").write_bytes(BODY)
    with pytest.raises(SuspiciousFileOperation):
        serve("../secret.pdf")


def test_storage_url_mode_refuses_a_storage_that_cannot_sign(stored, settings):
    # scrutiny.env refuses this at start-up; file_response refuses it too rather than hand
    # out FileSystemStorage's unsigned MEDIA_URL.
    settings.DOCUMENT_SERVING = "storage-url"
    with pytest.raises(ImproperlyConfigured, match="signs its URLs"):
        serve(stored)


def test_public_files_may_be_cached_by_shared_caches(stored, settings):
    request = RequestFactory().get("/")
    response = file_response(request, default_storage, stored, filename="pack.pdf", public=True)
    assert response["Cache-Control"] == "public, no-cache"  # kept, revalidated on every use


def test_head_answers_the_headers_without_opening_the_file(stored, settings):
    settings.DOCUMENT_SERVING = "django"
    request = RequestFactory().head("/")
    response = file_response(request, default_storage, stored, filename="pack.pdf", public=True)
    assert response.status_code == 200 and not response.streaming and response.content == b""
    assert int(response["Content-Length"]) == default_storage.size(stored)
    with pytest.raises(Http404):
        file_response(request, default_storage, "no/such.pdf", filename="x.pdf")
