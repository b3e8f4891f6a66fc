"""Listeners for the meetings app's signals: publishing or changing a published meeting queues
an agenda pack build (the build itself runs in the background)."""

from __future__ import annotations

import logging

from django.core.exceptions import ValidationError

from meetings.models import Meeting

logger = logging.getLogger(__name__)


def on_meeting_published(sender, *, meeting, **kwargs) -> None:
    _queue(meeting, "Agenda published")


def on_meeting_changed(sender, *, meeting, **kwargs) -> None:
    if sender is not Meeting:
        return  # the minutes services announce minutes changes: the agenda pack has none
    _queue(meeting, "Published meeting changed")


def _queue(meeting, reason: str) -> None:
    from .services import request_build, withdraw_unpublishable

    # A pack showing a paper that is no longer public is not served from the moment the
    # change committed (services.is_public_now); here its row and file go too.
    withdrawn = withdraw_unpublishable(meeting)
    if withdrawn:
        reason = f"{reason}: a paper in the published pack is no longer public"
    if not meeting.is_published:
        return
    try:
        request_build(meeting=meeting, reason=reason)
    except ValidationError:
        logger.warning("Pack build for meeting %s not queued (not published)", meeting.pk)
