"""What the call-in workflow shows on other pages, through extension points registered in
``decisions.apps``: the decision page (``decisions.extensions.decision_panels``), the
councillor's page ``/my/`` (``scrutiny.extensions.my_panels``) and the call-in request as a
report on the scrutiny committee's agenda (``meetings.extensions.report_generators``)."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import timezone

from decisions import callin_services as services
from decisions.models import CallInRequest, Decision, DecisionStatus
from scrutiny.permissions import person_for


def decision_call_in_panel(request, decision: Decision):
    """ "Call-in open until …", the urgency exemption, and every validated call-in."""
    if not decision.is_listed:
        return None
    now = timezone.now()
    user = getattr(request, "user", None)
    signed_in = bool(user and user.is_authenticated)
    return "decisions/callin/panel_decision.html", {
        "decision": decision,
        "call_in_open": services.period_open(decision, now),
        "period_ended": decision.call_in_closes_at is not None
        and decision.call_in_closes_at <= now,
        "call_ins": list(
            CallInRequest.objects.filter(decision=decision)
            .select_related("outcome")
            .order_by("validated_at")
        ),
        "can_start": signed_in and services.eligibility(person_for(user), decision).allowed,
        "signed_in": signed_in,
        "suspended": decision.status
        in (
            DecisionStatus.SUSPENDED,
            DecisionStatus.CALLED_IN,
            DecisionStatus.REFERRED_BACK,
            DecisionStatus.REFERRED_TO_COUNCIL,
        ),
    }


def my_call_ins_panel(request, person):
    """On /my/: decisions the councillor may call in now, and open requests to sign."""
    rows = services.councillor_signable(person)
    if person is None or person.kind != "councillor":
        return None
    return "decisions/callin/panel_my.html", {"call_in_rows": rows}


def render_call_in(report, *, for_print: bool = False) -> str:
    """The call-in request as a report on the hearing's agenda item."""
    pk = (report.generator_params or {}).get("request")
    call_in = (
        CallInRequest.all_objects.select_related("decision", "requested_by").filter(pk=pk).first()
    )
    if call_in is None:
        return render_to_string("decisions/callin/report_missing.html")
    return render_to_string(
        "decisions/callin/report.html",
        {
            "call_in": call_in,
            "decision": call_in.decision,
            "signatures": call_in.signatures.select_related("person"),
            "for_print": for_print,
        },
    )
