"""Security settings: the production environment passes Django's deployment checks, cookies
are secure, HSTS is on, sessions expire, every form carries a CSRF token, uploads are
limited, and no page or template relies on inline script or style (the CSP forbids them)."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import time_machine
from django.conf import settings as django_settings
from django.core.management import call_command
from django.template.loaders.app_directories import get_app_template_dirs

from tests.factories import make_user
from tests.hardening.child_env import child_env
from tests.site.test_guards import sitemap_paths, walk_patterns

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION_ENV = {
    "PRODUCTION": "true",
    "SECRET_KEY": "test-" + "k8Jq2vR7xN4mW9pL3sT6yB1cF5hD0gZ" * 2,
    "ALLOWED_HOSTS": "portal.example.org",
    # One file per process: make ci runs the SQLite and PostgreSQL suites side by side.
    "DATABASE_URL": f"sqlite:///{ROOT / 'var' / f'security-check-{os.getpid()}.sqlite3'}",
}
SCRIPT = re.compile(r"<script\b([^>]*)>(.*?)</script>", re.IGNORECASE | re.DOTALL)
INLINE_STYLE = re.compile(r"<[a-z][^>]*\sstyle\s*=", re.IGNORECASE)
STYLE_BLOCK = re.compile(r"<style\b", re.IGNORECASE)
EVENT_HANDLER = re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.IGNORECASE)
JS_URL = re.compile(r"""(href|src|action)\s*=\s*["']?\s*javascript:""", re.IGNORECASE)
POST_FORM = re.compile(r"<form\b[^>]*method=[\"']?post[^>]*>(.*?)</form>", re.IGNORECASE | re.S)


