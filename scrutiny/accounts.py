"""Councillors' and co-optees' logins, managed by democracy officers (never Django admin).

A login is a Django user linked to a ``Person`` (``Person.user``) and in the councillors'
group (``scrutiny.roles.COUNCILLORS``), so the person sees the members' material of the
committees they sit on. Until email is built the officer passes on a one-time
set-password link:

- ``create_login`` makes the user with no usable password and returns the link;
- ``reset_login`` makes the current password unusable (which also ends the person's
  sessions) and returns a new link; every earlier link stops working, because a link is
  tied to the password it replaces;
- ``set_password_from_link`` is the person choosing a password: the link is then used up;
- ``disable_login`` / ``enable_login`` make the user inactive (cannot sign in; a session
  already open ends at its next request) or active again.

A link is Django's password-reset token under this module's own salt (so a link for
something else never opens this page), valid for ``settings.PASSWORD_RESET_TIMEOUT``.
Each service takes ``by=`` (who acted) and writes an ``AccountEvent``, whose history names
``by`` too. No password or link is stored in an event, a history row or a log line.

Only plain councillor logins are managed here: a user who is staff, a superuser, or in the
officers' or administrators' group belongs to an administrator, so an officer can never take
over a more powerful login by resetting it.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.contrib.auth.models import Group
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.urls import reverse
from django.utils.crypto import constant_time_compare
from django.utils.encoding import force_bytes
from django.utils.http import base36_to_int, urlsafe_base64_encode
from django.utils.text import slugify

from scrutiny.audit import records_by
from scrutiny.models import AccountEvent, Person
from scrutiny.roles import ADMINISTRATORS, COUNCILLORS, OFFICERS
from scrutiny.signals import set_password_link_issued

# People who may be given a login from the officer pages.
LOGIN_KINDS = (Person.Kind.COUNCILLOR, Person.Kind.COOPTEE)


class SetPasswordLinkTokens(PasswordResetTokenGenerator):
    """Set-password links: Django's reset token (it changes when the password does, so a
    used link and every link before a reset are dead) under a salt of its own."""

    key_salt = "scrutiny.accounts.SetPasswordLinkTokens"


tokens = SetPasswordLinkTokens()


def link_lifetime_days() -> int:
    return max(1, settings.PASSWORD_RESET_TIMEOUT // 86400)


@dataclass(frozen=True)
class IssuedLink:
    """A set-password link just made: shown once to the officer, never stored."""

    path: str
    username: str


def _link_for(user, person: Person | None = None, reset: bool = False) -> IssuedLink:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    path = reverse("account-set-password", kwargs={"uidb64": uid, "token": tokens.make_token(user)})
    if person is not None:
        # The notifications app emails the link to the person's address (after commit).
        transaction.on_commit(
            lambda: set_password_link_issued.send(
                sender=Person, person=person, path=path, reset=reset
            )
        )
    return IssuedLink(path=path, username=user.get_username())


def is_managed_here(user) -> bool:
    """May the officer pages manage this login? Not a staff, superuser, officer or
    administrator login: those are an administrator's."""
    if user is None:
        return True
    if user.is_staff or user.is_superuser:
        return False
    return not user.groups.filter(name__in=[OFFICERS, ADMINISTRATORS]).exists()


def suggested_username(person: Person) -> str:
    """``firstname.lastname`` from the person's name (or the email's first part), made
    unique with a number."""
    base = slugify(person.name).replace("-", ".")
    if not base and person.email:
        base = slugify(person.email.split("@")[0]).replace("-", ".")
    base = (base or "councillor")[:140]
    users = get_user_model()._default_manager
    candidate, n = base, 2
    while users.filter(username__iexact=candidate).exists():
        candidate = f"{base}{n}"
        n += 1
    return candidate


def _record(person: Person, user, action: str, by) -> AccountEvent:
    return AccountEvent.objects.create(
        person=person, username=user.get_username(), action=action, by=by
    )


def _check_managed(person: Person) -> None:
    if not is_managed_here(person.user):
        raise ValidationError(
            "This login belongs to an officer or administrator: an administrator manages it."
        )


