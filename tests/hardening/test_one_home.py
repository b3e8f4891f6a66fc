"""One home per concept (issue 22): a second copy of these fails here.

Each concept has one module (docs/architecture.md, "One home per concept"). This test reads
every portal source file (not tests, not migrations) line by line for the primitives each
concept is built from. A primitive outside its home fails the test, unless the file is in
``ALLOWED`` with the reason it may use it. The CSV writer, the sanitiser and the public
predicate have guards of their own (test_csv_export, test_sanitise_boundary,
test_public_predicate_home).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SKIPPED_DIRS = {".venv", "node_modules", "tests", ".git", "var", "staticfiles", "migrations"}

# concept: (its home, {primitive name: pattern})
CONCEPTS: dict[str, tuple[str, dict[str, re.Pattern]]] = {
    "officer check": (
        "scrutiny/permissions.py",
        {
            "PermissionDenied": re.compile(r"\bPermissionDenied\b"),
            "HttpResponseForbidden": re.compile(r"\bHttpResponseForbidden\b"),
            "a bare 403": re.compile(r"status\s*=\s*403\b"),
            "login_required": re.compile(r"\blogin_required\b"),
            "permission_required": re.compile(r"\bpermission_required\b"),
            "PermissionRequiredMixin": re.compile(r"\bPermissionRequiredMixin\b"),
            "redirect_to_login": re.compile(r"\bredirect_to_login\b"),
            "the officer permission": re.compile(r"manage_business"),
        },
    ),
    "edit conflict": (
        "scrutiny/conflicts.py",
        {
            "a version comparison": re.compile(r"\bversion\s*!=|!=\s*[\w.]*version\b"),
            "a conflict error": re.compile(r"""code\s*=\s*["']conflict["']"""),
            "a conflict message": re.compile(r"(?i)someone else (saved|changed)"),
        },
    ),
    "service errors on a form": (
        "scrutiny/forms.py",
        {
            "message_dict": re.compile(r"\.message_dict\b"),
            "error_dict": re.compile(r"\berror_dict\b"),
            "an exception copied onto a form": re.compile(r"\.add_error\([^)]*\bexc\b"),
        },
    ),
    "page size": (
        "scrutiny/paging.py",
        {
            "Paginator": re.compile(r"\bPaginator\b"),
            "paginate_by": re.compile(r"\bpaginate_by\s*="),
            "a page-size constant": re.compile(r"^\s*\w*(PER_PAGE|PAGE_SIZE)\w*\s*="),
        },
    ),
    "exempt-access log": (
        "meetings/services.py",
        {"ExemptAccess rows": re.compile(r"\bExemptAccess\.objects\.(create|bulk_create)\b")},
    ),
}

# (file, primitive): why this file may use it.
ALLOWED: dict[tuple[str, str], str] = {
    ("meetings/views.py", "redirect_to_login"): (
        "My meetings is for any signed-in user, not an officer check"
    ),
    ("scrutiny/models.py", "the officer permission"): "the permission is declared on the model",
    ("scrutiny/settings.py", "a page-size constant"): "PAGE_SIZE, the one setting",
    ("opendata/search.py", "Paginator"): (
        "CappedPaginator counts at most MAX_COUNTED matches; its size is page_size('search')"
    ),
    ("scrutiny/audit_views.py", "Paginator"): (
        "a history with no first page is a 404 (allow_empty_first_page=False); its size is "
        "page_size('record-history')"
    ),
    ("scrutiny/sitemap_index.py", "Paginator"): (
        "sitemap files of 5,000 URLs (the protocol's limit), not a list people page through"
    ),
}


def portal_sources() -> list[Path]:
    found = []
    for path in sorted(ROOT.rglob("*.py")):
        if set(path.relative_to(ROOT).parts[:-1]) & SKIPPED_DIRS:
            continue
        found.append(path)
    return found


def copies(sources: list[Path]) -> list[str]:
    hits = []
    for path in sources:
        rel = path.relative_to(ROOT).as_posix()
        lines = path.read_text(encoding="utf-8").splitlines()
        for concept, (home, primitives) in CONCEPTS.items():
            if rel == home:
                continue
            for name, pattern in primitives.items():
                if (rel, name) in ALLOWED:
                    continue
                hits += [
                    f"{rel}:{n}: {name} ({concept}: use {home}): {line.strip()}"
                    for n, line in enumerate(lines, 1)
                    if pattern.search(line)
                ]
    return hits


def test_each_concept_is_written_only_in_its_home():
    assert copies(portal_sources()) == []


def test_every_allowance_is_still_needed():
    """An allowance whose file no longer uses the primitive is removed, so it cannot hide a
    later copy."""
    stale = []
    for (rel, name), _reason in ALLOWED.items():
        pattern = next(p[name] for _home, p in CONCEPTS.values() if name in p)
        text = (ROOT / rel).read_text(encoding="utf-8")
        if not any(pattern.search(line) for line in text.splitlines()):
            stale.append((rel, name))
    assert stale == []


@pytest.mark.parametrize(
    "line",
    [
        "        raise PermissionDenied",
        "        return HttpResponse(status=403)",
        "officer_required = permission_required(MANAGE, raise_exception=True)",
        "    if current.version != version:",
        '        raise ValidationError({"__all__": "x"}, code="conflict")',
        "        for field, errors in exc.message_dict.items():",
        "    past = Paginator(qs, 40).get_page(page)",
        "    paginate_by = 50",
        "LEAD_REPORTS_PER_PAGE = 20",
        "    ExemptAccess.objects.create(user=user, what=what)",
    ],
)
def test_the_guard_sees_a_copy(tmp_path, monkeypatch, line):
    """Each primitive, written in a new app, is found."""
    app = tmp_path / "newapp"
    app.mkdir()
    (app / "views.py").write_text(f"def view(request):\n{line}\n", encoding="utf-8")
    monkeypatch.setattr(__import__(__name__, fromlist=["ROOT"]), "ROOT", tmp_path)
    assert len(copies([app / "views.py"])) == 1


def test_managers_say_what_they_hold():
    """Issue 22: ``objects`` meant public-only on Meeting, AgendaItem, Report and Document and
    everything on MinutesSet and Action. Now ``objects``, where a model has it beside
    ``all_objects``, is the public manager, and the minutes models have no ``objects``."""
    from decisions import models as decisions_models
    from meetings import models as meetings_models
    from meetings.minutes.models import Action, MinutesSet

    for model in (MinutesSet, Action):
        assert not hasattr(model, "objects"), f"{model.__name__}.objects is ambiguous"
        assert model._default_manager.name == "all_objects"
    for model in (
        meetings_models.Meeting,
        meetings_models.AgendaItem,
        meetings_models.Report,
        meetings_models.Document,
        decisions_models.ForwardPlanEntry,
        decisions_models.Decision,
        decisions_models.CallInRequest,
    ):
        assert type(model.objects).__name__.startswith("Public"), model
        assert model._default_manager.name == "all_objects", model
        assert hasattr(model, "all_objects"), model
