"""Django's ModelBackend with a user's permissions read in one query (issue 20).

Every signed-in page asks whether the user is an officer (``scrutiny.permissions``), and
ModelBackend answers from two queries: the user's own permissions, then their groups'. This
backend reads both at once and keeps them on the user object for the request, exactly as
ModelBackend does (``_perm_cache``); this backend keeps nothing between requests (the reader
cache below drops its copy on any change to roles), so a role taken away counts on the next
request. ``tests/scrutiny/test_auth_backend.py`` holds it to
ModelBackend's answers.

With the reader cache on (``scrutiny.readers``), ``get_user`` (the user of a session, once a
request) returns the user from their reader profile, permissions included: no query at all
until something a reader's access depends on changes."""

from __future__ import annotations

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Permission
from django.db.models import Q

from scrutiny import readers


class PortalModelBackend(ModelBackend):
    def get_user(self, user_id):
        if not readers.enabled():
            return super().get_user(user_id)
        return readers.load_user(user_id, super().get_user, self.get_all_permissions)

    def get_all_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_perm_cache"):
            permissions = Permission.objects.all()
            if not user_obj.is_superuser:
                permissions = permissions.filter(Q(user=user_obj) | Q(group__user=user_obj))
            user_obj._perm_cache = {
                f"{app_label}.{codename}"
                for app_label, codename in permissions.values_list(
                    "content_type__app_label", "codename"
                ).distinct()
            }
        return user_obj._perm_cache
