"""What the call-in workflow shows on other pages, through extension points registered in
``decisions.apps``: the decision page (``decisions.extensions.decision_panels``), the
councillor's page ``/my/`` (``scrutiny.extensions.my_panels``) and the call-in request as a
report on the scrutiny committee's agenda (``meetings.extensions.report_generators``)."""

from __future__ import annotations

from django.template.loader import render_to_string

from decisions import callin_services as services
from decisions.models import CallInRequest, CallInStatus, Decision
from scrutiny.permissions import person_for


def decision_call_in_panel(request, decision: Decision):
    """On the decision page (which shows the call-in period and the validated call-ins
    itself): for a councillor who may call in, the way to start a request or to sign the one
    collecting signatures; for everyone, the page of each validated call-in."""
    if not decision.is_listed:
        return None
    user = getattr(request, "user", None)
    person = person_for(user)
    can_call_in = services.eligibility(person, decision).allowed
    live = None
    if can_call_in:
        # Collecting within the window (a lapsed request is signable by nobody), or complete.
        live = (
            (
                CallInRequest.all_objects.collecting()
                | CallInRequest.all_objects.filter(status=CallInStatus.SUBMITTED)
            )
            .filter(decision=decision)
            .prefetch_related("signatures")
            .first()
        )
    public = list(CallInRequest.objects.filter(decision=decision).order_by("validated_at"))
    if not can_call_in and not public:
        return None
    return "decisions/callin/panel_decision.html", {
        "decision": decision,
        "can_call_in": can_call_in,
        "live": live,
        "live_signed": live is not None
        and any(s.person_id == person.pk for s in live.signatures.all()),
        "public_call_ins": public,
    }


def my_call_ins_panel(request, person):
    """On /my/: decisions the councillor may call in now, and open requests to sign."""
    rows = services.councillor_signable(person)
    if person is None or person.kind != "councillor":
        return None
    return "decisions/callin/panel_my.html", {
        "call_in_rows": rows,
        "lapsed_call_ins": services.councillor_lapsed(person),
    }


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
