from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from meetings.minutes import selectors
from scrutiny.models import Committee


class MinutesSitemap(Sitemap):
    def items(self):
        return selectors.public_minutes_sets().order_by("pk")

    def location(self, obj):
        return reverse("meeting-minutes", kwargs={"pk": obj.meeting_id})

    def lastmod(self, obj):
        return obj.modified_at


class ActionPagesSitemap(Sitemap):
    def items(self):
        return [reverse("action-tracker")] + [
            reverse("committee-actions", kwargs={"slug": slug})
            for slug in Committee.objects.filter(actions__isnull=False)
            .distinct()
            .order_by("slug")
            .values_list("slug", flat=True)
        ]

    def location(self, item):
        return item


class ActionSitemap(Sitemap):
    def items(self):
        return selectors.public_actions().order_by("pk")

    def lastmod(self, obj):
        return obj.modified_at


SITEMAPS = {"minutes": MinutesSitemap, "action-pages": ActionPagesSitemap, "actions": ActionSitemap}
