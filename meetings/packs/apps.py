from django.apps import AppConfig


class PacksConfig(AppConfig):
    name = "meetings.packs"
    label = "packs"
    verbose_name = "Agenda packs and print"
