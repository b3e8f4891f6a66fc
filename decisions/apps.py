from django.apps import AppConfig


class DecisionsConfig(AppConfig):
    name = "decisions"
    verbose_name = "Executive decisions, the forward plan and call-in"

    def ready(self):
        from decisions import panels, receivers
        from meetings.extensions import officer_meeting_panels

        officer_meeting_panels.register(panels.officer_meeting_decisions_panel)
        receivers.connect()
