"""The print boundary (issue 13): WeasyPrint reads only the portal's own static files (and the
media a caller names), never ``file:``, never the network, never a path inside the project
folder, and no PDF ever carries an embedded file.

Proved with real renders read back with pikepdf/pypdf, against a real loopback HTTP listener
that records every request it gets, a canary file in the temporary folder and another inside
the project's ``var/`` folder (where the SQLite database lives)."""

from __future__ import annotations

import copy
import io
import re
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pikepdf
import pypdf
import pytest
from django.conf import settings as django_settings
from PIL import Image

from scrutiny import printing

ROOT = Path(__file__).resolve().parents[2]
PY_SKIP = {".venv", "node_modules", "tests", "staticfiles", "var", ".git"}

pytestmark = pytest.mark.django_db


class _Recorder(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 - http.server's naming
        self.server.requests.append(self.path)
        body = b"RECORDED-LISTENER-BODY"
        self.send_response(200)
        self.send_header("Content-Type", "text/css")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def listener():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    server.requests = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", server.requests
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def canaries(tmp_path):
    """A canary file outside the project and one inside its var/ folder (relative URL)."""
    word = f"CANARY{uuid.uuid4().hex[:12].upper()}"
    outside = tmp_path / "secret.txt"
    outside.write_text(f"{word} outside\n")
    var = ROOT / "var"
    var.mkdir(exist_ok=True)
    inside = var / f"print-canary-{uuid.uuid4().hex[:8]}.txt"  # the name is not the word
    inside.write_text(f"{word} inside\n")
    png = tmp_path / "secret.png"
    Image.new("RGB", (7, 5), (200, 0, 0)).save(png)
    try:
        yield {"word": word, "outside": outside, "inside": inside, "png": png}
    finally:
        inside.unlink(missing_ok=True)


@pytest.fixture
def print_assets(settings, tmp_path):
    """A print template of our own, and static files the portal serves (a stylesheet and an
    image) in an extra static folder."""
    static = tmp_path / "static"
    (static / "hardening").mkdir(parents=True)
    (static / "hardening" / "probe.css").write_text('.probe::before { content: "STATICOK "; }\n')
    Image.new("RGB", (3, 2), (0, 0, 200)).save(static / "hardening" / "dot.png")
    settings.STATICFILES_DIRS = [*django_settings.STATICFILES_DIRS, str(static)]
    templates_dir = tmp_path / "templates"
    (templates_dir / "hardening").mkdir(parents=True)
    templates = copy.deepcopy(settings.TEMPLATES)
    templates[0]["DIRS"] = [str(templates_dir), *templates[0]["DIRS"]]
    settings.TEMPLATES = templates
    return templates_dir / "hardening"


HOSTILE = """{% extends "print/base.html" %}
{% block print_style %}
.a { background: url("{{ listener }}/css-url.png"); }
.b { background: url("file://{{ png }}"); }
.c { background: url("{{ inside }}"); }
{% endblock %}
{% block content %}
<link rel="stylesheet" href="{{ listener }}/link.css">
<link rel="stylesheet" href="file://{{ outside }}">
<link rel="stylesheet" href="{{ inside }}">
<link rel="stylesheet" href="/static/hardening/probe.css">
<link rel="attachment" href="file://{{ outside }}">
<link rel="attachment" href="{{ inside }}">
<link rel="attachment" href="/static/hardening/probe.css">
<h1>Boundary</h1>
<p class="probe a b c">Body text</p>
<img src="{{ listener }}/img.png" alt="listener">
<img src="file://{{ png }}" alt="file">
<img src="file:///etc/passwd" alt="passwd">
<img src="/static/hardening/dot.png" alt="dot">
<object data="file:///etc/passwd" type="text/plain">object</object>
<embed src="{{ listener }}/embed.png" type="image/png">
<p><a rel="attachment" href="file:///etc/passwd">passwd</a>
<a rel="attachment" href="file://{{ outside }}">outside</a>
<a rel="attachment" href="{{ inside }}">inside</a>
<a rel="attachment" href="{{ listener }}/attachment">listener</a>
<a rel="attachment" href="/static/hardening/probe.css">static</a>
<a href="file:///etc/passwd">file link</a>
<a href="javascript:alert(1)">script link</a>
<a href="/meetings/1/">portal link</a>
<a href="https://example.org/page">web link</a></p>
{% endblock %}
"""


def _all_bytes(data: bytes) -> bytes:
    """The PDF with every stream decompressed, to search for leaked content."""
    out = [data]
    with pikepdf.open(io.BytesIO(data)) as pdf:
        for obj in pdf.objects:
            if isinstance(obj, pikepdf.Stream):
                try:
                    out.append(obj.read_bytes())
                except pikepdf.PdfError:
                    out.append(obj.read_raw_bytes())
    return b"\n".join(out)


def _check_clean_pdf(data: bytes, *, forbidden: list[bytes]) -> list[str]:
    """Every embedded file, file attachment, file: link or forbidden content in the PDF."""
    problems = []
    with pikepdf.open(io.BytesIO(data)) as pdf:
        if len(pdf.attachments):
            problems.append(f"attachments: {list(pdf.attachments)}")
        names = pdf.Root.get("/Names")
        if names is not None and "/EmbeddedFiles" in names:
            problems.append("/EmbeddedFiles in the catalogue")
        for n, page in enumerate(pdf.pages):
            for annot in page.get("/Annots", ()):
                if annot.get("/Subtype") == "/FileAttachment":
                    problems.append(f"page {n + 1}: FileAttachment annotation")
                uri = str(annot.get("/A", {}).get("/URI", ""))
                if uri and not uri.startswith(("http://", "https://", "mailto:")):
                    problems.append(f"page {n + 1}: link to {uri}")
    everything = _all_bytes(data)
    for needle in forbidden:
        if needle in everything:
            problems.append(f"content {needle!r} is in the PDF")
    return problems


def _image_sizes(data: bytes) -> list[tuple[int, int]]:
    sizes = []
    with pikepdf.open(io.BytesIO(data)) as pdf:
        for obj in pdf.objects:
            if isinstance(obj, pikepdf.Stream) and obj.get("/Subtype") == "/Image":
                sizes.append((int(obj.Width), int(obj.Height)))
    return sizes


def _link_uris(data: bytes) -> set[str]:
    with pikepdf.open(io.BytesIO(data)) as pdf:
        return {
            str(annot.A.URI)
            for page in pdf.pages
            for annot in page.get("/Annots", ())
            if "/A" in annot and "/URI" in annot.A
        }


def test_print_fetches_nothing_outside_the_portal_and_embeds_no_file(
    listener, canaries, print_assets, settings
):
    url, requests = listener
    (print_assets / "hostile.html").write_text(HOSTILE)
    relative = canaries["inside"].relative_to(ROOT).as_posix()  # "var/print-canary-….txt"
    data = printing.render_pdf(
        "hardening/hostile.html",
        {
            "listener": url,
            "outside": canaries["outside"],
            "inside": relative,
            "png": canaries["png"],
        },
        title="Print boundary",
    )
    assert requests == []  # WeasyPrint never called the listener (CSS url, img, link, a, embed)
    passwd = Path("/etc/passwd").read_bytes().split(b"\n")[0]
    problems = _check_clean_pdf(
        data,
        forbidden=[canaries["word"].encode(), passwd, b"RECORDED-LISTENER-BODY"],
    )
    assert problems == []
    # Only the portal's own static image loaded: not the canary PNG, nor anything else.
    assert _image_sizes(data) == [(3, 2)]
    # The portal's static stylesheet loaded (its generated text is on the page).
    text = "".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages)
    assert "STATICOK" in text
    # Links: web links stay (an "attachment" to a web address is an ordinary link, never
    # fetched), a path on the portal points at the public site, file:/javascript: are gone.
    site = settings.SITE_URL.rstrip("/")
    assert _link_uris(data) == {
        "https://example.org/page",
        f"{site}/meetings/1/",
        f"{site}/{relative}",
        f"{site}/static/hardening/probe.css",
        f"{url}/attachment",
    }


