"""Signals about meetings (the one sanctioned use of signals in the portal).

They are defined here, in the base app, so that scrutiny's own listeners (the page cache,
stored PDFs) can connect to them without importing the meetings app above it; the meetings
app re-exports them as ``meetings.signals``.

Both are sent through ``transaction.on_commit`` with the keyword argument ``meeting``: by
``meetings.services`` with ``sender=Meeting``, and ``meeting_changed`` also by
``meetings.minutes.services`` with ``sender=MinutesSet`` when public minutes change (the
packs listener ignores that sender). docs/architecture.md ("Signals") lists the listeners.

- ``meeting_published``: the agenda of ``meeting`` was published;
- ``meeting_changed``: something on a published meeting changed (items, reports, documents,
  status) — listeners rebuild what they derive from it (the agenda packs).

One more, about logins: ``set_password_link_issued`` is sent (after commit) by
``scrutiny.accounts`` when a councillor's login is created or reset, with ``person=``,
``path=`` (the set-password link's path) and ``reset=``; the notifications app emails the link
to the person's address (docs/email.md).
"""

from django.dispatch import Signal

meeting_published = Signal()
meeting_changed = Signal()
set_password_link_issued = Signal()
