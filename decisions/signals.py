"""Signals of the decisions app (docs/architecture.md, "Signals"): sent by its services after
commit, for later apps to listen to (the notifications app sends the public alerts and the
call-in notices from them). The decisions app never imports a later app.

Each is sent with ``sender`` the model class and the record as a keyword argument:

- ``decision_published`` (``decision=``): a decision record was published (it is public from
  now on; a private one only by title, maker, date and paragraph);
- ``forward_plan_entry_published`` (``entry=``): an entry was put on the forward plan;
- ``forward_plan_edition_published`` (``edition=``): an edition of the forward plan;
- ``call_in_signatures_requested`` (``request=``): a councillor started a call-in request and
  others may sign it (not public);
- ``call_in_submitted`` (``request=``): the request has all its signatures and waits for the
  scrutiny officer to validate it (not public);
- ``call_in_validated`` (``request=``): the officer found it valid (public from now on);
- ``call_in_outcome_recorded`` (``outcome=``): the scrutiny committee's outcome (public).
"""

from __future__ import annotations

from django.db import transaction
from django.dispatch import Signal

decision_published = Signal()
forward_plan_entry_published = Signal()
forward_plan_edition_published = Signal()
call_in_signatures_requested = Signal()
call_in_submitted = Signal()
call_in_validated = Signal()
call_in_outcome_recorded = Signal()


def send_after_commit(signal: Signal, sender, **kwargs) -> None:
    """Send ``signal`` once the current transaction commits (at once outside one): a rolled
    back write tells no one."""
    transaction.on_commit(lambda: signal.send(sender=sender, **kwargs))
