"""S3 media storage end to end, against a real S3-compatible server on loopback.

moto's S3 server (``moto.server.ThreadedMotoServer``) listens on 127.0.0.1; the portal talks
to it over HTTP with boto3 through django-storages, exactly as it would to AWS S3, MinIO or
Ceph. The storage settings are built by ``scrutiny.env.Env`` from the same environment
variables a deployment sets (``MEDIA_STORAGE=s3``, ``S3_*``). Everything goes through the
real views and tasks: the officer's upload form, publishing (which builds the packs and reads
the PDFs' text in the task), the public and members' downloads, the OParl file URLs, the
officer's rebuild and remove buttons, and the backup and restore commands. Nothing may land
in MEDIA_ROOT on the way.

moto is a dev dependency: if it cannot be imported this module fails to collect (an error),
it never skips.
"""

from __future__ import annotations

import hashlib
import io
import logging
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import boto3
import pypdf
import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage, storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import RequestFactory
from django.urls import reverse
from moto.server import ThreadedMotoServer
from storages.backends.s3 import S3Storage

from meetings.models import Document, ExemptAccess, Meeting
from meetings.packs.models import BuildStatus, Pack
from scrutiny.backup import canonical_dump, media_hashes
from scrutiny.env import Env
from scrutiny.serving import file_response
from tests.factories import make_user
from tests.factories.meetings import (
    AgendaItemFactory,
    DocumentFactory,
    ExemptAgendaItemFactory,
    MeetingFactory,
    PublishedMeetingFactory,
    make_pdf_bytes,
)
from tests.packs.helpers import build, ok_build, pack

pytestmark = pytest.mark.django_db

REGION = "eu-west-2"
KEY_ID, SECRET = "portal-test-key", "portal-test-secret"
SECRET_WORD = "quokkaexempt"  # only in the exempt paper


@pytest.fixture(scope="session")
def s3_endpoint():
    """A real S3-compatible HTTP server on a free loopback port, for the whole session."""
    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # its request log is noise here
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@dataclass
class Bucket:
    name: str
    endpoint: str
    client: object

    def keys(self, prefix: str = "") -> list[str]:
        found = self.client.list_objects_v2(Bucket=self.name, Prefix=prefix)
        return sorted(obj["Key"] for obj in found.get("Contents", []))

    def read(self, key: str) -> bytes:
        return self.client.get_object(Bucket=self.name, Key=key)["Body"].read()

    def delete(self, key: str) -> None:
        self.client.delete_object(Bucket=self.name, Key=key)


def use_s3(monkeypatch, settings, bucket: Bucket, *, serving: str = "django") -> Env:
    """Configure the portal from the environment, as a deployment does."""
    for name, value in {
        "MEDIA_STORAGE": "s3",
        "S3_BUCKET": bucket.name,
        "S3_ENDPOINT_URL": bucket.endpoint,
        "S3_REGION": REGION,
        "S3_ACCESS_KEY_ID": KEY_ID,
        "S3_SECRET_ACCESS_KEY": SECRET,
        "S3_URL_SECONDS": "60",
        "DOCUMENT_SERVING": serving,
    }.items():
        monkeypatch.setenv(name, value)
    env = Env.from_environ()
    settings.STORAGES = {**settings.STORAGES, "default": env.default_storage()}
    settings.DOCUMENT_SERVING = env.document_serving
    settings.DOCUMENT_URL_SECONDS = env.s3_url_seconds
    return env


@pytest.fixture
def bucket(s3_endpoint, monkeypatch, settings) -> Bucket:
    """A new, empty bucket for each test, set as the default storage."""
    client = boto3.client(
        "s3",
        endpoint_url=s3_endpoint,
        region_name=REGION,
        aws_access_key_id=KEY_ID,
        aws_secret_access_key=SECRET,
    )
    name = f"portal-media-{uuid.uuid4().hex[:12]}"
    client.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": REGION})
    found = Bucket(name=name, endpoint=s3_endpoint, client=client)
    use_s3(monkeypatch, settings, found)
    assert isinstance(storages["default"], S3Storage)
    yield found
    # Anything the test left must not have gone to the local disk instead.
    assert local_media_files(settings) == []


def local_media_files(settings) -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def body(response) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


def stamped_text(data: bytes) -> str:
    """An exempt paper is served stamped "NOT FOR PUBLICATION" on every page (issue 23)."""
    import io

    import pypdf

    return " ".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages)


