"""Signals about meetings (the one sanctioned use of signals in the portal).

They are defined here, in the base app, so that scrutiny's own listeners (the page cache,
stored PDFs) can connect to them without importing the meetings app above it; the meetings
app re-exports them as ``meetings.signals``.

Both are sent by ``meetings.services`` through ``transaction.on_commit``, with
``sender=Meeting`` and the keyword argument ``meeting``:

- ``meeting_published``: the agenda of ``meeting`` was published;
- ``meeting_changed``: something on a published meeting changed (items, reports, documents,
  status) — listeners rebuild what they derive from it (the agenda packs).
"""

from django.dispatch import Signal

meeting_published = Signal()
meeting_changed = Signal()