@records_by
@transaction.atomic
def create_login(*, person: Person, username: str, email: str, by) -> IssuedLink:
    """Give ``person`` a login with no password yet; returns the set-password link."""
    person = Person.objects.select_for_update().get(pk=person.pk)
    if person.user_id is not None:
        raise ValidationError(f"{person.display_name} already has a login.")
    if person.kind not in LOGIN_KINDS:
        raise ValidationError(
            {"username": "Logins made here are for councillors and co-optees only."}
        )
    username = username.strip()
    if not username:
        raise ValidationError({"username": "Enter a username."})
    users = get_user_model()._default_manager
    if users.filter(username__iexact=username).exists():
        raise ValidationError({"username": f"The username {username} is taken. Choose another."})
    user = users.model(username=username, email=email.strip())
    user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    user.groups.add(Group.objects.get_or_create(name=COUNCILLORS)[0])
    person.user = user
    person.save(update_fields=["user", "modified_at"])
    _record(person, user, AccountEvent.Action.CREATED, by)
    return _link_for(user, person)


@records_by
@transaction.atomic
def reset_login(*, person: Person, by) -> IssuedLink:
    """The old password and every earlier link stop working (open sessions end too);
    returns a new set-password link. Refused while the login is disabled: the link of a
    disabled login cannot work (notes-attack.md, finding 5)."""
    person = _fresh(person)
    _check_managed(person)
    user = _locked_user(person)
    if not user.is_active:
        raise ValidationError("This login is disabled: enable it first, then reset.")
    user.set_unusable_password()
    user.save(update_fields=["password"])
    _record(person, user, AccountEvent.Action.RESET, by)
    return _link_for(user, person, reset=True)


@records_by
@transaction.atomic
def disable_login(*, person: Person, by) -> None:
    """The person can no longer sign in; a session already open ends at its next request
    (Django's backend refuses an inactive user)."""
    person = _fresh(person)
    _check_managed(person)
    user = _locked_user(person)
    if not user.is_active:
        raise ValidationError("This login is already disabled.")
    user.is_active = False
    user.save(update_fields=["is_active"])
    _record(person, user, AccountEvent.Action.DISABLED, by)


@records_by
@transaction.atomic
def enable_login(*, person: Person, by) -> None:
    """The person can sign in again with the password they had."""
    person = _fresh(person)
    _check_managed(person)
    user = _locked_user(person)
    if user.is_active:
        raise ValidationError("This login is already enabled.")
    user.is_active = True
    user.save(update_fields=["is_active"])
    _record(person, user, AccountEvent.Action.ENABLED, by)


@records_by
@transaction.atomic
def set_password_from_link(*, user, password: str, by) -> None:
    """The person chose a password through a valid link (checked by the view): the link is
    used up, since the token depended on the password it replaced."""
    user = get_user_model()._default_manager.select_for_update().get(pk=user.pk)
    person = Person.objects.filter(user=user).first()
    if person is None or not may_use_link(user):
        raise ValidationError("This link cannot be used. Ask the democracy officer for a new one.")
    password_validation.validate_password(password, user)
    user.set_password(password)
    user.save(update_fields=["password"])
    _record(person, user, AccountEvent.Action.PASSWORD_SET, by)


def _fresh(person: Person) -> Person:
    """The person as stored now (the caller's copy may predate a login made since)."""
    return Person.objects.select_related("user").get(pk=person.pk)


def _locked_user(person: Person):
    if person.user_id is None:
        raise ValidationError(f"{person.display_name} has no login.")
    return get_user_model()._default_manager.select_for_update().get(pk=person.user_id)


def link_problem(user, token: str | None) -> str:
    """Why a set-password link does not work, in words for the person holding it."""
    ask = "Ask the democracy officer for a new link."
    if user is None or not token:
        return f"This link is not a valid set-password link. Check it was copied in full. {ask}"
    if not user.is_active:
        return f"This login has been disabled. {ask}"
    try:
        ts = base36_to_int(token.split("-", 1)[0])
    except ValueError:
        return f"This link is not a valid set-password link. Check it was copied in full. {ask}"
    # The token still matches the login as it is now: so it is only too old.
    if constant_time_compare(tokens._make_token_with_timestamp(user, ts, tokens.secret), token):
        return f"This link has expired: links work for {link_lifetime_days()} days. {ask}"
    return (
        "This link has already been used, or a newer link was issued since. If you set your "
        f"password, sign in with it. {ask}"
    )


