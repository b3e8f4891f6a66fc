"""Pre-decision scrutiny (issue 17, item 5): a forward plan entry put on a scrutiny
committee's work programme, and the review whose recommendations the committee makes to the
decision maker (tracked with every other scrutiny recommendation: responses, follow-ups).

The decisions app knows nothing of this one (it comes earlier in the chain): what is shown on
the decision and entry pages comes through ``decisions.extensions`` (``workprogramme.apps``).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from decisions.models import CURRENT_ENTRY_STATUSES, ForwardPlanEntry
from scrutiny.audit import records_by
from workprogramme.models import (
    ItemStatus,
    Method,
    ScrutinyReview,
    WorkProgramme,
    WorkProgrammeItem,
)
from workprogramme.services._common import unique_slug
from workprogramme.services.programme import create_item


@records_by
@transaction.atomic
def put_entry_on_programme(
    *, entry: ForwardPlanEntry, programme: WorkProgramme, by=None
) -> WorkProgrammeItem:
    """Add the entry to ``programme`` as an item (to be scheduled on an agenda with the
    programme's own pages), record the committee on the entry, and open the pre-decision
    review that holds the committee's recommendations to the decision maker."""
    entry = ForwardPlanEntry.all_objects.select_for_update().get(pk=entry.pk)
    if not entry.is_public or entry.status not in CURRENT_ENTRY_STATUSES:
        raise ValidationError(
            "Only an entry on the published forward plan, not yet decided, can be scrutinised "
            "before the decision."
        )
    if programme.items.filter(forward_plan_entry=entry).exists():
        raise ValidationError({"programme": "This entry is already on that work programme."})
    item = create_item(
        programme=programme,
        issue=f"Pre-decision scrutiny: {entry.matter}"[:300],
        approach=entry.summary,
        put_forward_by="Forward plan" + (f" ({entry.reference})" if entry.reference else ""),
        method=Method.FULL_PANEL,
        status=ItemStatus.PROPOSED,
        by=by,
    )
    item.forward_plan_entry = entry
    item.save(update_fields=["forward_plan_entry", "modified_at"])
    committee = programme.committee
    if entry.scrutiny_committee_id != committee.pk:
        entry.scrutiny_committee = committee
        entry.version += 1
        entry.save()
    if not ScrutinyReview.objects.filter(forward_plan_entry=entry, panel=committee).exists():
        title = f"Pre-decision scrutiny: {entry.matter}"[:300]
        ScrutinyReview.objects.create(
            title=title,
            slug=unique_slug(ScrutinyReview, "", title),
            panel=committee,
            # The committee reports before the decision: today until the officer sets it.
            report_date=min(timezone.localdate(), entry.planned_decision_date),
            terms_of_reference=f"To consider {entry.matter} before the decision of "
            f"{entry.decision_maker_name} planned for {entry.planned_decision_date:%-d %B %Y}, "
            "and to make recommendations to the decision maker.",
            forward_plan_entry=entry,
        )
    return item
