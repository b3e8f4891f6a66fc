"""The council's own settings: who it is, its brand, its links. One ``Council`` row.

- ``save_council(by=, **fields)`` is the one write: it validates the colour's contrast and the
  logo (``scrutiny.brand``), stores a cleaned logo under a new name, writes the row in one
  transaction (a history row naming ``by``: the audit trail at ``/officer/history/``) and drops
  the cached council so every process shows the change at its next request.
- ``create_first_administrator(username=, email=)`` is ``manage.py setup_council``'s work on an
  empty portal: an administrator (also a democracy officer) with a generated password, shown
  once by the command and never stored in clear.
- ``FirstRunMiddleware``: while no ``Council`` row exists, a signed-in administrator is sent to
  the first-run page (``council-setup``) and everyone else sees "This portal is being set up"
  (503, ``Retry-After``), never a half-empty portal or a 500. Sign-in, the brand stylesheet,
  static files and the health check still answer.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse

from scrutiny import brand
from scrutiny.audit import records_by
from scrutiny.cache import content_generation
from scrutiny.models import Council
from scrutiny.permissions import is_administrator
from scrutiny.roles import ADMINISTRATORS, OFFICERS, ensure_roles

COUNCIL_CACHE_KEY = "portal:council"
COUNCIL_CACHE_SECONDS = 300

EDITABLE_FIELDS = (
    "name",
    "short_name",
    "website",
    "address",
    "phone",
    "email",
    "logo_alt",
    "brand_colour",
    "header_links",
    "privacy_url",
    "cookies_url",
    "contact_url",
    "accessibility_contact",
    "open_data_licence_name",
    "open_data_licence_url",
)


# This process's copy and the content generation it was read at (scrutiny.cache): every
# page asks for the council twice (the first-run check, the brand), and with Redis each ask
# was a round trip. A save of the council bumps the generation, so the copy is dropped at
# once here and within a second in other processes.
_remembered: dict[str, tuple[int, Council]] = {}


def current_council() -> Council:
    """The council row (or the unsaved stand-in while none exists), cached for every page."""
    generation = content_generation()
    remembered = _remembered.get(COUNCIL_CACHE_KEY)
    if remembered is not None and remembered[0] == generation:
        return remembered[1]
    council = cache.get(COUNCIL_CACHE_KEY)
    if council is None:
        council = Council.current()
        cache.set(COUNCIL_CACHE_KEY, council, COUNCIL_CACHE_SECONDS)
    _remembered[COUNCIL_CACHE_KEY] = (generation, council)
    return council


def forget_council() -> None:
    _remembered.clear()
    cache.delete(COUNCIL_CACHE_KEY)


@dataclass(frozen=True)
class LogoUpload:
    filename: str
    data: bytes


@records_by
@transaction.atomic
def save_council(
    *, by, logo: LogoUpload | None = None, remove_logo: bool = False, **fields
) -> Council:
    """Create or update the council. Raises ValidationError (by field) and writes nothing
    when anything is wrong."""
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"Not council settings: {', '.join(sorted(unknown))}")
    council = Council.objects.select_for_update().order_by("pk").first() or Council()
    errors: dict[str, list] = {}
    if "brand_colour" in fields:
        try:
            fields["brand_colour"] = brand.check_brand_colour(fields["brand_colour"])
        except ValidationError as exc:
            errors["brand_colour"] = exc.error_list
    cleaned_logo = None
    if logo is not None:
        try:
            cleaned_logo = brand.clean_logo(logo.filename, logo.data)
        except ValidationError as exc:
            errors["logo"] = exc.error_list
    for name, value in fields.items():
        setattr(council, name, value)
    has_logo = (bool(council.logo) and not remove_logo) or cleaned_logo is not None
    if has_logo and not council.logo_alt.strip():
        errors.setdefault("logo_alt", []).append(
            ValidationError("Enter the logo's alt text: what a screen reader says for it.")
        )
    try:
        council.full_clean(exclude=["logo", *errors])
    except ValidationError as exc:
        errors = exc.update_error_dict(errors)
    if errors:
        raise ValidationError(errors)
    old_logo = council.logo.name if council.logo else ""
    if cleaned_logo is not None:
        extension, data = cleaned_logo
        council.logo.save(f"logo.{extension}", ContentFile(data), save=False)
    elif remove_logo:
        council.logo = ""
        council.logo_alt = ""
    council.save()
    new_logo = council.logo.name if council.logo else ""
    if old_logo and old_logo != new_logo:
        # PDFs already built carry their own copy of the image; pages show the new file.
        storage = council.logo.storage
        transaction.on_commit(lambda: storage.delete(old_logo))
    forget_council()  # this process at once; every process again once the row is committed
    transaction.on_commit(forget_council)
    return council


def brand_version(council: Council) -> str:
    """Changes whenever the stylesheet's content does: the ``?v=`` of ``/brand.css``."""
    import hashlib

    return hashlib.sha256(council.brand_colour.encode()).hexdigest()[:12]


def generated_password() -> str:
    return secrets.token_urlsafe(15)


@dataclass(frozen=True)
class FirstAdministrator:
    username: str
    password: str


@transaction.atomic
def create_first_administrator(*, username: str, email: str = "") -> FirstAdministrator:
    """The first administrator of an empty portal, with a generated password (returned once).
    Refused once any administrator exists: later ones are invited by an administrator."""
    ensure_roles()
    User = get_user_model()
    if User._default_manager.filter(groups__name=ADMINISTRATORS).exists():
        raise ValidationError(
            "This portal already has an administrator: sign in as them to add others."
        )
    username = username.strip()
    if not username:
        raise ValidationError("Enter a username.")
    if User._default_manager.filter(username__iexact=username).exists():
        raise ValidationError(f"The username {username} is taken.")
    password = generated_password()
    user = User(username=username, email=email.strip())
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    user.groups.set(Group.objects.filter(name__in=[ADMINISTRATORS, OFFICERS]))
    return FirstAdministrator(username=username, password=password)


# Paths that answer while the portal is being set up.
FIRST_RUN_OPEN_PREFIXES = ("/static/", "/accounts/", "/brand.css", "/brand/", "/healthz")


class FirstRunMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not getattr(settings, "FIRST_RUN_SETUP", True) or request.path.startswith(
            FIRST_RUN_OPEN_PREFIXES
        ):
            return self.get_response(request)
        if current_council().is_set_up:
            return self.get_response(request)
        setup = reverse("council-setup")
        if is_administrator(request.user):
            if request.path == setup:
                return self.get_response(request)
            return redirect(setup)
        response = render(
            request,
            "scrutiny/being_set_up.html",
            {"title": "This portal is being set up"},
            status=503,
        )
        response["Retry-After"] = "3600"
        response["Cache-Control"] = "no-store"
        return response
