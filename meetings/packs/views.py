"""Agenda pack downloads (public, supplementary, members') and the officer's list of builds."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.text import slugify
from django.views import View
from django.views.decorators.http import require_safe
from django.views.generic import ListView

from meetings.models import Meeting
from meetings.services import log_exempt_access
from scrutiny.paging import page_size
from scrutiny.permissions import OfficerRequiredMixin, can_view_exempt
from scrutiny.serving import file_response

from . import services
from .models import Pack, PackBuild, PackKind


def _serve(request, pack: Pack, *, private: bool):
    """Serve the pack file from the storage (through ``scrutiny.serving`` so DOCUMENT_SERVING
    is honoured) with ETag and Last-Modified; conditional requests get 304, a missing file
    404.

    Public packs are ``Cache-Control: public, no-cache``: a shared cache may keep one but must
    revalidate it (ETag, 304) on every request, so a withdrawn pack is never answered from a
    cache. The members' pack is ``private, no-store``."""
    meeting = pack.meeting
    name = slugify(f"{meeting.committee.name} {meeting.date:%Y-%m-%d} {pack.kind} agenda pack")
    response = file_response(
        request,
        pack.storage,
        pack.file_name,
        filename=f"{name}.pdf",
        last_modified=pack.built_at,
        etag=pack.sha256[:32],
        public=False,
    )
    if response.status_code in (200, 304):  # a storage-url redirect is private, no-store already
        del response["Cache-Control"]
        if private:
            patch_cache_control(response, private=True, no_store=True)
        else:
            patch_cache_control(response, public=True, no_cache=True)
    return response


def _being_updated(request, meeting):
    """The answer for a pack that holds a paper no longer public: not the file."""
    response = render(
        request,
        "packs/unavailable.html",
        {"meeting": meeting},
        status=404,
    )
    patch_cache_control(response, no_store=True)
    return response


def _on_demand(request, meeting):
    """A meeting whose packs were left to be built when first asked for (a held meeting a
    bulk import brought in: ``services.deferred_to_demand``): queue the build and say it is
    being prepared (503, come back shortly). None when there is nothing to build."""
    if not services.request_on_demand(meeting, by=request.user):
        return None
    response = render(
        request,
        "packs/unavailable.html",
        {"meeting": meeting, "preparing": True},
        status=503,
    )
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    patch_cache_control(response, no_store=True)
    return response


RETRY_AFTER_SECONDS = 30


def _no_pack():
    raise Http404("There is no such agenda pack.")


@require_safe
def public_pack(request, pk: int, kind: str = PackKind.PUBLIC):
    meeting = get_object_or_404(Meeting.objects.select_related("committee"), pk=pk)
    pack = Pack.objects.filter(meeting=meeting, kind=kind).first()
    if pack is None:
        if PackBuild.objects.filter(meeting=meeting).in_progress().exists():
            return _being_updated(request, meeting)
        return _on_demand(request, meeting) or _no_pack()
    # Served only while everything it shows is public now: a paper made exempt, confidential
    # or removed withdraws the pack the moment that change commits, before any rebuild.
    if not services.is_public_now(pack, services.public_now(meeting)):
        return _being_updated(request, meeting)
    pack.meeting = meeting
    return _serve(request, pack, private=False)


@require_safe
def supplementary_pack(request, pk: int):
    return public_pack(request, pk, kind=PackKind.SUPPLEMENTARY)


@require_safe
def members_pack(request, pk: int):
    """Members and officers only; everyone else gets 404. Every read is logged."""
    meeting = get_object_or_404(Meeting.all_objects.select_related("committee"), pk=pk)
    if not can_view_exempt(request.user, meeting.committee, on=meeting.date):
        if Pack.objects.filter(meeting=meeting, kind=PackKind.MEMBERS).exists():
            log_exempt_access(
                user=request.user,
                meeting=meeting,
                what=f"Members' agenda pack: {meeting}",
                refused=True,
            )
        raise Http404
    pack = Pack.objects.filter(meeting=meeting, kind=PackKind.MEMBERS).first()
    if pack is None:
        return _on_demand(request, meeting) or _no_pack()
    if not services.holds_only_issued(pack, services.issued_now(meeting)):
        return _being_updated(request, meeting)  # a paper in it was withdrawn or replaced
    pack.meeting = meeting
    log_exempt_access(user=request.user, meeting=meeting, what=f"Members' agenda pack: {meeting}")
    return _serve(request, pack, private=True)


class OfficerPackList(OfficerRequiredMixin, ListView):
    template_name = "packs/officer/build_list.html"
    context_object_name = "builds"

    def get_paginate_by(self, queryset):
        return page_size()

    def get_queryset(self):
        return PackBuild.objects.select_related("meeting__committee", "requested_by").order_by(
            "-created_at", "-pk"
        )


class RebuildPacks(OfficerRequiredMixin, View):
    def post(self, request, pk: int):
        meeting = get_object_or_404(Meeting.all_objects, pk=pk)
        try:
            services.request_build(
                meeting=meeting,
                reason="Rebuild requested by an officer",
                by=request.user,
                force=True,
            )
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, f"A rebuild of the agenda packs for {meeting} was queued.")
        target = request.POST.get("next", "")
        if not url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            target = reverse("officer-packs")
        return HttpResponseRedirect(target)