# --- Officers' and administrators' logins (issue 21, item 5) ---------------------------------
#
# Administrators invite, disable, enable and change the role of democracy officers and
# administrators from the people-and-roles page (``account_views.StaffPage``), never Django
# admin. An invitation makes the person (an officer) and their login with no password and
# emails the set-password link (``set_password_link_issued``, as for councillors). Every change
# is an ``AccountEvent`` (with ``detail`` for a role change) whose history names ``by``.
#
# At least one active administrator always remains. Every change that could take the last
# one away (a demotion, a disabling) first locks the administrators' group row, so two
# requests at once (two administrators demoting each other, or one double-submitting) run one
# after the other and the second sees the first's result and is refused.

LAST_ADMINISTRATOR = (
    "{name} is the last active administrator: the portal needs at least one who can sign "
    "in. Make another person an administrator (and let them set their password) first."
)


def staff_users():
    """Logins in the officers' or administrators' group, with their person, by name."""
    return (
        get_user_model()
        ._default_manager.filter(groups__name__in=[OFFICERS, ADMINISTRATORS])
        .distinct()
        .select_related("person")
        .prefetch_related("groups")
        .order_by("first_name", "last_name", "username")
    )


def active_administrators():
    """Administrators who can sign in now: active, with a password set (an invited
    administrator who has not yet chosen one does not count: they may never do so)."""
    return (
        get_user_model()
        ._default_manager.filter(groups__name=ADMINISTRATORS, is_active=True)
        .exclude(password__startswith=UNUSABLE_PASSWORD_PREFIX)
        .exclude(password="")
        .distinct()
    )


def _lock_administrators() -> None:
    """Serialise every change that may remove an administrator (``select_for_update`` on the
    administrators' group row: PostgreSQL holds it until the transaction ends).

    SQLite has no row locks, and a transaction that has read cannot then write once another
    has written meanwhile: it fails at once with "database is locked" (a 500 for the second of
    two administrators disabling each other). So on SQLite the first statement is a write,
    which takes the database's write lock: the second transaction waits (the connection's
    timeout), then reads the first one's change and is refused."""
    if connection.vendor == "sqlite":
        Group.objects.filter(name=ADMINISTRATORS).update(name=ADMINISTRATORS)
    Group.objects.get_or_create(name=ADMINISTRATORS)
    Group.objects.select_for_update().get(name=ADMINISTRATORS)


def _staff_user(user):
    """The login as stored now, locked; refused unless it is an officer's or administrator's
    login this page manages (not a superuser's: manage.py manages those)."""
    from scrutiny.roles import staff_role

    locked = get_user_model()._default_manager.select_for_update().get(pk=user.pk)
    if locked.is_superuser:
        raise ValidationError(
            "This login is a superuser's: it is managed on the server (manage.py), not here."
        )
    if staff_role(locked) is None:
        raise ValidationError("This login is not a democracy officer's or an administrator's.")
    return locked


def _person_of(user) -> Person:
    """The person a staff login belongs to. A login made before this page (the first
    administrator, an older officer) may have none: an officer record is made for it, so its
    history has a home."""
    person = Person.objects.filter(user=user).first()
    if person is None:
        person = Person.objects.create(
            kind=Person.Kind.OFFICER,
            name=user.get_full_name() or user.get_username(),
            email=user.email,
            user=user,
        )
    return person


def _name(user) -> str:
    person = Person.objects.filter(user=user).first()
    return person.display_name if person else user.get_username()


def _refuse_if_last_administrator(user) -> None:
    from scrutiny.roles import ADMINISTRATOR_ROLE, staff_role

    if (
        staff_role(user) != ADMINISTRATOR_ROLE
        or not active_administrators().filter(pk=user.pk).exists()
    ):
        return
    if not active_administrators().exclude(pk=user.pk).exists():
        raise ValidationError(LAST_ADMINISTRATOR.format(name=_name(user)))


def _set_role_groups(user, role: str) -> None:
    from scrutiny.roles import ROLE_GROUPS, ensure_roles

    groups = ensure_roles()
    keep = user.groups.exclude(name__in=[OFFICERS, ADMINISTRATORS])
    user.groups.set([*keep, *(groups[name] for name in ROLE_GROUPS[role])])


