"""Public meetings pages for the sitemap: the calendar, each committee's meetings, every
published meeting and every public web-page report. Only the safe managers are used, so
nothing exempt, confidential or unpublished can be listed."""

from django.urls import reverse

from meetings.models import Meeting, Report
from scrutiny.models import Committee
from scrutiny.sitemap_index import ModelSitemap, static_sitemap


class CommitteeMeetingsSitemap(ModelSitemap):
    fields = ("pk", "slug")

    def queryset(self):
        return Committee.objects.filter(pk__in=Meeting.objects.values("committee_id"))

    def location(self, obj):
        return reverse("committee-meetings", args=[obj.slug])

    def lastmod(self, obj):
        return None


class MeetingSitemap(ModelSitemap):
    fields = ("pk", "papers_changed_at", "modified_at")

    def queryset(self):
        return Meeting.objects.all()

    def lastmod(self, obj):
        return obj.papers_changed_at or obj.modified_at


class ReportSitemap(ModelSitemap):
    def queryset(self):
        return Report.objects.exclude(source=Report.Source.UPLOADED)


SITEMAPS = {
    "meeting-calendar": static_sitemap("meeting-calendar"),
    "committee-meetings": CommitteeMeetingsSitemap,
    "meetings": MeetingSitemap,
    "reports": ReportSitemap,
}
