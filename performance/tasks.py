"""Background work: large imports run here so the officer's request returns at once."""

from __future__ import annotations

from django_tasks import task


@task()
def run_import_task(run_id: int) -> str:
    """Validate and (if every row is valid) write an import. Idempotent: a finished run is
    left as it is, and the write is one transaction, so a retry never half-writes."""
    from performance.services import run_import

    return run_import(run_id=run_id).status