def upload(client, item, data: bytes, *, title: str, filename: str) -> Document:
    """Upload through the officer's form, as an officer does."""
    response = client.post(
        reverse("officer-document-add", args=[item.pk]),
        {"title": title, "uploaded_file": SimpleUploadedFile(filename, data, "application/pdf")},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return Document.all_objects.filter(agenda_item=item).latest("pk")


def publish(client, meeting, django_capture_on_commit_callbacks) -> None:
    """Publish through the officer's page; the commit sends meeting_published, whose
    receivers build the packs and read the PDFs' text (tasks run immediately in tests)."""
    url = reverse("officer-meeting-publish", args=[meeting.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url, {"confirm_late": "on", "late_reason": "Test.", "confirm_unsigned": "on"}
        )
    assert response.status_code == 302, response.content.decode()[:2000]


@dataclass
class Published:
    meeting: Meeting
    officer: object
    public: Document
    exempt: Document
    public_bytes: bytes
    exempt_bytes: bytes


@pytest.fixture
def published(bucket, client, django_capture_on_commit_callbacks) -> Published:
    """A meeting whose papers an officer uploaded through the form, then published."""
    officer = make_user("officer")
    client.force_login(officer)
    meeting = MeetingFactory()
    item = AgendaItemFactory(meeting=meeting, title="Children's social care workforce")
    exempt_item = ExemptAgendaItemFactory(meeting=meeting, title="Proposed notice")
    public_bytes = make_pdf_bytes(3, "Wallabyfigures for the workforce")
    exempt_bytes = make_pdf_bytes(2, f"Exempt {SECRET_WORD} details")
    public = upload(client, item, public_bytes, title="Appendix A", filename="Appendix A.pdf")
    exempt = upload(client, exempt_item, exempt_bytes, title="Exempt appendix", filename="e.pdf")
    publish(client, meeting, django_capture_on_commit_callbacks)
    client.logout()
    return Published(
        meeting=Meeting.all_objects.get(pk=meeting.pk),
        officer=officer,
        public=Document.all_objects.get(pk=public.pk),
        exempt=Document.all_objects.get(pk=exempt.pk),
        public_bytes=public_bytes,
        exempt_bytes=exempt_bytes,
    )


# --- documents -------------------------------------------------------------------------------


def test_uploads_are_private_objects_in_the_bucket(published, bucket):
    for document, sent in [
        (published.public, published.public_bytes),
        (published.exempt, published.exempt_bytes),
    ]:
        assert document.file.name.startswith("documents/")
        assert document.file.name in bucket.keys("documents/")
        stored = bucket.read(document.file.name)
        assert hashlib.sha256(stored).hexdigest() == document.sha256
        assert len(stored) == document.size
        assert stored == sent  # a clean PDF is stored as uploaded
        grants = bucket.client.get_object_acl(Bucket=bucket.name, Key=document.file.name)
        assert [g["Permission"] for g in grants["Grants"]] == ["FULL_CONTROL"]
        assert all("URI" not in g["Grantee"] for g in grants["Grants"])  # no AllUsers grant
        # Without a signature the server refuses: no public-read anywhere.
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(f"{bucket.endpoint}/{bucket.name}/{document.file.name}")  # noqa: S310
        assert refused.value.code == 403


def test_the_public_downloads_a_document_with_identical_bytes(published, client):
    url = reverse("document-download", args=[published.public.pk])
    response = client.get(url)
    assert response.status_code == 200
    assert body(response) == published.public_bytes
    assert response["Content-Length"] == str(len(published.public_bytes))
    assert response["ETag"] == f'"{published.public.sha256}"'
    # Opens in the browser, named for the meeting's date and the title (not "Appendix A.pdf").
    name = published.public.download_name
    assert name.endswith("-appendix-a.pdf")
    assert response["Content-Disposition"] == f'inline; filename="{name}"'
    assert client.get(url, headers={"if-none-match": response["ETag"]}).status_code == 304


def test_an_exempt_document_is_404_for_the_public_and_served_to_an_officer(published, client):
    url = reverse("document-download", args=[published.exempt.pk])
    assert client.get(url).status_code == 404
    client.force_login(published.officer)
    response = client.get(url)
    assert response.status_code == 200
    text = stamped_text(body(response))
    assert "NOT FOR PUBLICATION" in text and SECRET_WORD in text
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    assert "public" not in response["Cache-Control"]
    assert ExemptAccess.objects.filter(user=published.officer, document=published.exempt).exists()


def test_a_304_is_answered_without_asking_the_storage(published, client, bucket):
    url = reverse("document-download", args=[published.public.pk])
    etag = client.get(url)["ETag"]
    bucket.delete(published.public.file.name)
    assert client.get(url, headers={"if-none-match": etag}).status_code == 304
    assert client.get(url).status_code == 404  # missing object: 404, not 500


def test_oparl_file_download_and_access(published, client):
    for name in ["oparl-file-download", "oparl-file-access"]:
        response = client.get(reverse(name, args=[published.public.pk]))
        assert response.status_code == 200, name
        assert body(response) == published.public_bytes
        assert response["Access-Control-Allow-Origin"] == "*"
    assert client.get(reverse("oparl-file-download", args=[published.exempt.pk])).status_code == 404


def test_pdf_text_is_read_from_the_bucket_for_search(published, client):
    public = published.public
    assert public.text_extracted_at is not None and public.has_text_layer
    assert "Wallabyfigures for the workforce - page 3 of 3" in public.text
    assert SECRET_WORD in published.exempt.text  # read too, for members' search
    found = client.get(reverse("search"), {"q": "wallabyfigures"}).context["results"]
    assert [doc.title for doc, _ in found] == ["Appendix A"]
    assert client.get(reverse("search"), {"q": SECRET_WORD}).context["results"] == []


def test_removing_a_document_or_an_item_deletes_the_objects(
    bucket, client, django_capture_on_commit_callbacks
):
    client.force_login(make_user("officer"))
    meeting = MeetingFactory()  # not published: papers can still be removed
    item = AgendaItemFactory(meeting=meeting)
    first = upload(client, item, make_pdf_bytes(1, "First"), title="First", filename="1.pdf")
    second = upload(client, item, make_pdf_bytes(1, "Second"), title="Second", filename="2.pdf")
    assert bucket.keys("documents/") == sorted([first.file.name, second.file.name])

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("officer-document-remove", args=[first.pk]))
    assert response.status_code == 302
    assert not Document.all_objects.filter(pk=first.pk).exists()
    assert bucket.keys("documents/") == [second.file.name]

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("officer-item-remove", args=[item.pk]))
    assert bucket.keys("documents/") == []


