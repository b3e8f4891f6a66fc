"""Listeners to the portal's meeting signals (docs/architecture.md, "Signals"). Each only
enqueues ``notifications.tasks.fan_out``: the work (and the sending) is in the background."""

from __future__ import annotations

from django.utils import timezone

from meetings.models import Meeting
from scrutiny import bulk


def _held_in_bulk(meeting) -> bool:
    """A bulk import (``scrutiny.bulk``) of a meeting already over: its "published" and
    "changed" fan-outs would do nothing (``events.run`` sends no summons, notice or agenda
    alert for a meeting whose start has passed), so none is queued. Its minutes still are."""
    return bulk.active() and meeting.start <= timezone.now()


def on_meeting_published(sender, meeting, **kwargs) -> None:
    from .tasks import fan_out

    if _held_in_bulk(meeting):
        return
    bulk.enqueue(fan_out, "published", meeting.pk)


def on_meeting_changed(sender, meeting, **kwargs) -> None:
    from .tasks import fan_out

    # Through scrutiny.bulk: an import's batch queues each event of a meeting once.
    if sender is Meeting:
        if _held_in_bulk(meeting):
            return
        bulk.enqueue(fan_out, "changed", meeting.pk)
    else:  # meetings.minutes (MinutesSet): public minutes changed
        bulk.enqueue(fan_out, "minutes", meeting.pk)


# --- the decisions app (decisions.signals, sent after commit) ------------------------------


def _decision_event(event: str, pk: int) -> None:
    from .tasks import decision_fan_out

    decision_fan_out.enqueue(event, pk)


def on_decision_published(sender, decision, **kwargs) -> None:
    _decision_event("decision", decision.pk)


def on_forward_plan_entry_published(sender, entry, **kwargs) -> None:
    _decision_event("entry", entry.pk)


def on_forward_plan_edition_published(sender, edition, **kwargs) -> None:
    _decision_event("edition", edition.pk)


def on_call_in_signatures_requested(sender, request, **kwargs) -> None:
    _decision_event("signatures", request.pk)


def on_call_in_submitted(sender, request, **kwargs) -> None:
    _decision_event("submitted", request.pk)


def on_call_in_validated(sender, request, **kwargs) -> None:
    _decision_event("validated", request.pk)


def on_call_in_outcome_recorded(sender, outcome, **kwargs) -> None:
    _decision_event("outcome", outcome.pk)


DECISION_SIGNALS = {
    "decision_published": on_decision_published,
    "forward_plan_entry_published": on_forward_plan_entry_published,
    "forward_plan_edition_published": on_forward_plan_edition_published,
    "call_in_signatures_requested": on_call_in_signatures_requested,
    "call_in_submitted": on_call_in_submitted,
    "call_in_validated": on_call_in_validated,
    "call_in_outcome_recorded": on_call_in_outcome_recorded,
}


def connect_decisions() -> None:
    from decisions import signals

    for name, receiver in DECISION_SIGNALS.items():
        getattr(signals, name).connect(receiver, dispatch_uid=f"notifications-{name}")
