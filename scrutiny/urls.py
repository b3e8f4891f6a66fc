"""Root URL configuration.

Each app owns its own ``urls.py`` and, if it has public pages, a ``sitemaps.py`` with a
``SITEMAPS`` dict; both are collected here, in the order of the one app list
(``scrutiny.apps_list.PORTAL_APPS``), so a new app only has to be listed there.
"""

from importlib import import_module

from django.contrib import admin
from django.urls import include, path

from scrutiny import (
    account_views,
    constitution_views,
    membership_views,
    offline,
    session_timeout,
    views,
)
from scrutiny.apps_list import PORTAL_APPS
from scrutiny.sitemap_index import sitemap_index, sitemap_section


def collect_sitemaps() -> dict:
    found: dict = {}
    for app in PORTAL_APPS:
        try:
            module = import_module(f"{app}.sitemaps")
        except ModuleNotFoundError as exc:
            if exc.name != f"{app}.sitemaps":
                raise
            continue
        found.update(getattr(module, "SITEMAPS", {}))
    return found


core_patterns = [
    path("", views.home, name="home"),
    path("committees/", views.committee_list, name="committee-list"),
    path("committees/<slug:slug>/", views.committee_detail, name="committee-detail"),
    path("people/", views.person_list, name="person-list"),
    path("people/<slug:slug>/", views.person_detail, name="person-detail"),
    path("accessibility/", views.accessibility, name="accessibility"),
    # The footer's "Sitemap" for people; /sitemap.xml stays for search engines (robots.txt).
    path("sitemap/", views.sitemap_page, name="sitemap-page"),
    path("healthz", views.healthz, name="healthz"),
    path("robots.txt", views.robots, name="robots"),
    path("favicon.ico", views.favicon, name="favicon"),
    # The installable web app (scrutiny.offline): the worker's scope is the whole site.
    path("manifest.webmanifest", offline.manifest, name="web-manifest"),
    path("sw.js", offline.service_worker, name="service-worker"),
    # Officer pages for core records.
    path("officer/", views.OfficerHome.as_view(), name="officer-home"),
    path(
        "officer/committees/", views.OfficerCommitteeList.as_view(), name="officer-committee-list"
    ),
    path("officer/committees/add/", views.CommitteeCreate.as_view(), name="officer-committee-add"),
    path(
        "officer/committees/<slug:slug>/edit/",
        views.CommitteeUpdate.as_view(),
        name="officer-committee-edit",
    ),
    path(
        "officer/committees/<slug:slug>/members/",
        views.CommitteeMembers.as_view(),
        name="officer-committee-members",
    ),
    path(
        "officer/committees/<slug:slug>/years/<int:year>/members/",
        membership_views.YearMembers.as_view(),
        name="officer-year-members",
    ),
    path(
        "officer/years/<int:year>/members/",
        membership_views.YearCommittees.as_view(),
        name="officer-year-committees",
    ),
    path("officer/people/", views.OfficerPersonList.as_view(), name="officer-person-list"),
    path("officer/people/add/", views.PersonCreate.as_view(), name="officer-person-add"),
    path("officer/people/<int:pk>/edit/", views.PersonUpdate.as_view(), name="officer-person-edit"),
    # Councillors' logins (scrutiny.account_views).
    path(
        "officer/people/<int:pk>/login/",
        account_views.PersonLogin.as_view(),
        name="officer-person-login",
    ),
    path(
        "officer/people/<int:pk>/login/reset/",
        account_views.PersonLoginAction.as_view(action="reset"),
        name="officer-person-login-reset",
    ),
    path(
        "officer/people/<int:pk>/login/disable/",
        account_views.PersonLoginAction.as_view(action="disable"),
        name="officer-person-login-disable",
    ),
    path(
        "officer/people/<int:pk>/login/enable/",
        account_views.PersonLoginAction.as_view(action="enable"),
        name="officer-person-login-enable",
    ),
    # Administrators (issue 21): the constitution's rules, officers' and administrators' logins.
    path(
        "officer/constitution/",
        constitution_views.ConstitutionPage.as_view(),
        name="officer-constitution",
    ),
    path("officer/people-and-roles/", account_views.StaffPage.as_view(), name="officer-staff"),
    *[
        path(
            f"officer/people-and-roles/<int:pk>/{action}/",
            account_views.StaffAction.as_view(action=action),
            name=f"officer-staff-{action}",
        )
        for action in ("role", "disable", "enable", "new-link")
    ],
    path("officer/years/", views.OfficerYearList.as_view(), name="officer-year-list"),
    path("officer/years/add/", views.YearCreate.as_view(), name="officer-year-add"),
    path("officer/years/<int:pk>/edit/", views.YearUpdate.as_view(), name="officer-year-edit"),
    path(
        "officer/memberships/add/", views.MembershipCreate.as_view(), name="officer-membership-add"
    ),
    path(
        "officer/memberships/<int:pk>/edit/",
        views.MembershipUpdate.as_view(),
        name="officer-membership-edit",
    ),
    # Login and logout.
    path(
        "accounts/login/",
        account_views.PortalLogin.as_view(),
        name="login",
    ),
    # Signing out also clears the saved offline copies (Clear-Site-Data; scrutiny.offline).
    path("accounts/logout/", offline.SignOut.as_view(), name="logout"),
    # Stay signed in (issue 16, finding 7): the session warning's button.
    path("accounts/session/", session_timeout.SessionExtend.as_view(), name="session-extend"),
    path(
        "accounts/set-password/<uidb64>/<token>/",
        account_views.SetPasswordFromLink.as_view(),
        name="account-set-password",
    ),
    # A sitemap index (one query) and a paginated sitemap per section (two queries a page).
    path("sitemap.xml", sitemap_index, {"sitemaps": collect_sitemaps()}, name="sitemap"),
    path(
        "sitemap-<str:section>.xml",
        sitemap_section,
        {"sitemaps": collect_sitemaps()},
        name="sitemap-section",
    ),
    path("django-admin/", admin.site.urls),
    path("", include("scrutiny.urls_hardening")),
    path("", include("scrutiny.urls_council")),
]

urlpatterns = core_patterns + [
    path("", include(f"{app}.urls")) for app in PORTAL_APPS if app != "scrutiny"
]

# The portal's own error answers (scrutiny.errors): no database needed, JSON under /api/, and
# 503 with Retry-After when the database is down.
handler400 = "scrutiny.errors.bad_request"
handler500 = "scrutiny.errors.server_error"