# --- agenda packs ----------------------------------------------------------------------------


def outline_titles(reader: pypdf.PdfReader) -> list:
    def walk(entries):
        out = []
        for entry in entries:
            out.append(walk(entry) if isinstance(entry, list) else entry.title)
        return out

    return walk(reader.outline)


def test_publishing_builds_the_packs_into_the_bucket(published, bucket, client):
    public = pack(published.meeting)
    members = pack(published.meeting, "members")
    assert public.build.status == BuildStatus.OK
    assert bucket.keys("packs/") == sorted([public.file_name, members.file_name])
    stored = bucket.read(public.file_name)
    assert hashlib.sha256(stored).hexdigest() == public.sha256 and len(stored) == public.size

    response = client.get(reverse("meeting-pack", args=[published.meeting.pk]))
    assert response.status_code == 200
    served = body(response)
    assert served == stored
    assert response["Content-Length"] == str(public.size)
    reader = pypdf.PdfReader(io.BytesIO(served))
    assert len(reader.pages) == public.page_count
    assert public.page_count == public.front_pages + 3 + 1  # appendix + exempt placeholder
    titles = outline_titles(reader)
    item = published.public.agenda_item
    assert f"{item.number}. {item.title}" in titles
    assert ["Appendix A"] in titles  # the paper nested under its item
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert "Wallabyfigures" in text and SECRET_WORD not in text

    url = reverse("meeting-members-pack", args=[published.meeting.pk])
    assert client.get(url).status_code == 404
    client.force_login(published.officer)
    response = client.get(url)
    assert response.status_code == 200
    assert "private" in response["Cache-Control"] and "public" not in response["Cache-Control"]
    members_text = "".join(
        p.extract_text() for p in pypdf.PdfReader(io.BytesIO(body(response))).pages
    )
    assert SECRET_WORD in members_text


def test_a_rebuild_replaces_the_object_and_removes_the_old_one(
    published, bucket, client, django_capture_on_commit_callbacks
):
    before = pack(published.meeting)
    client.force_login(published.officer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("officer-pack-rebuild", args=[published.meeting.pk]))
        assert response.status_code == 302
        # Until the switch commits, the old file is still there for readers.
        assert before.file_name in bucket.keys("packs/")
    after = pack(published.meeting)
    assert after.build_id != before.build_id
    assert after.file_name != before.file_name
    assert before.file_name not in bucket.keys("packs/")
    assert after.file_name in bucket.keys("packs/")
    assert len(bucket.keys("packs/")) == 2  # public and members', nothing left over
    served = body(client.get(reverse("meeting-pack", args=[published.meeting.pk])))
    assert served == bucket.read(after.file_name)


