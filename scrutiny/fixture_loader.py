"""Loads the demo council's core records from fixtures/demo: council.yaml (the council and its
municipal years), people.yaml, committees.yaml (committees and memberships) and logins.yaml.

Idempotent: people are keyed on their slug, committees on theirs, memberships on person,
committee, role and start date; a second run updates them in place. New memberships go
through ``scrutiny.services.create_membership``, which checks them as the officers' page does.
There is no service for writing officers, partners or the council's details (they are edited
in the Django admin), so those are written here directly.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from scrutiny import services
from scrutiny.fixtures import Fixtures, as_date, person_slug, put
from scrutiny.models import Committee, Council, Membership, MunicipalYear, Person
from scrutiny.roles import ADMINISTRATORS, OFFICERS, ensure_roles

PEOPLE_KINDS = {
    "councillors": Person.Kind.COUNCILLOR,
    "cooptees": Person.Kind.COOPTEE,
    "officers": Person.Kind.OFFICER,
    "partners": Person.Kind.PARTNER,
}


def load(fixtures: Fixtures) -> None:
    ensure_roles()
    _council(fixtures.read("council.yaml"))
    _people(fixtures.read("people.yaml"))
    data = fixtures.read("committees.yaml")
    for spec in data["committees"]:
        _committee(fixtures, dict(spec))
    for slug, rows in data["memberships"].items():
        committee = fixtures.committee(slug)
        for row in rows:
            _membership(fixtures, committee, row)
    _logins(fixtures, fixtures.read("logins.yaml")["logins"])


def logins(fixtures: Fixtures | None = None) -> list[dict]:
    """The demo logins (username, password, role, person, description)."""
    return (fixtures or Fixtures()).read("logins.yaml")["logins"]


def _council(data: dict) -> None:
    council = Council.objects.order_by("pk").first()
    fields = data["council"]
    if council is None or any(getattr(council, k) != v for k, v in fields.items()):
        council = council or Council()
        for field, value in fields.items():
            setattr(council, field, value)
        council.save()
    for year in data["municipal_years"]:
        put(
            MunicipalYear,
            {"name": year["name"]},
            {"start_date": as_date(year["start"]), "end_date": as_date(year["end"])},
        )


def _people(data: dict) -> None:
    for group, kind in PEOPLE_KINDS.items():
        for spec in data.get(group) or ():
            fields = dict(spec)
            name = fields.pop("name")
            fields["kind"] = kind
            if kind == Person.Kind.COUNCILLOR:
                fields.setdefault("honorific", "Councillor")
            if kind == Person.Kind.OFFICER:
                fields.setdefault(
                    "email", name.lower().replace(" ", ".").replace("'", "") + "@kirklees.gov.uk"
                )
                fields.setdefault("phone", "01484 221000")
            job_title = fields.pop("job_title", None) if kind == Person.Kind.COUNCILLOR else None
            person = put(Person, {"slug": person_slug(name)}, {"name": name, **fields})
            if job_title is not None and person.job_title != job_title:
                person.job_title = job_title  # a councillor's cabinet role: saved apart
                person.save()


def _committee(fixtures: Fixtures, fields: dict) -> Committee:
    slug = fields.pop("slug")
    if "contact_officer" in fields:
        fields["contact_officer"] = fixtures.person(fields["contact_officer"])
    if "parent" in fields:
        fields["parent"] = fixtures.committee(fields["parent"])
    for name in ("start_date", "end_date"):
        if name in fields:
            fields[name] = as_date(fields[name])
    return put(Committee, {"slug": slug}, fields)


def _membership(fixtures: Fixtures, committee: Committee, row: dict) -> None:
    person = fixtures.person(row["person"])
    start, end = as_date(row["from"]), as_date(row.get("to"))
    existing = Membership.objects.filter(
        person=person, committee=committee, role=row["role"], start_date=start
    ).first()
    if existing is None:
        services.create_membership(
            person=person, committee=committee, role=row["role"], start_date=start, end_date=end
        )
    elif existing.end_date != end:
        existing.end_date = end
        existing.save()


def _logins(fixtures: Fixtures, rows: list[dict]) -> None:
    User = get_user_model()
    for row in rows:
        group = row["role"]
        user, created = User.objects.get_or_create(username=row["username"])
        if created or not user.has_usable_password() or user.is_staff != (group == ADMINISTRATORS):
            if created or not user.has_usable_password():
                user.set_password(row["password"])
            user.is_staff = group == ADMINISTRATORS
            user.save()
        groups = [Group.objects.get(name=group)]
        if group == ADMINISTRATORS:
            groups.append(Group.objects.get(name=OFFICERS))
        if {g.pk for g in groups} != set(user.groups.values_list("pk", flat=True)):
            user.groups.set(groups)
        if row.get("person"):
            person = fixtures.person(row["person"])
            Person.objects.filter(user=user).exclude(pk=person.pk).update(user=None)
            if person.user_id != user.pk:
                person.user = user
                person.save(update_fields=["user"])
