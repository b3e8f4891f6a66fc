"""Public PDFs are printed once per content version and served from storage (issue 13).

Every PDF the portal prints on request goes through ``scrutiny.stored_pdfs``: the minutes PDF
and the tracker PDFs (work programme, improvement plan, review recommendations; whole via
``/trackers/<kind>/<key>/print.pdf`` and filtered via ``?format=pdf`` on their pages). The
tests drive the real views with the real HTTP test client, count WeasyPrint renders with a
spy on ``weasyprint.HTML.render`` (the one place any PDF is laid out) and read the PDFs back
with pikepdf and pypdf.

The first test runs the production database task backend with no worker, so an enqueued build
does not run by itself: the anonymous requests must not render, must be told the PDF is being
prepared, and must queue exactly one build; the queued task is then run as the worker would.
"""

from __future__ import annotations

import io

import pikepdf
import pypdf
import pytest
from django.core.files.storage import default_storage
from django.test import override_settings
from django.urls import reverse
from django.utils.module_loading import import_string
from django_tasks_db.models import DBTaskResult

from meetings.minutes import services as minutes_services
from meetings.minutes.models import Minute, MinutesSet, MinutesStatus
from meetings.models import ItemKind
from scrutiny import stored_pdfs
from scrutiny.models import StoredPdf
from tests.factories import make_user
from tests.factories.minutes import make_meeting_with_items
from tests.factories.workprogramme import (
    ImprovementActionFactory,
    PlanPriorityFactory,
    ReviewRecommendationFactory,
    WorkProgrammeFactory,
    WorkProgrammeItemFactory,
)

pytestmark = pytest.mark.django_db

DB_BACKEND = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


@pytest.fixture
def renders(monkeypatch):
    """How many times WeasyPrint laid out a document (every PDF goes through HTML.render)."""
    import weasyprint

    calls = []
    real = weasyprint.HTML.render

    def spy(self, *args, **kwargs):
        calls.append(1)
        return real(self, *args, **kwargs)

    monkeypatch.setattr(weasyprint.HTML, "render", spy)
    return calls


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def pdf_text(data: bytes) -> str:
    return "\n".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(data)).pages)


def published_minutes(text="Narrative of the discussion."):
    meeting = make_meeting_with_items(business=1)
    minutes = minutes_services.start_minutes(meeting=meeting)
    minute = minutes.items.get(agenda_item__kind=ItemKind.BUSINESS)
    minutes_services.save_minute(
        minute=minute, text=f"<p>{text}</p>", resolutions=["That the report be noted."], version=1
    )
    minutes_services.publish_minutes(minutes=minutes)
    return meeting, Minute.objects.get(pk=minute.pk)


@pytest.fixture
def run_queued(django_capture_on_commit_callbacks):
    """Run every queued task as ``db_worker`` would (its function, with its arguments, its
    commit callbacks executed)."""

    def run() -> list:
        values = []
        for queued in DBTaskResult.objects.order_by("enqueued_at"):
            args = queued.args_kwargs
            with django_capture_on_commit_callbacks(execute=True):
                task = import_string(queued.task_path)
                values.append(task.call(*args["args"], **args["kwargs"]))
            queued.delete()
        return values

    return run


