"""Public alert pages (subscribe, confirm, manage, unsubscribe, privacy) and the officer's
"who was sent what" page for a meeting.

Every answer to the subscription form is the same page, whatever the address's state, so the
form tells no one whether an address is subscribed. Signed links carry the subscriber's id and a
version that unsubscribing bumps; a bad or used link gets the same "link not valid" page."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from meetings.models import Meeting
from scrutiny.clientip import client_ip
from scrutiny.middleware import allow_methods
from scrutiny.permissions import officer_required

from . import services
from .forms import AlertsForm, SubscribeForm
from .messages import read_token
from .models import Outbox, Suppression


def _private(response: HttpResponse) -> HttpResponse:
    # The token in the address is never sent to another site: the portal's Referrer-Policy is
    # same-origin ("no-referrer" would make the browser send "Origin: null" with the form).
    patch_cache_control(response, private=True, no_store=True)
    return response


@allow_methods("GET", "POST")
def subscribe(request):
    if request.method == "POST":
        form = SubscribeForm(request.POST)
        if form.is_valid():
            email = form.cleaned_data["email"]
            ip_over, address_over = services.rate_limited(email=email, ip=client_ip(request) or "")
            if ip_over:
                response = render(
                    request,
                    "notifications/too_many.html",
                    {"title": "Too many requests"},
                    status=429,
                )
                response["Retry-After"] = "3600"
                return _private(response)
            if not address_over:
                services.subscribe(email=email, **form.choices())
            # The same page whatever the address's state (and when the address was refused).
            return _private(
                render(
                    request,
                    "notifications/check_email.html",
                    {"email": email, "confirm_days": settings.SUBSCRIPTION_CONFIRM_DAYS},
                )
            )
    else:
        committee = request.GET.get("committee", "")
        form = SubscribeForm(
            initial={
                "committees": [int(committee)]
                if committee.isascii() and committee.isdigit()
                else [],
                "topics": ["agendas", "minutes"],
            }
        )
    return render(request, "notifications/subscribe.html", {"form": form})


def _bad_link(request) -> HttpResponse:
    return _private(render(request, "notifications/bad_link.html", status=404))


@allow_methods("GET", "POST")
def confirm(request, token: str):
    subscriber = read_token(token, "confirm", max_age=settings.SUBSCRIPTION_CONFIRM_DAYS * 86400)
    if subscriber is None:
        return _bad_link(request)
    if request.method == "POST":
        services.confirm(subscriber=subscriber)
        manage = read_manage_url(subscriber)
        return _private(
            render(
                request,
                "notifications/confirmed.html",
                {"manage_url": manage, "summary": services.describe(subscriber)},
            )
        )
    return _private(
        render(
            request,
            "notifications/confirm.html",
            {"summary": services.describe(subscriber), "email": subscriber.email},
        )
    )


def read_manage_url(subscriber) -> str:
    from .messages import subscriber_token

    return reverse("alerts-manage", kwargs={"token": subscriber_token(subscriber, "manage")})


@allow_methods("GET", "POST")
def manage(request, token: str):
    subscriber = read_token(token, "manage")
    if subscriber is None:
        return _bad_link(request)
    if request.method == "POST":
        form = AlertsForm(request.POST)
        if form.is_valid():
            services.update_choices(subscriber=subscriber, **form.choices())
            if subscriber.confirmed_at is None:
                services.confirm(subscriber=subscriber)
            messages.success(request, "Your alerts are saved.")
            return HttpResponseRedirect(request.path)
    else:
        form = AlertsForm(
            initial={
                "committees": list(subscriber.committees.all()),
                "topics": subscriber.topics,
                "frequency": subscriber.frequency,
            }
        )
    unsubscribe_url = reverse(
        "alerts-unsubscribe",
        kwargs={"token": _token(subscriber, "unsubscribe")},
    )
    return _private(
        render(
            request,
            "notifications/manage.html",
            {"form": form, "subscriber": subscriber, "unsubscribe_url": unsubscribe_url},
        )
    )


def _token(subscriber, purpose):
    from .messages import subscriber_token

    return subscriber_token(subscriber, purpose)


@csrf_exempt  # RFC 8058: mail clients POST "List-Unsubscribe=One-Click" with no token
@allow_methods("GET", "POST")
def unsubscribe(request, token: str):
    """GET asks (a link scanner must not unsubscribe anyone); POST unsubscribes at once, both
    from the page's button and from a mail client's one-click request."""
    subscriber = read_token(token, "unsubscribe")
    if request.method == "POST":
        if subscriber is not None:
            services.unsubscribe(subscriber=subscriber)
        # The same answer for a link already used: the address is not subscribed either way.
        return _private(render(request, "notifications/unsubscribed.html"))
    if subscriber is None:
        return _bad_link(request)
    return _private(render(request, "notifications/unsubscribe.html", {"email": subscriber.email}))


def privacy(request):
    return render(
        request,
        "notifications/privacy.html",
        {
            "confirm_days": settings.SUBSCRIPTION_CONFIRM_DAYS,
            "keep_days": settings.OUTBOX_KEEP_DAYS,
        },
    )


# --- officers -----------------------------------------------------------------------------


@officer_required
def officer_meeting_email(request, pk: int):
    meeting = get_object_or_404(Meeting.all_objects.select_related("committee"), pk=pk)
    rows = (
        Outbox.objects.filter(meeting=meeting, kind__in=[Outbox.Kind.SUMMONS, Outbox.Kind.CHANGE])
        .select_related("person", "requested_by")
        .order_by("created_at", "pk")
    )
    alerts = Outbox.objects.filter(meeting=meeting, kind=Outbox.Kind.ALERT)
    return render(
        request,
        "notifications/officer_meeting_email.html",
        {
            "meeting": meeting,
            "rows": rows,
            "alerts_sent": alerts.filter(status=Outbox.Status.SENT).count(),
            "alerts_total": alerts.count(),
        },
    )


@officer_required
@require_POST
def officer_resend(request, pk: int, row: int):
    meeting = get_object_or_404(Meeting.all_objects, pk=pk)
    original = Outbox.objects.filter(
        meeting=meeting, pk=row, kind__in=[Outbox.Kind.SUMMONS, Outbox.Kind.CHANGE]
    ).first()
    if original is None:
        messages.error(request, "That message is not one of this meeting's: nothing was sent.")
    else:
        try:
            services.resend(row=original, by=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, f"The message is queued again for {original.recipient}.")
    return HttpResponseRedirect(reverse("officer-meeting-email", kwargs={"pk": meeting.pk}))


@officer_required
def officer_suspended(request):
    """Addresses the mail server reported as bouncing or complaining: nothing is sent to them
    until lifted here."""
    rows = list(Suppression.objects.all())
    addresses = [r.email for r in rows]
    held = dict(
        Outbox.objects.filter(status=Outbox.Status.SUPPRESSED, recipient__in=addresses)
        .values_list("recipient")
        .annotate(n=Count("pk"))
    )
    for row in rows:
        row.held = held.get(row.email, 0)
    return render(request, "notifications/officer_suspended.html", {"rows": rows})


@officer_required
@require_POST
def officer_lift_suspension(request, pk: int):
    suppression = Suppression.objects.filter(pk=pk).first()
    if suppression is None:
        messages.error(request, "That address is not suspended (it may have been lifted already).")
    else:
        try:
            email = services.lift_suspension(suppression=suppression, by=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, f"{email} is no longer suspended: email is sent to it again.")
    return HttpResponseRedirect(reverse("officer-email-suspended"))


@officer_required
@require_POST
def officer_send_summons(request, pk: int):
    """The summons to the members who have not had it (joined, consented or given an address
    since the agenda was published); nobody who had it gets it again."""
    from . import events

    meeting = get_object_or_404(Meeting.all_objects.select_related("committee"), pk=pk)
    try:
        count = events.summons_missing(meeting, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        if count:
            messages.success(
                request, f"The summons is queued for {count} member{'s' if count != 1 else ''}."
            )
        else:
            messages.success(
                request,
                "Every member with an email address and consent has had the summons: "
                "nothing more was sent.",
            )
    return HttpResponseRedirect(reverse("officer-meeting-email", kwargs={"pk": meeting.pk}))
