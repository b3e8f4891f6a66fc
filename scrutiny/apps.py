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
        # Page-cache invalidation must follow changes made anywhere: web requests, task
        # workers and management commands alike.
        from scrutiny.cache import connect_signals

        connect_signals()
        from scrutiny.audit import cache_history_manager_classes

        cache_history_manager_classes()
        # Signed-in readers' profiles follow changes to users, roles and memberships.
        from scrutiny import readers

        readers.connect_signals()
        # Stored public PDFs (minutes, trackers) are rebuilt after the changes they print.
        from scrutiny import stored_pdfs

        stored_pdfs.connect_signals()
        # A sign-in starts the session's deadline, which the session warning shows.
        from django.contrib.auth.signals import user_logged_in

        from scrutiny.session_timeout import on_sign_in

        user_logged_in.connect(on_sign_in, dispatch_uid="scrutiny.session_deadline")
