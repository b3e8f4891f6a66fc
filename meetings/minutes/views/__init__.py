"""The minutes' views, in three modules: ``public`` (the minutes page and PDF, the action
tracker), ``exports`` (the tracker as CSV) and ``officer`` (minute taking, attendance,
declarations, approval, actions). ``urls.py`` imports from the modules; the names are
re-exported here for the code that names them by this package (``scrutiny.stored_pdfs``)."""

from meetings.minutes.views.exports import CSV_HEADER, action_tracker_csv, committee_actions_csv
from meetings.minutes.views.public import (
    action_detail,
    action_tracker,
    committee_actions,
    meeting_minutes,
    meeting_minutes_pdf,
    minutes_pdf_spec,
)

__all__ = [
    "CSV_HEADER",
    "action_detail",
    "action_tracker",
    "action_tracker_csv",
    "committee_actions",
    "committee_actions_csv",
    "meeting_minutes",
    "meeting_minutes_pdf",
    "minutes_pdf_spec",
]
