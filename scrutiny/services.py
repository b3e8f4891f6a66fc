"""Write operations on core records: keyword-only, validated, one transaction each."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction

from scrutiny.models import Committee, Membership, Person

SINGLE_HOLDER_ROLES = {Membership.Role.CHAIR, Membership.Role.VICE_CHAIR}


def _validate_membership(
    *,
    person: Person,
    committee: Committee,
    role: str,
    start_date: dt.date,
    end_date: dt.date | None,
    exclude_pk: int | None = None,
) -> None:
    errors: dict[str, list[str]] = {}
    if end_date is not None and end_date < start_date:
        errors.setdefault("end_date", []).append("The end date must be on or after the start date.")
    else:
        others = Membership.objects.filter(committee=committee).overlapping(start_date, end_date)
        if exclude_pk:
            others = others.exclude(pk=exclude_pk)
        same = others.filter(person=person, role=role).first()
        if same:
            errors.setdefault("__all__", []).append(
                f"{person} is already {same.get_role_display().lower()} of {committee} "
                f"from {same.start_date:%-d %B %Y}"
                + (f" to {same.end_date:%-d %B %Y}" if same.end_date else "")
                + ": memberships in the same role must not overlap."
            )
        if role in SINGLE_HOLDER_ROLES:
            holder = others.filter(role=role).exclude(person=person).first()
            if holder:
                errors.setdefault("role", []).append(
                    f"{committee} already has a {holder.get_role_display().lower()} for these "
                    f"dates ({holder.person}). End that membership first."
                )
    if person.kind == Person.Kind.OFFICER:
        errors.setdefault("person", []).append(
            "Officers support committees but are not members of them."
        )
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def create_membership(
    *,
    person: Person,
    committee: Committee,
    role: str,
    start_date: dt.date,
    end_date: dt.date | None = None,
    voting: bool = True,
    notes: str = "",
) -> Membership:
    _validate_membership(
        person=person, committee=committee, role=role, start_date=start_date, end_date=end_date
    )
    return Membership.objects.create(
        person=person,
        committee=committee,
        role=role,
        start_date=start_date,
        end_date=end_date,
        voting=voting,
        notes=notes,
    )


@transaction.atomic
def update_membership(
    *,
    membership: Membership,
    person: Person,
    committee: Committee,
    role: str,
    start_date: dt.date,
    end_date: dt.date | None,
    voting: bool = True,
    notes: str = "",
) -> Membership:
    _validate_membership(
        person=person,
        committee=committee,
        role=role,
        start_date=start_date,
        end_date=end_date,
        exclude_pk=membership.pk,
    )
    membership.person = person
    membership.committee = committee
    membership.role = role
    membership.start_date = start_date
    membership.end_date = end_date
    membership.voting = voting
    membership.notes = notes
    membership.save()
    return membership


@transaction.atomic
def end_membership(*, membership: Membership, end_date: dt.date) -> Membership:
    if end_date < membership.start_date:
        raise ValidationError({"end_date": "The end date must be on or after the start date."})
    membership.end_date = end_date
    membership.save(update_fields=["end_date", "modified_at"])
    return membership
