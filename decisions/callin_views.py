"""Pages of the call-in workflow: councillors start and sign requests; the scrutiny officer
validates or rejects them, puts them on the scrutiny committee's agenda and records the
outcome and the decision maker's response; the public see a request once validated."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views import View

from decisions import callin_services as services
from decisions.callin_forms import HearingForm, OutcomeForm, RejectForm, ResponseForm, StartForm
from decisions.models import CallInRequest, CallInStatus, Decision, DecisionSettings
from scrutiny import visibility
from scrutiny.forms import add_service_errors
from scrutiny.permissions import (
    FORBIDDEN,
    OfficerRequiredMixin,
    RuleRefusal,
    is_officer,
    person_for,
    signed_in_denial,
)


def _request_visible(user, request: CallInRequest) -> bool:
    """Public once validated. Before that: officers, the councillors who signed it, and, while
    it collects signatures, the councillors who may sign it. Nobody else (a rejected or
    withdrawn request stays with those who signed it)."""
    if request.is_public or is_officer(user):
        return True
    person = person_for(user)
    if person is None or not request.decision.is_listed:
        return False
    if request.signatures.filter(person=person).exists():
        return True
    return (
        request.status == CallInStatus.OPEN
        and services.eligibility(person, request.decision).allowed
    )


def _signed_in(request):
    return signed_in_denial(request)


class CallInStart(View):
    """A councillor starts a call-in request on a published decision."""

    template = "decisions/callin/start.html"

    def _decision(self, pk) -> Decision:
        return get_object_or_404(
            Decision.objects.select_related("cabinet", "portfolio_holder__person", "officer"),
            pk=pk,
        )

    def _render(self, request, decision, form, status=200):
        person = person_for(request.user)
        allowed = services.eligibility(person, decision)
        live = decision.call_ins.filter(status__in=services.LIVE_STATUSES).first()
        if live is not None and not _request_visible(request.user, live):
            live = None
        return render(
            request,
            self.template,
            {
                "decision": decision,
                "form": form,
                "allowed": allowed,
                "live": live,
                "needed": services.signatures_needed(),
                "rules": DecisionSettings.current(),
            },
            status=status,
        )

    def get(self, request, pk):
        if denial := _signed_in(request):
            return denial
        return self._render(request, self._decision(pk), StartForm())

    def post(self, request, pk):
        if denial := _signed_in(request):
            return denial
        decision = self._decision(pk)
        form = StartForm(request.POST)
        if not form.is_valid():
            return self._render(request, decision, form)
        try:
            call_in = services.start_request(
                decision=decision,
                person=person_for(request.user),
                reasons=form.cleaned_data["reasons"],
                by=request.user,
            )
        except RuleRefusal as exc:
            add_service_errors(form, ValidationError(str(exc)))
            return self._render(request, decision, form, status=FORBIDDEN)
        except ValidationError as exc:
            add_service_errors(form, exc)
            return self._render(request, decision, form)
        messages.success(request, "Your call-in request is started and signed by you.")
        return redirect("callin-detail", pk=call_in.pk)


class CallInDetail(View):
    """A call-in request: public once validated; councillors and officers before."""

    template = "decisions/callin/detail.html"

    def _call_in(self, request, pk) -> CallInRequest:
        call_in = get_object_or_404(
            CallInRequest.all_objects.select_related(
                "decision__cabinet",
                "decision__portfolio_holder__person",
                "decision__officer",
                "requested_by",
                "hearing_item__meeting__committee",
            ),
            pk=pk,
        )
        if not call_in.decision.is_listed or not _request_visible(request.user, call_in):
            raise Http404("No such call-in request.")
        return call_in

    def _render(self, request, call_in, error="", status=200):
        person = person_for(request.user)
        signatures = list(call_in.signatures.select_related("person"))
        signed = person is not None and any(s.person_id == person.pk for s in signatures)
        can_sign = (
            call_in.status == CallInStatus.OPEN
            and not call_in.is_lapsed()
            and not signed
            and services.eligibility(person, call_in.decision).allowed
        )
        outcome = (
            getattr(call_in, "outcome", None) if call_in.status == CallInStatus.DECIDED else None
        )
        return render(
            request,
            self.template,
            {
                "call_in": call_in,
                "decision": call_in.decision,
                "signatures": signatures,
                "needed": services.signatures_needed(),
                "signed": signed,
                "can_sign": can_sign,
                "can_withdraw": (
                    person is not None
                    and call_in.requested_by_id == person.pk
                    and call_in.status in (CallInStatus.OPEN, CallInStatus.SUBMITTED)
                ),
                "outcome": outcome,
                "full": call_in.decision.is_public or is_officer(request.user) or signed,
                "hearing_listed": visibility.is_item_listed(call_in.hearing_item),
                "error": error,
            },
            status=status,
        )

    def get(self, request, pk):
        return self._render(request, self._call_in(request, pk))

    def post(self, request, pk):
        if denial := _signed_in(request):
            return denial
        call_in = self._call_in(request, pk)
        person = person_for(request.user)
        action = request.POST.get("action")
        try:
            if action == "withdraw":
                services.withdraw_request(request=call_in, person=person, by=request.user)
                messages.success(request, "The call-in request is withdrawn.")
            else:
                call_in = services.sign_request(request=call_in, person=person, by=request.user)
                messages.success(
                    request,
                    "Your name is added."
                    + (
                        " The request is complete and sent to the scrutiny officer."
                        if call_in.status == CallInStatus.SUBMITTED
                        else ""
                    ),
                )
        except RuleRefusal as exc:
            return self._render(request, call_in, str(exc), status=FORBIDDEN)
        except ValidationError as exc:
            return self._render(request, call_in, " ".join(exc.messages))
        return redirect("callin-detail", pk=call_in.pk)


# --- officer pages -------------------------------------------------------------------------


class OfficerCallInList(OfficerRequiredMixin, View):
    def get(self, request):
        requests = CallInRequest.all_objects.select_related(
            "decision", "requested_by", "hearing_item__meeting"
        ).order_by("-created_at")
        groups = [
            ("Waiting for validation", [r for r in requests if r.status == CallInStatus.SUBMITTED]),
            (
                "Collecting signatures",
                [r for r in requests if r.status == CallInStatus.OPEN and not r.is_lapsed()],
            ),
            (
                "Lapsed (call-in closed first): record them as not valid",
                [r for r in requests if r.is_lapsed()],
            ),
            ("Valid: to be heard", [r for r in requests if r.status == CallInStatus.VALIDATED]),
            (
                "Finished",
                [
                    r
                    for r in requests
                    if r.status
                    in (CallInStatus.DECIDED, CallInStatus.REJECTED, CallInStatus.WITHDRAWN)
                ],
            ),
        ]
        return render(
            request,
            "decisions/callin/officer_list.html",
            {"groups": groups, "rules": DecisionSettings.current()},
        )


class OfficerCallIn(OfficerRequiredMixin, View):
    """One request, with the step that comes next: validate or reject, put on an agenda,
    record the outcome, record the response. Each form posts ``action``."""

    template = "decisions/callin/officer_detail.html"

    def _call_in(self, pk) -> CallInRequest:
        return get_object_or_404(
            CallInRequest.all_objects.select_related(
                "decision", "requested_by", "hearing_item__meeting__committee"
            ),
            pk=pk,
        )

    def _forms(self, call_in, bound=None, data=None):
        outcome = (
            getattr(call_in, "outcome", None) if call_in.status == CallInStatus.DECIDED else None
        )
        forms = {
            "reject_form": RejectForm(prefix="reject"),
            "hearing_form": HearingForm(prefix="hearing", meetings=services.hearing_meetings()),
            "outcome_form": OutcomeForm(prefix="outcome"),
            "response_form": ResponseForm(prefix="response", decision=call_in.decision),
        }
        if bound:
            kwargs = {"prefix": bound.split("_")[0]}
            if bound == "hearing_form":
                kwargs["meetings"] = services.hearing_meetings()
            if bound == "response_form":
                kwargs["decision"] = call_in.decision
            cls = type(forms[bound])
            forms[bound] = cls(data, **kwargs)
        return forms, outcome

    def _render(self, request, call_in, bound=None, data=None, status=200, problems=None):
        forms, outcome = self._forms(call_in, bound, data)
        if bound and data is not None:
            forms[bound].is_valid()
        return render(
            request,
            self.template,
            {
                "call_in": call_in,
                "decision": call_in.decision,
                "signatures": call_in.signatures.select_related("person"),
                "needed": services.signatures_needed(),
                "problems": problems
                if problems is not None
                else services.validation_problems(call_in),
                "outcome": outcome,
                **forms,
            },
            status=status,
        )

    def get(self, request, pk):
        return self._render(request, self._call_in(pk))

    def post(self, request, pk):
        call_in = self._call_in(pk)
        action = request.POST.get("action", "")
        version = request.POST.get("version")
        by = request.user
        if action == "validate":
            try:
                services.validate_request(request=call_in, expected_version=version, by=by)
            except ValidationError as exc:
                return self._render(request, call_in, problems=exc.messages, status=200)
            messages.success(request, "The call-in is valid: the decision is suspended.")
            return redirect("officer-callin", pk=call_in.pk)
        handlers = {
            "reject": ("reject_form", self._reject),
            "hearing": ("hearing_form", self._hearing),
            "outcome": ("outcome_form", self._outcome),
            "response": ("response_form", self._response),
        }
        if action not in handlers:
            return self._render(request, call_in, problems=["Choose what to do."])
        name, handler = handlers[action]
        forms, _ = self._forms(call_in, name, request.POST)
        form = forms[name]
        if form.is_valid():
            try:
                message = handler(call_in, form.cleaned_data, version, by)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, message)
                return redirect("officer-callin", pk=call_in.pk)
        forms_ctx, outcome = self._forms(call_in)
        forms_ctx[name] = form
        return render(
            request,
            self.template,
            {
                "call_in": call_in,
                "decision": call_in.decision,
                "signatures": call_in.signatures.select_related("person"),
                "needed": services.signatures_needed(),
                "problems": services.validation_problems(call_in),
                "outcome": outcome,
                **forms_ctx,
            },
        )

    @staticmethod
    def _reject(call_in, data, version, by) -> str:
        services.reject_request(
            request=call_in, reason=data["reason"], expected_version=version, by=by
        )
        return "The call-in request is recorded as not valid."

    @staticmethod
    def _hearing(call_in, data, version, by) -> str:
        item = services.schedule_hearing(
            request=call_in,
            meeting=data["meeting"],
            urgency_reasons=data["urgency_reasons"],
            expected_version=version,
            by=by,
        )
        return f"The call-in is item {item.number} of {item.meeting}."

    @staticmethod
    def _outcome(call_in, data, version, by) -> str:
        services.record_outcome(
            request=call_in,
            result=data["result"],
            decided_on=data["decided_on"],
            concerns=data["concerns"],
            expected_version=version,
            by=by,
        )
        return "The committee's decision on the call-in is recorded."

    @staticmethod
    def _response(call_in, data, version, by) -> str:
        services.record_response(
            outcome=call_in.outcome,
            response=data["response"],
            response_on=data["response_on"],
            final_decision=data["final_decision"],
            expected_version=version,
            by=by,
        )
        return "The decision maker's response is recorded: the decision takes effect."
