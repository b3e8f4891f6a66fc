"""Background work for stored public PDFs (``scrutiny.stored_pdfs``), run by the django-tasks
database worker (``manage.py db_worker``)."""

from __future__ import annotations

from django_tasks import task


@task()
def build_stored_pdf(stored_id: int) -> str:
    """Build one requested PDF (``stored_pdfs.run_build``); safe to run twice."""
    from scrutiny.stored_pdfs import run_build

    return run_build(stored_id)


@task()
def refresh_stored_pdfs(kind: str, key: str | None = None, only_if_stored: bool = True) -> int:
    """Rebuild the stored PDFs whose content changed (``stored_pdfs.refresh``)."""
    from scrutiny.stored_pdfs import refresh

    return refresh(kind, key, only_if_stored=only_if_stored)
