"""Pages of private notes (issue 23): write, edit and delete a note on an agenda item or a
paper; list one's notes for a meeting; print them as "My briefing" (``scrutiny.printing``).

Every page is under ``/my/``: signed-in only (the anonymous page cache never stores or answers
``/my/``, and ``scrutiny.privatecache`` makes every response ``private, no-store``). A record
the user may not read is a 404, the same whether it exists or not.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control

from meetings import notes, selectors
from meetings.models import SCHEDULE_12A_PARAGRAPHS, Meeting
from scrutiny import printing, visibility
from scrutiny.forms import BaseForm
from scrutiny.permissions import is_officer, signed_in_denial


class NoteForm(BaseForm):
    text = forms.CharField(
        label="Your note",
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=(
            f"Only you can see this note. Plain text, up to {notes.MAX_CHARS:,} characters."
        ),
    )

    def clean_text(self):
        try:
            return notes.clean_text(self.cleaned_data.get("text", ""))
        except ValidationError as error:
            raise forms.ValidationError(error.messages[0]) from None


def _meeting_url(meeting: Meeting, anchor: str = "") -> str:
    if visibility.is_meeting_public(meeting):
        return meeting.get_absolute_url() + (f"#{anchor}" if anchor else "")
    return reverse("my-meeting-notes", args=[meeting.pk])


def note_on_item(request, pk):
    denied = signed_in_denial(request)
    if denied:
        return denied
    item = notes.readable_item(request.user, pk)
    if item is None:
        raise Http404("No such agenda item.")
    return _note_page(request, item=item, document=None)


def note_on_paper(request, pk):
    denied = signed_in_denial(request)
    if denied:
        return denied
    document = notes.readable_document(request.user, pk)
    if document is None:
        raise Http404("No such paper.")
    return _note_page(request, item=document.agenda_item, document=document)


def _note_page(request, *, item, document):
    meeting = item.meeting
    anchor = f"paper-note-{document.pk}" if document else f"item-{item.pk}"
    back = _meeting_url(meeting, anchor)
    existing = notes.own_note(request.user, item=item, document=document)
    if request.method == "POST" and "delete" in request.POST:
        if notes.delete_note(author=request.user, item=item, document=document):
            messages.success(request, "Your note was deleted.")
        return redirect(back)
    if request.method == "POST":
        form = NoteForm(request.POST)
        if form.is_valid():
            notes.save_note(
                author=request.user, item=item, document=document, text=form.cleaned_data["text"]
            )
            messages.success(request, "Your note was saved. Only you can see it.")
            return redirect(back)
    else:
        initial = {"text": existing.text} if existing and not existing.unreadable else {}
        form = NoteForm(initial=initial)
    on = f"“{document.title}”" if document else f"item {item}"
    form.fields["text"].label = f"Your note on {on}"
    return render(
        request,
        "meetings/notes/note_form.html",
        {
            "form": form,
            "item": item,
            "document": document,
            "meeting": meeting,
            "existing": existing,
            "back": back,
            "title": "Edit your note" if existing else "Add a private note",
            "breadcrumbs": [
                ("My meetings", reverse("my-portal")),
                (f"My notes for {meeting}", reverse("my-meeting-notes", args=[meeting.pk])),
                ("Your note", None),
            ],
        },
    )


def _readable_meeting(request, pk) -> Meeting:
    meeting = Meeting.all_objects.select_related("committee").filter(pk=pk).first()
    if meeting is None or not (visibility.is_meeting_public(meeting) or is_officer(request.user)):
        raise Http404("No such meeting.")
    return meeting


def my_notes(request):
    denied = signed_in_denial(request)
    if denied:
        return denied
    return render(
        request,
        "meetings/notes/my_notes.html",
        {
            "rows": notes.meetings_with_notes(request.user),
            "upcoming": selectors.councillor_meetings(request.user, upcoming=True, limit=5),
            "breadcrumbs": [("My meetings", reverse("my-portal")), ("My notes", None)],
        },
    )


def my_meeting_notes(request, pk):
    denied = signed_in_denial(request)
    if denied:
        return denied
    meeting = _readable_meeting(request, pk)
    return render(
        request,
        "meetings/notes/meeting_notes.html",
        {
            "meeting": meeting,
            "notes": notes.meeting_notes(request.user, meeting),
            "breadcrumbs": [
                ("My meetings", reverse("my-portal")),
                ("My notes", reverse("my-notes")),
                (str(meeting), None),
            ],
        },
    )


def _marking(item) -> str:
    """The marking printed on an exempt or confidential item of the briefing."""
    if not item.is_private:
        return ""
    if item.is_confidential:
        return "Confidential – NOT FOR PUBLICATION (Local Government Act 1972, section 100A)."
    return f"Exempt – NOT FOR PUBLICATION (Schedule 12A paragraph {item.exempt_paragraph})."


def briefing_context(user, meeting: Meeting) -> dict:
    """The agenda as the user may read it, each item with the user's notes on it and on its
    papers. Only the user's own notes; exempt papers only if they may read them."""
    include_private = selectors.viewer_sees_exempt(user, meeting)
    items = selectors.agenda(meeting, include_private=include_private)
    notes.attach_to_agenda(user, meeting, items, include_private=include_private)
    for item in items:
        item.print_marking = _marking(item)
    person = getattr(user, "person", None)
    return {
        "meeting": meeting,
        "items": items,
        "include_private": include_private,
        "paragraphs": SCHEDULE_12A_PARAGRAPHS,
        "reader": person.display_name if person else user.get_username(),
        "printed_at": timezone.localtime(),
    }


def my_briefing(request, pk):
    denied = signed_in_denial(request)
    if denied:
        return denied
    meeting = _readable_meeting(request, pk)
    context = briefing_context(request.user, meeting)
    title = f"My briefing: {meeting.committee.name}, {timezone.localtime(meeting.start):%-d %B %Y}"
    data = printing.render_pdf(
        "meetings/notes/print/briefing.html",
        {**context, "title": title},
        title=title,
        author=context["reader"],
    )
    response = printing.pdf_response(
        data, filename=f"my-briefing-{timezone.localtime(meeting.start):%Y-%m-%d}.pdf"
    )
    patch_cache_control(response, private=True, no_store=True)
    return response


def meeting_notes_panel(request, meeting):
    """``meetings.extensions.meeting_top_panels``: on the meeting page, for a signed-in user,
    links to their notes for this meeting and to their briefing."""
    if not notes.may_keep_notes(request.user):
        return None
    return ("meetings/notes/_meeting_panel.html", {"meeting": meeting})
