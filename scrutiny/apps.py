from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _sync_roles(sender, **kwargs):
    from scrutiny.roles import ensure_roles

    ensure_roles()


class ScrutinyConfig(AppConfig):
    name = "scrutiny"
    verbose_name = "People and committees"

    def ready(self):
        # Roles depend on every app's permissions, so sync after the whole migrate.
        post_migrate.connect(_sync_roles, dispatch_uid="scrutiny.sync_roles")
