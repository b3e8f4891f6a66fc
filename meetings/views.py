"""Public and officer pages for meetings, agendas, reports and documents.

Views are thin: reads come from ``meetings.selectors`` and the safe managers, writes go
through ``meetings.services``; a ``ValidationError`` from a service is put back on the form so
nothing the officer typed is lost.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import OrderedDict

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import pluralize
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.functional import cached_property
from django.utils.http import content_disposition_header
from django.views import View
from django.views.generic import TemplateView

from meetings import changes, conversion, selectors, services, uploads
from meetings import notes as private_notes
from meetings.extensions import (
    item_notes,
    item_outcomes,
    meeting_links,
    meeting_panels,
    meeting_top_panels,
    officer_meeting_panels,
)
from meetings.forms import (
    AgendaItemForm,
    DocumentForm,
    MeetingFilter,
    MeetingForm,
    MovePaperForm,
    NoticeForm,
    PublishForm,
    ReplaceDocumentForm,
    ReportForm,
    SectionFormSet,
    WithdrawPaperForm,
    keep_staged,
)
from meetings.models import (
    SCHEDULE_12A_PARAGRAPHS,
    STANDARD_SECTIONS,
    AgendaItem,
    Document,
    Meeting,
    MeetingStatus,
    Report,
)
from meetings.stamping import stamp_exempt_paper
from meetings.workdays import CLEAR_WORKING_DAYS, latest_publication_date
from scrutiny import constitution, fragments, visibility
from scrutiny.extensions import my_panels
from scrutiny.forms import add_service_errors
from scrutiny.models import Committee
from scrutiny.paging import paged
from scrutiny.permissions import OfficerRequiredMixin, is_officer
from scrutiny.serving import file_response, paper_headers, wants_download


def group_by_month(meetings) -> list[tuple[str, list[Meeting]]]:
    groups: OrderedDict[str, list[Meeting]] = OrderedDict()
    for m in meetings:
        groups.setdefault(f"{timezone.localtime(m.start):%B %Y}", []).append(m)
    return list(groups.items())


# --- public pages --------------------------------------------------------------------------


def calendar_heading(filterset) -> str:
    """The calendar's title and h1 say what is filtered, for example "Meetings of the
    Children's Scrutiny Panel, May 2025" (issue 16: a filtered list kept the plain title)."""
    if not filterset.is_valid():
        return "Meetings"
    data = filterset.form.cleaned_data
    heading = f"Meetings of the {data['committee'].name}" if data.get("committee") else "Meetings"
    when = []
    if data.get("month"):
        year, month = (int(part) for part in data["month"].split("-"))
        when.append(dt.date(year, month, 1).strftime("%B %Y"))
    if data.get("year"):
        when.append(f"municipal year {data['year'].name}")
    return ", ".join([heading, *when])


def meeting_calendar(request):
    now = timezone.now()
    filterset = MeetingFilter(request.GET, queryset=selectors.public_meetings())
    qs = filterset.qs if filterset.is_valid() else selectors.public_meetings().none()
    heading = calendar_heading(filterset)
    upcoming = list(qs.upcoming(now))
    past_page = paged(request, qs.past(now), "meeting-calendar")
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "meetings/calendar.html",
        {
            "filter": filterset,
            "heading": heading,
            "upcoming": group_by_month(upcoming),
            "past": group_by_month(past_page.object_list),
            "past_page": past_page,
            "query": query.urlencode(),
            "filtered": any(request.GET.get(k) for k in ("committee", "year", "month")),
        },
    )


def committee_meetings(request, slug):
    committee = get_object_or_404(Committee, slug=slug)
    now = timezone.now()
    qs = Meeting.objects.filter(committee=committee).select_related("committee")
    upcoming, past = list(qs.upcoming(now)), list(qs.past(now))
    return render(
        request,
        "meetings/committee_meetings.html",
        {
            "committee": committee,
            "upcoming": upcoming,
            "past": group_by_month(past),
            # The subscribed calendar carries the last 12 months and ahead; each year's
            # meetings are also a file of their own (opendata, issue 20).
            "calendar_years": sorted(
                {timezone.localtime(m.start).year for m in upcoming + past}, reverse=True
            ),
            "breadcrumbs": [
                ("Committees", reverse("committee-list")),
                (committee.name, committee.get_absolute_url()),
                ("Meetings", None),
            ],
        },
    )


def _summaries(request, committee_ids) -> dict:
    summaries = selectors.next_or_last_meetings(committee_ids)
    links = meeting_links.collect(request, [s.meeting for s in summaries.values()])
    return {
        committee_id: selectors.MeetingSummary(
            meeting=s.meeting, upcoming=s.upcoming, links=tuple(links.get(s.meeting.pk, ()))
        )
        for committee_id, s in summaries.items()
    }


def committee_next_meeting_panel(request, committee):
    """On the committee page (``scrutiny.extensions.committee_panels``): the next public
    meeting, or the last one, with its agenda pack or minutes."""
    summary = _summaries(request, [committee.pk]).get(committee.pk)
    items = []
    if summary is not None:
        # What is on it, from the published agenda (exempt items by title, as on the
        # meeting page), so the committee page answers "what is on it" too.
        items = list(
            AgendaItem.objects.listed()
            .filter(meeting=summary.meeting)
            .order_by("order", "pk")
            .only("pk", "meeting_id", "number", "title", "is_exempt", "is_confidential")
        )
    return (
        "meetings/panels/committee_next_meeting.html",
        {"summary": summary, "items": items},
    )