def test_a_failed_build_keeps_the_last_good_pack_and_leaves_nothing_behind(published, bucket):
    good = pack(published.meeting)
    objects = bucket.keys("packs/")
    DocumentFactory(
        agenda_item=published.public.agenda_item,
        title="Broken export",
        file=ContentFile(b"%PDF-1.7\nnot really a pdf", name="x.pdf"),
    )
    failed = build(published.meeting)
    assert failed.status == BuildStatus.FAILED and "Broken export" in failed.error
    assert pack(published.meeting).file_name == good.file_name
    assert bucket.keys("packs/") == objects
    assert bucket.read(good.file_name) and pack(published.meeting).file_exists()


# --- serving modes ---------------------------------------------------------------------------


def test_storage_url_mode_redirects_to_a_short_lived_presigned_url(
    published, bucket, client, monkeypatch, settings
):
    use_s3(monkeypatch, settings, bucket, serving="storage-url")
    url = reverse("document-download", args=[published.public.pk])
    response = client.get(url)
    assert response.status_code == 302
    assert set(response["Cache-Control"].split(", ")) == {"no-store", "private"}
    assert response["Vary"] == "Cookie"
    location = response["Location"]
    parts = urlsplit(location)
    assert f"{parts.scheme}://{parts.netloc}" == bucket.endpoint
    query = parse_qs(parts.query)
    assert query["X-Amz-Expires"] == ["60"] and query["X-Amz-Signature"]
    with urllib.request.urlopen(location) as fetched:  # noqa: S310 - loopback test server
        assert fetched.read() == published.public_bytes
        name = published.public.download_name
        assert fetched.headers["Content-Disposition"] == f'inline; filename="{name}"'
        assert fetched.headers["Content-Type"] == "application/pdf"
    # Without the signature the object is refused (moto does not check signatures
    # themselves, so that part is AWS's; what the portal controls is that it always signs).
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(location.split("?")[0])  # noqa: S310
    assert refused.value.code == 403

    exempt = reverse("document-download", args=[published.exempt.pk])
    assert client.get(exempt).status_code == 404  # access is checked before any URL is made
    client.force_login(published.officer)
    response = client.get(exempt)
    # Never a URL to the unstamped object: the portal serves it stamped (issue 23).
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    assert "Location" not in response
    assert "NOT FOR PUBLICATION" in stamped_text(body(response))

    pack_response = client.get(reverse("meeting-pack", args=[published.meeting.pk]))
    assert pack_response.status_code == 302
    with urllib.request.urlopen(pack_response["Location"]) as fetched:  # noqa: S310
        assert fetched.read() == bucket.read(pack(published.meeting).file_name)

    bucket.delete(published.public.file.name)
    assert client.get(url).status_code == 404  # no URL to an object that is not there


def test_path_modes_are_refused_with_s3(bucket, settings):
    name = default_storage.save("documents/x.pdf", ContentFile(b"%PDF-1.7 x"))
    for mode in ["x-accel-redirect", "x-sendfile"]:
        settings.DOCUMENT_SERVING = mode
        with pytest.raises(ImproperlyConfigured, match="has no paths"):
            file_response(RequestFactory().get("/"), default_storage, name, filename="x.pdf")


# --- backup and restore ----------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_backup_and_restore_round_trip_on_s3(bucket, tmp_path):
    meeting = PublishedMeetingFactory()
    DocumentFactory(agenda_item=AgendaItemFactory(meeting=meeting), text="Appendix numbers")
    DocumentFactory(agenda_item=ExemptAgendaItemFactory(meeting=meeting), text="Exempt appendix")
    ok_build(meeting)
    before_data, before_files = canonical_dump(), media_hashes()
    assert sorted(before_files) == bucket.keys()
    assert any(name.startswith("packs/") for name in before_files)

    call_command("backup", str(tmp_path / "b"), stdout=io.StringIO())
    copied = tmp_path / "b" / "media"
    assert sorted(
        p.relative_to(copied).as_posix() for p in copied.rglob("*") if p.is_file()
    ) == sorted(before_files)

    # Things go wrong: objects lost and a stray one added, rows changed.
    lost = sorted(before_files)[:2]
    for key in lost:
        bucket.delete(key)
    default_storage.save("documents/stray.pdf", ContentFile(b"stray"))
    Document.all_objects.filter(pk=Document.all_objects.first().pk).delete()
    assert canonical_dump() != before_data

    call_command("restore", str(tmp_path / "b"), "--noinput", stdout=io.StringIO())
    assert canonical_dump() == before_data
    assert media_hashes() == before_files
    assert bucket.keys() == sorted(before_files)  # exactly the backup's objects
    for key in lost:
        assert hashlib.sha256(bucket.read(key)).hexdigest() == before_files[key]
    public = Pack.objects.get(meeting=meeting, kind="public")
    assert public.file_exists()


