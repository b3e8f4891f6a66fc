"""Signals the meetings app sends: ``meeting_published`` and ``meeting_changed``.

They are defined in ``scrutiny.signals`` (the base app's listeners need them without importing
meetings) and re-exported here, so the apps above meetings keep importing them from the app
that sends them. See ``scrutiny.signals`` for what each means.
"""

from scrutiny.signals import meeting_changed, meeting_published

__all__ = ["meeting_changed", "meeting_published"]
