"""Officer pages for building an agenda quickly (issue 15, items 9 and 10).

- the committee's standard opening items: wording, kind, order, add and remove, once; the
  council's own list for committees without one (administrators, the constitution settings);
- "Add several items": one form with several rows, or titles pasted one per line;
- moving an item: up/down buttons and drag and drop. With JavaScript the page asks for JSON
  (``Accept: application/json``) and moves the row in place; without it the same form posts
  and the page reloads. Every move is versioned (``scrutiny.conflicts``) and audited;
- removing an item: a page of its own that asks first, reached from the item's edit page.

Views stay thin: writes go through ``meetings.services``.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views import View

from meetings import services
from meetings.forms import ItemRowFormSet, SeveralItemsForm, StandardItemFormSet
from meetings.models import (
    AgendaItem,
    CommitteeAgendaSettings,
    Document,
    Meeting,
    MeetingStatus,
    Report,
)
from scrutiny.conflicts import EditConflict
from scrutiny.forms import add_service_errors
from scrutiny.models import Committee
from scrutiny.permissions import AdministratorRequiredMixin, OfficerRequiredMixin

MOVE_CONFLICT = (
    "The agenda order changed after this page was opened (another move, or an item added or "
    "removed), so nothing was moved. The order shown now is the saved one: move the item again "
    "if you still need to."
)


def _meeting(pk) -> Meeting:
    return get_object_or_404(Meeting.all_objects.select_related("committee"), pk=pk)


def _item(pk) -> AgendaItem:
    return get_object_or_404(AgendaItem.all_objects.select_related("meeting__committee"), pk=pk)


def _officer_meeting_url(meeting_id: int, item_id: int | None = None) -> str:
    url = reverse("officer-meeting", args=[meeting_id])
    return f"{url}#item-{item_id}" if item_id else url


# --- standard opening items ----------------------------------------------------------------


class StandardItems(OfficerRequiredMixin, View):
    """The opening items every new meeting of a committee starts with, in order."""

    template = "meetings/officer/standard_items.html"

    def ctx(self, committee, formset):
        return {
            "committee": committee,
            "formset": formset,
            "title": "Standard opening items",
            "breadcrumbs": [
                ("Officer pages", reverse("officer-home")),
                ("Meetings and agendas", reverse("officer-meetings")),
                (committee.name, f"{reverse('officer-meetings')}?committee={committee.slug}"),
                ("Standard opening items", None),
            ],
        }

    def get(self, request, slug):
        committee = get_object_or_404(Committee, slug=slug)
        initial = [
            dict(item, position=n)
            for n, item in enumerate(services.standard_items_for(committee), start=1)
        ]
        formset = StandardItemFormSet(initial=initial, prefix="items")
        return render(request, self.template, self.ctx(committee, formset))

    def post(self, request, slug):
        committee = get_object_or_404(Committee, slug=slug)
        formset = StandardItemFormSet(request.POST, prefix="items")
        if formset.is_valid():
            try:
                services.set_standard_items(
                    committee=committee, items=formset.ordered_items(), by=request.user
                )
            except ValidationError as exc:
                formset._non_form_errors = formset.error_class(exc.messages)
            else:
                messages.success(
                    request,
                    f"Standard opening items saved for {committee.name}. New meetings of the "
                    "committee start with them; existing meetings are not changed.",
                )
                return redirect("officer-standard-items", slug=slug)
        return render(request, self.template, self.ctx(committee, formset))


class CouncilStandardItems(AdministratorRequiredMixin, View):
    """The council's standard opening items (the constitution settings, issue 21): what a
    new meeting of every committee without its own list starts with. Administrators only."""

    template = "meetings/officer/standard_items.html"

    def ctx(self, formset):
        return {
            "committee": None,
            "formset": formset,
            "title": "The council's standard opening items",
            "breadcrumbs": [
                ("Officer pages", reverse("officer-home")),
                ("Constitution settings", reverse("officer-constitution")),
                ("Standard opening items", None),
            ],
        }

    def get(self, request):
        initial = [
            dict(item, position=n)
            for n, item in enumerate(services.council_standard_items(), start=1)
        ]
        formset = StandardItemFormSet(initial=initial, prefix="items")
        return render(request, self.template, self.ctx(formset))

    def post(self, request):
        if request.POST.get("restore") == "built-in":
            services.set_council_standard_items(items=None, by=request.user)
            messages.success(request, "The council's standard opening items are the built-in list.")
            return redirect("officer-constitution-standard-items")
        formset = StandardItemFormSet(request.POST, prefix="items")
        if formset.is_valid():
            try:
                services.set_council_standard_items(items=formset.ordered_items(), by=request.user)
            except ValidationError as exc:
                formset._non_form_errors = formset.error_class(exc.messages)
            else:
                messages.success(
                    request,
                    "The council's standard opening items were saved. New meetings of "
                    "committees without their own list start with them; existing meetings "
                    "are not changed.",
                )
                return redirect("officer-constitution-standard-items")
        return render(request, self.template, self.ctx(formset))


def constitution_standard_items_panel(request):
    """The constitution page's section on standard opening items
    (``scrutiny.extensions.constitution_panels``)."""
    own = CommitteeAgendaSettings.objects.select_related("committee").order_by("committee__name")
    return (
        "meetings/officer/constitution_standard_items.html",
        {
            "council_items": services.council_standard_items(),
            "own_lists": [row.committee for row in own],
        },
    )


# --- several items at once -------------------------------------------------------------------

DEFAULT_ROWS = 5
MAX_ROWS = 50


class ItemsAddSeveral(OfficerRequiredMixin, View):
    template = "meetings/officer/items_add_several.html"

    def rows(self, request) -> int:
        text = request.GET.get("rows", "")
        if text.isascii() and text.isdigit():
            return max(1, min(MAX_ROWS, int(text)))
        return DEFAULT_ROWS

    def ctx(self, meeting, form, formset, rows):
        return {
            "meeting": meeting,
            "form": form,
            "formset": formset,
            "more_rows": rows < MAX_ROWS,
            "title": "Add several agenda items",
            "back": _officer_meeting_url(meeting.pk),
        }

    def get(self, request, pk):
        meeting = _meeting(pk)
        rows = self.rows(request)
        formset = ItemRowFormSet(prefix="rows", initial=[{}] * rows)
        form = SeveralItemsForm(late=meeting.is_published)
        return render(request, self.template, self.ctx(meeting, form, formset, rows))

    def post(self, request, pk):
        meeting = _meeting(pk)
        formset = ItemRowFormSet(request.POST, prefix="rows")
        form = SeveralItemsForm(request.POST, late=meeting.is_published)
        rows = formset.total_form_count()
        if "more_rows" in request.POST:
            # More rows, keeping what was typed (nothing is saved yet).
            rows = min(MAX_ROWS, rows + 5)
            data = request.POST.copy()
            data["rows-TOTAL_FORMS"] = str(rows)
            keep = {k: request.POST.get(k, "") for k in ("pasted", "urgency_reasons")}
            return render(
                request,
                self.template,
                self.ctx(
                    meeting,
                    SeveralItemsForm(initial=keep, late=meeting.is_published),
                    ItemRowFormSet(data, prefix="rows"),
                    rows,
                ),
            )
        if formset.is_valid() and form.is_valid():
            items = [
                {k: f.cleaned_data.get(k, "") for k in ("title", "description", "contact_text")}
                for f in formset.forms
                if f.cleaned_data.get("title", "").strip()
            ]
            items += [{"title": title} for title in form.pasted_titles()]
            try:
                added = services.add_agenda_items(
                    meeting=meeting,
                    items=items,
                    urgency_reasons=form.cleaned_data.get("urgency_reasons", ""),
                    by=request.user,
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                numbers = f"{added[0].number} to {added[-1].number}" if len(added) > 1 else ""
                messages.success(
                    request,
                    f"{len(added)} item{'s' if len(added) != 1 else ''} added"
                    + (f" (items {numbers})" if numbers else f": {added[0].title}")
                    + ".",
                )
                return redirect(_officer_meeting_url(meeting.pk, added[0].pk))
        return render(request, self.template, self.ctx(meeting, form, formset, rows))


# --- moving an item ------------------------------------------------------------------------


def _order(meeting: Meeting) -> list[dict]:
    return [
        {"pk": i.pk, "number": i.number, "version": i.version, "title": i.title}
        for i in AgendaItem.all_objects.filter(meeting=meeting).order_by("order", "pk")
    ]


def _wants_json(request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


class ItemMove(OfficerRequiredMixin, View):
    """Move an item up, down or to a position. Answers JSON to the page's script (the new
    order, numbers and versions, and a sentence for screen readers); without JavaScript the
    form posts and the meeting page reloads with a message."""

    http_method_names = ["post"]

    def post(self, request, pk):
        item = _item(pk)
        meeting = item.meeting
        try:
            moved = services.move_agenda_item(
                item=item,
                direction=request.POST.get("direction"),
                position=request.POST.get("position"),
                version=request.POST.get("version") or None,
                by=request.user,
            )
        except EditConflict:
            return self.answer(request, meeting, item, error=MOVE_CONFLICT, status=409)
        except ValidationError as exc:
            return self.answer(request, meeting, item, error=" ".join(exc.messages), status=400)
        count = AgendaItem.all_objects.filter(meeting=meeting).count()
        message = f"“{moved.title}” is now item {moved.number} of {count}."
        return self.answer(request, meeting, moved, message=message)

    def answer(self, request, meeting, item, *, message="", error="", status=200):
        if _wants_json(request):
            return JsonResponse(
                {
                    "ok": not error,
                    "message": error or message,
                    "moved": item.pk,
                    "items": _order(meeting),
                },
                status=status,
            )
        if error:
            messages.error(request, error)
        else:
            messages.success(request, message)
        return redirect(_officer_meeting_url(meeting.pk, item.pk))


# --- removing an item ----------------------------------------------------------------------


class ItemRemove(OfficerRequiredMixin, View):
    """Asks first (GET), removes on POST. Reached from the item's edit page, never from the
    buttons used every day."""

    template = "meetings/officer/item_remove.html"

    def get(self, request, pk):
        item = _item(pk)
        return render(
            request,
            self.template,
            {
                "item": item,
                "reports": list(Report.all_objects.filter(agenda_item=item)),
                "documents": list(Document.all_objects.filter(agenda_item=item).defer("text")),
                "meeting": item.meeting,
                "can_remove": not item.meeting.is_published
                and item.meeting.status != MeetingStatus.HELD,
                "title": f"Remove item {item.number}?",
                "back": reverse("officer-item-edit", args=[item.pk]),
            },
        )

    def post(self, request, pk):
        item = _item(pk)
        try:
            services.remove_agenda_item(item=item, by=request.user)
        except ValidationError as exc:
            for error in exc.messages:
                messages.error(request, error)
            return redirect(_officer_meeting_url(item.meeting_id, item.pk))
        messages.success(
            request, f"Item removed: {item.title}. The items after it were renumbered."
        )
        return redirect(_officer_meeting_url(item.meeting_id))
