"""Background work for agenda packs (django-tasks; the database backend in production, run
by ``manage.py db_worker``, which ``make run`` starts)."""

from __future__ import annotations

from django_tasks import task


@task()
def build_meeting_packs(build_id: int) -> str:
    """Run one queued pack build (see ``services.run_build``); safe to run twice."""
    from .services import run_build

    return run_build(build_id=build_id)