def home_next_meetings_panel(request):
    """On the home page (``scrutiny.extensions.home_panels``): each active committee's next
    public meeting, or its last one."""
    committees = list(Committee.objects.active().order_by("name"))
    summaries = _summaries(request, [c.pk for c in committees])
    rows = [(c, summaries[c.pk]) for c in committees if c.pk in summaries]
    if not rows:
        return None
    return ("meetings/panels/home_next_meetings.html", {"rows": rows})


def _meeting_context(
    request, meeting: Meeting, *, include_private: bool, preview: str = "", holes: bool = False
):
    """What the meeting page's body shows. ``holes`` (a signed-in reader's page): the
    reader's own notes are holes for ``_fill_for_reader``, so the rest is the same for every
    reader with the same view (``scrutiny.fragments``). Every panel depends on the view only
    (the "Save for offline" and "My notes" panels on being signed in and reading exempt
    papers or not), never on who the reader is."""
    items = selectors.agenda(meeting, include_private=include_private, preview=bool(preview))
    notes = item_notes.collect(request, meeting)
    outcomes = {} if preview else item_outcomes.collect(request, meeting)
    meeting_day = selectors.meeting_date(meeting)
    # The due date is shown only for an agenda not yet published or published late: only
    # then is the constitution read (the public page's query count stays the same).
    shows_deadline = meeting.published_late or not meeting.is_published
    clear_days = constitution.publication_clear_days() if shows_deadline else CLEAR_WORKING_DAYS
    return {
        # The signed-in user's private notes beside each item and paper (issue 23): holes
        # with "Add a note" in them, filled with the reader's own notes.
        "notes_enabled": holes and not preview,
        "meeting": meeting,
        "items": items,
        "notes": notes,
        "outcomes": outcomes,
        "include_private": include_private,
        "preview": preview,
        "paragraphs": SCHEDULE_12A_PARAGRAPHS,
        "deadline": latest_publication_date(meeting_day, clear_days),
        "clear_days": clear_days,
        "panels": [] if preview else meeting_panels.render_list(request, meeting),
        "top_panels": [] if preview else meeting_top_panels.render_list(request, meeting),
    }


def _meeting_breadcrumbs(meeting: Meeting) -> list[tuple[str, str | None]]:
    return [
        ("Meetings", reverse("meeting-calendar")),
        (meeting.committee.name, reverse("committee-meetings", args=[meeting.committee.slug])),
        (f"{timezone.localtime(meeting.start):%-d %B %Y}", None),
    ]


def _fill_for_reader(request, meeting: Meeting, body: str, *, include_private: bool) -> str:
    """The signed-in reader's own notes put into the shared body's holes (one query); a hole
    with no note of theirs keeps its "Add a note" link."""
    notes = private_notes.notes_for_holes(request.user, meeting)
    context = {"meeting": meeting, "include_private": include_private}

    def part(name: str, default: str) -> str:
        note = notes.get(name)
        if note is None:
            return default
        if note.document_id:
            return render_to_string(
                "meetings/notes/_paper_note.html", {**context, "d": note.document}, request
            )
        return render_to_string(
            "meetings/notes/_item_note.html", {**context, "item": note.agenda_item}, request
        )

    return fragments.fill(body, part)


def _public_meeting(pk) -> tuple[Meeting, list]:
    meeting = get_object_or_404(
        Meeting.objects.select_related("committee", "contact_officer"), pk=pk
    )
    return meeting, _meeting_breadcrumbs(meeting)


def meeting_detail(request, pk):
    # Read once per content generation (scrutiny.fragments.remembered): the public manager's
    # answer changes only with a save, which starts a new generation.
    meeting, breadcrumbs = fragments.remembered("meeting", pk, lambda: _public_meeting(pk))
    include_private = selectors.viewer_sees_exempt(request.user, meeting)
    signed_in = request.user.is_authenticated
    # The body is the same for every reader with the same view of the meeting: signed in or
    # not (the sign-in link), may read its exempt papers or not, officer or not (draft
    # minutes). The full path is in it for the sign-in link's "next".
    view = (meeting.pk, request.get_full_path(), signed_in, include_private)
    view += (is_officer(request.user),)
    body = fragments.cached(
        "meeting-body",
        view,
        lambda: render_to_string(
            "meetings/_meeting_body.html",
            _meeting_context(request, meeting, include_private=include_private, holes=signed_in),
            request,
        ),
    )
    if signed_in:
        body = _fill_for_reader(request, meeting, body, include_private=include_private)
    return render(
        request,
        "meetings/meeting_detail.html",
        {"meeting": meeting, "body": body, "breadcrumbs": breadcrumbs},
    )


