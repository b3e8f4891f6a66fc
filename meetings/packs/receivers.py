"""Listeners for the meetings app's signals: publishing or changing a published meeting queues
an agenda pack build (the build itself runs in the background). A change to a meeting's
minutes (sent by the minutes services) queues a build of the meetings whose "minutes of the
previous meeting" item carries them (``previous_minutes.py``). During a bulk import
(``scrutiny.bulk``) a meeting already held that never had a pack is not built now: its pack
is built when first asked for (``services.request_on_demand``)."""

from __future__ import annotations

import logging

from django.core.exceptions import ValidationError

from meetings.models import ItemKind, Meeting

logger = logging.getLogger(__name__)


def on_meeting_published(sender, *, meeting, **kwargs) -> None:
    _queue(meeting, "Agenda published")


def on_meeting_changed(sender, *, meeting, **kwargs) -> None:
    if sender is Meeting:
        _queue(meeting, "Published meeting changed")
        return
    # The minutes services announce a change to ``meeting``'s minutes: the meeting's own
    # pack holds none of them, the packs of the meetings that carry them do.
    carrying = Meeting.all_objects.filter(
        items__kind=ItemKind.MINUTES, items__previous_meeting=meeting
    ).distinct()
    date = f"{meeting.date:%-d %B %Y}"
    for other in carrying:
        _queue(other, f"The minutes of the meeting of {date} changed")


def _queue(meeting, reason: str) -> None:
    from scrutiny import bulk

    from . import services
    from .services import request_build, withdraw_unpublishable

    if bulk.created_here(meeting.pk) and services.held(meeting):
        return  # a held meeting this bulk import created: no pack, built when asked for
    # A pack showing a paper that is no longer public is not served from the moment the
    # change committed (services.is_public_now); here its row and file go too.
    withdrawn = withdraw_unpublishable(meeting)
    if withdrawn:
        reason = f"{reason}: a paper in the published pack is no longer public"
    if not meeting.is_published:
        return
    if services.deferred_to_demand(meeting):
        return  # a held meeting of a bulk import: built when first asked for
    try:
        request_build(meeting=meeting, reason=reason)
    except ValidationError:
        logger.warning("Pack build for meeting %s not queued (not published)", meeting.pk)
