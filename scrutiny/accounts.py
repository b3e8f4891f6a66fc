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
from django.contrib.auth.models import Group
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core.exceptions import ValidationError
from django.db import transaction
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
    if person is None or not is_managed_here(user) or not user.is_active:
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
