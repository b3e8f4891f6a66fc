"""Keep the stored tracker PDFs (scrutiny.stored_pdfs) current: tell the base app how to print
each tracker kind, and follow every work programme record."""

from __future__ import annotations

from scrutiny import stored_pdfs

TRACKER_KINDS = ("workprogramme", "improvement-plan", "review")


def on_tracker_content_change(sender, **kwargs) -> None:
    """Any work programme record saved or deleted: the stored trackers are checked again
    (the task finds out which changed; the officer's save costs no query)."""
    for kind in TRACKER_KINDS:
        stored_pdfs.queue_refresh(kind, None)


def connect(models) -> None:
    from workprogramme.views import tracker_pdf_spec

    # A tracker's "overdue" flags change with the date alone: refreshed nightly as well.
    for kind in TRACKER_KINDS:
        stored_pdfs.register_loader(kind, tracker_pdf_spec, dated=True)
    for model in models:
        stored_pdfs.follow_model(model, on_tracker_content_change)