def production(code: str) -> subprocess.CompletedProcess:
    env = child_env(**PRODUCTION_ENV, DJANGO_SETTINGS_MODULE="scrutiny.settings")
    env.pop("DEBUG", None)
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_deploy_checks_pass_under_the_production_environment():
    result = production(
        "import django, sys; django.setup();"
        "from django.core.management import call_command;"
        "call_command('check', deploy=True, fail_level='WARNING')"
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "System check identified no issues" in result.stdout + result.stderr


def test_production_cookies_hsts_and_sessions():
    result = production(
        "import django, json; django.setup(); from django.conf import settings as s;"
        "print(json.dumps({k: getattr(s, k) for k in ["
        "'SESSION_COOKIE_SECURE','CSRF_COOKIE_SECURE','SESSION_COOKIE_HTTPONLY',"
        "'SESSION_COOKIE_SAMESITE','SESSION_COOKIE_AGE','SECURE_SSL_REDIRECT',"
        "'SECURE_HSTS_SECONDS','SECURE_HSTS_INCLUDE_SUBDOMAINS','SECURE_PROXY_SSL_HEADER',"
        "'SESSION_COOKIE_NAME','CSRF_COOKIE_NAME','DEBUG','X_FRAME_OPTIONS',"
        "'SECURE_CONTENT_TYPE_NOSNIFF','PAGE_CACHE_SECONDS']}))"
        ";print(s.STORAGES['staticfiles']['BACKEND'])"
    )
    assert result.returncode == 0, result.stderr[-3000:]
    lines = result.stdout.strip().splitlines()
    values = json.loads(lines[-2])
    assert values["DEBUG"] is False
    assert values["SESSION_COOKIE_SECURE"] and values["CSRF_COOKIE_SECURE"]
    assert values["SESSION_COOKIE_HTTPONLY"] and values["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert values["SESSION_COOKIE_NAME"].startswith("__Host-")
    assert values["CSRF_COOKIE_NAME"].startswith("__Host-")
    assert values["SECURE_SSL_REDIRECT"] is True
    assert values["SECURE_HSTS_SECONDS"] >= 31536000 and values["SECURE_HSTS_INCLUDE_SUBDOMAINS"]
    assert values["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert 0 < values["SESSION_COOKIE_AGE"] <= 12 * 3600
    assert values["X_FRAME_OPTIONS"] == "DENY" and values["SECURE_CONTENT_TYPE_NOSNIFF"]
    assert values["PAGE_CACHE_SECONDS"] == 0  # no Redis given: no per-process page cache
    assert lines[-1] == "whitenoise.storage.CompressedManifestStaticFilesStorage"


def test_production_refuses_a_weak_secret_key():
    env_code = "import django; django.setup()"
    env = child_env(**{**PRODUCTION_ENV, "SECRET_KEY": "short"})
    result = subprocess.run(
        [sys.executable, "-c", env_code],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "scrutiny.settings"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_collectstatic_builds_the_compressed_manifest(tmp_path):
    """What the deploy guide runs: collectstatic with the production storage."""
    result = production(
        "import django; django.setup();"
        "from django.conf import settings;"
        f"settings.STATIC_ROOT = {str(tmp_path)!r};"
        "from django.core.management import call_command;"
        "call_command('collectstatic', interactive=False, verbosity=0)"
    )
    assert result.returncode == 0, result.stderr[-3000:]
    manifest = json.loads((tmp_path / "staticfiles.json").read_text())
    css = manifest["paths"]["build/portal.css"]
    assert re.fullmatch(r"build/portal\.[0-9a-f]{12}\.css", css)
    assert (tmp_path / (css + ".gz")).exists()


# Templates -----------------------------------------------------------------------------


def page_templates() -> list[Path]:
    """Every HTML template that can become a web page (print templates become PDFs, which
    the browser's CSP does not govern, and may carry their own stylesheet)."""
    dirs = [Path(d) for d in django_settings.TEMPLATES[0]["DIRS"]]
    dirs += [Path(d) for d in get_app_template_dirs("templates")]
    found = []
    for folder in dirs:
        if ".venv" in folder.parts:
            continue
        for path in folder.rglob("*.html"):
            text = path.read_text()
            if "print" in path.relative_to(folder).parts or 'extends "print/' in text:
                continue
            found.append(path)
    return found


def test_template_scan_sees_the_portal_templates():
    names = {p.relative_to(ROOT).as_posix() for p in page_templates()}
    assert "templates/base.html" in names
    assert any(n.startswith("scrutiny/templates/") for n in names)


def test_no_template_has_inline_script_style_or_event_handlers():
    problems = []
    for path in page_templates():
        text = path.read_text()
        for attrs, body in SCRIPT.findall(text):
            if body.strip() or "src=" not in attrs:
                problems.append(f"{path}: inline <script>")
        for pattern, what in (
            (INLINE_STYLE, 'style="" attribute'),
            (STYLE_BLOCK, "<style> block"),
            (EVENT_HANDLER, "on…= event handler"),
            (JS_URL, "javascript: URL"),
        ):
            if pattern.search(text):
                problems.append(f"{path}: {what}")
    assert problems == []


def test_every_post_form_in_a_template_has_a_csrf_token():
    problems = []
    for path in page_templates():
        for body in POST_FORM.findall(path.read_text()):
            if "csrf_token" not in body:
                problems.append(str(path))
    assert problems == []


# The read-only OParl API is the one place CSRF-exempt: it never acts on a session, and an
# unsafe method must get its JSON 405 with CORS rather than Django's HTML CSRF 403.
CSRF_EXEMPT_ALLOWED = {"opendata/views.py"}


def test_no_view_is_exempt_from_csrf_but_the_read_only_api():
    offenders = []
    for folder in ("scrutiny", "meetings", "performance", "workprogramme", "opendata"):
        for path in (ROOT / folder).rglob("*.py"):
            if "csrf_exempt" in path.read_text():
                offenders.append(str(path.relative_to(ROOT)))
    assert set(offenders) <= CSRF_EXEMPT_ALLOWED


def _patterns(resolver, prefix=""):
    for entry in resolver.url_patterns:
        if hasattr(entry, "url_patterns"):
            yield from _patterns(entry, prefix + str(entry.pattern))
        else:
            yield prefix + str(entry.pattern), entry.callback


def test_every_csrf_exempt_view_is_a_read_only_api_view(db):
    """Each CSRF-exempt URL is under /api/ and refuses every unsafe method (JSON 405, or 404
    for a path that names nothing), even from a client that enforces CSRF."""
    from django.test import Client
    from django.urls import get_resolver

    exempt = [
        pattern
        for pattern, callback in _patterns(get_resolver())
        if getattr(callback, "csrf_exempt", False)
    ]
    assert exempt, "the API views are expected to be exempt"
    # RFC 8058 one-click unsubscribe: a mail client POSTs "List-Unsubscribe=One-Click" with no
    # session or token of ours; the signed token in the URL is the authority, and the only
    # thing the POST can do is delete that one subscription (issue 18); a bad token changes
    # nothing (the same answer as a used one, so no token is confirmed).
    one_click = "alerts/unsubscribe/<str:token>/"
    assert one_click in exempt
    exempt.remove(one_click)
    browser = Client(enforce_csrf_checks=True)
    assert browser.post("/alerts/unsubscribe/not-a-token/").status_code in (200, 404)
    for pattern in exempt:
        assert pattern.startswith(("api/", "^api/")), pattern
        path = "/" + re.sub(r"<[^>]+>|\(\?P<[^>]+>[^)]*\)", "1", pattern).lstrip("^").rstrip("$")
        for method in ("post", "put", "patch", "delete"):
            response = getattr(browser, method)(path)
            assert response.status_code in (404, 405), (method, path, response.status_code)
            assert response["Content-Type"].startswith("application/json"), (method, path)


# Rendered pages ------------------------------------------------------------------------


@pytest.fixture
def demo_data(db):
    call_command("load_demo_data", stdout=open(os.devnull, "w"))  # noqa: SIM115


def assert_safe_page(response, where: str) -> None:
    policy = response.get("Content-Security-Policy", "")
    assert "script-src 'self'" in policy or "default-src 'none'" in policy, where
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy, where
    if response["Content-Type"].startswith("text/html") and not response.streaming:
        html = response.content.decode()
        for attrs, body in SCRIPT.findall(html):
            assert "src=" in attrs and not body.strip(), f"{where}: inline script"
        assert not INLINE_STYLE.search(html), f"{where}: inline style"
        assert not STYLE_BLOCK.search(html), f"{where}: style block"
        assert not EVENT_HANDLER.search(html), f"{where}: event handler"
        for form in POST_FORM.findall(html):
            assert "csrfmiddlewaretoken" in form, f"{where}: POST form without CSRF token"


def test_public_and_officer_pages_carry_the_csp_and_no_inline_code(client, demo_data):
    paths = ["/" + p for p in sitemap_paths(client)]
    paths += [
        "/" + route
        for route, _ in walk_patterns()
        if not any(ch in route for ch in "<(^$") and not route.startswith("django-admin")
    ]
    assert len(paths) > 20
    for path in paths:
        response = client.get(path)
        assert_safe_page(response, f"anonymous {path}")
    client.force_login(make_user("officer"))
    for path in paths:
        response = client.get(path)
        assert_safe_page(response, f"officer {path}")


# Sessions and uploads ------------------------------------------------------------------


def test_sessions_expire_after_the_configured_age(client, db, settings):
    officer = make_user("officer")
    with time_machine.travel(dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.UTC), tick=False) as t:
        client.post(
            "/accounts/login/", {"username": officer.username, "password": "test-password-1"}
        )
        assert client.get("/officer/").status_code == 200
        cookie = client.cookies[settings.SESSION_COOKIE_NAME]
        assert int(cookie["max-age"]) == settings.SESSION_COOKIE_AGE == 8 * 3600
        assert cookie["httponly"] and cookie["samesite"] == "Lax"
        t.shift(dt.timedelta(seconds=settings.SESSION_COOKIE_AGE - 60))
        assert client.get("/officer/").status_code == 200
        t.shift(dt.timedelta(seconds=120))
        assert client.get("/officer/").status_code == 302  # signed out: back to the login


def test_oversized_request_bodies_are_refused(client, db, settings):
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE <= 10 * 1024 * 1024
    assert settings.MAX_UPLOAD_BYTES == 50 * 1024 * 1024
    big = "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)
    response = client.post("/accounts/login/", {"username": big, "password": "x"})
    assert response.status_code == 400


def test_upload_size_limit_is_enforced_before_reading(settings):
    from django.core.exceptions import ValidationError
    from django.core.files.uploadedfile import SimpleUploadedFile

    from meetings.uploads import read_upload

    settings.MAX_UPLOAD_BYTES = 1024
    with pytest.raises(ValidationError, match="largest file"):
        read_upload(SimpleUploadedFile("big.pdf", b"%PDF-" + b"0" * 2000))
