from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Prefetch
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from django.views.generic import CreateView, ListView, TemplateView, UpdateView

from scrutiny import fragments, services
from scrutiny.accessibility import statement_context
from scrutiny.extensions import committee_panels, home_panels, person_panels
from scrutiny.filters import (
    CommitteeFilter,
    OfficerPersonFilter,
    PersonFilter,
    filtered_heading,
)
from scrutiny.forms import (
    CommitteeForm,
    MembershipForm,
    MunicipalYearForm,
    PersonForm,
    add_service_errors,
)
from scrutiny.models import Committee, Membership, MunicipalYear, Person
from scrutiny.paging import page_query, paged
from scrutiny.permissions import OfficerRequiredMixin, is_administrator


def home(request):
    committees = Committee.objects.active().select_related("parent")
    return render(
        request,
        "scrutiny/home.html",
        {"committees": committees, "panels": home_panels.render_list(request)},
    )


def sitemap_page(request):
    """A page for people listing the site's sections and every committee (two queries)."""
    committees = Committee.objects.order_by("-is_active", "name")
    return render(request, "scrutiny/sitemap.html", {"committees": committees})


def accessibility(request):
    """The accessibility statement, from ``scrutiny.accessibility`` (the known issues, the
    tests' method, the latest paper check and the later apps' panels)."""
    return render(request, "scrutiny/accessibility.html", statement_context(request))


@never_cache
def healthz(request):
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # noqa: BLE001 - any database failure means unhealthy
        return JsonResponse(
            {"status": "error", "database": str(exc.__class__.__name__)}, status=503
        )
    return JsonResponse({"status": "ok", "database": "ok"})


def robots(request):
    lines = ["User-agent: *", "Disallow: /officer/", "Disallow: /accounts/", "Disallow: /my/"]
    lines.append(f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}")
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain")


@require_safe
def favicon(request):
    """``/favicon.ico``, asked for by browsers and tools that ignore ``<link rel="icon">``:
    a permanent redirect to the SVG icon every page links (issue 16), so there is one icon
    and no 404 in the logs."""
    from django.http import HttpResponsePermanentRedirect
    from django.templatetags.static import static

    return HttpResponsePermanentRedirect(static("favicon.svg"))


def committee_list(request):
    filterset = CommitteeFilter(
        request.GET or {"is_active": "true"},
        queryset=Committee.objects.select_related("parent").order_by("name"),
    )
    return render(
        request, "scrutiny/committee_list.html", {"filter": filterset, "committees": filterset.qs}
    )


def _chosen_year(request) -> tuple[MunicipalYear | None, list[MunicipalYear]]:
    years = list(MunicipalYear.objects.all())
    chosen = None
    wanted = request.GET.get("year")
    if wanted:
        chosen = next((y for y in years if y.name == wanted or str(y.pk) == wanted), None)
    if chosen is None:
        today = timezone.localdate()
        chosen = next((y for y in years if y.start_date <= today <= y.end_date), None)
    return chosen, years


def committee_detail(request, slug):
    committee = get_object_or_404(Committee.objects.select_related("parent"), slug=slug)
    today = timezone.localdate()

    def body() -> str:
        current = list(committee.members_on(today))
        year, years = _chosen_year(request)
        year_members = []
        if year is not None:
            year_members = list(
                committee.memberships.overlapping(year.start_date, year.end_date)
                .select_related("person")
                .order_by("role_order", "person__sort_name", "start_date")
            )
        return render_to_string(
            "scrutiny/_committee_body.html",
            {
                "committee": committee,
                "current_members": current,
                "year": year,
                "years": years,
                "year_members": year_members,
                "children": committee.children.all(),
                "panels": committee_panels.render_list(request, committee),
            },
            request,
        )

    # The same for every reader (public data only): one fragment per content generation,
    # address (the chosen year) and day (the members today) (scrutiny.fragments).
    view = (committee.pk, request.get_full_path(), today.isoformat())
    return render(
        request,
        "scrutiny/committee_detail.html",
        {"committee": committee, "body": fragments.cached("committee-body", view, body)},
    )


def person_list(request):
    filterset = PersonFilter(
        request.GET, queryset=Person.objects.public().exclude(kind=Person.Kind.OFFICER)
    )
    return render(
        request,
        "scrutiny/person_list.html",
        {"filter": filterset, "people": filterset.qs, "heading": _person_heading(filterset)},
    )


