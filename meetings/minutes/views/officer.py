"""Officer pages: minute taking, declarations, approval, corrections and actions."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.functional import cached_property
from django.views.decorators.http import require_POST

from meetings.minutes import selectors, services
from meetings.minutes.forms import (
    ActionForm,
    ActionNoteForm,
    ApproveForm,
    AttendanceForm,
    AttendanceRegisterForm,
    AttendeeForm,
    CorrectionForm,
    DeclarationForm,
    MinuteForm,
    mark_errors,
)
from meetings.minutes.models import (
    Action,
    Attendance,
    AttendanceKind,
    Declaration,
    Minute,
    MinutesSet,
    MinutesStatus,
    Resolution,
)
from meetings.minutes.views.public import tracker_page
from meetings.models import ItemKind, Meeting
from scrutiny import dates
from scrutiny.conflicts import EditConflict
from scrutiny.forms import add_service_errors
from scrutiny.models import Committee, Person
from scrutiny.officer_pages import OfficerFormPage
from scrutiny.permissions import officer_required
from scrutiny.sanitise import editable_text


def apply_errors(form, exc: ValidationError) -> None:
    add_service_errors(form, exc)
    mark_errors(form)  # the minutes forms' own error styling


@officer_required
def officer_minutes(request):
    meetings = (
        Meeting.all_objects.exclude(status="cancelled")
        .filter(start__lte=timezone.now() + timezone.timedelta(days=1))
        .select_related("committee", "minutes")
        .order_by("-start")[:200]
    )
    return render(request, "minutes/officer/minutes_list.html", {"meetings": meetings})


@officer_required
@require_POST
def officer_minutes_start(request, pk):
    meeting = get_object_or_404(Meeting.all_objects, pk=pk)
    try:
        services.start_minutes(meeting=meeting, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("officer-minutes")
    return redirect("officer-minutes-take", pk=meeting.pk)


def _take_context(minutes, attendance_form=None):
    meeting = minutes.meeting
    rows = list(minutes.attendance.select_related("person", "substitute_for"))
    items = list(
        minutes.items.select_related("agenda_item")
        .prefetch_related("resolutions", "declarations")
        .order_by("agenda_item__order", "agenda_item__pk")
    )
    return {
        "meeting": meeting,
        "minutes": minutes,
        "attendance_form": attendance_form
        or AttendanceForm(rows=rows, initial={"version": minutes.version}),
        "items": items,
        "breadcrumbs": [
            ("Officer pages", reverse("officer-home")),
            ("Minutes", reverse("officer-minutes")),
        ],
    }


@officer_required
def officer_minutes_take(request, pk):
    """The minute-taking page for the day: attendance, then each item in turn."""
    meeting = get_object_or_404(Meeting.all_objects.select_related("committee"), pk=pk)
    minutes = MinutesSet.all_objects.filter(meeting=meeting).first()
    if minutes is None:
        return render(request, "minutes/officer/not_started.html", {"meeting": meeting}, status=200)
    if minutes.status != MinutesStatus.APPROVED and request.method == "GET":
        minutes = services.start_minutes(meeting=meeting, by=request.user)  # late items
    rows = list(minutes.attendance.select_related("person", "substitute_for"))
    form = None
    if request.method == "POST":
        form = AttendanceForm(request.POST, rows=rows)
        if form.is_valid():
            try:
                services.save_attendance(
                    minutes=minutes,
                    statuses=form.statuses(),
                    version=form.cleaned_data["version"],
                    by=request.user,
                )
            except EditConflict as exc:
                apply_errors(form, exc)
                minutes.refresh_from_db()
                data = request.POST.copy()
                data["version"] = str(minutes.version)
                form.data = data
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, f"Attendance saved at {dates.clock()}.")
                return redirect("officer-minutes-take", pk=meeting.pk)
    return render(request, "minutes/officer/take.html", _take_context(minutes, form))


@officer_required
def officer_attendee_add(request, pk):
    minutes = get_object_or_404(MinutesSet.all_objects.select_related("meeting__committee"), pk=pk)
    members = Person.objects.filter(
        pk__in=minutes.attendance.filter(kind=AttendanceKind.MEMBER).values("person_id")
    )
    form = AttendeeForm(request.POST or None, members=members)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.add_attendee(
                minutes=minutes,
                kind=data["kind"],
                person=data.get("person"),
                name=data.get("name", ""),
                status=data["status"],
                role_text=data.get("role_text", ""),
                substitute_for=data.get("substitute_for"),
                by=request.user,
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "Added to the attendance list.")
            return redirect("officer-minutes-take", pk=minutes.meeting_id)
    return render(
        request,
        "minutes/officer/form.html",
        {
            "form": form,
            "title": "Add to the attendance list",
            "caption": str(minutes.meeting),
            "back": reverse("officer-minutes-take", args=[minutes.meeting_id]),
        },
    )


class AttendanceRegisterPage(OfficerFormPage):
    """The attendance register of one meeting in one form: every member expected that day
    (memberships in force on the meeting's date) marked present, apologies, absent or
    substitute, and the others in attendance as rows or pasted "Name – Role" lines. Saving
    starts the minutes if need be, and saving again updates (``services.save_register``).
    A stale save (``version``) answers 409 with the form as typed and the current version,
    so saving again replaces what the other officer saved."""

    template_name = "minutes/officer/register.html"
    form_class = AttendanceRegisterForm
    section = ("Minutes", reverse_lazy("officer-minutes"))
    model = Meeting
    select_related = ("committee",)

    @property
    def meeting(self) -> Meeting:
        return self.obj

    @cached_property
    def register(self):
        return selectors.attendance_register(self.meeting)

    def get(self, request, *args, **kwargs):
        if self.meeting.status == "cancelled":
            messages.error(request, "A cancelled meeting has no minutes.")
            return redirect("officer-minutes")
        return super().get(request, *args, **kwargs)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["register"] = self.register
        return kwargs

    def get_initial(self):
        return {"version": self.register.version}

    def title(self):
        return "Attendance register"

    def back(self):
        return reverse("officer-minutes-take", args=[self.meeting.pk])

    def crumbs(self):
        return [(f"{self.meeting.committee.name}, {self.meeting.date:%-d %B %Y}", self.back())]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        minutes = self.register.minutes
        context.update(
            meeting=self.meeting, minutes=minutes, locked=bool(minutes and minutes.is_locked)
        )
        return context

    def save(self, data):
        form = self.form
        people = Person.objects.in_bulk(form.substitute_ids())
        return services.save_register(
            meeting=self.meeting,
            members=form.marks(people),
            others=form.others(),
            pasted=data["others_text"],
            pasted_kind=data["others_kind"],
            version=data["version"],
            by=self.request.user,
        )

    def done(self, saved):
        return (
            f"Attendance register saved at {dates.clock()}.",
            reverse("officer-attendance-register", args=[self.meeting.pk]),
        )

    def conflict(self, form, exc):
        apply_errors(form, exc)
        posted = self.request.POST.copy()
        posted["version"] = str(selectors.attendance_register(self.meeting).version)
        form.data = posted
        return self.render_to_response(self.get_context_data(form=form), status=409)

    def form_invalid(self, form):
        mark_errors(form)  # the minutes forms' own error styling
        return super().form_invalid(form)


@officer_required
@require_POST
def officer_attendee_remove(request, pk):
    row = get_object_or_404(Attendance.objects.select_related("minutes"), pk=pk)
    try:
        services.remove_attendee(attendance=row, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"{row.display_name} removed from the attendance list.")
    return redirect("officer-minutes-take", pk=row.minutes.meeting_id)


@officer_required
@require_POST
def officer_no_interests(request, pk):
    minutes = get_object_or_404(MinutesSet, pk=pk)
    try:
        services.set_no_interests(
            minutes=minutes,
            value=request.POST.get("no_interests_declared") == "on",
            by=request.user,
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "Declarations of interest saved.")
    return redirect("officer-minutes-take", pk=minutes.meeting_id)


@officer_required
@require_POST
def officer_minutes_publish(request, pk):
    minutes = get_object_or_404(MinutesSet.all_objects.select_related("meeting"), pk=pk)
    try:
        services.publish_minutes(minutes=minutes, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "The draft minutes are published, to be approved.")
    return redirect("officer-minutes-take", pk=minutes.meeting_id)


def _item_context(
    request,
    minute,
    *,
    form=None,
    declaration_form=None,
    approve_form=None,
    correction_form=None,
    conflict=None,
):
    minutes = minute.minutes
    meeting = minutes.meeting
    siblings = list(
        minutes.items.select_related("agenda_item").order_by(
            "agenda_item__order", "agenda_item__pk"
        )
    )
    index = next(i for i, m in enumerate(siblings) if m.pk == minute.pk)
    people = Person.objects.filter(
        pk__in=minutes.attendance.filter(
            kind__in=[AttendanceKind.MEMBER, AttendanceKind.SUBSTITUTE]
        ).values("person_id")
    )
    previous = None
    item = minute.agenda_item
    if item.kind == ItemKind.MINUTES and item.previous_meeting_id:
        previous = MinutesSet.all_objects.filter(meeting_id=item.previous_meeting_id).first()
    if form is None:
        form = MinuteForm(
            private=minute.is_private,
            initial={
                "version": minute.version,
                "text": editable_text(minute.text),
                "outcome": minute.outcome,
                "resolutions": "\n\n".join(r.text for r in minute.resolutions.all()),
                "public_summary": editable_text(minute.public_summary),
            },
        )
    return {
        "meeting": meeting,
        "minutes": minutes,
        "minute": minute,
        "item": item,
        "form": form,
        "conflict": conflict,
        "resolutions": list(minute.resolutions.prefetch_related("actions")),
        "declarations": list(minute.declarations.select_related("person")),
        "declaration_form": declaration_form or DeclarationForm(people=people),
        "previous_minutes": previous,
        "approve_form": approve_form or ApproveForm(),
        "correction_form": correction_form or CorrectionForm(),
        "amendments": list(minute.amendments.select_related("made_by")),
        "prev_minute": siblings[index - 1] if index > 0 else None,
        "next_minute": siblings[index + 1] if index + 1 < len(siblings) else None,
        "breadcrumbs": [
            ("Minutes", reverse("officer-minutes")),
            (
                f"{meeting.committee.name}, {meeting.date:%-d %B %Y}",
                reverse("officer-minutes-take", args=[meeting.pk]),
            ),
        ],
    }


def _get_minute(pk):
    return get_object_or_404(
        Minute.objects.select_related("minutes__meeting__committee", "agenda_item"), pk=pk
    )


@officer_required
def officer_minute_edit(request, pk):
    """One item's minute: text, outcome, resolutions; saving is explicit and version-checked."""
    minute = _get_minute(pk)
    if request.method != "POST":
        return render(request, "minutes/officer/item.html", _item_context(request, minute))
    form = MinuteForm(request.POST, private=minute.is_private)
    conflict = None
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.save_minute(
                minute=minute,
                text=data["text"],
                outcome=data["outcome"],
                resolutions=services.split_resolutions(data["resolutions"]),
                public_summary=data.get("public_summary", ""),
                version=data["version"],
                by=request.user,
            )
        except EditConflict as exc:
            apply_errors(form, exc)
            minute.refresh_from_db()
            conflict = minute
            # Keep what was typed; take the new version so that saving again is a choice.
            posted = request.POST.copy()
            posted["version"] = str(minute.version)
            form.data = posted
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(
                request,
                f"Minute saved at {dates.clock()}: {minute.agenda_item.title}.",
            )
            if "save_next" in request.POST:
                nxt = _item_context(request, minute)["next_minute"]
                if nxt:
                    return redirect("officer-minute-edit", pk=nxt.pk)
            return redirect("officer-minute-edit", pk=minute.pk)
    status = 409 if conflict else 200
    return render(
        request,
        "minutes/officer/item.html",
        _item_context(request, minute, form=form, conflict=conflict),
        status=status,
    )


@officer_required
@require_POST
def officer_declaration_add(request, pk):
    minute = _get_minute(pk)
    ctx = _item_context(request, minute)
    form = DeclarationForm(request.POST, people=ctx["declaration_form"].fields["person"].queryset)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.add_declaration(
                minute=minute,
                person=data["person"],
                interest_type=data["interest_type"],
                withdrew=data["withdrew"],
                description=data["description"],
                by=request.user,
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"Declaration by {data['person'].display_name} recorded.")
            return redirect("officer-minute-edit", pk=minute.pk)
    return render(
        request,
        "minutes/officer/item.html",
        _item_context(request, minute, declaration_form=form),
    )


@officer_required
@require_POST
def officer_declaration_remove(request, pk):
    declaration = get_object_or_404(Declaration.objects.select_related("minute__minutes"), pk=pk)
    minute_pk = declaration.minute_id
    try:
        services.remove_declaration(declaration=declaration, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "Declaration removed.")
    return redirect("officer-minute-edit", pk=minute_pk)


@officer_required
@require_POST
def officer_minutes_approve(request, pk):
    """Approve the previous meeting's minutes through this "minutes" item."""
    minute = _get_minute(pk)
    item = minute.agenda_item
    previous = MinutesSet.all_objects.filter(meeting_id=item.previous_meeting_id).first()
    if previous is None:
        raise Http404("There are no minutes of the previous meeting to approve.")
    form = ApproveForm(request.POST)
    if form.is_valid():
        try:
            approved = services.approve_minutes(
                minutes=previous, at_item=item, amendments=form.amendments(), by=request.user
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            if not minute.resolutions.exists() and not minute.minutes.is_locked:
                services.save_minute(
                    minute=minute,
                    text=minute.text,
                    outcome=minute.outcome,
                    resolutions=[approved.approval_text],
                    version=minute.version,
                    by=request.user,
                )
            messages.success(request, approved.approval_text)
            return redirect("officer-minute-edit", pk=minute.pk)
    return render(
        request, "minutes/officer/item.html", _item_context(request, minute, approve_form=form)
    )


@officer_required
@require_POST
def officer_minute_correct(request, pk):
    minute = _get_minute(pk)
    form = CorrectionForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.correct_minutes(
                minute=minute,
                before=data["before"],
                after=data["after"],
                reason=data["reason"],
                by=request.user,
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "The correction is recorded and shown with the minutes.")
            return redirect("officer-minute-edit", pk=minute.pk)
    return render(
        request, "minutes/officer/item.html", _item_context(request, minute, correction_form=form)
    )


# --- Officer: actions ----------------------------------------------------------------------


@officer_required
def officer_actions(request):
    return tracker_page(request, template="minutes/officer/actions.html", officer=True)


@officer_required
def officer_action_add(request):
    resolution = None
    committee = None
    if request.GET.get("resolution") or request.POST.get("resolution"):
        resolution = get_object_or_404(
            Resolution.objects.select_related("minute__minutes__meeting__committee"),
            pk=request.GET.get("resolution") or request.POST.get("resolution"),
        )
        committee = resolution.minute.minutes.meeting.committee
    elif request.GET.get("committee") or request.POST.get("committee_slug"):
        committee = get_object_or_404(
            Committee, slug=request.GET.get("committee") or request.POST.get("committee_slug")
        )
    if committee is None:
        return render(
            request,
            "minutes/officer/action_choose_committee.html",
            {"committees": Committee.objects.order_by("name")},
        )
    initial = {"committee": committee.pk, "is_public": True}
    if resolution is not None:
        initial["description"] = resolution.text
        initial["is_public"] = not resolution.minute.is_private
    form = ActionForm(request.POST or None, committee=committee, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            action = services.create_action(
                committee=committee,
                description=data["description"],
                owner_person=data.get("owner_person"),
                owner_text=data.get("owner_text", ""),
                due_date=data.get("due_date"),
                target_meeting=data.get("target_meeting"),
                resolution=resolution,
                is_public=data.get("is_public", False),
                by=request.user,
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "Action added.")
            if resolution is not None:
                return redirect("officer-minute-edit", pk=resolution.minute_id)
            return redirect("officer-minutes-action-edit", pk=action.pk)
    return render(
        request,
        "minutes/officer/action_form.html",
        {
            "form": form,
            "title": "Add an action",
            "resolution": resolution,
            "committee": committee,
        },
    )


def _action_initial(action: Action) -> dict:
    return {
        "version": action.version,
        "committee": action.committee_id,
        "description": action.description,
        "owner_person": action.owner_person_id,
        "owner_text": action.owner_text,
        "due_date": action.due_date,
        "target_meeting": action.target_meeting_id,
        "status": action.status,
        "dealt_with_item": action.dealt_with_item_id,
        "is_public": action.is_public,
    }


@officer_required
def officer_action_edit(request, pk):
    action = get_object_or_404(Action.all_objects.for_list(), pk=pk)
    form = ActionForm(
        request.POST if request.method == "POST" else None,
        committee=action.committee,
        editing=True,
        initial=_action_initial(action),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.update_action(
                action=action,
                description=data["description"],
                owner_person=data.get("owner_person"),
                owner_text=data.get("owner_text", ""),
                due_date=data.get("due_date"),
                target_meeting=data.get("target_meeting"),
                status=data["status"],
                dealt_with_item=data.get("dealt_with_item"),
                is_public=data.get("is_public", False),
                version=data.get("version"),
                by=request.user,
            )
        except EditConflict as exc:
            apply_errors(form, exc)
            action.refresh_from_db()
            posted = request.POST.copy()
            posted["version"] = str(action.version)
            form.data = posted
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "Action saved.")
            return redirect("officer-minutes-action-edit", pk=action.pk)
    return render(
        request,
        "minutes/officer/action_form.html",
        {
            "form": form,
            "title": "Edit action",
            "action": action,
            "committee": action.committee,
            "note_form": ActionNoteForm(initial={"on": timezone.localdate()}),
            "notes": list(action.notes.all()),
        },
    )


@officer_required
@require_POST
def officer_action_note_add(request, pk):
    action = get_object_or_404(Action, pk=pk)
    form = ActionNoteForm(request.POST)
    if form.is_valid():
        try:
            services.add_action_note(
                action=action,
                text=form.cleaned_data["text"],
                on=form.cleaned_data["on"],
                by=request.user,
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "Progress note added.")
            return redirect("officer-minutes-action-edit", pk=action.pk)
    action = Action.all_objects.for_list().get(pk=pk)
    return render(
        request,
        "minutes/officer/action_form.html",
        {
            "form": ActionForm(
                committee=action.committee, editing=True, initial=_action_initial(action)
            ),
            "title": "Edit action",
            "action": action,
            "committee": action.committee,
            "note_form": form,
            "notes": list(action.notes.all()),
        },
    )