def _paper_or_404(request, model, pk):
    """A report or document the user may read; 404 for everything else (even exempt ones that
    exist), so guessing URLs confirms nothing."""
    obj = model.objects.filter(pk=pk).select_related("agenda_item__meeting__committee").first()
    if obj is None:
        obj = (
            model.all_objects.filter(pk=pk)
            .select_related("agenda_item__meeting__committee")
            .first()
        )
        if obj is None:
            raise Http404("No such paper.")
        if not selectors.may_read_paper(request.user, obj.agenda_item, paper=obj):
            if obj.agenda_item.is_private:  # a refused attempt at exempt material is logged
                services.log_exempt_access(
                    user=request.user,
                    refused=True,
                    **{"document" if isinstance(obj, Document) else "report": obj},
                )
            raise Http404("No such paper.")
    return obj


def report_detail(request, pk):
    report = _paper_or_404(request, Report, pk)
    item = report.agenda_item
    if item.is_private:
        services.log_exempt_access(user=request.user, report=report)
    body = None
    if report.source == Report.Source.GENERATED:
        from meetings.extensions import report_generators

        body = report_generators.render(report)
    meeting = item.meeting
    return render(
        request,
        "meetings/report_detail.html",
        {
            "report": report,
            "item": item,
            "meeting": meeting,
            "sections": list(report.sections.all()),
            "body": body,
            "documents": list(
                (Document.all_objects.issued() if item.is_private else Document.objects)
                .filter(agenda_item=item)
                .defer("text")
            ),
            "breadcrumbs": [
                ("Meetings", reverse("meeting-calendar")),
                (str(meeting), meeting.get_absolute_url() if meeting.is_published else None),
                (report.title, None),
            ],
        },
    )


def document_download(request, pk):
    """A paper on its own. A PDF opens in the browser (``Content-Disposition: inline``, so a
    phone shows it and ``#page=N`` works); ``?download=1`` (the "Download" link beside it)
    saves it as ``Document.download_name``. Anything that is not a PDF is only ever saved."""
    document = _paper_or_404(request, Document, pk)
    # Only a public paper may be cached by shared caches: exempt papers, drafts and the
    # papers of unpublished meetings are no-store (scrutiny.visibility).
    private = not visibility.is_paper_public(document)
    if document.agenda_item.is_private:
        services.log_exempt_access(user=request.user, document=document)
    pdf = document.is_pdf
    inline = pdf and not wants_download(request)
    if document.agenda_item.is_private and pdf:
        return _stamped_exempt_download(request, document, inline=inline)
    # Through the storage (file system or S3); a missing file is a 404, not a 500.
    response = file_response(
        request,
        document.file,
        filename=document.download_name,
        content_type="application/pdf" if pdf else "application/octet-stream",
        etag=document.sha256,
        last_modified=document.modified_at,
        public=not private,
        as_attachment=not inline,
    )
    if private:
        patch_cache_control(response, no_store=True)
    return paper_headers(response, inline=inline)


