"""Edit conflicts (optimistic locking): the one check and the one message.

Records that officers edit carry a ``version`` that every save increments. A form sends the
version it was opened with; the service calls ``check_version`` before writing, and a stale
version raises ``EditConflict`` (a ``ValidationError`` on the whole form, code ``conflict``).
Nothing is written, and the view re-renders the bound form, so nothing typed is lost.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError

CONFLICT_MESSAGE = (
    "Someone else saved this record while you were editing it. Nothing you typed has been "
    "lost: it is still in the form below. Compare it with the saved version, then save again "
    "to replace it."
)


class EditConflict(ValidationError):
    """Someone else saved the record since the form was opened."""

    def __init__(self):
        super().__init__({"__all__": [CONFLICT_MESSAGE]}, code="conflict")


def check_version(current: int | None, submitted: int | str | None) -> None:
    """Raise ``EditConflict`` unless ``submitted`` is the ``current`` version.

    ``submitted=None`` means the caller does not check (a task, a command, the demo loader);
    ``current=None`` means there is no saved record yet, so there is nothing to conflict with.
    """
    if submitted is None or current is None:
        return
    if int(submitted) != current:
        raise EditConflict()
