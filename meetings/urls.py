from django.urls import path

from meetings import agenda_views, conversion_views, document_views, notes_views, views
from meetings.models import Document, Report

urlpatterns = [
    # A signed-in member's own page (never in the public page cache: /my/ is excluded).
    path("my/", views.MyMeetings.as_view(), name="my-portal"),
    path("my/changes/seen/", views.AcknowledgeChanges.as_view(), name="my-changes-seen"),
    path("my/exempt-reads/", views.MyExemptReads.as_view(), name="my-exempt-reads"),
    # Private notes (issue 23, meetings/notes.py): the author's own, never cached.
    path("my/notes/", notes_views.my_notes, name="my-notes"),
    path("my/notes/meetings/<int:pk>/", notes_views.my_meeting_notes, name="my-meeting-notes"),
    path("my/notes/meetings/<int:pk>/briefing.pdf", notes_views.my_briefing, name="my-briefing"),
    path("my/notes/items/<int:pk>/", notes_views.note_on_item, name="note-item"),
    path("my/notes/papers/<int:pk>/", notes_views.note_on_paper, name="note-paper"),
    # Public pages.
    path("meetings/", views.meeting_calendar, name="meeting-calendar"),
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting-detail"),
    path("committees/<slug:slug>/meetings/", views.committee_meetings, name="committee-meetings"),
    path("reports/<int:pk>/", views.report_detail, name="report-detail"),
    path("documents/<int:pk>/", views.document_download, name="document-download"),
    path("documents/<int:pk>/text/", document_views.document_html, name="document-html"),
    path(
        "documents/<int:pk>/original/",
        conversion_views.document_original,
        name="document-original",
    ),
    # Officer pages.
    path("officer/meetings/", views.OfficerMeetingList.as_view(), name="officer-meetings"),
    path("officer/meetings/add/", views.MeetingCreate.as_view(), name="officer-meeting-add"),
    path("officer/meetings/<int:pk>/", views.OfficerMeeting.as_view(), name="officer-meeting"),
    path(
        "officer/meetings/<int:pk>/exempt-access/",
        views.OfficerExemptAccess.as_view(),
        name="officer-meeting-exempt-access",
    ),
    path(
        "officer/meetings/<int:pk>/edit/",
        views.MeetingUpdate.as_view(),
        name="officer-meeting-edit",
    ),
    path(
        "officer/meetings/<int:pk>/preview/<str:audience>/",
        views.MeetingPreview.as_view(),
        name="officer-meeting-preview",
    ),
    path(
        "officer/meetings/<int:pk>/publish/",
        views.MeetingPublish.as_view(),
        name="officer-meeting-publish",
    ),
    path(
        "officer/meetings/<int:pk>/cancel/",
        views.MeetingNotice.as_view(action="cancel"),
        name="officer-meeting-cancel",
    ),
    path(
        "officer/meetings/<int:pk>/postpone/",
        views.MeetingNotice.as_view(action="postpone"),
        name="officer-meeting-postpone",
    ),
    path(
        "officer/meetings/<int:pk>/held/",
        views.MeetingHeld.as_view(),
        name="officer-meeting-held",
    ),
    path(
        "officer/meetings/<int:pk>/items/add/", views.ItemCreate.as_view(), name="officer-item-add"
    ),
    path("officer/items/<int:pk>/edit/", views.ItemUpdate.as_view(), name="officer-item-edit"),
    path(
        "officer/meetings/<int:pk>/items/add-several/",
        agenda_views.ItemsAddSeveral.as_view(),
        name="officer-items-add-several",
    ),
    path("officer/items/<int:pk>/move/", agenda_views.ItemMove.as_view(), name="officer-item-move"),
    path(
        "officer/items/<int:pk>/remove/",
        agenda_views.ItemRemove.as_view(),
        name="officer-item-remove",
    ),
    path(
        "officer/items/<int:pk>/reports/add/",
        views.ReportEdit.as_view(),
        name="officer-report-add",
    ),
    path(
        "officer/reports/<int:report_pk>/edit/",
        views.ReportEdit.as_view(),
        name="officer-report-edit",
    ),
    path(
        "officer/items/<int:pk>/documents/add/",
        views.DocumentUpload.as_view(),
        name="officer-document-add",
    ),
    path(
        "officer/documents/<int:pk>/remove/",
        views.PaperRemove.as_view(model=Document),
        name="officer-document-remove",
    ),
    path(
        "officer/reports/<int:pk>/remove/",
        views.PaperRemove.as_view(model=Report),
        name="officer-report-remove",
    ),
    path(
        "officer/reports/<int:pk>/publish/",
        views.LatePaperPublish.as_view(model=Report),
        name="officer-report-publish",
    ),
    path(
        "officer/documents/<int:pk>/publish/",
        views.LatePaperPublish.as_view(model=Document),
        name="officer-document-publish",
    ),
    # After publication (issue 15): withdraw, new version, move.
    path(
        "officer/reports/<int:pk>/withdraw/",
        views.PaperWithdraw.as_view(model=Report),
        name="officer-report-withdraw",
    ),
    path(
        "officer/documents/<int:pk>/withdraw/",
        views.PaperWithdraw.as_view(model=Document),
        name="officer-document-withdraw",
    ),
    path(
        "officer/reports/<int:report_pk>/new-version/",
        views.ReportEdit.as_view(new_version=True),
        name="officer-report-new-version",
    ),
    path(
        "officer/documents/<int:pk>/new-version/",
        views.DocumentReplace.as_view(),
        name="officer-document-new-version",
    ),
    path(
        "officer/reports/<int:pk>/move/",
        views.PaperMove.as_view(model=Report),
        name="officer-report-move",
    ),
    path(
        "officer/documents/<int:pk>/move/",
        views.PaperMove.as_view(model=Document),
        name="officer-document-move",
    ),
    path(
        "officer/conversions/<int:pk>/original/",
        conversion_views.OfficerOriginal.as_view(),
        name="officer-conversion-original",
    ),
    path(
        "officer/conversions/<int:pk>/retry/",
        conversion_views.ConversionAction.as_view(action="retry"),
        name="officer-conversion-retry",
    ),
    path(
        "officer/conversions/<int:pk>/remove/",
        conversion_views.ConversionAction.as_view(action="remove"),
        name="officer-conversion-remove",
    ),
    path(
        "officer/committees/<slug:slug>/standard-items/",
        agenda_views.StandardItems.as_view(),
        name="officer-standard-items",
    ),
    path(
        "officer/constitution/standard-items/",
        agenda_views.CouncilStandardItems.as_view(),
        name="officer-constitution-standard-items",
    ),
]
