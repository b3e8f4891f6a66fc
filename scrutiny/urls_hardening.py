"""Routes of the hardening work (issue 9): the audit trail for officers."""

from django.urls import path

from scrutiny import audit_views

urlpatterns = [
    path("officer/history/", audit_views.RecentChanges.as_view(), name="officer-history-recent"),
    path(
        "officer/history/<slug:app_label>/<slug:model_name>/<int:pk>/",
        audit_views.RecordHistory.as_view(),
        name="officer-history",
    ),
]
