"""Public meetings pages for /sitemap.xml: the calendar, each committee's meetings, every
published meeting and every public web-page report. Only the safe managers are used, so
nothing exempt, confidential or unpublished can be listed."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from meetings.models import Meeting, Report
from scrutiny.models import Committee


class CalendarSitemap(Sitemap):
    changefreq = "daily"

    def items(self):
        return ["meeting-calendar"]

    def location(self, item):
        return reverse(item)


class CommitteeMeetingsSitemap(Sitemap):
    def items(self):
        return Committee.objects.filter(pk__in=Meeting.objects.values("committee_id")).order_by(
            "pk"
        )

    def location(self, obj):
        return reverse("committee-meetings", args=[obj.slug])


class MeetingSitemap(Sitemap):
    def items(self):
        return Meeting.objects.order_by("pk")

    def lastmod(self, obj):
        return obj.papers_changed_at or obj.modified_at


class ReportSitemap(Sitemap):
    def items(self):
        return Report.objects.exclude(source=Report.Source.UPLOADED).order_by("pk")

    def lastmod(self, obj):
        return obj.modified_at


SITEMAPS = {
    "meeting-calendar": CalendarSitemap,
    "committee-meetings": CommitteeMeetingsSitemap,
    "meetings": MeetingSitemap,
    "reports": ReportSitemap,
}
