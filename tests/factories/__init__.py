"""Factories for core records. Each app's factories live beside this file
(``tests/factories/meetings.py`` and so on)."""

from __future__ import annotations

import datetime as dt

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from scrutiny.models import Committee, Membership, MunicipalYear, Person
from scrutiny.roles import ADMINISTRATORS, COUNCILLORS, OFFICERS, ensure_roles


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.PostGenerationMethodCall("set_password", "test-password-1")


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    kind = Person.Kind.COUNCILLOR
    honorific = "Councillor"
    name = factory.Faker("name", locale="en_GB")
    slug = factory.Sequence(lambda n: f"person-{n}")
    party = "Labour"
    ward = "Almondbury"


class OfficerFactory(PersonFactory):
    kind = Person.Kind.OFFICER
    honorific = ""
    party = ""
    ward = ""
    job_title = "Governance Officer"
    service = "Democratic Services"


class CommitteeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Committee

    name = factory.Sequence(lambda n: f"Test Scrutiny Panel {n}")
    slug = factory.Sequence(lambda n: f"test-panel-{n}")
    kind = Committee.Kind.SCRUTINY_PANEL
    purpose = "Scrutinises things."


class MunicipalYearFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MunicipalYear
        django_get_or_create = ["name"]

    start_date = dt.date(2017, 5, 17)
    end_date = dt.date(2018, 5, 15)
    name = factory.LazyAttribute(lambda o: MunicipalYear.label_for(o.start_date))


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    person = factory.SubFactory(PersonFactory)
    committee = factory.SubFactory(CommitteeFactory)
    role = Membership.Role.MEMBER
    start_date = dt.date(2017, 5, 17)


def make_user(role: str, *, username: str | None = None, person: Person | None = None):
    """A user in one of the portal's roles: 'officer', 'admin', 'councillor'."""
    ensure_roles()
    groups = {
        "officer": [OFFICERS],
        "admin": [ADMINISTRATORS, OFFICERS],
        "councillor": [COUNCILLORS],
    }
    user = UserFactory(username=username or f"{role}-{UserFactory._meta.model.objects.count()}")
    user.is_staff = role == "admin"
    user.save()
    user.groups.set(Group.objects.filter(name__in=groups[role]))
    if person is not None:
        person.user = user
        person.save(update_fields=["user"])
    return user
