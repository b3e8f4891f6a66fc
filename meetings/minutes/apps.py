from django.apps import AppConfig


class MinutesConfig(AppConfig):
    name = "meetings.minutes"
    label = "minutes"
    verbose_name = "Minutes and actions"
