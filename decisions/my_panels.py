"""The councillor's page /my/ (``scrutiny.extensions.my_panels``, registered in
``decisions.apps``): forward plan entries in their wards or in their committees' remit (the
entries a committee they sit on scrutinises before the decision)."""

from __future__ import annotations

from django.db.models import Q
from django.utils import timezone

from decisions.models import ForwardPlanEntry
from scrutiny.permissions import member_committee_ids

LIMIT = 20


def my_forward_plan_panel(request, person):
    if person is None:
        return None
    today = timezone.localdate()
    committees = member_committee_ids(request.user, today)
    remit = Q(scrutiny_committee_id__in=committees) if committees else Q(pk__in=[])
    ward = (person.ward or "").strip()
    # An entry marked "affects every ward" is in every councillor's ward (as the forward
    # plan's ward filter has it); the ward is free text on the person, so matched loosely.
    wards = Q(wards__name__iexact=ward) | Q(all_wards=True) if ward else Q(pk__in=[])
    entries = list(
        ForwardPlanEntry.objects.current()
        .filter(planned_decision_date__gte=today)
        .filter(remit | wards)
        .select_related("scrutiny_committee", "cabinet", "portfolio_holder__person", "officer")
        .distinct()
        .order_by("planned_decision_date", "pk")[:LIMIT]
    )
    return "decisions/my_forward_plan.html", {
        "my_entries": entries,
        "my_committees": committees,
        "my_ward": ward,
        # "Zed Ward" is not followed by another "ward".
        "my_ward_named": ward.lower().endswith(" ward"),
    }
