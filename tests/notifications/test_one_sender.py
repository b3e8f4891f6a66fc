"""No other app sends mail itself (issue 18): ``notifications/sending.py`` is the only module
of the portal that imports Django's mail API or smtplib."""

from __future__ import annotations

import ast
from pathlib import Path

from scrutiny.apps_list import PORTAL_APPS

ROOT = Path(__file__).resolve().parents[2]
MAIL_MODULES = ("django.core.mail", "smtplib")
HOME = "notifications/sending.py"


def _imports(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found |= {f"{node.module}.{alias.name}" for alias in node.names}
    return found


def test_only_the_notifications_sender_talks_to_the_mail_server():
    packages = sorted({app.split(".")[0] for app in PORTAL_APPS})
    senders = []
    for package in packages:
        for path in (ROOT / package).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            if any(name.startswith(MAIL_MODULES) for name in _imports(path)):
                senders.append(path.relative_to(ROOT).as_posix())
    assert senders == [HOME]
