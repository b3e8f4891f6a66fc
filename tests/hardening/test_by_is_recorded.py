"""Issue 22 item 4: ``by=`` means something — one rule for every service.

A service that takes ``by=`` records it as simple-history's user of the history rows it
writes (``scrutiny.audit.records_by``), so a change made by a task or a command still has
its author (or, with ``by=None``, explicitly none) in the audit trail.
"""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest

from scrutiny.apps_list import PORTAL_APPS

ROOT = Path(__file__).resolve().parents[2]


def _service_modules() -> list[Path]:
    found = []
    for app in PORTAL_APPS:
        base = ROOT / Path(*app.split("."))
        found += [p for p in [base / "services.py"] if p.exists()]
        found += sorted((base / "services").glob("*.py")) if (base / "services").is_dir() else []
    return found


def _reads_by(func: ast.FunctionDef) -> bool:
    for node in ast.walk(func):
        if isinstance(node, ast.Name) and node.id == "by" and isinstance(node.ctx, ast.Load):
            return True
    return False


def _decorated_records_by(func: ast.FunctionDef) -> bool:
    for dec in func.decorator_list:
        name = dec.attr if isinstance(dec, ast.Attribute) else getattr(dec, "id", "")
        if name == "records_by":
            return True
    return False


def _takes_by(func: ast.FunctionDef) -> bool:
    a = func.args
    return any(arg.arg == "by" for arg in a.args + a.kwonlyargs + a.posonlyargs)


def _public_services(path: Path):
    tree = ast.parse(path.read_text())
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and not node.name.startswith("_") and _takes_by(node):
            yield node


def test_the_scan_finds_the_services():
    modules = _service_modules()
    names = {p.relative_to(ROOT).as_posix() for p in modules}
    assert {"meetings/services.py", "meetings/minutes/services.py"} <= names
    assert any(n.startswith("workprogramme/services") for n in names)
    assert sum(len(list(_public_services(p))) for p in modules) > 40


def test_every_service_taking_by_uses_it():
    """A public service with a ``by`` parameter must either read ``by`` or be wrapped in
    ``records_by`` — a ``by`` accepted and ignored leaves the audit trail without an author."""
    unused = []
    for path in _service_modules():
        for func in _public_services(path):
            if not (_reads_by(func) or _decorated_records_by(func)):
                unused.append(f"{path.relative_to(ROOT)}:{func.lineno} {func.name}")
    assert not unused, "services that take by= and ignore it:\n" + "\n".join(unused)


def test_every_service_writing_history_records_by():
    """Every public service taking ``by`` is wrapped in ``records_by`` (checked on the live
    functions, so a decorator that is imported but not applied is caught too)."""
    missing = []
    for path in _service_modules():
        module_name = ".".join(path.relative_to(ROOT).with_suffix("").parts)
        module = importlib.import_module(module_name)
        for func in _public_services(path):
            live = getattr(module, func.name)
            if not getattr(live, "_records_by", False):
                missing.append(f"{module_name}.{func.name}")
    assert not missing, "services not wrapped in scrutiny.audit.records_by:\n" + "\n".join(missing)


# --- Through the real path: services called outside a request (a task, a command) -------


class _SomeoneElsesRequest:
    def __init__(self, user):
        self.user = user


@pytest.fixture
def no_request():
    from simple_history.models import HistoricalRecords

    assert not hasattr(HistoricalRecords.context, "request"), "test must run outside a request"
    yield
    assert not hasattr(HistoricalRecords.context, "request"), "records_by left a request behind"


@pytest.mark.django_db
def test_meetings_service_records_by_outside_a_request(no_request):
    from meetings.services import update_meeting
    from tests.factories import make_user
    from tests.factories.meetings import MeetingFactory

    officer = make_user("officer")
    meeting = MeetingFactory()
    update_meeting(meeting=meeting, venue="Council Chamber", by=officer)
    latest = meeting.history.latest()
    assert latest.venue == "Council Chamber"
    assert latest.history_user == officer

    update_meeting(meeting=meeting, venue="Room 2", by=None)
    latest = meeting.history.latest()
    assert latest.venue == "Room 2"
    assert latest.history_user is None


@pytest.mark.django_db
def test_workprogramme_service_records_by_outside_a_request(no_request):
    from tests.factories import make_user
    from tests.factories.workprogramme import WorkProgrammeItemFactory
    from workprogramme.models import ItemStatus
    from workprogramme.services import set_item_status

    officer = make_user("officer")
    item = WorkProgrammeItemFactory()
    set_item_status(item=item, status=ItemStatus.SCHEDULED, by=officer)
    latest = item.history.latest()
    assert latest.status == ItemStatus.SCHEDULED
    assert latest.history_user == officer

    set_item_status(item=item, status=ItemStatus.DROPPED, by=None)
    latest = item.history.latest()
    assert latest.status == ItemStatus.DROPPED
    assert latest.history_user is None


@pytest.mark.django_db
def test_by_wins_over_the_request_user_and_the_request_is_restored():
    """Inside a request, the service's ``by`` is the author (None: no one), and the
    middleware's request is put back afterwards for whatever the view saves next."""
    from simple_history.models import HistoricalRecords

    from tests.factories import make_user
    from tests.factories.workprogramme import WorkProgrammeItemFactory
    from workprogramme.models import ItemStatus
    from workprogramme.services import set_item_status

    signed_in, acting = make_user("officer"), make_user("officer")
    item = WorkProgrammeItemFactory()
    request = _SomeoneElsesRequest(signed_in)
    HistoricalRecords.context.request = request
    try:
        set_item_status(item=item, status=ItemStatus.SCHEDULED, by=acting)
        assert item.history.latest().history_user == acting
        set_item_status(item=item, status=ItemStatus.COMPLETED, by=None)
        assert item.history.latest().history_user is None
        assert HistoricalRecords.context.request is request
    finally:
        del HistoricalRecords.context.request
