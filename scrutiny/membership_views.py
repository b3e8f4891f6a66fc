"""Officer page "Members of <committee> for <municipal year>" (issue 15 item 1).

One page to see, copy, add and end a committee's memberships for a municipal year. Every write
goes through a keyword-only service in ``scrutiny.services`` with ``by=`` (one transaction each:
a batch with a bad row saves nothing and the page says which row and why)."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.views.generic import TemplateView

from scrutiny import membership_selectors as selectors
from scrutiny import services
from scrutiny.forms import GovukDateInput
from scrutiny.membership_forms import AddMemberFormSet, EndDateForm, NewPersonFormSet
from scrutiny.models import Committee, MunicipalYear
from scrutiny.permissions import OfficerRequiredMixin


def year_members_url(committee: Committee, year: MunicipalYear) -> str:
    return reverse("officer-year-members", kwargs={"slug": committee.slug, "year": year.pk})


# The largest id a database row can have (a 64-bit signed integer). A ticked "id" beyond it
# (a forged or corrupted post) is junk like a non-number: skipped, never sent to the database,
# where SQLite raises OverflowError and PostgreSQL "out of range" (a 500).
MAX_ID = 2**63 - 1


def _is_id(raw: str) -> bool:
    return raw.isascii() and raw.isdigit() and int(raw) <= MAX_ID


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


class YearMembers(OfficerRequiredMixin, TemplateView):
    template_name = "scrutiny/officer/year_members.html"

    def setup_records(self):
        self.committee = get_object_or_404(Committee, slug=self.kwargs["slug"])
        self.year = get_object_or_404(MunicipalYear, pk=self.kwargs["year"])
        self.errors: list[tuple[str, str]] = []
        # The ticked rows' end dates as posted (the parts typed, or one ISO value), and their
        # checked forms when the action was "end" (their errors show in the row).
        self.posted_ends: dict[int, object] = {}
        self.end_forms: dict[int, EndDateForm] = {}

    def _posted_end(self, pk: int):
        return GovukDateInput().value_from_datadict(self.request.POST, {}, f"end_date-{pk}")

    def get(self, request, *args, **kwargs):
        self.setup_records()
        return self.render_to_response(self.get_context_data())

    def post(self, request, *args, **kwargs):
        self.setup_records()
        action = request.POST.get("action")
        handler = {
            "copy": self.copy,
            "end": self.end,
            "remove": self.remove,
            "add": self.add,
        }.get(action)
        if handler is None:
            self.errors.append(("", "Choose what to do: copy, add or end memberships."))
            return self.render_to_response(self.get_context_data())
        return handler()

    # --- actions -----------------------------------------------------------------------

    def _done(self, message: str):
        messages.success(self.request, message)
        return redirect(year_members_url(self.committee, self.year))

    def _service_failed(self, exc: ValidationError, anchor: str, **context):
        self.errors += [(anchor, m) for m in exc.messages]
        return self.render_to_response(self.get_context_data(**context))

    def copy(self):
        try:
            created = services.copy_previous_year_memberships(
                committee=self.committee, year=self.year, by=self.request.user
            )
        except ValidationError as exc:
            return self._service_failed(exc, "copy")
        before = services.previous_year(self.year)
        if not created:
            return self._done(
                f"Nothing to copy: everyone who was a member at the end of {before} already "
                f"has a membership for {self.year}."
            )
        return self._done(
            f"Copied {_plural(len(created), 'membership')} from {before} to {self.year}."
        )

    def end(self):
        ticked = [raw for raw in self.request.POST.getlist("end") if _is_id(raw)]
        ends: dict[int, dt.date] = {}
        names = {
            m.pk: m.person.display_name
            for m in selectors.year_memberships(self.committee, self.year)
        }
        for raw in ticked:
            pk = int(raw)
            self.posted_ends[pk] = self._posted_end(pk)
            form = EndDateForm(self.request.POST, pk=pk, person=names.get(pk, ""))
            self.end_forms[pk] = form
            if form.is_valid():
                ends[pk] = form.cleaned_data["end_date"]
            else:
                anchor = form["end_date"].id_for_label
                self.errors += [(anchor, e) for e in form.errors["end_date"]]
        if not ticked:
            self.errors.append(("end-form", "Tick the memberships you want to end."))
        if self.errors:
            return self.render_to_response(self.get_context_data())
        try:
            ended = services.end_memberships(
                committee=self.committee, ends=ends, by=self.request.user
            )
        except ValidationError as exc:
            return self._service_failed(exc, "end-form")
        names = ", ".join(str(m.person) for m in ended)
        return self._done(f"Ended {_plural(len(ended), 'membership')}: {names}.")

    def remove(self):
        ids = [int(raw) for raw in self.request.POST.getlist("end") if _is_id(raw)]
        self.posted_ends = {pk: self._posted_end(pk) for pk in ids}
        if not ids:
            self.errors.append(("end-form", "Tick the memberships you want to remove."))
            return self.render_to_response(self.get_context_data())
        try:
            removed = services.remove_memberships(
                committee=self.committee, year=self.year, ids=ids, by=self.request.user
            )
        except ValidationError as exc:
            return self._service_failed(exc, "end-form")
        return self._done(f"Removed {_plural(removed, 'membership')} entered by mistake.")

    def add(self):
        data = self.request.POST
        add_set = AddMemberFormSet(data, prefix="add", year=self.year)
        new_set = NewPersonFormSet(data, prefix="new", year=self.year)
        valid = add_set.is_valid() & new_set.is_valid()
        context = {"add_set": add_set, "new_set": new_set}
        if not valid:
            for formset in (add_set, new_set):
                self.errors += [("add-form", e) for e in formset.non_form_errors()]
                row_name = "Row" if formset is add_set else "New person"
                for number, form in enumerate(formset.forms, start=1):
                    for name, errors in form.errors.items():
                        anchor = form[name].id_for_label if name in form.fields else "add-form"
                        self.errors += [(anchor, f"{row_name} {number}: {e}") for e in errors]
            return self.render_to_response(self.get_context_data(**context))
        rows = [
            services.NewMember(
                person=f.cleaned_data["person"],
                role=f.cleaned_data["role"],
                start_date=f.cleaned_data["start_date"],
                end_date=f.cleaned_data.get("end_date"),
            )
            for f in add_set.filled()
        ] + [
            services.NewMember(
                new_person={
                    "honorific": f.cleaned_data.get("honorific", ""),
                    "name": f.cleaned_data["name"],
                    "kind": f.cleaned_data["kind"],
                    "ward": f.cleaned_data.get("ward", ""),
                },
                role=f.cleaned_data["role"],
                start_date=f.cleaned_data["start_date"],
                end_date=f.cleaned_data.get("end_date"),
            )
            for f in new_set.filled()
        ]
        if not rows:
            self.errors.append(("add-form", "Choose a person or enter a new person's name."))
            return self.render_to_response(self.get_context_data(**context))
        try:
            created = services.add_memberships(
                committee=self.committee, rows=rows, by=self.request.user
            )
        except ValidationError as exc:
            return self._service_failed(exc, "add-form", **context)
        names = ", ".join(str(m.person) for m in created)
        return self._done(f"Added {_plural(len(created), 'member')}: {names}.")

    # --- page --------------------------------------------------------------------------

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        today = timezone.localdate()
        rows = selectors.year_rows(self.committee, self.year, today)
        posted = self.posted_ends
        for row in rows:
            pk = row.membership.pk
            row.ticked = pk in posted
            row.end_form = self.end_forms.get(pk) or EndDateForm(
                pk=pk,
                person=row.membership.person.display_name,
                initial={"end_date": posted.get(pk) or row.default_end},
            )
        years = list(MunicipalYear.objects.order_by("-start_date"))
        context.setdefault("add_set", AddMemberFormSet(prefix="add", year=self.year))
        context.setdefault("new_set", NewPersonFormSet(prefix="new", year=self.year))
        context.update(
            committee=self.committee,
            year=self.year,
            years=[(y, year_members_url(self.committee, y)) for y in years],
            previous=services.previous_year(self.year),
            rows=rows,
            open_count=sum(1 for r in rows if r.open_since),
            page_errors=self.errors,
            day_before=self.year.start_date - dt.timedelta(days=1),
            title=f"Members of {self.committee.name} for {self.year.name}",
        )
        return context


class YearCommittees(OfficerRequiredMixin, TemplateView):
    """From a municipal year: every committee, how many members it has that year, and how
    many memberships are still open from earlier years."""

    template_name = "scrutiny/officer/year_committees.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        year = get_object_or_404(MunicipalYear, pk=self.kwargs["year"])
        flags = {f.committee.pk: f for f in selectors.open_flags(year)}
        committees = []
        for committee in Committee.objects.active().order_by("name"):
            committees.append(
                {
                    "committee": committee,
                    "url": year_members_url(committee, year),
                    "count": committee.memberships.overlapping(year.start_date, year.end_date)
                    .values("person")
                    .distinct()
                    .count(),
                    "flag": flags.get(committee.pk),
                }
            )
        context.update(year=year, committees=committees)
        return context
