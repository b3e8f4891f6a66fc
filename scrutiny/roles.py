"""The portal's roles as Django groups, kept in step after every migrate."""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission

from scrutiny.apps_list import OFFICER_EDITED_APP_LABELS

OFFICERS = "Democracy officers"
COUNCILLORS = "Councillors"
ADMINISTRATORS = "Administrators"

# Apps whose records democracy officers create and edit.
BUSINESS_APPS = sorted(OFFICER_EDITED_APP_LABELS)


def ensure_roles() -> dict[str, Group]:
    officer_perms = Permission.objects.filter(content_type__app_label__in=BUSINESS_APPS)
    officers, _ = Group.objects.get_or_create(name=OFFICERS)
    officers.permissions.set(officer_perms)
    councillors, _ = Group.objects.get_or_create(name=COUNCILLORS)
    councillors.permissions.clear()
    admins, _ = Group.objects.get_or_create(name=ADMINISTRATORS)
    admin_perms = Permission.objects.filter(
        content_type__app_label__in=[*BUSINESS_APPS, "auth", "axes"]
    )
    admins.permissions.set(admin_perms)
    return {OFFICERS: officers, COUNCILLORS: councillors, ADMINISTRATORS: admins}


# The roles an administrator gives from the people-and-roles page (issue 21, item 5), and
# the groups each means. An administrator is also in the officers' group, as the demo's is.
OFFICER_ROLE = "officer"
ADMINISTRATOR_ROLE = "administrator"
STAFF_ROLES = {OFFICER_ROLE: "Democracy officer", ADMINISTRATOR_ROLE: "Administrator"}
ROLE_GROUPS = {OFFICER_ROLE: (OFFICERS,), ADMINISTRATOR_ROLE: (ADMINISTRATORS, OFFICERS)}


def staff_role(user) -> str | None:
    """The user's role on the people-and-roles page, from their groups (None: neither)."""
    names = {g.name for g in user.groups.all()}
    if ADMINISTRATORS in names:
        return ADMINISTRATOR_ROLE
    if OFFICERS in names:
        return OFFICER_ROLE
    return None
