"""Background work of the meetings app (django-tasks; the database backend in production, run
by ``manage.py db_worker``, which ``make run`` starts)."""

from __future__ import annotations

from django_tasks import task


@task()
def convert_upload(conversion_id: int, attempt: int) -> str:
    """Convert one uploaded Word, OpenDocument, RTF or Excel file to a PDF paper
    (``meetings.conversion.run_conversion``). A failure is recorded on the conversion for the
    officer; a run overtaken by a retry or a removal changes nothing, so it is safe to run
    twice."""
    from meetings.conversion import run_conversion

    return run_conversion(conversion_id=conversion_id, attempt=attempt)
