from django.apps import AppConfig


class OpendataConfig(AppConfig):
    name = "opendata"
    verbose_name = "Search, feeds and open data"

    def ready(self):
        from meetings.extensions import meeting_panels
        from opendata import decisions, minutes, receivers, views

        receivers.connect()
        meeting_panels.register(views.meeting_calendar_panel)
        minutes.register()
        decisions.watch()
