from django.urls import path, re_path, register_converter

from opendata import decisions, feeds, views
from opendata.http import conditional

# An archived month of a feed: /feeds/papers/2017-10.atom.
MONTH = r"(?P<year>[0-9]{4})-(?P<month>[0-9]{2})"


class CollectionConverter:
    regex = "[A-Za-z]+"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(CollectionConverter, "collection")

API = "api/oparl/v1/"

urlpatterns = [
    path("search/", views.search_view, name="search"),
    path("open-data/", views.open_data, name="open-data"),
    path("open-data/kpis.csv", views.kpis_csv, name="kpis-csv"),
    path("open-data/recommendations.csv", views.recommendations_csv, name="recommendations-csv"),
    # Calendars.
    path("feeds/meetings.ics", views.meetings_ics, name="meetings-ics"),
    path("feeds/meetings-<int:year>.ics", views.meetings_year_ics, name="meetings-year-ics"),
    path(
        "feeds/committees/<slug:slug>/meetings-<int:year>.ics",
        views.committee_year_ics,
        name="committee-year-ics",
    ),
    path("feeds/committees/<slug:slug>/meetings.ics", views.committee_ics, name="committee-ics"),
    path("feeds/meetings/<int:pk>.ics", views.meeting_ics, name="meeting-ics"),
    # Atom feeds.
    path("feeds/papers.atom", views.public_conditional(feeds.PapersFeed()), name="papers-feed"),
    path(
        "feeds/committees/<slug:slug>/papers.atom",
        views.public_conditional(feeds.PapersFeed()),
        name="committee-papers-feed",
    ),
    path("feeds/minutes.atom", views.public_conditional(feeds.MinutesFeed()), name="minutes-feed"),
    path(
        "feeds/committees/<slug:slug>/minutes.atom",
        views.public_conditional(feeds.MinutesFeed()),
        name="committee-minutes-feed",
    ),
    # Their monthly archives (RFC 5005, opendata.feeds).
    re_path(
        rf"^feeds/papers/{MONTH}\.atom$",
        views.public_conditional(feeds.PapersFeed()),
        name="papers-feed-archive",
    ),
    re_path(
        rf"^feeds/committees/(?P<slug>[-a-zA-Z0-9_]+)/papers/{MONTH}\.atom$",
        views.public_conditional(feeds.PapersFeed()),
        name="committee-papers-feed-archive",
    ),
    re_path(
        rf"^feeds/minutes/{MONTH}\.atom$",
        views.public_conditional(feeds.MinutesFeed()),
        name="minutes-feed-archive",
    ),
    re_path(
        rf"^feeds/committees/(?P<slug>[-a-zA-Z0-9_]+)/minutes/{MONTH}\.atom$",
        views.public_conditional(feeds.MinutesFeed()),
        name="committee-minutes-feed-archive",
    ),
    # The forward plan and decisions (issue 17).
    path(
        "feeds/forward-plan.atom",
        conditional(decisions.ForwardPlanFeed()),
        name="forward-plan-feed",
    ),
    path("feeds/forward-plan.ics", views.forward_plan_ics, name="forward-plan-calendar"),
    path("feeds/decisions.atom", conditional(decisions.DecisionsFeed()), name="decisions-feed"),
    path("feeds/call-ins.atom", conditional(decisions.CallInsFeed()), name="call-ins-feed"),
    # Officers.
    path(
        "officer/documents/without-text/",
        views.DocumentsWithoutText.as_view(),
        name="officer-documents-without-text",
    ),
    # OParl 1.1.
    path("api/oparl/v1/", views.api_index, name="oparl-index"),
    path(API + "system", views.oparl_system, name="oparl-system"),
    path(API + "bodies", views.oparl_body_list, name="oparl-body-list"),
    path(API + "body/<int:pk>", views.oparl_body, name="oparl-body"),
    path(
        API + "body/<int:pk>/<collection:collection>",
        views.oparl_body_collection,
        name="oparl-body-collection",
    ),
    path(
        API + "organization/<int:pk>/meetings",
        views.oparl_organization_meetings,
        name="oparl-organization-meetings",
    ),
    path(API + "file/<int:pk>/access", views.oparl_file_access, name="oparl-file-access"),
    path(API + "file/<int:pk>/download", views.oparl_file_download, name="oparl-file-download"),
    path(API + "<slug:kind>/<int:pk>", views.oparl_object, name="oparl-object"),
    # Everything else under the API: a JSON 404 with CORS, not the HTML error page.
    re_path(r"^api/oparl/v1/(?P<rest>.*)$", views.oparl_not_found, name="oparl-not-found"),
]
