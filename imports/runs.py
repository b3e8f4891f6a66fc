"""An import run started from the officer page: queued, run by the worker, its progress and
end report kept on the ``ImportRun`` row for the page to show."""

from __future__ import annotations

import time

from django.db import transaction
from django.utils import timezone

from imports.importer import Importer
from imports.models import ImportRun

PROGRESS_EVERY = 1.0  # seconds between progress writes


def start(*, site: str, date_from=None, date_to=None, dry_run=False, by) -> ImportRun:
    from imports.tasks import run_import

    run = ImportRun.objects.create(
        site=site.rstrip("/"),
        date_from=date_from,
        date_to=date_to,
        dry_run=dry_run,
        started_by=by if getattr(by, "pk", None) else None,
    )
    transaction.on_commit(lambda: run_import.enqueue(run.pk))
    return run


def execute(run_id: int) -> str:
    run = ImportRun.objects.get(pk=run_id)
    if run.status != ImportRun.Status.QUEUED:
        return f"run {run_id} is {run.status}: not started again"
    ImportRun.objects.filter(pk=run_id).update(
        status=ImportRun.Status.RUNNING, started_at=timezone.now()
    )
    last = [0.0]

    def progress(report):
        now = time.monotonic()
        if now - last[0] < PROGRESS_EVERY and report.meetings_done < report.meetings_total:
            return
        last[0] = now
        ImportRun.objects.filter(pk=run_id).update(
            meetings_total=report.meetings_total,
            meetings_done=report.meetings_done,
            documents=report.documents,
            errors=report.errors,
            progress_at=timezone.now(),
        )

    importer = Importer(
        run.site,
        date_from=run.date_from,
        date_to=run.date_to,
        dry_run=run.dry_run,
        by=run.started_by,
        progress=progress,
    )
    try:
        report = importer.run()
    except Exception as exc:
        ImportRun.objects.filter(pk=run_id).update(
            status=ImportRun.Status.FAILED,
            finished_at=timezone.now(),
            failure=f"{type(exc).__name__}: {exc}",
            report=importer.report.as_json(),
        )
        raise
    ImportRun.objects.filter(pk=run_id).update(
        status=ImportRun.Status.DONE,
        finished_at=timezone.now(),
        meetings_total=report.meetings_total,
        meetings_done=report.meetings_done,
        documents=report.documents,
        errors=report.errors,
        report=report.as_json(),
    )
    return f"imported {report.meetings_done} meetings"
