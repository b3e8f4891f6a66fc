"""Write operations on core records: keyword-only, validated, one transaction each."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction

from scrutiny.audit import records_by
from scrutiny.models import Committee, Membership, MunicipalYear, Person

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


# --- Membership per municipal year (issue 15) -----------------------------------------------
#
# The officer page "Members of <committee> for <municipal year>" writes through these. Each is
# one transaction: a batch with one bad row saves nothing, and every message names the person.


@dataclass(frozen=True)
class NewMember:
    """One row of "add several at once": an existing person, or a new one to create first."""

    role: str
    start_date: dt.date
    end_date: dt.date | None = None
    person: Person | None = None
    new_person: dict | None = None  # create_person's keyword arguments (without by)


def _row_errors(who, exc: ValidationError) -> list[str]:
    return [f"{who}: {message}" for message in exc.messages]


@records_by
@transaction.atomic
def create_person(
    *,
    kind: str,
    name: str,
    honorific: str = "",
    ward: str = "",
    party: str = "",
    by,
) -> Person:
    """A councillor or co-optee entered by an officer (the ward may be unknown). A councillor
    entered with no title is given "Councillor"."""
    name = " ".join(name.split())
    errors: dict[str, list[str]] = {}
    if not name:
        errors["name"] = ["Enter the person's name."]
    if kind not in (Person.Kind.COUNCILLOR, Person.Kind.COOPTEE):
        errors["kind"] = ["Choose councillor or co-optee."]
    errors.update(_too_long(Person, name=name, honorific=honorific, ward=ward, party=party))
    if errors:
        raise ValidationError(errors)
    honorific = honorific.strip()
    if not honorific and kind == Person.Kind.COUNCILLOR:
        honorific = "Councillor"  # issue 15 item 8: new councillors appeared without it
    return Person.objects.create(
        kind=kind,
        name=name,
        honorific=honorific,
        ward=ward.strip(),
        party=party.strip(),
    )


_COMMITTEE_FIELDS = {
    "name", "short_name", "kind", "purpose", "terms_of_reference", "is_active",
    "start_date", "end_date",
}  # fmt: skip
_PERSON_FIELDS = {"name", "honorific", "ward", "party", "is_active"}


@records_by
@transaction.atomic
def create_committee(*, name: str, by, **fields) -> Committee:
    """A committee entered by something other than the officer's form (an import)."""
    from scrutiny.models import unique_slug

    unknown = set(fields) - _COMMITTEE_FIELDS
    if unknown:
        raise TypeError(f"create_committee() got unexpected fields {sorted(unknown)}")
    name = " ".join(name.split())
    if not name:
        raise ValidationError({"name": ["Enter the committee's name."]})
    committee = Committee(name=name, slug=unique_slug(Committee, name), **fields)
    committee.full_clean()
    committee.save()
    return committee


@records_by
@transaction.atomic
def update_committee(*, committee: Committee, by, **fields) -> Committee:
    unknown = set(fields) - _COMMITTEE_FIELDS
    if unknown:
        raise TypeError(f"update_committee() got unexpected fields {sorted(unknown)}")
    for name, value in fields.items():
        setattr(committee, name, value)
    committee.full_clean()
    committee.save()
    return committee


@records_by
@transaction.atomic
def update_person(*, person: Person, by, **fields) -> Person:
    """Change a person's name, title, ward, party or whether they are active."""
    unknown = set(fields) - _PERSON_FIELDS
    if unknown:
        raise TypeError(f"update_person() got unexpected fields {sorted(unknown)}")
    for name, value in fields.items():
        setattr(person, name, " ".join(value.split()) if isinstance(value, str) else value)
    errors = _too_long(Person, **{k: getattr(person, k) for k in fields if k != "is_active"})
    if not person.name:
        errors["name"] = ["Enter the person's name."]
    if errors:
        raise ValidationError(errors)
    person.save()
    return person


def _too_long(model, **values: str) -> dict[str, list[str]]:
    """An error for each text longer than its field allows ("The ward must be 100
    characters or fewer."): refused here, with a message, not by the database (PostgreSQL
    refuses it with an error that ends the transaction; SQLite stores it as given)."""
    errors = {}
    for name, value in values.items():
        field = model._meta.get_field(name)
        if field.max_length and len((value or "").strip()) > field.max_length:
            errors[name] = [
                f"The {field.verbose_name} must be {field.max_length} characters or fewer."
            ]
    return errors


def previous_year(year: MunicipalYear) -> MunicipalYear | None:
    return (
        MunicipalYear.objects.filter(start_date__lt=year.start_date).order_by("-start_date").first()
    )