def _stamped_exempt_download(request, document, *, inline: bool):
    """An exempt or confidential paper served on its own: every page stamped NOT FOR
    PUBLICATION with the Schedule 12A paragraph (``meetings.stamping``), never cached."""
    try:
        with document.file.open("rb") as handle:
            data = handle.read()
    except (FileNotFoundError, OSError) as exc:
        raise Http404("The file is missing.") from exc
    item = document.agenda_item
    stamped = stamp_exempt_paper(data, paragraph=item.exempt_paragraph if item.is_exempt else None)
    response = HttpResponse(stamped, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(not inline, document.download_name)
    response["Content-Length"] = str(len(stamped))
    patch_cache_control(response, private=True, no_store=True)
    return paper_headers(response, inline=inline)


class MyMeetings(TemplateView):
    """A councillor's own page: what changed on their committees' meetings since they last
    said they had seen it (``meetings.changes``), then their upcoming meetings with all the
    papers they may read."""

    template_name = "meetings/my_meetings.html"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        person = getattr(user, "person", None)
        upcoming = selectors.councillor_meetings(user, upcoming=True)
        agendas = [
            (m, selectors.agenda(m, include_private=selectors.viewer_sees_exempt(user, m)))
            for m in upcoming[:5]
        ]
        ctx.update(
            person=person,
            memberships=(
                person.memberships.in_force_on(timezone.localdate()).select_related("committee")
                if person
                else []
            ),
            agendas=agendas,
            more_upcoming=upcoming[5:],
            recent=selectors.councillor_meetings(user, upcoming=False, limit=5),
            changed=changes.unacknowledged(user),
            recent_days=changes.RECENT_DAYS,
            panels=my_panels.render_list(self.request, person),
        )
        return ctx


SEEN_VALUE = re.compile(r"(?P<meeting>[0-9]{1,18}):(?P<up_to>[0-9]{1,18})", re.ASCII)


class AcknowledgeChanges(View):
    """ "I've seen these" (one meeting) and "I've seen them all" on ``/my/``: each ``seen``
    value is ``<meeting id>:<last change id on the page>``, so a change recorded while the
    member read is still new next time."""

    http_method_names = ["post"]

    def post(self, request):
        if not request.user.is_authenticated:
            return redirect_to_login(reverse("my-portal"))
        pairs = []
        for value in request.POST.getlist("seen"):
            # ASCII digits only, at most 18 (a database id): str.isdigit() also takes "²",
            # which int() refuses, and a longer number overflows the database's integer.
            match = SEEN_VALUE.fullmatch(value)
            if match is None:
                messages.error(
                    request, "That list of changes was not recognised: nothing was marked as seen."
                )
                return redirect("my-portal")
            pairs.append((int(match["meeting"]), int(match["up_to"])))
        meetings = Meeting.objects.select_related("committee").in_bulk([m for m, _ in pairs])
        marked = 0
        for meeting_id, up_to in pairs:
            meeting = meetings.get(meeting_id)
            if meeting is None or not changes.may_acknowledge(request.user, meeting):
                continue
            changes.acknowledge(user=request.user, meeting=meeting, up_to=up_to)
            marked += 1
        if marked:
            messages.success(
                request,
                f"Marked as seen: the changes to {marked} meeting{pluralize(marked)}. "
                "New changes will appear here.",
            )
        else:
            messages.error(request, "No changes were marked as seen: choose a meeting of yours.")
        return redirect("my-portal")


# --- officer pages -------------------------------------------------------------------------


class MyExemptReads(TemplateView):
    """A member's own reads of exempt papers (and refused attempts): issue 23 finding 4."""

    template_name = "meetings/my_exempt_reads.html"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["reads"] = selectors.own_exempt_reads(self.request.user)
        ctx["breadcrumbs"] = [("My meetings", reverse("my-portal")), ("Your exempt reads", None)]
        return ctx


class OfficerExemptAccess(OfficerRequiredMixin, TemplateView):
    """Who read, or was refused, each exempt paper of a meeting (issue 23 finding 4)."""

    template_name = "meetings/officer/exempt_access.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        meeting = _officer_meeting(kwargs["pk"])
        ctx.update(meeting=meeting, groups=selectors.exempt_access_by_paper(meeting))
        return ctx


class OfficerMeetingList(OfficerRequiredMixin, TemplateView):
    template_name = "meetings/officer/meeting_list.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        now = timezone.now()
        qs = Meeting.all_objects.select_related("committee")
        committee = self.request.GET.get("committee")
        if committee:
            qs = qs.filter(committee__slug=committee)
        ctx.update(
            committees=Committee.objects.order_by("name"),
            chosen=committee,
            upcoming=list(qs.upcoming(now)),
            past=paged(self.request, qs.past(now)),
        )
        return ctx


def _officer_meeting(pk) -> Meeting:
    return get_object_or_404(
        Meeting.all_objects.select_related("committee", "contact_officer", "published_by"), pk=pk
    )


class MeetingCreate(OfficerRequiredMixin, View):
    template = "meetings/officer/form.html"

    def get(self, request):
        initial = {}
        if "committee" in request.GET:
            initial["committee"] = Committee.objects.filter(slug=request.GET["committee"]).first()
        # The constitution's defaults (issue 21): the venue, and the time with no date yet.
        defaults = constitution.meeting_defaults()
        if defaults.venue:
            initial["venue"] = defaults.venue
        if defaults.start_time is not None:
            initial["start"] = {"time": defaults.start_time.strftime("%H:%M")}
        form = MeetingForm(initial=initial)
        return render(request, self.template, {"form": form, "title": "Create a meeting"})

    def post(self, request):
        form = MeetingForm(request.POST)
        if form.is_valid():
            data = form.service_kwargs()
            try:
                meeting = services.create_meeting(by=request.user, **data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                start = (
                    "a copy of the previous meeting's agenda (no papers)"
                    if data.get("copy_previous_agenda")
                    else "the standard opening items"
                )
                messages.success(request, f"Meeting created with {start}: {meeting}.")
                return redirect("officer-meeting", pk=meeting.pk)
        return render(request, self.template, {"form": form, "title": "Create a meeting"})


class MeetingUpdate(OfficerRequiredMixin, View):
    template = "meetings/officer/form.html"

    @cached_property
    def meeting(self) -> Meeting:
        # Loaded by the handlers, after the officer check: a non-officer learns nothing.
        return _officer_meeting(self.kwargs["pk"])

    def ctx(self, form):
        return {
            "form": form,
            "title": f"Edit meeting details: {self.meeting}",
            "back": reverse("officer-meeting", args=[self.meeting.pk]),
        }

    def get(self, request, pk):
        return render(request, self.template, self.ctx(MeetingForm(instance=self.meeting)))

    def post(self, request, pk):
        original = Meeting.all_objects.get(pk=self.meeting.pk)
        form = MeetingForm(request.POST, instance=self.meeting)
        if form.is_valid():
            try:
                services.update_meeting(
                    meeting=original,
                    version=form.cleaned_data.get("version"),
                    by=request.user,
                    **form.service_kwargs(),
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, "Meeting details saved.")
                return redirect("officer-meeting", pk=pk)
        return render(request, self.template, self.ctx(form))


class OfficerMeeting(OfficerRequiredMixin, TemplateView):
    template_name = "meetings/officer/meeting.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        meeting = _officer_meeting(kwargs["pk"])
        meeting_day = selectors.meeting_date(meeting)
        clear_days = constitution.publication_clear_days()
        ctx.update(
            meeting=meeting,
            items=selectors.agenda(meeting, include_private=True, drafts=True),
            warnings=services.publication_warnings(meeting) if not meeting.is_published else {},
            deadline=latest_publication_date(meeting_day, clear_days),
            clear_days=clear_days,
            panels=officer_meeting_panels.render_list(self.request, meeting),
            statuses=MeetingStatus,
            can_mark_held=meeting.status == MeetingStatus.AGENDA_PUBLISHED
            and meeting.start <= timezone.now(),
            can_reorder=meeting.status not in (MeetingStatus.HELD, MeetingStatus.CANCELLED),
        )
        return ctx


class MeetingPreview(OfficerRequiredMixin, View):
    def get(self, request, pk, audience):
        meeting = _officer_meeting(pk)
        if audience not in ("public", "member"):
            raise Http404
        ctx = _meeting_context(
            request, meeting, include_private=audience == "member", preview=audience
        )
        body = render_to_string("meetings/_meeting_body.html", ctx, request)
        return render(
            request,
            "meetings/meeting_detail.html",
            {**ctx, "body": body, "breadcrumbs": _meeting_breadcrumbs(meeting)},
        )


class MeetingPublish(OfficerRequiredMixin, View):
    template = "meetings/officer/publish.html"

    def ctx(self, meeting, form, warnings):
        return {"meeting": meeting, "form": form, "warnings": warnings}

    def get(self, request, pk):
        meeting = _officer_meeting(pk)
        warnings = services.publication_warnings(meeting)
        return render(
            request, self.template, self.ctx(meeting, PublishForm(warnings=warnings), warnings)
        )

    def post(self, request, pk):
        meeting = _officer_meeting(pk)
        warnings = services.publication_warnings(meeting)
        form = PublishForm(request.POST, warnings=warnings)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.publish_meeting(
                    meeting=meeting,
                    by=request.user,
                    confirm_late=data.get("confirm_late", False),
                    confirm_unsigned=data.get("confirm_unsigned", False),
                    late_reason=data.get("late_reason", ""),
                    despatched_on=data.get("despatched_on"),
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, "The agenda is published. The public can now see it.")
                return redirect("officer-meeting", pk=pk)
        return render(request, self.template, self.ctx(meeting, form, warnings))


class MeetingNotice(OfficerRequiredMixin, View):
    """Cancel or postpone with a public notice."""

    template = "meetings/officer/form.html"
    action = "cancel"

    def title(self, meeting):
        verb = "Cancel" if self.action == "cancel" else "Postpone"
        return f"{verb} the meeting: {meeting}"

    def get(self, request, pk):
        meeting = _officer_meeting(pk)
        return render(
            request,
            self.template,
            {
                "form": NoticeForm(),
                "title": self.title(meeting),
                "back": reverse("officer-meeting", args=[pk]),
                "button": "Cancel the meeting" if self.action == "cancel" else "Postpone it",
            },
        )

    def post(self, request, pk):
        meeting = _officer_meeting(pk)
        form = NoticeForm(request.POST)
        if form.is_valid():
            fn = services.cancel_meeting if self.action == "cancel" else services.postpone_meeting
            try:
                fn(meeting=meeting, notice=form.cleaned_data["notice"], by=request.user)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                done = "cancelled" if self.action == "cancel" else "postponed"
                messages.success(request, f"The meeting is {done}; the notice is shown publicly.")
                return redirect("officer-meeting", pk=pk)
        return render(
            request,
            self.template,
            {
                "form": form,
                "title": self.title(meeting),
                "back": reverse("officer-meeting", args=[pk]),
            },
        )


class MeetingHeld(OfficerRequiredMixin, View):
    def post(self, request, pk):
        meeting = _officer_meeting(pk)
        try:
            services.mark_held(meeting=meeting, by=request.user)
        except ValidationError as exc:
            for error in exc.messages:
                messages.error(request, error)
        else:
            messages.success(request, "The meeting is recorded as held.")
        return redirect("officer-meeting", pk=pk)


class ItemCreate(OfficerRequiredMixin, View):
    template = "meetings/officer/form.html"

    def ctx(self, meeting, form):
        return {
            "form": form,
            "title": f"Add an agenda item to {meeting}",
            "caption": str(meeting),
            "back": reverse("officer-meeting", args=[meeting.pk]),
        }

    def get(self, request, pk):
        meeting = _officer_meeting(pk)
        return render(request, self.template, self.ctx(meeting, AgendaItemForm(meeting=meeting)))

    def post(self, request, pk):
        meeting = _officer_meeting(pk)
        form = AgendaItemForm(request.POST, meeting=meeting)
        if form.is_valid():
            try:
                item = services.add_agenda_item(
                    meeting=meeting, by=request.user, **form.service_kwargs()
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, f"Item {item.number} added: {item.title}.")
                return redirect(reverse("officer-meeting", args=[pk]) + f"#item-{item.pk}")
        return render(request, self.template, self.ctx(meeting, form))


def _officer_item(pk) -> AgendaItem:
    return get_object_or_404(AgendaItem.all_objects.select_related("meeting__committee"), pk=pk)


class ItemUpdate(OfficerRequiredMixin, View):
    template = "meetings/officer/form.html"

    def ctx(self, item, form):
        return {
            "form": form,
            # Issue 16: every officer page names its record (item, meeting) in title and h1.
            "title": f"Edit item {item.number}, {item.title} ({item.meeting})",
            "caption": str(item.meeting),
            "back": reverse("officer-meeting", args=[item.meeting_id]),
            # Removing is kept off the everyday meeting page: it starts here and asks first.
            "remove": reverse("officer-item-remove", args=[item.pk])
            if not item.meeting.is_published
            else None,
            "remove_label": f"Remove item {item.number} from the agenda",
        }

    def get(self, request, pk):
        item = _officer_item(pk)
        form = AgendaItemForm(instance=item, meeting=item.meeting)
        return render(request, self.template, self.ctx(item, form))

    def post(self, request, pk):
        item = _officer_item(pk)
        form = AgendaItemForm(request.POST, instance=_officer_item(pk), meeting=item.meeting)
        if form.is_valid():
            data = form.service_kwargs()
            try:
                services.update_agenda_item(
                    item=item, version=form.cleaned_data.get("version"), by=request.user, **data
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, f"Item {item.number} saved.")
                return redirect(reverse("officer-meeting", args=[item.meeting_id]) + f"#item-{pk}")
        return render(request, self.template, self.ctx(item, form))


class ReportEdit(OfficerRequiredMixin, View):
    """Author a report: the cover sheet and its numbered sections."""

    template = "meetings/officer/report_form.html"
    # "Publish a new version" (issue 15): the form starts from the current version and saving
    # makes a new one; the current version is kept for officers only.
    new_version = False

    def setup_objects(self, kwargs):
        if "report_pk" in kwargs:
            self.report = get_object_or_404(
                Report.all_objects.select_related("agenda_item__meeting__committee"),
                pk=kwargs["report_pk"],
            )
            self.item = self.report.agenda_item
        else:
            self.report = None
            self.item = _officer_item(kwargs["pk"])
        self.late = self.item.meeting.is_published and (self.report is None or self.report.is_late)

    def ctx(self, form, sections):
        return {
            "form": form,
            "sections": sections,
            "item": self.item,
            "report": self.report,
            "title": (
                f"New version of the report: {self.report.title}"
                if self.new_version
                else f"Edit report: {self.report.title}"
                if self.report
                else f"Write a report for item {self.item.number}, {self.item.title} "
                f"({self.item.meeting})"
            ),
            "new_version": self.new_version,
            "back": reverse("officer-meeting", args=[self.item.meeting_id]),
        }

    def get(self, request, **kwargs):
        self.setup_objects(kwargs)
        if self.report:
            initial = [{"heading": s.heading, "body": s.body} for s in self.report.sections.all()]
        else:
            initial = [{"heading": h, "body": ""} for h in STANDARD_SECTIONS]
        if self.new_version and not self._can_replace():
            return redirect(_paper_back(self.report))
        form = ReportForm(instance=self.report, late=self.late, new_version=self.new_version)
        return render(
            request,
            self.template,
            self.ctx(form, SectionFormSet(initial=initial, prefix="sections")),
        )

    def post(self, request, **kwargs):
        self.setup_objects(kwargs)
        if self.new_version and not self._can_replace():
            return redirect(_paper_back(self.report))
        form = ReportForm(
            request.POST, instance=self.report, late=self.late, new_version=self.new_version
        )
        sections = SectionFormSet(request.POST, prefix="sections")
        if form.is_valid() and sections.is_valid():
            data = form.service_kwargs()
            section_data = [
                (f.cleaned_data.get("heading", ""), f.cleaned_data.get("body", ""))
                for f in sections.forms
                if f.cleaned_data.get("heading")
            ]
            try:
                note = data.pop("note", "")
                if self.new_version:
                    report = services.replace_report(
                        report=Report.all_objects.get(pk=self.report.pk),
                        version=form.cleaned_data.get("version"),
                        sections=section_data,
                        note=note,
                        by=request.user,
                        **data,
                    )
                elif self.report is None:
                    title = data.pop("title")
                    report = services.add_report(
                        agenda_item=self.item,
                        title=title,
                        sections=section_data,
                        by=request.user,
                        **data,
                    )
                else:
                    report = services.update_report(
                        report=self.report,
                        version=form.cleaned_data.get("version"),
                        sections=section_data,
                        by=request.user,
                        **data,
                    )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, f"Report saved: {report.title}.")
                return redirect(
                    reverse("officer-meeting", args=[self.item.meeting_id])
                    + f"#item-{self.item.pk}"
                )
        return render(request, self.template, self.ctx(form, sections))

    def _can_replace(self) -> bool:
        report = self.report
        if report.source != Report.Source.AUTHORED or not visibility.is_paper_current(report):
            messages.error(
                self.request,
                f"{report.title}: only the current version of a report written in the portal "
                "can have a new version (an uploaded report gets a new PDF).",
            )
            return False
        return True


def _keep_upload(request, form, staged):
    """After a failed upload form: keep the chosen file for the next attempt unless the file
    itself was the problem (``meetings.uploads.stage_upload``), and say so on the form."""
    chosen = request.FILES.get("uploaded_file")
    if chosen is not None:
        if staged is not None:
            staged.discard()
        staged = None
        if not form.has_error("uploaded_file"):
            staged = uploads.stage_upload(chosen, user=request.user)
    if staged is not None:
        keep_staged(form, staged)
    elif form.is_bound:
        form.data = form.data.copy()
        form.data["staged_upload"] = ""
        form._bound_fields_cache.clear()
    return form


def _uploaded_message(request, document, verb: str = "Uploaded") -> None:
    text = f"{verb} {document.title} ({document.page_count} page{pluralize(document.page_count)})."
    if document.sanitised:
        messages.warning(
            request,
            f"{text} For safety the portal removed from the PDF: "
            f"{document.sanitised}. Check the document still reads correctly.",
        )
    else:
        messages.success(request, text)
    if document.is_tagged is False:
        messages.warning(request, uploads.UNTAGGED_WARNING.format(title=document.title))


class DocumentUpload(OfficerRequiredMixin, View):
    template = "meetings/officer/form.html"

    def ctx(self, item, form):
        return {
            "form": form,
            "title": f"Upload a file to item {item.number}, {item.title} ({item.meeting})",
            "caption": f"{item.meeting} – {item.title}",
            "back": reverse("officer-meeting", args=[item.meeting_id]),
            "multipart": True,
            "button": "Upload",
        }

    def get(self, request, pk):
        item = _officer_item(pk)
        form = DocumentForm(late=item.meeting.is_published)
        return render(request, self.template, self.ctx(item, form))

    def post(self, request, pk):
        item = _officer_item(pk)
        staged = uploads.staged_upload(request.POST.get("staged_upload", ""), user=request.user)
        # A newly chosen file replaces the kept one.
        chosen = request.FILES.get("uploaded_file") is not None
        form = DocumentForm(
            request.POST,
            request.FILES,
            late=item.meeting.is_published,
            staged=None if chosen else staged,
        )
        if form.is_valid() and (refusal := services.late_paper_refusal(item.meeting)):
            form.add_error(None, refusal)  # before any conversion starts (issue 23)
        if form.is_valid() and conversion.is_convertible(form.cleaned_data["uploaded_file"]):
            return self.convert(request, item, form)
        if form.is_valid():
            data = form.cleaned_data
            try:
                with transaction.atomic():
                    document = services.add_document(
                        agenda_item=item,
                        uploaded_file=data["uploaded_file"],
                        title=data["title"],
                        urgency_reasons=data.get("urgency_reasons", ""),
                        by=request.user,
                    )
                    if data.get("is_report"):
                        services.add_report(
                            agenda_item=item,
                            title=data["title"],
                            source=Report.Source.UPLOADED,
                            document=document,
                            urgency_reasons=data.get("urgency_reasons", ""),
                            by=request.user,
                        )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                if staged is not None:
                    staged.discard()
                _uploaded_message(request, document)
                return redirect(reverse("officer-meeting", args=[item.meeting_id]) + f"#item-{pk}")
        _keep_upload(request, form, staged)
        return render(request, self.template, self.ctx(item, form))

    def convert(self, request, item, form):
        """A Word, OpenDocument, RTF or Excel file: kept, and converted in the background."""
        data = form.cleaned_data
        try:
            upload = conversion.start_conversion(
                agenda_item=item,
                uploaded_file=data["uploaded_file"],
                title=data["title"],
                is_report=bool(data.get("is_report")),
                urgency_reasons=data.get("urgency_reasons", ""),
                by=request.user,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
            return render(request, self.template, self.ctx(item, form))
        messages.success(
            request,
            f"Uploaded {upload.original_filename}: it is being converted to PDF. The item "
            "shows when it is converted.",
        )
        return redirect(reverse("officer-meeting", args=[item.meeting_id]) + f"#item-{item.pk}")


class LatePaperPublish(OfficerRequiredMixin, View):
    """Publish a draft late paper (report or document) with the chair's urgency reasons."""

    model = Report

    def post(self, request, pk):
        paper = get_object_or_404(
            self.model.all_objects.select_related("agenda_item__meeting"), pk=pk
        )
        item = paper.agenda_item
        try:
            services.publish_late_paper(
                paper=paper,
                urgency_reasons=request.POST.get("urgency_reasons", ""),
                by=request.user,
            )
        except ValidationError as exc:
            for error in exc.messages:
                messages.error(request, f"{paper.title}: {error}")
        else:
            messages.success(request, f"Published as a late paper: {paper.title}.")
        return redirect(reverse("officer-meeting", args=[item.meeting_id]) + f"#item-{item.pk}")


class PaperRemove(OfficerRequiredMixin, View):
    """Remove a report or an uploaded PDF: any paper before the agenda is published,
    afterwards only a draft late paper (one the chair did not agree to take, say)."""

    model: type[Report] | type[Document] = Document

    def post(self, request, pk):
        paper = get_object_or_404(
            self.model.all_objects.select_related("agenda_item__meeting"), pk=pk
        )
        meeting_id = paper.agenda_item.meeting_id
        is_report = self.model is Report
        try:
            if is_report:
                services.remove_report(report=paper, by=request.user)
            else:
                services.remove_document(document=paper, by=request.user)
        except ValidationError as exc:
            for error in exc.messages:
                messages.error(request, error)
        else:
            kind = "Report" if is_report else "Document"
            messages.success(request, f"{kind} removed: {paper.title}.")
        return redirect("officer-meeting", pk=meeting_id)


# --- after publication: withdraw, replace, move a paper (issue 15) -------------------------


def _officer_paper(model, pk):
    return get_object_or_404(
        model.all_objects.select_related("agenda_item__meeting__committee"), pk=pk
    )


def _paper_back(paper) -> str:
    item = paper.agenda_item
    return reverse("officer-meeting", args=[item.meeting_id]) + f"#item-{item.pk}"


def _kind(model) -> str:
    return "report" if model is Report else "PDF"


class PaperWithdraw(OfficerRequiredMixin, View):
    """Withdraw a published report or PDF, with the reason shown publicly."""

    model: type[Report] | type[Document] = Document
    template = "meetings/officer/form.html"

    def ctx(self, paper, form):
        return {
            "form": form,
            "title": f"Withdraw the {_kind(self.model)}: {paper.title}",
            "caption": f"{paper.agenda_item.meeting} – item {paper.agenda_item}",
            "intro": "The paper stops being available at once: on the meeting page, in the "
            "agenda packs (rebuilt without it), in search, the feeds and the open data. "
            "Officers keep it in the paper's history.",
            "back": _paper_back(paper),
            "button": "Withdraw the paper",
            "history_object": paper,
        }

    def get(self, request, pk):
        paper = _officer_paper(self.model, pk)
        return render(request, self.template, self.ctx(paper, WithdrawPaperForm()))

    def post(self, request, pk):
        paper = _officer_paper(self.model, pk)
        form = WithdrawPaperForm(request.POST)
        if form.is_valid():
            try:
                services.withdraw_paper(
                    paper=paper, reason=form.cleaned_data["reason"], by=request.user
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, f"Withdrawn: {paper.title}.")
                return redirect(_paper_back(paper))
        return render(request, self.template, self.ctx(paper, form))


class DocumentReplace(OfficerRequiredMixin, View):
    """Upload a new version of a PDF (an appendix or an uploaded report)."""

    template = "meetings/officer/form.html"

    def ctx(self, paper, form):
        return {
            "form": form,
            "title": f"Upload a new version: {paper.title}",
            "caption": f"{paper.agenda_item.meeting} – item {paper.agenda_item}",
            "back": _paper_back(paper),
            "button": "Upload the new version",
            "history_object": paper,
        }

    def get(self, request, pk):
        paper = _officer_paper(Document, pk)
        form = ReplaceDocumentForm(initial={"title": paper.title})
        return render(request, self.template, self.ctx(paper, form))

    def post(self, request, pk):
        paper = _officer_paper(Document, pk)
        staged = uploads.staged_upload(request.POST.get("staged_upload", ""), user=request.user)
        form = ReplaceDocumentForm(
            request.POST,
            request.FILES,
            staged=None if request.FILES.get("uploaded_file") is not None else staged,
        )
        if form.is_valid():
            data = form.cleaned_data
            try:
                new = services.replace_document(
                    document=paper,
                    uploaded_file=data["uploaded_file"],
                    title=data.get("title", ""),
                    note=data.get("note", ""),
                    by=request.user,
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                if staged is not None:
                    staged.discard()
                _uploaded_message(request, new, verb="New version uploaded:")
                return redirect(_paper_back(new))
        _keep_upload(request, form, staged)
        return render(request, self.template, self.ctx(paper, form))


class PaperMove(OfficerRequiredMixin, View):
    """Move a report or PDF to another item of the meeting, or of another meeting of the
    same committee."""

    model: type[Report] | type[Document] = Document
    template = "meetings/officer/form.html"

    def ctx(self, paper, form):
        intro = (
            "To another item of this meeting the paper keeps its state. To a meeting whose "
            "agenda is not yet published it goes out with that agenda. To another published "
            "meeting it arrives as a draft late paper, to publish there with the chair's "
            "reasons for urgency."
        )
        return {
            "form": form,
            "title": f"Move the {_kind(self.model)}: {paper.title}",
            "caption": f"{paper.agenda_item.meeting} – now on item {paper.agenda_item}",
            "intro": intro,
            "back": _paper_back(paper),
            "button": "Move the paper",
            "history_object": paper,
        }

    def form(self, paper, data=None):
        form = MovePaperForm(data, targets=services.move_targets(paper))
        if not paper.agenda_item.is_private:
            del form.fields["confirm_public"]
        return form

    def get(self, request, pk):
        paper = _officer_paper(self.model, pk)
        return render(request, self.template, self.ctx(paper, self.form(paper)))

    def post(self, request, pk):
        paper = _officer_paper(self.model, pk)
        form = self.form(paper, request.POST)
        if form.is_valid():
            data = form.cleaned_data
            target = AgendaItem.all_objects.filter(pk=data["to_item"]).first()
            try:
                if target is None:
                    raise ValidationError({"to_item": ["Choose the item to move the paper to."]})
                moved = services.move_paper(
                    paper=paper,
                    to_item=target,
                    confirm_public=data.get("confirm_public", False),
                    by=request.user,
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                where = f"item {target.number} of {target.meeting}"
                if moved.is_draft and not paper.is_draft:
                    messages.warning(
                        request,
                        f"Moved to {where}. That agenda is published: the paper is a draft "
                        "late paper there until you publish it with the chair's reasons for "
                        "urgency.",
                    )
                else:
                    messages.success(request, f"Moved to {where}: {moved.title}.")
                return redirect(_paper_back(moved))
        return render(request, self.template, self.ctx(paper, form))