@records_by
@transaction.atomic
def invite_staff(*, name: str, email: str, role: str, by) -> IssuedLink:
    """Invite a democracy officer or administrator: their person (an officer) and login, with
    the set-password link emailed to ``email`` after commit. Returns the link (shown once)."""
    from scrutiny.roles import STAFF_ROLES

    name, email = name.strip(), email.strip()
    errors: dict[str, list[str]] = {}
    if not name:
        errors["name"] = ["Enter the person's full name."]
    if not email:
        errors["email"] = ["Enter the email address the invitation goes to."]
    if role not in STAFF_ROLES:
        errors["role"] = ["Choose democracy officer or administrator."]
    users = get_user_model()._default_manager
    if email and users.filter(email__iexact=email).exists():
        errors["email"] = [
            f"A login with the address {email} exists already: change its role below instead."
        ]
    if errors:
        raise ValidationError(errors)
    person = (
        Person.objects.select_for_update()
        .filter(kind=Person.Kind.OFFICER, email__iexact=email, user__isnull=True)
        .first()
    )
    if person is None:
        person = Person.objects.create(kind=Person.Kind.OFFICER, name=name, email=email)
    user = users.model(
        username=suggested_username(person), email=email, first_name=name.split()[0][:150]
    )
    user.last_name = " ".join(name.split()[1:])[:150]
    user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    _set_role_groups(user, role)
    person.user = user
    person.save(update_fields=["user", "modified_at"])
    AccountEvent.objects.create(
        person=person,
        username=user.get_username(),
        action=AccountEvent.Action.INVITED,
        detail=STAFF_ROLES[role],
        by=by,
    )
    return _link_for(user, person)


@records_by
@transaction.atomic
def change_role(*, user, role: str, by) -> None:
    """Make a democracy officer an administrator or the reverse. Refused for the last active
    administrator."""
    from scrutiny.roles import ADMINISTRATOR_ROLE, STAFF_ROLES, staff_role

    if role not in STAFF_ROLES:
        raise ValidationError({"role": ["Choose democracy officer or administrator."]})
    _lock_administrators()
    user = _staff_user(user)
    old = staff_role(user)
    if old == role:
        raise ValidationError(f"{_name(user)} is already {STAFF_ROLES[role].lower()}.")
    if old == ADMINISTRATOR_ROLE:
        _refuse_if_last_administrator(user)
    _set_role_groups(user, role)
    if role != ADMINISTRATOR_ROLE and user.is_staff:
        user.is_staff = False  # Django admin went with the administrator's role
        user.save(update_fields=["is_staff"])
    AccountEvent.objects.create(
        person=_person_of(user),
        username=user.get_username(),
        action=AccountEvent.Action.ROLE_CHANGED,
        detail=f"{STAFF_ROLES[old]} to {STAFF_ROLES[role]}",
        by=by,
    )


@records_by
@transaction.atomic
def disable_staff(*, user, by) -> None:
    """The officer or administrator can no longer sign in (an open session ends at its next
    request). Refused for the last active administrator."""
    _lock_administrators()
    user = _staff_user(user)
    if not user.is_active:
        raise ValidationError(f"{_name(user)}'s login is already disabled.")
    _refuse_if_last_administrator(user)
    user.is_active = False
    user.save(update_fields=["is_active"])
    _record(_person_of(user), user, AccountEvent.Action.DISABLED, by)


@records_by
@transaction.atomic
def enable_staff(*, user, by) -> None:
    user = _staff_user(user)
    if user.is_active:
        raise ValidationError(f"{_name(user)}'s login is already enabled.")
    user.is_active = True
    user.save(update_fields=["is_active"])
    _record(_person_of(user), user, AccountEvent.Action.ENABLED, by)


@records_by
@transaction.atomic
def reissue_staff_link(*, user, by) -> IssuedLink:
    """A new set-password link for an officer or administrator (a lost invitation, a
    forgotten password): the old password and every earlier link stop working."""
    user = _staff_user(user)
    if not user.is_active:
        raise ValidationError("This login is disabled: enable it first, then send a new link.")
    user.set_unusable_password()
    user.save(update_fields=["password"])
    person = _person_of(user)
    _record(person, user, AccountEvent.Action.RESET, by)
    return _link_for(user, person, reset=True)


def staff_events(limit: int = 50):
    """What was done to officers' and administrators' logins, newest first."""
    return (
        AccountEvent.objects.filter(person__user__in=staff_users().values("pk"))
        .select_related("person", "by__person")
        .order_by("-at", "-pk")[:limit]
    )


def may_use_link(user) -> bool:
    """May a set-password link work for this login? An active login with a person that is
    not a superuser's: councillors' (from the officer pages) and officers' and
    administrators' (from the people-and-roles page). Only those pages make links."""
    return (
        user is not None
        and user.is_active
        and not user.is_superuser
        and Person.objects.filter(user=user).exists()
    )