@records_by
@transaction.atomic
def copy_previous_year_memberships(
    *, committee: Committee, year: MunicipalYear, by
) -> list[Membership]:
    """Start ``year``'s membership from the previous year's: everyone in force on the last day
    of the previous year gets a membership for ``year`` in the same role, from its first to
    its last day. A membership running on into ``year`` (or open-ended) is ended the day
    before ``year`` starts, so each year has its own record. One carried over from an earlier
    year that an officer has already ended is not copied. Copying twice adds nothing."""
    before = previous_year(year)
    if before is None:
        raise ValidationError(f"There is no municipal year before {year} to copy from.")
    day_before = year.start_date - dt.timedelta(days=1)
    created, errors = [], []
    carried = (
        Membership.objects.filter(committee=committee)
        .in_force_on(min(before.end_date, day_before))
        .select_related("person")
        .select_for_update(of=("self",))
        .order_by("role_order", "person__sort_name")
    )
    # A membership from before the previous year that has been given an end date before this
    # year was ended on purpose (the member left at the annual meeting): it is not copied.
    carried = carried.exclude(start_date__lt=before.start_date, end_date__lte=day_before)
    for old in carried:
        # Anyone already given a membership of this year (in any role) keeps it as it is.
        already = Membership.objects.filter(
            committee=committee,
            person=old.person,
            start_date__gte=year.start_date,
            start_date__lte=year.end_date,
        ).exists()
        if old.end_date is None or old.end_date > day_before:
            old.end_date = day_before
            old.save(update_fields=["end_date", "modified_at"])
        if already:
            continue
        try:
            _validate_membership(
                person=old.person,
                committee=committee,
                role=old.role,
                start_date=year.start_date,
                end_date=year.end_date,
            )
        except ValidationError as exc:
            errors += _row_errors(old.person, exc)
            continue
        created.append(
            Membership.objects.create(
                person=old.person,
                committee=committee,
                role=old.role,
                start_date=year.start_date,
                end_date=year.end_date,
                voting=old.voting,
                notes=old.notes,
            )
        )
    if errors:
        raise ValidationError(errors)
    return created


@records_by
@transaction.atomic
def add_memberships(*, committee: Committee, rows: list[NewMember], by) -> list[Membership]:
    """Add several members at once; a row may create its person first (``create_person``).
    Rows are checked against each other as well as against what is stored."""
    created, errors = [], []
    for row in rows:
        person = row.person
        if person is None:
            try:
                person = create_person(**(row.new_person or {}), by=by)
            except ValidationError as exc:
                errors += _row_errors("New person", exc)
                continue
        try:
            _validate_membership(
                person=person,
                committee=committee,
                role=row.role,
                start_date=row.start_date,
                end_date=row.end_date,
            )
            overlapping = (
                Membership.objects.filter(committee=committee, person=person)
                .overlapping(row.start_date, row.end_date)
                .exclude(role=row.role)
                .first()
            )
            if overlapping:
                raise ValidationError(
                    f"already {overlapping.get_role_display().lower()} for some of these dates "
                    f"(from {overlapping.start_date:%-d %B %Y}). End that membership first."
                )
        except ValidationError as exc:
            errors += _row_errors(person, exc)
            continue
        created.append(
            Membership.objects.create(
                person=person,
                committee=committee,
                role=row.role,
                start_date=row.start_date,
                end_date=row.end_date,
            )
        )
    if errors:
        raise ValidationError(errors)
    return created


@records_by
@transaction.atomic
def end_memberships(*, committee: Committee, ends: dict[int, dt.date], by) -> list[Membership]:
    """End several memberships of ``committee`` at once: ``ends`` maps a membership's id to
    its end date. A date before the membership started is refused, and nothing is saved."""
    found = {
        m.pk: m
        for m in Membership.objects.filter(committee=committee, pk__in=list(ends))
        .select_related("person")
        .select_for_update(of=("self",))
    }
    missing = set(ends) - set(found)
    if missing:
        raise ValidationError("A membership you ticked is no longer there. Reload the page.")
    errors, ended = [], []
    for pk, end_date in ends.items():
        m = found[pk]
        if end_date < m.start_date:
            errors.append(
                f"{m.person}: the end date must be on or after the start date "
                f"({m.start_date:%-d %B %Y})."
            )
            continue
        m.end_date = end_date
        m.save(update_fields=["end_date", "modified_at"])
        ended.append(m)
    if errors:
        raise ValidationError(errors)
    return ended


@records_by
@transaction.atomic
def remove_memberships(*, committee: Committee, year: MunicipalYear, ids: list[int], by) -> int:
    """Remove memberships entered by mistake (a member copied into ``year`` who had in fact
    left). Only memberships starting in ``year`` may be removed: earlier ones are the record
    and are ended instead. The removal is kept in the membership's history with ``by``."""
    found = list(
        Membership.objects.filter(committee=committee, pk__in=ids)
        .select_related("person")
        .select_for_update(of=("self",))
    )
    if len(found) != len(set(ids)):
        raise ValidationError("A membership you ticked is no longer there. Reload the page.")
    earlier = [m for m in found if not year.start_date <= m.start_date <= year.end_date]
    if earlier:
        raise ValidationError(
            [
                f"{m.person}: the membership started on {m.start_date:%-d %B %Y}, before "
                f"{year}. End it instead of removing it."
                for m in earlier
            ]
        )
    for m in found:
        m.delete()
    return len(found)