# --- configuration ---------------------------------------------------------------------------


def test_storage_options_are_private_and_signed(bucket):
    storage = storages["default"]
    assert storage.bucket_name == bucket.name
    assert storage.endpoint_url == bucket.endpoint and storage.region_name == REGION
    assert storage.default_acl == "private"
    assert storage.querystring_auth is True and storage.custom_domain is None
    assert storage.querystring_expire == 60
    assert storage.file_overwrite is False


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        ({"MEDIA_STORAGE": "nfs"}, "MEDIA_STORAGE must be filesystem or s3"),
        ({"MEDIA_STORAGE": "s3", "S3_REGION": REGION}, "needs S3_BUCKET"),
        ({"MEDIA_STORAGE": "s3", "S3_BUCKET": "b"}, "needs S3_REGION"),
        (
            {"MEDIA_STORAGE": "s3", "S3_BUCKET": "b", "S3_REGION": REGION, "S3_ENDPOINT_URL": "x"},
            "S3_ENDPOINT_URL must be an http:// or https:// URL",
        ),
        (
            {"MEDIA_STORAGE": "s3", "S3_BUCKET": "b", "S3_REGION": REGION, "S3_ACCESS_KEY_ID": "k"},
            "Set both S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY, or neither",
        ),
        (
            {"MEDIA_STORAGE": "s3", "S3_BUCKET": "b", "S3_REGION": REGION, "S3_URL_SECONDS": "0"},
            "S3_URL_SECONDS must be at least 1",
        ),
        (
            {
                "MEDIA_STORAGE": "s3",
                "S3_BUCKET": "b",
                "S3_REGION": REGION,
                "S3_URL_SECONDS": "9999",
            },
            "S3_URL_SECONDS must be at most 3600",
        ),
        (
            {
                "MEDIA_STORAGE": "s3",
                "S3_BUCKET": "b",
                "S3_REGION": REGION,
                "DOCUMENT_SERVING": "x-accel-redirect",
            },
            "DOCUMENT_SERVING=x-accel-redirect serves files from a local path",
        ),
        (
            {"MEDIA_STORAGE": "s3", "S3_BUCKET": "b", "S3_REGION": REGION, "DOCUMENT_SERVING": "x"},
            "DOCUMENT_SERVING must be django, x-accel-redirect, x-sendfile or storage-url",
        ),
        ({"DOCUMENT_SERVING": "storage-url"}, "storage-url needs MEDIA_STORAGE=s3"),
        ({"S3_BUCKET": "b"}, "S3_BUCKET set but MEDIA_STORAGE is filesystem"),
    ],
)
def test_bad_storage_configuration_stops_start_up_with_a_clear_message(
    monkeypatch, environ, message
):
    for name in [
        "MEDIA_STORAGE",
        "DOCUMENT_SERVING",
        "S3_BUCKET",
        "S3_ENDPOINT_URL",
        "S3_REGION",
        "S3_ACCESS_KEY_ID",
        "S3_SECRET_ACCESS_KEY",
        "S3_URL_SECONDS",
    ]:
        monkeypatch.delenv(name, raising=False)
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(ImproperlyConfigured, match=message.replace("(", r"\(")):
        Env.from_environ()


def test_the_file_system_stays_the_default(monkeypatch):
    for name in ["MEDIA_STORAGE", "DOCUMENT_SERVING", "S3_BUCKET", "S3_REGION"]:
        monkeypatch.delenv(name, raising=False)
    env = Env.from_environ()
    assert env.media_storage == "filesystem"
    assert env.default_storage() == {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    monkeypatch.setenv("MEDIA_STORAGE", "s3")
    monkeypatch.setenv("S3_BUCKET", "b")
    monkeypatch.setenv("S3_REGION", REGION)
    s3 = Env.from_environ()
    assert s3.default_storage()["BACKEND"] == "storages.backends.s3.S3Storage"
    assert s3.default_storage()["OPTIONS"]["access_key"] is None  # boto3's own credentials
    monkeypatch.setenv("S3_ACCESS_KEY_ID", KEY_ID)
    monkeypatch.setenv("S3_SECRET_ACCESS_KEY", SECRET)
    keyed = Env.from_environ()
    assert keyed.default_storage()["OPTIONS"]["secret_key"] == SECRET
    assert SECRET not in repr(keyed)  # never in a traceback or a log line
