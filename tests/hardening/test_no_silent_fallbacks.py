"""No silent fallbacks for URLs (issue 22): a mistyped URL name must fail the tests, not hide a
link. Every portal app is always installed, so every URL name the templates and code use
exists; an optional link belongs in an extension registry (scrutiny.extensions,
meetings.extensions), never behind ``{% url … as x %}{% if x %}`` or ``except
NoReverseMatch``."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from django.urls import get_resolver

from scrutiny.apps_list import PORTAL_APPS

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = sorted({app.split(".")[0] for app in PORTAL_APPS})
# Files allowed to keep a fallback, with the reason. Empty today: add one only with a reason
# a reviewer accepts (e.g. a URL that is really optional and has no registry yet).
ALLOWED: dict[str, str] = {}

URL_AS = re.compile(r"\{%\s*url\s+[^%]*?\s+as\s+\w+\s*%\}")
URL_NAME = re.compile(r"""\{%\s*url\s+(['"])([^'"]+)\1""")


def _templates() -> list[Path]:
    found = list((ROOT / "templates").rglob("*.html"))
    for package in PACKAGES:
        found += [p for p in (ROOT / package).rglob("*.html") if "templates" in p.parts]
    return sorted(found)


def _code() -> list[Path]:
    return sorted(
        path
        for package in PACKAGES
        for path in (ROOT / package).rglob("*.py")
        if "migrations" not in path.parts
    )


def _rel(path: Path) -> str:
    return str(path.relative_to(ROOT))


def test_no_template_reverses_a_url_into_a_variable_to_test_it():
    offenders = [
        f"{_rel(path)}: {match.group(0)}"
        for path in _templates()
        if _rel(path) not in ALLOWED
        for match in URL_AS.finditer(path.read_text())
    ]
    assert offenders == [], (
        "{% url … as x %} swallows a wrong URL name and hides the link; use {% url %} "
        f"(the URL always exists) or an extension registry: {offenders}"
    )


def _catches_no_reverse_match(handler: ast.ExceptHandler) -> bool:
    names = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
    return any(
        (isinstance(n, ast.Name) and n.id == "NoReverseMatch")
        or (isinstance(n, ast.Attribute) and n.attr == "NoReverseMatch")
        for n in names
        if n is not None
    )


def test_no_code_catches_no_reverse_match():
    offenders = [
        f"{_rel(path)}:{node.lineno}"
        for path in _code()
        if _rel(path) not in ALLOWED
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.ExceptHandler) and node.type and _catches_no_reverse_match(node)
    ]
    assert offenders == [], f"except NoReverseMatch hides a wrong URL name: {offenders}"


def test_every_url_name_in_a_template_exists():
    """Also for templates no test renders: the name in every literal {% url 'name' %} is
    one the URL configuration defines."""
    resolver = get_resolver()
    known = {key for key in resolver.reverse_dict if isinstance(key, str)}
    for namespace, (_prefix, sub) in resolver.namespace_dict.items():
        known |= {f"{namespace}:{k}" for k in sub.reverse_dict if isinstance(k, str)}
    unknown = sorted(
        f"{_rel(path)}: {match.group(2)}"
        for path in _templates()
        for match in URL_NAME.finditer(path.read_text())
        if match.group(2) not in known
    )
    assert unknown == [], f"URL names that do not exist: {unknown}"


def test_the_guards_see_a_fallback(tmp_path):
    """The two patterns the guards look for do match the forms they forbid."""
    assert URL_AS.search("{% url 'kpi-dashboard' as kpi_url %}{% if kpi_url %}")
    assert URL_AS.search("{% url 'committee-ics' committee.slug as ics_url %}")
    tree = ast.parse("try:\n    x()\nexcept (ValueError, urls.NoReverseMatch):\n    pass\n")
    (handler,) = [n for n in ast.walk(tree) if isinstance(n, ast.ExceptHandler)]
    assert _catches_no_reverse_match(handler)
