"""scrutiny.auth_backend.PortalModelBackend answers as Django's ModelBackend, in one query."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext

from scrutiny.auth_backend import PortalModelBackend
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def _fresh(user):
    return get_user_model().objects.get(pk=user.pk)


@pytest.mark.parametrize("role", ["officer", "councillor", "admin"])
def test_the_same_permissions_as_model_backend_in_one_query(role):
    user = make_user(role)
    extra = Permission.objects.get(codename="view_group")
    user.user_permissions.add(extra)
    expected = ModelBackend().get_all_permissions(_fresh(user))
    fresh = _fresh(user)
    with CaptureQueriesContext(connection) as ctx:
        found = PortalModelBackend().get_all_permissions(fresh)
        PortalModelBackend().get_all_permissions(fresh)  # kept for the request
    assert found == expected
    assert "auth.view_group" in found
    assert len(ctx.captured_queries) == 1


def test_superusers_inactive_users_and_a_role_taken_away():
    admin = get_user_model().objects.create_superuser("root", "r@example.org", "x")
    assert PortalModelBackend().get_all_permissions(
        _fresh(admin)
    ) == ModelBackend().get_all_permissions(_fresh(admin))
    officer = make_user("officer")
    assert _fresh(officer).has_perm("scrutiny.manage_business")
    officer.groups.clear()
    assert not _fresh(officer).has_perm("scrutiny.manage_business")
    officer.is_active = False
    officer.save()
    assert PortalModelBackend().get_all_permissions(_fresh(officer)) == set()
    assert Group.objects.exists()