def test_fetcher_refuses_everything_but_static_named_media_and_data():
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    public = default_storage.save("hardening/logo.txt", ContentFile(b"LOGO"))
    private = default_storage.save("hardening/exempt.txt", ContentFile(b"EXEMPT"))
    fetcher = printing.make_url_fetcher(media=[public])
    base = printing.PRINT_BASE_URL
    assert fetcher.fetch(f"{base}media/{public}").read() == b"LOGO"
    assert fetcher.fetch("data:text/plain;base64,SGk=").read() == b"Hi"
    for refused in [
        f"{base}media/{private}",  # media not named by the caller: uploaded papers are private
        f"{base}static/../scrutiny/settings.py",
        f"{base}static/%2e%2e/%2e%2e/etc/passwd",
        f"{base}static//etc/passwd",
        f"{base}static/no-such-file.css",
        f"{base}var/db.sqlite3",
        f"{base}manage.py",
        "file:///etc/passwd",
        "http://127.0.0.1:9/x",
        "https://example.org/x",
        "ftp://example.org/x",
        "https://print.portal.invalid.example.org/static/x.css",
    ]:
        with pytest.raises(printing.PrintFetchRefused):
            fetcher.fetch(refused)


def test_callers_cannot_widen_the_base_url():
    with pytest.raises(ValueError, match="PRINT_BASE_URL"):
        printing.render_pdf(
            "print/base.html", {}, title="x", base_url=str(django_settings.BASE_DIR)
        )


