from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from workprogramme.models import (
    ImprovementPlan,
    Inspection,
    LeadMemberReport,
    ReviewRecommendation,
    ScrutinyReview,
    WorkProgramme,
    WorkProgrammeItem,
)


class StaticWorkProgrammeSitemap(Sitemap):
    def items(self):
        return ["workprogramme-index", "workprogramme-items", "review-recommendations"]

    def location(self, item):
        return reverse(item)


class _ModelSitemap(Sitemap):
    model = None

    def items(self):
        return self.model.objects.order_by("pk")

    def lastmod(self, obj):
        return getattr(obj, "modified_at", None)


class ProgrammeSitemap(_ModelSitemap):
    model = WorkProgramme


class ItemSitemap(_ModelSitemap):
    model = WorkProgrammeItem


class PlanSitemap(_ModelSitemap):
    model = ImprovementPlan


class InspectionSitemap(_ModelSitemap):
    model = Inspection


class ReviewSitemap(_ModelSitemap):
    model = ScrutinyReview


class RecommendationSitemap(_ModelSitemap):
    model = ReviewRecommendation

    def items(self):
        return ReviewRecommendation.objects.select_related("review").order_by("pk")


class LeadMemberReportSitemap(_ModelSitemap):
    model = LeadMemberReport


SITEMAPS = {
    "workprogramme-pages": StaticWorkProgrammeSitemap,
    "work-programmes": ProgrammeSitemap,
    "work-programme-items": ItemSitemap,
    "improvement-plans": PlanSitemap,
    "inspections": InspectionSitemap,
    "scrutiny-reviews": ReviewSitemap,
    "review-recommendations": RecommendationSitemap,
    "lead-member-reports": LeadMemberReportSitemap,
}
