"""Background work for agenda packs (django-tasks; the database backend in production, run
by ``manage.py db_worker``, which ``make run`` starts)."""

from __future__ import annotations

from django_tasks import task


@task(takes_context=True)
def build_meeting_packs(context, build_id: int, watch: bool = False) -> str:
    """Run one queued pack build, or (``watch``: the run scheduled for when the build's lease
    ends) check on it and take it over if its worker died (see ``services.run_build``); safe
    to run twice."""
    from .services import run_build

    return run_build(build_id=build_id, watch=watch, task_id=str(context.task_result.id))