def test_anonymous_requests_never_render_and_queue_one_build(client, renders, run_queued):
    meeting, minute = published_minutes("First version of the minute.")
    url = reverse("meeting-minutes-pdf", args=[meeting.pk])

    with override_settings(TASKS=DB_BACKEND):
        answers = [client.get(url) for _ in range(5)]
    assert renders == []  # no anonymous request laid out a PDF
    for response in answers:
        assert response.status_code == 503
        assert response["Retry-After"] == str(stored_pdfs.RETRY_AFTER_SECONDS)
        assert "no-store" in response["Cache-Control"]
        assert "This PDF is being prepared" in response.content.decode()
    # A flood of requests queued one build of one content version.
    assert DBTaskResult.objects.count() == 1
    assert DBTaskResult.objects.get().task_path == "scrutiny.tasks.build_stored_pdf"
    pending = StoredPdf.objects.get()
    assert (pending.kind, pending.key, pending.status) == ("minutes", str(meeting.pk), "pending")

    assert run_queued() == ["built"]
    assert len(renders) == 1
    stored = StoredPdf.objects.get()
    assert stored.status == "ready" and default_storage.exists(stored.file_name)

    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "public, no-cache"
    assert response["ETag"] == f'"{stored.sha256[:32]}"' and response["Last-Modified"]
    data = body(response)
    with pikepdf.open(io.BytesIO(data)) as pdf:
        assert pdf.Root.get("/StructTreeRoot") is not None
        assert "Minutes:" in str(pdf.open_metadata().get("dc:title"))
    text = pdf_text(data)
    assert "First version of the minute." in text and "That the report be noted." in text

    # Served again, and revalidated: no new render.
    assert body(client.get(url)) == data
    again = client.get(url, HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304 and again["Cache-Control"] == "public, no-cache"
    assert len(renders) == 1

    # The content changes: the old PDF is not served for the new content.
    old_file = stored.file_name
    Minute.objects.filter(pk=minute.pk).update(text="<p>Corrected version of the minute.</p>")
    with override_settings(TASKS=DB_BACKEND):
        response = client.get(url)
    assert response.status_code == 503 and len(renders) == 1
    assert StoredPdf.objects.filter(status="pending").count() == 1
    assert run_queued() == ["built"]
    current = StoredPdf.objects.get()  # the old version was removed with its file
    assert current.file_name != old_file and not default_storage.exists(old_file)
    text = pdf_text(body(client.get(url)))
    assert "Corrected version" in text and "First version" not in text
    assert len(renders) == 2


def test_a_stale_pending_build_is_queued_again_once(client, renders, run_queued):
    meeting, _ = published_minutes()
    url = reverse("meeting-minutes-pdf", args=[meeting.pk])
    with override_settings(TASKS=DB_BACKEND):
        assert client.get(url).status_code == 503
        DBTaskResult.objects.all().delete()  # the worker lost it
        assert client.get(url).status_code == 503
        assert DBTaskResult.objects.count() == 0  # still trusted to be on its way
        StoredPdf.objects.update(
            requested_at=StoredPdf.objects.get().requested_at - stored_pdfs.PENDING_STALE_AFTER
        )
        for _ in range(3):
            assert client.get(url).status_code == 503
    assert DBTaskResult.objects.count() == 1 and renders == []
    assert run_queued() == ["built"]
    assert client.get(url).status_code == 200


def test_anonymous_demand_queues_at_most_max_pending_builds(client, renders, monkeypatch):
    monkeypatch.setattr(stored_pdfs, "MAX_PENDING", 1)
    first, _ = published_minutes()
    second, _ = published_minutes()
    with override_settings(TASKS=DB_BACKEND):
        assert client.get(reverse("meeting-minutes-pdf", args=[first.pk])).status_code == 503
        assert client.get(reverse("meeting-minutes-pdf", args=[second.pk])).status_code == 503
    assert DBTaskResult.objects.count() == 1 and StoredPdf.objects.count() == 1
    assert renders == []


def test_a_stored_row_whose_file_is_gone_is_rebuilt_not_404(client, renders, run_queued):
    meeting, _ = published_minutes()
    url = reverse("meeting-minutes-pdf", args=[meeting.pk])
    assert client.get(url).status_code == 200  # immediate backend: built at once
    default_storage.delete(StoredPdf.objects.get().file_name)
    with override_settings(TASKS=DB_BACKEND):
        response = client.get(url)
    assert response.status_code == 503 and len(renders) == 1
    run_queued()
    assert client.get(url).status_code == 200


def test_signed_in_readers_get_it_built_and_stored_for_everyone(client, renders):
    meeting, _ = published_minutes()
    url = reverse("meeting-minutes-pdf", args=[meeting.pk])
    client.force_login(make_user("councillor"))
    with override_settings(TASKS=DB_BACKEND):
        response = client.get(url)
        assert response.status_code == 200 and len(renders) == 1
        assert DBTaskResult.objects.count() == 0
        client.logout()
        assert client.get(url).status_code == 200  # the public gets the stored file
    assert len(renders) == 1


def test_draft_minutes_are_printed_for_officers_only_and_never_stored(client, renders):
    meeting = make_meeting_with_items(business=1)
    minutes = minutes_services.start_minutes(meeting=meeting)
    minute = minutes.items.get(agenda_item__kind=ItemKind.BUSINESS)
    minutes_services.save_minute(
        minute=minute, text="<p>DRAFT-CANARY words.</p>", resolutions=[], version=1
    )
    url = reverse("meeting-minutes-pdf", args=[meeting.pk])
    assert client.get(url).status_code == 404
    client.force_login(make_user("officer"))
    response = client.get(url)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    assert "DRAFT-CANARY" in pdf_text(body(response))
    assert not StoredPdf.objects.exists() and len(renders) == 1
    # The build task never prints what the public may not read.
    assert stored_pdfs.load("minutes", str(meeting.pk)) is None


def test_publishing_minutes_builds_the_pdf_before_anyone_asks(
    client, renders, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        meeting, _ = published_minutes("Built in the background.")
    stored = StoredPdf.objects.get(kind="minutes", key=str(meeting.pk), status="ready")
    before = len(renders)
    with override_settings(TASKS=DB_BACKEND):
        response = client.get(reverse("meeting-minutes-pdf", args=[meeting.pk]))
    assert response.status_code == 200 and len(renders) == before
    assert "Built in the background." in pdf_text(body(response))
    assert response["ETag"] == f'"{stored.sha256[:32]}"'


def test_minutes_withdrawn_from_the_public_are_forgotten(
    client, renders, django_capture_on_commit_callbacks
):
    meeting, _ = published_minutes()
    url = reverse("meeting-minutes-pdf", args=[meeting.pk])
    assert client.get(url).status_code == 200
    name = StoredPdf.objects.get().file_name
    MinutesSet.all_objects.filter(meeting=meeting).update(status=MinutesStatus.DRAFT)
    assert client.get(url).status_code == 404
    from scrutiny.tasks import refresh_stored_pdfs

    with django_capture_on_commit_callbacks(execute=True):
        refresh_stored_pdfs.call("minutes", str(meeting.pk), False)
    assert not StoredPdf.objects.exists() and not default_storage.exists(name)


# --- trackers -----------------------------------------------------------------------------------


def _programme():
    programme = WorkProgrammeFactory()
    for n in (1, 2):
        WorkProgrammeItemFactory(programme=programme, number=n, issue=f"Issue number {n}")
    return programme, "workprogramme", str(programme.pk), programme.committee.get_absolute_url()


def _plan():
    priority = PlanPriorityFactory()
    ImprovementActionFactory(priority=priority, number=1, text="Issue number 1 action")
    plan = priority.plan
    return plan, "improvement-plan", plan.slug, plan.get_absolute_url()


def _review():
    rec = ReviewRecommendationFactory(number=1, text="Issue number 1 recommendation")
    review = rec.review
    return review, "review", review.slug, review.get_absolute_url()


@pytest.mark.parametrize("make", [_programme, _plan, _review], ids=["programme", "plan", "review"])
def test_tracker_pdfs_are_stored_and_never_rendered_for_the_anonymous(
    client, renders, make, run_queued
):
    obj, kind, key, _ = make()
    url = reverse("tracker-pdf", args=[kind, key])
    with override_settings(TASKS=DB_BACKEND):
        response = client.get(url)
    assert response.status_code == 503 and renders == []
    assert run_queued() == ["built"] and len(renders) == 1
    response = client.get(url)
    assert response.status_code == 200 and response["Cache-Control"] == "public, no-cache"
    data = body(response)
    with pikepdf.open(io.BytesIO(data)) as pdf:
        assert pdf.Root.get("/StructTreeRoot") is not None
    assert "Issue number 1" in pdf_text(data)
    assert body(client.get(url)) == data and len(renders) == 1
    assert client.get(reverse("tracker-pdf", args=[kind, "no-such-key"])).status_code == 404


def test_filtered_tracker_exports_are_stored_by_content(client, renders, run_queued):
    programme, *_ = _programme()
    url = reverse("committee-workprogramme", args=[programme.committee.slug])
    whole = client.get(url, {"format": "pdf"})
    assert whole.status_code == 200 and len(renders) == 1
    # Same content with unknown parameters and page numbers: the same stored file.
    same = client.get(url, {"format": "pdf", "junk": "x", "page": "3"})
    assert body(same) == body(whole) and len(renders) == 1
    # The whole tracker through its own URL prints the same content: shared too.
    assert client.get(reverse("tracker-pdf", args=["workprogramme", programme.pk])).status_code
    assert len(renders) == 1
    # A filter that changes the rows is another content version.
    item = programme.items.get(number=2)
    item.status = "completed"
    item.save()
    with override_settings(TASKS=DB_BACKEND):
        response = client.get(url, {"format": "pdf", "status": "completed"})
    assert response.status_code == 503
    stored = StoredPdf.objects.get(status="pending")
    assert stored.query == "status=completed"
    assert run_queued() == ["built"]
    text = pdf_text(body(client.get(url, {"format": "pdf", "status": "completed"})))
    assert "Issue number 2" in text and "Issue number 1" not in text


def test_a_tracker_change_rebuilds_the_stored_pdf(
    client, renders, django_capture_on_commit_callbacks
):
    # Each block stands for one committed transaction (the test's own never commits).
    with django_capture_on_commit_callbacks(execute=True):
        programme, kind, key, _ = _programme()
    url = reverse("tracker-pdf", args=[kind, key])
    assert client.get(url).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        WorkProgrammeItemFactory(programme=programme, number=3, issue="Issue number 3 added")
    before = len(renders)
    with override_settings(TASKS=DB_BACKEND):
        response = client.get(url)
    assert response.status_code == 200 and len(renders) == before
    assert "Issue number 3 added" in pdf_text(body(response))
    assert StoredPdf.objects.filter(kind=kind, key=key).count() == 1


# --- the nightly refresh of what changes with the date ---------------------------------------


def test_the_nightly_command_rebuilds_the_trackers_the_date_changed(
    client, renders, run_queued, time_machine
):
    """``manage.py refresh_stored_pdfs`` (cron, just after midnight) queues one refresh per
    kind whose content changes with the date; the worker then rebuilds exactly the stored
    trackers that a new day changed (an action became overdue), so the anonymous reader gets
    the new version from storage rather than "being prepared"."""
    import datetime as dt

    from django.core.management import CommandError, call_command

    from tests.factories.meetings import LONDON

    time_machine.move_to(dt.datetime(2017, 9, 1, 9, tzinfo=LONDON), tick=False)
    priority = PlanPriorityFactory()
    ImprovementActionFactory(priority=priority, number=1, due_date=dt.date(2017, 9, 2))
    plan = priority.plan
    programme, *_ = _programme()  # its items have no target meeting: nothing dated
    assert stored_pdfs.refresh("improvement-plan", plan.slug) == 1
    assert stored_pdfs.refresh("workprogramme", str(programme.pk)) == 1
    plan_url = reverse("tracker-pdf", args=["improvement-plan", plan.slug])
    assert "OVERDUE" not in pdf_text(body(client.get(plan_url)))

    def nightly(*args) -> list[list]:
        out = io.StringIO()
        with override_settings(TASKS=DB_BACKEND):
            call_command("refresh_stored_pdfs", *args, stdout=out)
        queued = [q.args_kwargs["args"] for q in DBTaskResult.objects.order_by("enqueued_at")]
        assert {q.task_path for q in DBTaskResult.objects.all()} <= {
            "scrutiny.tasks.refresh_stored_pdfs"
        }
        assert "Queued a refresh" in out.getvalue()
        return queued

    # The same day: every kind is looked at, nothing is rebuilt.
    assert nightly() == [
        ["improvement-plan", None, True],
        ["review", None, True],
        ["workprogramme", None, True],
    ]
    built = len(renders)
    assert run_queued() == [0, 0, 0] and len(renders) == built

    # Two days on, the action is overdue: only the plan's PDF is printed again.
    time_machine.move_to(dt.datetime(2017, 9, 4, 0, 5, tzinfo=LONDON), tick=False)
    stored = StoredPdf.objects.get(kind="improvement-plan")
    spec = stored_pdfs.load("improvement-plan", plan.slug)
    assert stored_pdfs.fingerprint(spec) != stored.fingerprint  # the stored one is stale
    assert len(nightly()) == 3
    assert run_queued() == [1, 0, 0] and len(renders) == built + 1
    with override_settings(TASKS=DB_BACKEND):
        response = client.get(plan_url)
    assert response.status_code == 200 and len(renders) == built + 1
    assert "OVERDUE" in pdf_text(body(response))
    assert StoredPdf.objects.filter(kind="improvement-plan").count() == 1

    # One kind on request; an unknown kind is refused with the known ones.
    assert nightly("--kind", "minutes") == [["minutes", None, True]]
    run_queued()
    with pytest.raises(CommandError, match="No such kind of stored PDF: agenda"):
        call_command("refresh_stored_pdfs", "--kind", "agenda")


def test_the_apps_register_their_loaders():
    """The base app names no later app: the minutes and work programme apps register how to
    print their kinds from ``ready()``; only the trackers change with the date."""
    from meetings.minutes.views import minutes_pdf_spec
    from workprogramme.views import tracker_pdf_spec

    loaders, dated = stored_pdfs.LOADERS, stored_pdfs.DATED_KINDS
    assert loaders == {
        "minutes": minutes_pdf_spec,
        "workprogramme": tracker_pdf_spec,
        "improvement-plan": tracker_pdf_spec,
        "review": tracker_pdf_spec,
    }
    assert dated == {"workprogramme", "improvement-plan", "review"}
