"""Signals the meetings app sends (the one sanctioned use of signals in the portal).

Both are sent by ``meetings.services`` through ``transaction.on_commit``, with
``sender=Meeting`` and the keyword argument ``meeting``:

- ``meeting_published``: the agenda of ``meeting`` was published;
- ``meeting_changed``: something on a published meeting changed (items, reports, documents,
  status) — listeners rebuild what they derive from it (the agenda packs).
"""

from django.dispatch import Signal

meeting_published = Signal()
meeting_changed = Signal()
