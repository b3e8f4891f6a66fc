from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "notifications"
    label = "notifications"
    verbose_name = "Email: summons, alerts and notices"

    def ready(self) -> None:
        from meetings.extensions import meeting_panels, officer_meeting_panels
        from meetings.signals import meeting_changed, meeting_published
        from scrutiny.extensions import committee_panels
        from scrutiny.signals import set_password_link_issued

        from . import notices, panels, receivers

        meeting_published.connect(
            receivers.on_meeting_published, dispatch_uid="notifications-meeting-published"
        )
        meeting_changed.connect(
            receivers.on_meeting_changed, dispatch_uid="notifications-meeting-changed"
        )
        set_password_link_issued.connect(
            notices.on_set_password_link, dispatch_uid="notifications-set-password"
        )
        receivers.connect_decisions()
        officer_meeting_panels.register(panels.officer_email_panel)
        committee_panels.register(panels.committee_alerts_panel)
        meeting_panels.register(panels.meeting_alerts_panel)
