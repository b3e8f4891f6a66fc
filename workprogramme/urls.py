from django.urls import path

from workprogramme import views

urlpatterns = [
    path("work-programme/", views.index, name="workprogramme-index"),
    path("work-programme/items/", views.item_list, name="workprogramme-items"),
    path("work-programme/items/<int:pk>/", views.item_detail, name="workprogramme-item"),
    path(
        "committees/<slug:slug>/work-programme/",
        views.committee_workprogramme,
        name="committee-workprogramme",
    ),
    path("improvement-plans/<slug:slug>/", views.plan_detail, name="improvement-plan"),
    path("improvement-plans/actions/<int:pk>/", views.action_detail, name="improvement-action"),
    path("inspections/<slug:slug>/", views.inspection_detail, name="inspection-detail"),
    path("reviews/recommendations/", views.recommendation_list, name="review-recommendations"),
    path("reviews/<slug:slug>/", views.review_detail, name="review-detail"),
    path(
        "reviews/<slug:slug>/recommendations/<int:number>/",
        views.recommendation_detail,
        name="review-recommendation",
    ),
    path("lead-member-reports/<int:pk>/", views.lead_member_report, name="lead-member-report"),
    path("trackers/<str:kind>/<str:key>/print.pdf", views.tracker_pdf, name="tracker-pdf"),
    # Officer pages.
    path("officer/work-programme/", views.officer_home, name="officer-workprogramme"),
    path(
        "officer/work-programme/programmes/add/",
        views.programme_add,
        name="officer-programme-add",
    ),
    path(
        "officer/work-programme/programmes/<int:programme_pk>/items/add/",
        views.item_add,
        name="officer-wp-item-add",
    ),
    path(
        "officer/work-programme/items/<int:pk>/edit/",
        views.item_edit,
        name="officer-wp-item-edit",
    ),
    path(
        "officer/work-programme/items/<int:pk>/schedule/",
        views.item_schedule,
        name="officer-wp-item-schedule",
    ),
    path(
        "officer/work-programme/considerations/<int:pk>/agenda/",
        views.consideration_to_agenda,
        name="officer-wp-consideration-agenda",
    ),
    path(
        "officer/work-programme/considerations/<int:pk>/remove/",
        views.consideration_remove,
        name="officer-wp-consideration-remove",
    ),
    path(
        "officer/work-programme/actions/<int:pk>/edit/",
        views.action_edit,
        name="officer-action-edit",
    ),
    path(
        "officer/work-programme/actions/<int:pk>/progress/",
        views.action_progress,
        name="officer-action-progress",
    ),
    path(
        "officer/work-programme/deliverables/<int:pk>/done/",
        views.deliverable_done,
        name="officer-deliverable-done",
    ),
    path(
        "officer/work-programme/recommendations/<int:pk>/response/",
        views.recommendation_response,
        name="officer-rec-response",
    ),
    path(
        "officer/work-programme/recommendations/<int:pk>/follow-up/",
        views.recommendation_follow_up,
        name="officer-rec-follow-up",
    ),
    path(
        "officer/work-programme/recommendations/<int:pk>/action-plan/",
        views.recommendation_plan_item,
        name="officer-rec-plan-item",
    ),
    path(
        "officer/work-programme/lead-member-reports/add/",
        views.lead_report_add,
        name="officer-lead-report-add",
    ),
    path(
        "officer/work-programme/lead-member-reports/<int:pk>/highlights/",
        views.lead_report_highlight,
        name="officer-lead-report-highlight",
    ),
]