def _person_heading(filterset) -> str:
    """For example "Councillors and co-optees: Labour, Lindley"."""
    return filtered_heading("Councillors and co-optees", filterset)


def memberships_by_year(
    person: Person, years: list[MunicipalYear] | None = None
) -> list[tuple[MunicipalYear | None, list[Membership]]]:
    if years is None:
        years = list(MunicipalYear.objects.order_by("-start_date"))
    grouped: dict[int | None, list[Membership]] = defaultdict(list)
    for m in person.memberships.select_related("committee").order_by("-start_date"):
        end = m.end_date or dt.date.max
        hit = [y for y in years if y.start_date <= end and m.start_date <= y.end_date]
        for y in hit or [None]:
            grouped[y.pk if y else None].append(m)
    result = [(y, grouped[y.pk]) for y in years if grouped.get(y.pk)]
    if grouped.get(None):
        result.append((None, grouped[None]))
    return result


def membership_year_ranges(person: Person) -> list[tuple[str, list[Membership]]]:
    """``memberships_by_year`` with consecutive municipal years that hold the same memberships
    made one range, newest first: ("2008/09 to 2017/18", [...]) rather than ten identical
    blocks (issue 16, finding 8). A year with no membership breaks a range."""
    years = list(MunicipalYear.objects.order_by("-start_date"))
    position = {y.pk: n for n, y in enumerate(years)}
    ranges: list[tuple[list[MunicipalYear], list[Membership]]] = []
    outside: list[Membership] = []
    for year, memberships in memberships_by_year(person, years):
        if year is None:
            outside = memberships
            continue
        if ranges:
            run, held = ranges[-1]
            adjacent = position[year.pk] == position[run[-1].pk] + 1
            if adjacent and [m.pk for m in held] == [m.pk for m in memberships]:
                run.append(year)
                continue
        ranges.append(([year], memberships))
    result = [
        (run[0].name if len(run) == 1 else f"{run[-1].name} to {run[0].name}", held)
        for run, held in ranges
    ]
    if outside:
        result.append(("Outside any recorded municipal year", outside))
    return result


def person_detail(request, slug):
    person = get_object_or_404(Person.objects.public(), slug=slug)
    return render(
        request,
        "scrutiny/person_detail.html",
        {
            "person": person,
            "membership_ranges": membership_year_ranges(person),
            "panels": person_panels.render_list(request, person),
        },
    )


# --- Officer pages -------------------------------------------------------------------------


class OfficerHome(OfficerRequiredMixin, TemplateView):
    template_name = "scrutiny/officer/home.html"

    def get_context_data(self, **kwargs):
        # The administrators' links (issue 21): people and roles, the constitution settings.
        return super().get_context_data(is_administrator=is_administrator(self.request.user))


class OfficerCommitteeList(OfficerRequiredMixin, ListView):
    template_name = "scrutiny/officer/committee_list.html"
    queryset = Committee.objects.select_related("parent").order_by("name")
    context_object_name = "committees"


class CommitteeCreate(OfficerRequiredMixin, CreateView):
    model = Committee
    form_class = CommitteeForm
    template_name = "scrutiny/officer/form.html"
    extra_context = {"title": "Add a committee"}

    def form_valid(self, form):
        from scrutiny.models import unique_slug

        form.instance.slug = unique_slug(Committee, form.cleaned_data["name"])
        messages.success(self.request, f"{form.instance.name} was added.")
        return super().form_valid(form)

    def get_success_url(self):
        return reverse("officer-committee-list")


class CommitteeUpdate(OfficerRequiredMixin, UpdateView):
    model = Committee
    form_class = CommitteeForm
    template_name = "scrutiny/officer/form.html"
    slug_url_kwarg = "slug"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["title"] = f"Edit {self.object.name}"
        return ctx

    def form_valid(self, form):
        messages.success(self.request, f"{form.instance.name} was saved.")
        return super().form_valid(form)

    def get_success_url(self):
        return reverse("officer-committee-members", kwargs={"slug": self.object.slug})