def test_anonymous_minutes_pdf_never_fetches_or_embeds_even_if_stored_html_is_hostile(
    client, listener, canaries
):
    """Defence in depth: even a minute whose stored HTML escaped the sanitiser (written
    straight to the table here) cannot make the public PDF read a file or call a server."""
    from meetings.minutes import services
    from meetings.minutes.models import Minute
    from tests.factories.minutes import make_meeting_with_items

    url, requests = listener
    meeting = make_meeting_with_items()
    minutes = services.start_minutes(meeting=meeting)
    minute = minutes.items.filter(agenda_item__kind="business").first()
    services.save_minute(minute=minute, text="Placeholder words.", version=minute.version)
    services.publish_minutes(minutes=minutes)
    relative = canaries["inside"].relative_to(ROOT).as_posix()
    hostile = (
        f'<p>Hostile <a href="file:///etc/passwd" rel="attachment">passwd</a> '
        f'<a href="{relative}" rel="attachment">db</a> '
        f'<a href="{url}/attach" rel="attachment">listener</a> '
        f'<img src="{url}/img.png" alt=""><img src="file://{canaries["png"]}" alt="">'
        f'<span style="background: url({url}/css.png)">styled</span></p>'
        f'<link rel="stylesheet" href="{url}/link.css">'
    )
    Minute.objects.filter(pk=minute.pk).update(text=hostile)
    response = client.get(f"/meetings/{meeting.pk}/minutes.pdf")
    assert response.status_code == 200, response.status_code
    data = b"".join(response.streaming_content) if response.streaming else response.content
    assert requests == []
    passwd = Path("/etc/passwd").read_bytes().split(b"\n")[0]
    assert _check_clean_pdf(data, forbidden=[canaries["word"].encode(), passwd]) == []
    assert _image_sizes(data) == []


def test_every_weasyprint_use_goes_through_the_print_boundary():
    """Only scrutiny/printing.py may import WeasyPrint or write a PDF with it."""
    pattern = re.compile(r"\bweasyprint\b|\bwrite_pdf\s*\(|\bHTML\s*\(\s*(string|filename|url)=")
    offenders = []
    for path in ROOT.rglob("*.py"):
        rel = path.relative_to(ROOT)
        if rel.parts[0] in PY_SKIP or rel == Path("scrutiny/printing.py"):
            continue
        for n, line in enumerate(path.read_text(errors="replace").splitlines(), start=1):
            if pattern.search(line):
                offenders.append(f"{rel}:{n}: {line.strip()}")
    assert offenders == [], "\n".join(offenders)
