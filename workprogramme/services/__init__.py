"""Writes for the work programme app: one module per sub-domain.

- ``programme``: work programmes, their items, and the meetings each item is planned for.
- ``improvement``: inspections and the improvement plans that answer them (priorities, actions
  and their progress, deliverables, success measures and their dated targets).
- ``reviews``: scrutiny reviews, their recommendations, the executive's responses, follow-ups
  and action plans.
- ``lead_member``: lead member reports and their highlights.

Keyword-only, typed, one transaction each; they validate and raise ``ValidationError`` with
field keys, which the views put back on the form. Every service that takes ``by`` records it
as the author of the history rows it writes (``scrutiny.audit.records_by``). Every public name
is importable from here, so callers write ``from workprogramme import services``.
"""

from __future__ import annotations

from workprogramme.services._common import REC_TAKEN
from workprogramme.services.improvement import (
    DELIVERABLE_TAKEN,
    MEASURE_TAKEN,
    PLAN_END_MESSAGE,
    PRIORITY_TAKEN,
    REFERENCE,
    add_action,
    add_deliverable,
    add_inspection_recommendation,
    add_measure_target,
    add_priority,
    add_success_measure,
    create_inspection,
    create_plan,
    inspection_references,
    link_inspection_references,
    mark_deliverable_done,
    record_progress,
    remove_deliverable,
    remove_inspection_recommendation,
    remove_measure_target,
    remove_success_measure,
    update_action,
    update_deliverable,
    update_inspection,
    update_inspection_recommendation,
    update_measure_target,
    update_plan,
    update_priority,
    update_success_measure,
)
from workprogramme.services.lead_member import (
    add_highlight,
    create_lead_member_report,
    remove_highlight,
    update_highlight,
    update_lead_member_report,
)
from workprogramme.services.pre_decision import put_entry_on_programme
from workprogramme.services.programme import (
    ITEM_FIELDS,
    create_item,
    create_programme,
    place_on_meeting_agenda,
    remove_consideration,
    schedule_item,
    set_item_status,
    update_item,
)
from workprogramme.services.reviews import (
    add_plan_item,
    add_review_recommendation,
    create_review,
    record_follow_up,
    record_response,
    remove_plan_item,
    update_plan_item,
    update_review,
    update_review_recommendation,
)

__all__ = [
    "put_entry_on_programme",
    "DELIVERABLE_TAKEN",
    "ITEM_FIELDS",
    "MEASURE_TAKEN",
    "PLAN_END_MESSAGE",
    "PRIORITY_TAKEN",
    "REC_TAKEN",
    "REFERENCE",
    "add_action",
    "add_deliverable",
    "add_highlight",
    "add_inspection_recommendation",
    "add_measure_target",
    "add_plan_item",
    "add_priority",
    "add_review_recommendation",
    "add_success_measure",
    "create_inspection",
    "create_item",
    "create_lead_member_report",
    "create_plan",
    "create_programme",
    "create_review",
    "inspection_references",
    "link_inspection_references",
    "mark_deliverable_done",
    "place_on_meeting_agenda",
    "record_follow_up",
    "record_progress",
    "record_response",
    "remove_consideration",
    "remove_deliverable",
    "remove_highlight",
    "remove_inspection_recommendation",
    "remove_measure_target",
    "remove_plan_item",
    "remove_success_measure",
    "schedule_item",
    "set_item_status",
    "update_action",
    "update_deliverable",
    "update_highlight",
    "update_inspection",
    "update_inspection_recommendation",
    "update_item",
    "update_lead_member_report",
    "update_measure_target",
    "update_plan",
    "update_plan_item",
    "update_priority",
    "update_review",
    "update_review_recommendation",
    "update_success_measure",
]