class OfficerPersonList(OfficerRequiredMixin, TemplateView):
    """Everyone on record, searched by name, ward or party, a page at a time."""

    template_name = "scrutiny/officer/person_list.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        filterset = OfficerPersonFilter(
            self.request.GET,
            queryset=Person.objects.select_related("user").order_by("kind", "sort_name", "pk"),
        )
        page = paged(self.request, filterset.qs, "officer-people")
        ctx.update(
            filter=filterset,
            page=page,
            people=page.object_list,
            page_query=page_query(self.request),
            searched=any(self.request.GET.get(k) for k in ("q", "kind")),
        )
        return ctx


class PersonCreate(OfficerRequiredMixin, CreateView):
    model = Person
    form_class = PersonForm
    template_name = "scrutiny/officer/form.html"
    extra_context = {"title": "Add a person"}

    def form_valid(self, form):
        messages.success(self.request, f"{form.instance.display_name} was added.")
        return super().form_valid(form)

    def get_success_url(self):
        return reverse("officer-person-list")


class PersonUpdate(OfficerRequiredMixin, UpdateView):
    model = Person
    form_class = PersonForm
    template_name = "scrutiny/officer/form.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["title"] = f"Edit {self.object.display_name}"
        return ctx

    def form_valid(self, form):
        messages.success(self.request, f"{form.instance.display_name} was saved.")
        return super().form_valid(form)

    def get_success_url(self):
        return reverse("officer-person-list")


class OfficerYearList(OfficerRequiredMixin, ListView):
    template_name = "scrutiny/officer/year_list.html"
    model = MunicipalYear
    context_object_name = "years"


class YearCreate(OfficerRequiredMixin, CreateView):
    model = MunicipalYear
    form_class = MunicipalYearForm
    template_name = "scrutiny/officer/form.html"
    extra_context = {"title": "Add a municipal year"}

    def get_success_url(self):
        messages.success(self.request, f"Municipal year {self.object.name} was added.")
        return reverse("officer-year-list")


class YearUpdate(OfficerRequiredMixin, UpdateView):
    model = MunicipalYear
    form_class = MunicipalYearForm
    template_name = "scrutiny/officer/form.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs, title=f"Edit municipal year {self.object.name}")

    def get_success_url(self):
        messages.success(self.request, f"Municipal year {self.object.name} was saved.")
        return reverse("officer-year-list")


class CommitteeMembers(OfficerRequiredMixin, TemplateView):
    template_name = "scrutiny/officer/committee_members.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        committee = get_object_or_404(
            Committee.objects.prefetch_related(
                Prefetch(
                    "memberships",
                    queryset=Membership.objects.select_related("person").order_by(
                        "-start_date", "role_order"
                    ),
                )
            ),
            slug=kwargs["slug"],
        )
        today = timezone.localdate()
        ctx.update(
            committee=committee,
            current=[
                m
                for m in committee.memberships.all()
                if m.start_date <= today and (m.end_date is None or m.end_date >= today)
            ],
            past=[m for m in committee.memberships.all() if m.end_date and m.end_date < today],
            future=[m for m in committee.memberships.all() if m.start_date > today],
        )
        return ctx


def _membership_form_view(request, *, membership: Membership | None, initial=None):
    form = MembershipForm(request.POST or None, instance=membership, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        kwargs = {
            "person": data["person"],
            "committee": data["committee"],
            "role": data["role"],
            "start_date": data["start_date"],
            "end_date": data.get("end_date"),
            "voting": data.get("voting", True),
            "notes": data.get("notes", ""),
        }
        try:
            if membership is None:
                saved = services.create_membership(**kwargs)
            else:
                saved = services.update_membership(membership=membership, **kwargs)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Saved: {saved}.")
            return redirect("officer-committee-members", slug=saved.committee.slug)
    title = "Add a membership" if membership is None else f"Edit membership: {membership}"
    return render(request, "scrutiny/officer/form.html", {"form": form, "title": title})


class MembershipCreate(OfficerRequiredMixin, TemplateView):
    def dispatch(self, request, *args, **kwargs):
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        initial = {}
        if "committee" in request.GET:
            initial["committee"] = Committee.objects.filter(slug=request.GET["committee"]).first()
        initial.setdefault("start_date", timezone.localdate())
        return _membership_form_view(request, membership=None, initial=initial)

    def post(self, request, *args, **kwargs):
        return _membership_form_view(request, membership=None)


class MembershipUpdate(OfficerRequiredMixin, TemplateView):
    def get(self, request, *args, **kwargs):
        return _membership_form_view(
            request, membership=get_object_or_404(Membership, pk=kwargs["pk"])
        )

    post = get
