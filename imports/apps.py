from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "imports"
    label = "imports"
    verbose_name = "Imports from other committee systems"
    default_auto_field = "django.db.models.BigAutoField"
