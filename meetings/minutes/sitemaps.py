"""Public minutes and actions for the sitemap, through the public selectors only."""

from django.urls import reverse

from meetings.minutes import selectors
from scrutiny.models import Committee
from scrutiny.sitemap_index import ModelSitemap, static_sitemap


class MinutesSitemap(ModelSitemap):
    fields = ("pk", "meeting_id", "modified_at")

    def queryset(self):
        return selectors.public_minutes_sets().select_related(None)

    def location(self, obj):
        return reverse("meeting-minutes", kwargs={"pk": obj.meeting_id})


class CommitteeActionsSitemap(ModelSitemap):
    """Committees with public actions: their action trackers."""

    fields = ("pk", "slug")

    def queryset(self):
        return Committee.objects.filter(pk__in=selectors.public_actions().values("committee_id"))

    def location(self, obj):
        return reverse("committee-actions", kwargs={"slug": obj.slug})

    def lastmod(self, obj):
        return None


class ActionSitemap(ModelSitemap):
    def queryset(self):
        return selectors.public_actions()


SITEMAPS = {
    "minutes": MinutesSitemap,
    "action-tracker": static_sitemap("action-tracker"),
    "action-pages": CommitteeActionsSitemap,
    "actions": ActionSitemap,
}
