"""Officer pages of the decisions app under ``/officer/decisions/``: the settings, decision
makers, wards, forward plan entries and editions, and the decisions register.

They are ``scrutiny.officer_pages`` pages (docs/architecture.md, "officer pages"), like the
work programme's and the minutes register's. Records are loaded with ``all_objects`` (the
default manager) after ``OfficerRequiredMixin``'s check; a service's ``ValidationError`` goes
back onto the form, a field's message on its field, with everything typed kept.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.urls import reverse, reverse_lazy
from django.views.generic import TemplateView

from decisions import services
from decisions.forms import (
    DecisionForm,
    DelegatedOfficerForm,
    DelegatedReportForm,
    EditionForm,
    EntryForm,
    EntryStatusForm,
    PortfolioHolderForm,
    SettingsForm,
    WardsForm,
)
from decisions.models import (
    Decision,
    DecisionSettings,
    DelegatedOfficer,
    ForwardPlanEdition,
    ForwardPlanEntry,
    PortfolioHolder,
    Ward,
)
from meetings.minutes.models import MinutesSet
from meetings.models import Meeting
from scrutiny import officer_pages
from scrutiny.officer_pages import OfficerButton
from scrutiny.paging import page_query, paged
from scrutiny.permissions import OfficerRequiredMixin

SECTION = ("Decisions and the forward plan", reverse_lazy("officer-decisions"))


def officer_crumbs(*extra: tuple[str, str]) -> list[tuple[str, str]]:
    return officer_pages.officer_crumbs(SECTION, *extra)


class OfficerFormPage(officer_pages.OfficerFormPage):
    """An officer form of the decisions app (``scrutiny.officer_pages``); Cancel goes back to
    the decisions home unless the page says otherwise."""

    section = SECTION

    def back(self) -> str:
        return reverse("officer-decisions")


def _pick(data: dict[str, Any], names) -> dict[str, Any]:
    return {name: data[name] for name in names if name in data}


# --- the officer home ----------------------------------------------------------------------


class OfficerDecisionsHome(OfficerRequiredMixin, TemplateView):
    template_name = "decisions/officer/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        entries = ForwardPlanEntry.all_objects.select_related(
            "cabinet", "portfolio_holder__person", "officer"
        ).order_by("-planned_decision_date", "-pk")
        decisions = Decision.all_objects.select_related(
            "cabinet", "portfolio_holder__person", "officer"
        ).order_by("-decision_date", "-pk")
        context.update(
            rules=DecisionSettings.current(),
            entries=paged(self.request, entries, None),
            decisions=Decision.all_objects.filter(status="draft").select_related(
                "cabinet", "portfolio_holder__person", "officer"
            ),
            recent=decisions.exclude(status="draft")[:20],
            editions=ForwardPlanEdition.objects.all()[:10],
            holders=PortfolioHolder.objects.select_related("person", "cabinet"),
            officers=DelegatedOfficer.objects.all(),
            wards=Ward.objects.all(),
            page_query=page_query(self.request),
            breadcrumbs=officer_crumbs()[:1],
        )
        return context


# --- settings and decision makers ----------------------------------------------------------


class SettingsEdit(OfficerFormPage):
    form_class = SettingsForm
    intro = (
        "These rules apply to every forward plan entry, decision and call-in from now on; "
        "call-in periods already open keep their closing time."
    )

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["instance"] = DecisionSettings.current()
        return kwargs

    def title(self):
        return "Key decisions, forward plan and call-in settings"

    def save(self, data):
        return services.save_settings(
            expected_version=data.get("version"),
            by=self.request.user,
            **_pick(data, services.SETTINGS_FIELDS),
        )

    def done(self, saved):
        return "The settings were saved.", reverse("officer-decisions")


class PortfolioHolderAdd(OfficerFormPage):
    form_class = PortfolioHolderForm

    def title(self):
        return "Add a portfolio holder"

    def save(self, data):
        return services.save_portfolio_holder(by=self.request.user, **data)

    def done(self, saved):
        return f"{saved} was added.", reverse("officer-decisions") + "#makers"


class PortfolioHolderEdit(PortfolioHolderAdd):
    model = PortfolioHolder
    edits = True

    def title(self):
        return f"Edit {self.obj}"

    def save(self, data):
        return services.save_portfolio_holder(holder=self.obj, by=self.request.user, **data)

    def done(self, saved):
        return f"{saved} was saved.", reverse("officer-decisions") + "#makers"


class DelegatedOfficerAdd(OfficerFormPage):
    form_class = DelegatedOfficerForm

    def title(self):
        return "Add an officer with delegated powers"

    def save(self, data):
        return services.save_delegated_officer(by=self.request.user, **data)

    def done(self, saved):
        return f"{saved} was added.", reverse("officer-decisions") + "#makers"


class DelegatedOfficerEdit(DelegatedOfficerAdd):
    model = DelegatedOfficer
    edits = True

    def title(self):
        return f"Edit {self.obj}"

    def save(self, data):
        return services.save_delegated_officer(officer=self.obj, by=self.request.user, **data)

    def done(self, saved):
        return f"{saved} was saved.", reverse("officer-decisions") + "#makers"


class WardsAdd(OfficerFormPage):
    form_class = WardsForm

    def title(self):
        return "Add wards"

    def save(self, data):
        return services.add_wards(names=data["names"].splitlines(), by=self.request.user)

    def done(self, saved):
        return f"{len(saved)} ward(s) saved.", reverse("officer-decisions") + "#wards"


# --- the forward plan ----------------------------------------------------------------------


def _entry_fields(data):
    return _pick(data, services.ENTRY_FIELDS)


class EntryAdd(OfficerFormPage):
    form_class = EntryForm

    def get_intro(self):
        rules = DecisionSettings.current()
        return (
            f"A key decision must be on the published forward plan {rules.forward_plan_notice_days}"
            " clear days before it is taken. Later than that, record a general exception "
            f"(the chair of overview and scrutiny informed; notice {rules.general_exception_days}"
            " clear working days before) or special urgency (the chair's agreement)."
        )

    def title(self):
        return "Add a forward plan entry"

    def save(self, data):
        return services.save_entry(
            wards=list(data["wards"]), by=self.request.user, **_entry_fields(data)
        )

    def done(self, saved):
        return f"“{saved.matter}” was saved as a draft.", reverse(
            "officer-forward-plan-entry", kwargs={"pk": saved.pk}
        )


class EntryEdit(EntryAdd):
    model = ForwardPlanEntry
    edits = True

    def title(self):
        return f"Edit the forward plan entry “{self.obj.matter}”"

    def back(self):
        return reverse("officer-forward-plan-entry", kwargs={"pk": self.obj.pk})

    def save(self, data):
        return services.save_entry(
            entry=self.obj,
            expected_version=data.get("version"),
            wards=list(data["wards"]),
            by=self.request.user,
            **_entry_fields(data),
        )

    def done(self, saved):
        return f"“{saved.matter}” was saved.", reverse(
            "officer-forward-plan-entry", kwargs={"pk": saved.pk}
        )


class EntryDetail(OfficerRequiredMixin, TemplateView):
    template_name = "decisions/officer/entry.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        entry = get_object_or_404(
            ForwardPlanEntry.all_objects.select_related(
                "cabinet", "portfolio_holder__person", "officer", "scrutiny_chair"
            ),
            pk=self.kwargs["pk"],
        )
        rules = DecisionSettings.current()
        context.update(
            entry=entry,
            deadline=services.notice_deadline(
                entry.planned_decision_date, rules.forward_plan_notice_days
            ),
            problems=services.notice_problems(entry, services.today())
            if entry.first_published_on is None
            else {},
            status_form=EntryStatusForm(initial={"status": entry.status}),
            decisions=Decision.all_objects.filter(forward_plan_entry=entry),
            breadcrumbs=officer_crumbs(),
        )
        return context


class EntryPublish(OfficerButton):
    model = ForwardPlanEntry

    def back(self):
        return reverse("officer-forward-plan-entry", kwargs={"pk": self.obj.pk})

    def press(self):
        services.publish_entry(entry=self.obj, by=self.request.user)
        return "The entry is on the published forward plan."


class EntryStatusChange(OfficerFormPage):
    form_class = EntryStatusForm
    model = ForwardPlanEntry

    def title(self):
        return f"Change the status of “{self.obj.matter}”"

    def back(self):
        return reverse("officer-forward-plan-entry", kwargs={"pk": self.obj.pk})

    def save(self, data):
        return services.set_entry_status(
            entry=self.obj, status=data["status"], by=self.request.user
        )

    def done(self, saved):
        return f"The entry is now {saved.get_status_display().lower()}.", self.back()


class EditionPublish(OfficerFormPage):
    form_class = EditionForm
    intro = (
        "Publishing an edition keeps a copy of every published entry as it stands today, so "
        "the public can see what was known when."
    )

    def title(self):
        return "Publish an edition of the forward plan"

    def save(self, data):
        return services.publish_edition(notes=data["notes"], by=self.request.user)

    def done(self, saved):
        return f"{saved} was published.", saved.get_absolute_url()


# --- the decisions register ----------------------------------------------------------------


def _decision_fields(data):
    return _pick(data, services.DECISION_FIELDS)


class DecisionAdd(OfficerFormPage):
    form_class = DecisionForm

    def get_intro(self):
        rules = DecisionSettings.current()
        return (
            "Record a portfolio holder's or an officer's decision (a Cabinet meeting's "
            "decisions come from its minutes). When published, call-in is open for "
            f"{rules.call_in_working_days} clear working days unless the decision is urgent."
        )

    def title(self):
        return "Record a decision"

    def save(self, data):
        return services.save_decision(
            documents=list(data["documents"]),
            wards=list(data["wards"]),
            by=self.request.user,
            **_decision_fields(data),
        )

    def done(self, saved):
        return f"“{saved.title}” was saved as a draft.", reverse(
            "officer-decision", kwargs={"pk": saved.pk}
        )


class DecisionEdit(DecisionAdd):
    model = Decision
    edits = True

    def title(self):
        return f"Edit the decision record “{self.obj.title}”"

    def back(self):
        return reverse("officer-decision", kwargs={"pk": self.obj.pk})

    def save(self, data):
        return services.save_decision(
            record=self.obj,
            expected_version=data.get("version"),
            documents=list(data["documents"]),
            wards=list(data["wards"]),
            by=self.request.user,
            **_decision_fields(data),
        )

    def done(self, saved):
        return f"“{saved.title}” was saved.", self.back()


class DelegatedReportAdd(OfficerFormPage):
    """Upload a report a portfolio holder's or officer's decision was taken on that was on
    no agenda."""

    form_class = DelegatedReportForm
    model = Decision
    intro = (
        "The report is checked and sanitised like an agenda paper. It is public only when the "
        "decision is public and the report is not exempt."
    )

    def title(self):
        return f"Add a report to “{self.obj.title}”"

    def back(self):
        return reverse("officer-decision", kwargs={"pk": self.obj.pk})

    def save(self, data):
        return services.add_delegated_report(
            decision=self.obj,
            uploaded_file=data["file"],
            title=data["title"],
            is_exempt=data["is_exempt"],
            exempt_paragraph=data["exempt_paragraph"],
            by=self.request.user,
        )

    def done(self, saved):
        return f"“{saved.title}” was added ({saved.page_count} pages).", self.back()

    def warnings(self, saved):
        if saved.removed:
            return [f"Removed from the PDF: {saved.removed}."]
        return []


class DecisionDetail(OfficerRequiredMixin, TemplateView):
    template_name = "decisions/officer/decision.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        decision = get_object_or_404(
            Decision.all_objects.select_related(
                "cabinet",
                "portfolio_holder__person",
                "officer",
                "agenda_item__meeting__committee",
                "forward_plan_entry",
            ),
            pk=self.kwargs["pk"],
        )
        context.update(
            decision=decision,
            documents=decision.documents.all(),
            call_ins=decision.call_ins.select_related("requested_by"),
            delegated_reports=decision.delegated_reports.all(),
            breadcrumbs=officer_crumbs(),
        )
        return context


class DecisionPublish(OfficerButton):
    model = Decision

    def back(self):
        return reverse("officer-decision", kwargs={"pk": self.obj.pk})

    def press(self):
        decision = services.publish_decision(decision=self.obj, by=self.request.user)
        if decision.call_in_closes_at:
            return "The decision is published and open to call-in."
        return "The decision is published and takes effect now (urgent: exempt from call-in)."


class DecisionImplemented(OfficerButton):
    model = Decision

    def back(self):
        return reverse("officer-decision", kwargs={"pk": self.obj.pk})

    def press(self):
        services.mark_implemented(decision=self.obj, by=self.request.user)
        return "The decision is recorded as implemented."


class DecisionsFromMinutes(OfficerButton):
    """On the officer meeting page of a Cabinet meeting: make (or refresh) the draft
    decision records from its minutes."""

    model = Meeting

    def back(self):
        return reverse("officer-decisions")

    def press(self):
        minutes = MinutesSet.all_objects.filter(meeting=self.obj).first()
        if minutes is None:
            raise ValidationError("This meeting has no minutes yet.")
        made = services.decisions_from_minutes(minutes=minutes, by=self.request.user)
        return f"{len(made)} draft decision record(s) made from the minutes."
