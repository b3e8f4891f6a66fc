"""``Action.publicly_visible``: the stored answer of ``scrutiny.visibility.action_public``
(issue 20, "Fast without the cache").

Whether the public may see an action depends on the action (``is_public``, its resolution)
and on the resolution's minute, minutes, meeting and agenda item. Deciding it for ten years
of actions joins each to all four: 75 ms of the public tracker's 95 ms on a ten-year council.
The answer is stored on the action and kept right here, in the transaction of the change:

- ``post_save`` of an action, a resolution, a minute, minutes, an agenda item or a meeting
  recomputes the actions that depend on it (found through indexed foreign keys: a handful);
- ``post_delete`` of a resolution: its actions lost their resolution (``SET_NULL``, which
  sends no signal), so the actions without one are recomputed (a deleted minute, minutes,
  item or meeting cascades to its resolutions, which send this);
- inside ``scrutiny.bulk.meeting_records_deferred()`` (an import), the receivers of the
  meeting's records do nothing and ``scrutiny.bulk.meeting_written`` recomputes the
  meeting's actions once, as the import's other per-meeting work is done.

``resync`` writes only the rows whose stored answer differs from the rule's, with
``QuerySet.update()`` (no ``modified_at``, no history row, no signal: the stored answer is
derived, not an edit). The rule itself is only ever asked through ``action_public``; a test
(tests/minutes/test_action_flags.py) compares the stored answer with it after each kind of
change (publish, unpublish, approve, mark exempt or confidential, untick, reattach, delete,
import).
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.db.models.signals import post_delete, post_save

from meetings.minutes.models import Action, Minute, MinutesSet, Resolution
from meetings.models import AgendaItem, Meeting
from scrutiny import bulk, visibility


def resync(actions: QuerySet[Action] | None = None) -> int:
    """Make ``publicly_visible`` of ``actions`` (default: every action) say what
    ``visibility.action_public`` says. Returns how many rows changed."""
    if actions is None:
        actions = Action.all_objects.all()
    public = actions.filter(visibility.action_public()).values("pk")
    changed = actions.filter(publicly_visible=False, pk__in=public).update(publicly_visible=True)
    changed += (
        actions.filter(publicly_visible=True).exclude(pk__in=public).update(publicly_visible=False)
    )
    return changed


def of_meeting(meeting_id: int) -> QuerySet[Action]:
    """The actions of resolutions minuted at meeting ``meeting_id``."""
    return Action.all_objects.filter(resolution__minute__minutes__meeting_id=meeting_id)


def _on_action_saved(sender, instance, **kwargs):
    resync(Action.all_objects.filter(pk=instance.pk))
    # The instance saved keeps the stored answer too (a later save() writes every field).
    instance.publicly_visible = (
        Action.all_objects.filter(pk=instance.pk).values_list("publicly_visible", flat=True).first()
        or False
    )


# Which actions a saved record decides: the path from Action to it.
_DEPENDANTS = {
    Resolution: "resolution",
    Minute: "resolution__minute",
    MinutesSet: "resolution__minute__minutes",
    AgendaItem: "resolution__minute__agenda_item",
    Meeting: "resolution__minute__minutes__meeting",
}


def _on_record_saved(sender, instance, **kwargs):
    if bulk.deferred():
        return  # the bulk writer calls bulk.meeting_written: on_meeting_written
    resync(Action.all_objects.filter(**{_DEPENDANTS[sender]: instance.pk}))


def _on_resolution_deleted(sender, instance, **kwargs):
    # Its actions' resolution was set to NULL (no signal): they are now decided by is_public.
    resync(Action.all_objects.filter(resolution__isnull=True))


def on_meeting_written(meeting_id: int) -> None:
    """What the receivers do for each record of a meeting, once (``scrutiny.bulk``). Most
    meetings an import writes have no actions: one indexed look-up, not the rule's two
    updates with their joins."""
    actions = of_meeting(meeting_id)
    if actions.exists():
        resync(actions)


def connect() -> None:
    bulk.on_meeting_written(on_meeting_written)
    post_save.connect(_on_action_saved, sender=Action, dispatch_uid="action-flags-action")
    for model in _DEPENDANTS:
        post_save.connect(
            _on_record_saved, sender=model, dispatch_uid=f"action-flags-{model.__name__}"
        )
    post_delete.connect(
        _on_resolution_deleted, sender=Resolution, dispatch_uid="action-flags-resolution-deleted"
    )
