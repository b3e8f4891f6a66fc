"""The import as a background task (django-tasks), started from the officer page."""

from __future__ import annotations

from django_tasks import task


@task()
def run_import(run_id: int) -> str:
    from imports.runs import execute

    return execute(run_id)
