"""Administrators' council settings (``/officer/council/``), the first-run page
(``/officer/setup/``), and the brand as files: ``/brand.css`` and the logo (``/brand/logo/…``).

The brand stylesheet and the logo are served by views because the colour and the logo change
at run time without a Sass rebuild, and uploaded files are never served from ``/media/``
(papers include exempt ones). Both answer conditional requests (ETag, Last-Modified, 304).
"""

from __future__ import annotations

import hashlib

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date
from django.views import View

from scrutiny import brand
from scrutiny.council import LogoUpload, current_council, save_council
from scrutiny.council_forms import CouncilForm
from scrutiny.forms import add_service_errors
from scrutiny.middleware import allow_methods
from scrutiny.models import Council
from scrutiny.permissions import administrator_denial


class CouncilSettings(View):
    """The council's settings. Also the first-run page while no council exists."""

    first_run = False
    template_name = "scrutiny/officer/council_settings.html"

    def dispatch(self, request, *args, **kwargs):
        return administrator_denial(request) or super().dispatch(request, *args, **kwargs)

    def _council(self) -> Council:
        return Council.objects.order_by("pk").first() or Council.current()

    def _page(self, request, form, council, status=200):
        setup = not council.pk
        title = "Set up your council's portal" if setup else "Council settings and brand"
        crumbs = None if setup else [("Officer pages", reverse("officer-home")), (title, None)]
        return render(
            request,
            self.template_name,
            {
                "form": form,
                "title": title,
                "setup": setup,
                "current": council,
                "breadcrumbs": crumbs,
                "white_contrast": (
                    f"{brand.white_contrast(council.brand_colour):.2f}"
                    if council.brand_colour
                    else ""
                ),
            },
            status=status,
        )

    def get(self, request, *args, **kwargs):
        council = self._council()
        if self.first_run and council.pk:
            return redirect("council-settings")
        return self._page(request, CouncilForm(council=council), council)

    def post(self, request, *args, **kwargs):
        council = self._council()
        form = CouncilForm(request.POST, request.FILES, council=council)
        if form.is_valid():
            data = dict(form.cleaned_data)
            upload = data.pop("logo", None)
            remove = data.pop("remove_logo", False)
            logo = LogoUpload(upload.name, upload.read()) if upload else None
            try:
                saved = save_council(by=request.user, logo=logo, remove_logo=remove, **data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                first = not council.pk
                messages.success(
                    request,
                    f"{saved.name} is set up. Next: add a committee."
                    if first
                    else "The council settings were saved.",
                )
                return redirect("officer-committee-list" if first else "council-settings")
        if request.FILES.get("logo") and "logo" not in form.errors:
            # A browser never refills a file input: without this the logo is silently lost
            # once the person fixes the other problem.
            form.add_error(
                "logo",
                "Choose the logo file again: it was not saved because of the other problems "
                "on this page.",
            )
        return self._page(request, form, council, status=400)


def _conditional(request, body: bytes, content_type: str, modified) -> HttpResponse:
    etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
    last_modified = modified.timestamp() if modified else None
    not_modified = get_conditional_response(request, etag=etag, last_modified=last_modified)
    response = not_modified or HttpResponse(body, content_type=content_type)
    response["ETag"] = etag
    if last_modified:
        response["Last-Modified"] = http_date(last_modified)
    return response


@allow_methods("GET", "HEAD")
def brand_css(request):
    """The brand colour and its shades as CSS custom properties (``scrutiny.brand.shades``).
    Pages link it with ``?v=`` of the colour, so a day's caching is safe and a change shows at
    once; without a change, revalidation answers 304."""
    council = current_council()
    body = brand.shades(council.brand_colour_css).css().encode()
    response = _conditional(request, body, "text/css; charset=utf-8", council.modified_at)
    patch_cache_control(response, public=True, max_age=86400)
    return response


@allow_methods("GET", "HEAD")
def council_logo(request, name: str):
    """The logo under its storage name: a new upload has a new name, so it may be cached long.
    An SVG is sent with a policy of its own that runs nothing and loads nothing."""
    council = current_council()
    if not council.logo or council.logo.name.rsplit("/", 1)[-1] != name:
        raise Http404("No such logo")
    with council.logo.open("rb") as handle:
        body = handle.read()
    svg = council.logo_is_svg
    response = _conditional(
        request, body, "image/svg+xml" if svg else "image/png", council.modified_at
    )
    response["X-Content-Type-Options"] = "nosniff"
    if svg:
        response["Content-Security-Policy"] = (
            "default-src 'none'; style-src 'unsafe-inline'; sandbox"
        )
    patch_cache_control(response, public=True, max_age=31536000, immutable=True)
    return response


def being_set_up(request):
    return render(request, "scrutiny/being_set_up.html", {"title": "This portal is being set up"})
