from django.urls import include, path

from decisions import officer_views as officer
from decisions import views

urlpatterns = [
    path("forward-plan/", views.forward_plan, name="forward-plan"),
    path("forward-plan/entries/<int:pk>/", views.forward_plan_entry, name="forward-plan-entry"),
    path("forward-plan/editions/", views.edition_list, name="forward-plan-editions"),
    path(
        "forward-plan/editions/<int:number>/",
        views.edition_detail,
        name="forward-plan-edition",
    ),
    path("decisions/", views.decision_list, name="decision-list"),
    path("decisions/<int:pk>/", views.decision_detail, name="decision-detail"),
    path(
        "decisions/<int:decision_pk>/reports/<int:pk>/",
        views.delegated_report_download,
        name="decision-report",
    ),
    # Officer pages.
    path("officer/decisions/", officer.OfficerDecisionsHome.as_view(), name="officer-decisions"),
    path(
        "officer/decisions/settings/",
        officer.SettingsEdit.as_view(),
        name="officer-decision-settings",
    ),
    path(
        "officer/decisions/portfolio-holders/add/",
        officer.PortfolioHolderAdd.as_view(),
        name="officer-portfolio-holder-add",
    ),
    path(
        "officer/decisions/portfolio-holders/<int:pk>/edit/",
        officer.PortfolioHolderEdit.as_view(),
        name="officer-portfolio-holder-edit",
    ),
    path(
        "officer/decisions/delegated-officers/add/",
        officer.DelegatedOfficerAdd.as_view(),
        name="officer-delegated-officer-add",
    ),
    path(
        "officer/decisions/delegated-officers/<int:pk>/edit/",
        officer.DelegatedOfficerEdit.as_view(),
        name="officer-delegated-officer-edit",
    ),
    path("officer/decisions/wards/add/", officer.WardsAdd.as_view(), name="officer-wards-add"),
    path(
        "officer/forward-plan/add/",
        officer.EntryAdd.as_view(),
        name="officer-forward-plan-entry-add",
    ),
    path(
        "officer/forward-plan/<int:pk>/",
        officer.EntryDetail.as_view(),
        name="officer-forward-plan-entry",
    ),
    path(
        "officer/forward-plan/<int:pk>/edit/",
        officer.EntryEdit.as_view(),
        name="officer-forward-plan-entry-edit",
    ),
    path(
        "officer/forward-plan/<int:pk>/publish/",
        officer.EntryPublish.as_view(),
        name="officer-forward-plan-entry-publish",
    ),
    path(
        "officer/forward-plan/<int:pk>/status/",
        officer.EntryStatusChange.as_view(),
        name="officer-forward-plan-entry-status",
    ),
    path(
        "officer/forward-plan/editions/publish/",
        officer.EditionPublish.as_view(),
        name="officer-forward-plan-edition-publish",
    ),
    path("officer/decisions/add/", officer.DecisionAdd.as_view(), name="officer-decision-add"),
    path("officer/decisions/<int:pk>/", officer.DecisionDetail.as_view(), name="officer-decision"),
    path(
        "officer/decisions/<int:pk>/reports/add/",
        officer.DelegatedReportAdd.as_view(),
        name="officer-decision-report-add",
    ),
    path(
        "officer/decisions/<int:pk>/edit/",
        officer.DecisionEdit.as_view(),
        name="officer-decision-edit",
    ),
    path(
        "officer/decisions/<int:pk>/publish/",
        officer.DecisionPublish.as_view(),
        name="officer-decision-publish",
    ),
    path(
        "officer/decisions/<int:pk>/implemented/",
        officer.DecisionImplemented.as_view(),
        name="officer-decision-implemented",
    ),
    path(
        "officer/meetings/<int:pk>/decisions-from-minutes/",
        officer.DecisionsFromMinutes.as_view(),
        name="officer-decisions-from-minutes",
    ),
    # The call-in workflow (decisions.callin_urls).
    path("", include("decisions.callin_urls")),
]
