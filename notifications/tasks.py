"""Background work of the notifications app (django-tasks, run by ``manage.py db_worker``)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django_tasks import default_task_backend, task


@task()
def send_outbox() -> int:
    """Send what is queued, within the per-minute rate limit. When the minute's budget is
    spent and mail is still waiting, the task runs again a minute later (on a backend that can
    defer; otherwise ``manage.py send_email`` or the next enqueue picks it up)."""
    from .models import Outbox
    from .sending import send_pending

    sent = send_pending()
    waiting = Outbox.objects.filter(status=Outbox.Status.QUEUED).exists()
    if waiting and default_task_backend.supports_defer:
        send_outbox.using(run_after=timezone.now() + dt.timedelta(seconds=60)).enqueue()
    return sent


@task()
def fan_out(event: str, meeting_id: int, extra: dict | None = None) -> int:
    """Turn one event on a meeting into outbox rows (summons, change notices, public alerts)
    and queue the sending. Safe to run twice: the outbox's unique key drops repeats."""
    from . import events

    return events.run(event, meeting_id, extra or {})


@task()
def housekeeping() -> dict:
    """The daily and weekly jobs (``manage.py notifications_daily``)."""
    from . import notices

    return notices.daily()


@task()
def decision_fan_out(event: str, pk: int) -> int:
    """Turn one event of the decisions app (``decision_events``: a decision, forward plan or
    call-in) into outbox rows and queue the sending. Safe to run twice (the outbox's key)."""
    from . import decision_events

    return decision_events.run(event, pk)
