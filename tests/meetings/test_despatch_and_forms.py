"""Issue 15 item 5 (a past meeting's real despatch date) and item 11 (small things: "1 page",
the chair's reasons labelled as they are validated, a failed upload keeps the chosen file)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from meetings import services
from meetings.models import Document, Meeting
from meetings.uploads import STAGED_DIR
from tests.factories import make_user
from tests.factories.meetings import (
    LONDON,
    AgendaItemFactory,
    MeetingFactory,
    PublishedMeetingFactory,
    make_pdf_bytes,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer():
    return make_user("officer", username="clerk")


def past_meeting(days_ago: int = 40) -> Meeting:
    start = dt.datetime.combine(
        timezone.localdate() - dt.timedelta(days=days_ago), dt.time(10), tzinfo=LONDON
    )
    meeting = MeetingFactory(start=start)
    AgendaItemFactory(meeting=meeting, title="Business")
    return meeting


def test_past_meeting_published_with_its_real_despatch_date(client, officer):
    meeting = past_meeting()
    day = timezone.localtime(meeting.start).date()
    despatched = day - dt.timedelta(days=10)
    services.publish_meeting(meeting=meeting, despatched_on=despatched, by=officer)
    meeting.refresh_from_db()
    assert timezone.localtime(meeting.published_at).date() == despatched
    assert meeting.publication_entered_at is not None and not meeting.published_late
    assert meeting.history.first().history_user == officer
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert f"Published on {despatched:%A %-d %B %Y}" in page
    assert f"(entered on this site on {timezone.localdate():%-d %B %Y})" in page
    assert "Published late" not in page


def test_despatch_date_rules(officer):
    meeting = past_meeting()
    day = timezone.localtime(meeting.start).date()
    for bad, message in (
        (timezone.localdate() + dt.timedelta(days=1), "cannot be in the future"),
        (day + dt.timedelta(days=1), "on or before the day of the meeting"),
        (day - dt.timedelta(days=400), "more than a year before the meeting"),
    ):
        with pytest.raises(ValidationError, match=message):
            services.publish_meeting(meeting=meeting, despatched_on=bad, by=officer)
    meeting.refresh_from_db()
    assert not meeting.is_published
    # Despatched too late, as recorded: still needs the confirmation, as of that date.
    with pytest.raises(ValidationError) as exc:
        services.publish_meeting(meeting=meeting, despatched_on=day - dt.timedelta(1), by=officer)
    assert "clear working day" in str(exc.value.message_dict["confirm_late"])


def test_upcoming_meeting_refuses_a_despatch_date_on_the_field(client, officer):
    """Finding 3 (notes-attack.md): an upcoming meeting's agenda is published today; a typed
    despatch date would make a late agenda look in time."""
    start = timezone.now() + dt.timedelta(days=2)
    meeting = MeetingFactory(start=start)
    AgendaItemFactory(meeting=meeting, title="Business")
    client.force_login(officer)
    url = reverse("officer-meeting-publish", args=[meeting.pk])
    back = timezone.localdate() - dt.timedelta(days=10)
    response = client.post(url, {"despatched_on": f"{back:%Y-%m-%d}", "confirm_late": "on"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "only for a meeting that is already over" in page
    assert "already over" in " ".join(response.context["form"].errors["despatched_on"])
    meeting.refresh_from_db()
    assert not meeting.is_published
    # Today's date is no back-dating: it publishes (late, with the confirmation).
    response = client.post(
        url, {"despatched_on": f"{timezone.localdate():%Y-%m-%d}", "confirm_late": "on"}
    )
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.is_published and meeting.published_late
    assert meeting.publication_entered_at is None


def test_warning_for_a_meeting_that_is_over_says_so(client, officer):
    meeting = past_meeting()
    warnings = services.publication_warnings(meeting)
    assert "already over" in warnings["confirm_late"]
    assert "late" not in warnings["confirm_late"].split(":")[0]
    client.force_login(officer)
    url = reverse("officer-meeting-publish", args=[meeting.pk])
    page = client.get(url).content.decode()
    assert "Date the agenda was despatched" in page
    assert "published after the meeting" in page
    despatched = timezone.localtime(meeting.start).date() - dt.timedelta(days=14)
    response = client.post(url, {"despatched_on": f"{despatched:%Y-%m-%d}"})
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert timezone.localtime(meeting.published_at).date() == despatched
    # In the future: the message is on the form.
    other = past_meeting(days_ago=50)
    response = client.post(
        reverse("officer-meeting-publish", args=[other.pk]),
        {"despatched_on": f"{timezone.localdate() + dt.timedelta(days=3):%Y-%m-%d}"},
    )
    assert "cannot be in the future" in response.content.decode()


def test_upload_message_says_one_page(client, officer):
    item = AgendaItemFactory(meeting=MeetingFactory())
    client.force_login(officer)
    response = client.post(
        reverse("officer-document-add", args=[item.pk]),
        {"title": "One pager", "uploaded_file": SimpleUploadedFile("a.pdf", make_pdf_bytes(1))},
        follow=True,
    )
    page = response.content.decode()
    assert "Uploaded One pager (1 page)." in page and "(1 pages)" not in page


def test_late_item_reasons_are_labelled_required(client, officer):
    meeting = PublishedMeetingFactory()
    client.force_login(officer)
    url = reverse("officer-item-add", args=[meeting.pk])
    page = client.get(url).content.decode()
    assert "The chair&#x27;s reasons for urgency</label>" in page
    assert "The chair&#x27;s reasons for urgency (optional)" not in page
    response = client.post(url, {"title": "Urgent item", "kind": "business"})
    assert "Enter the chair&#x27;s reasons" in response.content.decode()


def test_failed_upload_keeps_the_chosen_file(client, officer):
    item = AgendaItemFactory(meeting=MeetingFactory())
    client.force_login(officer)
    url = reverse("officer-document-add", args=[item.pk])
    pdf = make_pdf_bytes(2, "Kept file")
    response = client.post(
        url, {"title": "", "uploaded_file": SimpleUploadedFile("Kept report.pdf", pdf)}
    )
    page = response.content.decode()
    assert "Enter a title for the document." in page
    assert "“Kept report.pdf” is kept from your last attempt" in page
    token = page.split('name="staged_upload" value="', 1)[1].split('"', 1)[0]
    assert token
    # Another officer cannot use the token.
    other = make_user("officer", username="other-clerk")
    client.force_login(other)
    response = client.post(url, {"title": "Stolen", "staged_upload": token})
    assert "Choose a file to upload." in response.content.decode()
    # The officer submits again without choosing the file.
    client.force_login(officer)
    response = client.post(url, {"title": "Kept report", "staged_upload": token})
    assert response.status_code == 302
    document = Document.all_objects.get(title="Kept report")
    assert document.original_filename == "Kept report.pdf" and document.page_count == 2
    _dirs, files = default_storage.listdir(STAGED_DIR)
    assert files == []  # the kept file is gone once used


def test_a_bad_file_is_not_kept(client, officer):
    item = AgendaItemFactory(meeting=MeetingFactory())
    client.force_login(officer)
    response = client.post(
        reverse("officer-document-add", args=[item.pk]),
        {"title": "T", "uploaded_file": SimpleUploadedFile("x.pdf", b"not a pdf")},
    )
    page = response.content.decode()
    assert "not a PDF" in page and "is kept from your last attempt" not in page
