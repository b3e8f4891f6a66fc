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
    path("officer/email/suspended/", views.officer_suspended, name="officer-email-suspended"),
    path(
        "officer/email/suspended/<int:pk>/lift/",
        views.officer_lift_suspension,
        name="officer-email-suspended-lift",
    ),
]
