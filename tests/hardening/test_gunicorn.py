"""gunicorn.conf.py: the real server starts with it, answers, serves static files through
WhiteNoise and writes an access log line per request."""

from __future__ import annotations

from tests.hardening.servers import fetch, gunicorn


def test_gunicorn_serves_the_portal_with_the_project_config(tmp_path):
    with gunicorn(
        tmp_path, workers=2, database_url=f"sqlite:///{tmp_path / 'db.sqlite3'}"
    ) as server:
        status, _, _ = fetch(f"{server.url}/healthz")
        assert status == 200
        status, headers, _ = fetch(f"{server.url}/static/build/portal.css")
        assert status == 200
        assert headers["Content-Type"].startswith("text/css")
    output = server.log()
    assert "Booting worker" in output
    assert output.count("Booting worker") == 2
    assert '"GET /healthz HTTP/1.1" 200' in output
    assert '"GET /static/build/portal.css HTTP/1.1" 200' in output
