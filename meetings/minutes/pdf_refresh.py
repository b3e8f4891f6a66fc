"""Keep the stored minutes PDFs (scrutiny.stored_pdfs) current: tell the base app how to print
a meeting's minutes, follow the minutes records, and tell it how a minutes record id leads to
the meeting whose minutes print it."""

from __future__ import annotations

from scrutiny import stored_pdfs

from .models import Attendance, Declaration, Minute, MinutesAmendment, MinutesSet, Resolution


def _meeting_minutes(meeting_id) -> tuple[str, str] | None:
    return None if meeting_id is None else ("minutes", str(meeting_id))


def resolve_minutes_set(key: str) -> tuple[str, str] | None:
    found = MinutesSet.all_objects.filter(pk=key).values_list("meeting_id", flat=True)
    return _meeting_minutes(found.first())


def resolve_minute(key: str) -> tuple[str, str] | None:
    found = Minute.objects.filter(pk=key).values_list("minutes__meeting_id", flat=True)
    return _meeting_minutes(found.first())


def connect() -> None:
    from .views import minutes_pdf_spec

    stored_pdfs.register_loader("minutes", minutes_pdf_spec)
    stored_pdfs.register_key_resolver("minutes-set", resolve_minutes_set)
    stored_pdfs.register_key_resolver("minute", resolve_minute)
    stored_pdfs.follow_model(MinutesSet, stored_pdfs.on_minutes_set_change)
    stored_pdfs.follow_model(Minute, stored_pdfs.on_minute_change)
    for part in (Attendance, Resolution, Declaration, MinutesAmendment):
        stored_pdfs.follow_model(part, stored_pdfs.on_minute_part_change)
