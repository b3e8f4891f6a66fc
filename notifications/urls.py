from django.urls import path

from . import views

urlpatterns = [
    path("alerts/", views.subscribe, name="alerts-subscribe"),
    path("alerts/privacy/", views.privacy, name="alerts-privacy"),
    path("alerts/confirm/<str:token>/", views.confirm, name="alerts-confirm"),
    path("alerts/manage/<str:token>/", views.manage, name="alerts-manage"),
    path("alerts/unsubscribe/<str:token>/", views.unsubscribe, name="alerts-unsubscribe"),
    path(
        "officer/meetings/<int:pk>/email/",
        views.officer_meeting_email,
        name="officer-meeting-email",
    ),
    path(
        "officer/meetings/<int:pk>/email/summons/",
        views.officer_send_summons,
        name="officer-meeting-email-summons",
    ),
    path(
        "officer/meetings/<int:pk>/email/<int:row>/resend/",
        views.officer_resend,
        name="officer-meeting-email-resend",
    ),
]
