from django.urls import path

from meetings.minutes.views import exports, officer, public

urlpatterns = [
    # Public pages.
    path("meetings/<int:pk>/minutes/", public.meeting_minutes, name="meeting-minutes"),
    path("meetings/<int:pk>/minutes.pdf", public.meeting_minutes_pdf, name="meeting-minutes-pdf"),
    path("actions/", public.action_tracker, name="action-tracker"),
    path("actions.csv", exports.action_tracker_csv, name="action-tracker-csv"),
    path("actions/<int:pk>/", public.action_detail, name="action-detail"),
    path("committees/<slug:slug>/actions/", public.committee_actions, name="committee-actions"),
    path(
        "committees/<slug:slug>/actions.csv",
        exports.committee_actions_csv,
        name="committee-actions-csv",
    ),
    # Officer pages: minute taking.
    path("officer/minutes/", officer.officer_minutes, name="officer-minutes"),
    path(
        "officer/minutes/meeting/<int:pk>/",
        officer.officer_minutes_take,
        name="officer-minutes-take",
    ),
    path(
        "officer/minutes/meeting/<int:pk>/start/",
        officer.officer_minutes_start,
        name="officer-minutes-start",
    ),
    path(
        "officer/minutes/meeting/<int:pk>/register/",
        officer.AttendanceRegisterPage.as_view(),
        name="officer-attendance-register",
    ),
    path(
        "officer/minutes/<int:pk>/attendance/add/",
        officer.officer_attendee_add,
        name="officer-attendee-add",
    ),
    path(
        "officer/minutes/attendance/<int:pk>/remove/",
        officer.officer_attendee_remove,
        name="officer-attendee-remove",
    ),
    path(
        "officer/minutes/<int:pk>/no-interests/",
        officer.officer_no_interests,
        name="officer-minutes-no-interests",
    ),
    path(
        "officer/minutes/<int:pk>/publish/",
        officer.officer_minutes_publish,
        name="officer-minutes-publish",
    ),
    path("officer/minutes/item/<int:pk>/", officer.officer_minute_edit, name="officer-minute-edit"),
    path(
        "officer/minutes/item/<int:pk>/declarations/add/",
        officer.officer_declaration_add,
        name="officer-declaration-add",
    ),
    path(
        "officer/minutes/declarations/<int:pk>/remove/",
        officer.officer_declaration_remove,
        name="officer-declaration-remove",
    ),
    path(
        "officer/minutes/item/<int:pk>/approve/",
        officer.officer_minutes_approve,
        name="officer-minutes-approve",
    ),
    path(
        "officer/minutes/item/<int:pk>/correct/",
        officer.officer_minute_correct,
        name="officer-minute-correct",
    ),
    # Officer pages: actions.
    path("officer/actions/", officer.officer_actions, name="officer-actions"),
    path("officer/actions/add/", officer.officer_action_add, name="officer-minutes-action-add"),
    path(
        "officer/actions/<int:pk>/edit/",
        officer.officer_action_edit,
        name="officer-minutes-action-edit",
    ),
    path(
        "officer/actions/<int:pk>/notes/add/",
        officer.officer_action_note_add,
        name="officer-minutes-action-note-add",
    ),
]
