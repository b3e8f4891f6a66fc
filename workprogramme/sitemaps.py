from scrutiny.sitemap_index import ModelSitemap, static_sitemap
from workprogramme.models import (
    ImprovementPlan,
    Inspection,
    LeadMemberReport,
    ReviewRecommendation,
    ScrutinyReview,
    WorkProgramme,
    WorkProgrammeItem,
)


class _ModelSitemap(ModelSitemap):
    model = None

    def queryset(self):
        return self.model.objects.all()


class ProgrammeSitemap(_ModelSitemap):
    # The URL names the committee and the year: read them in the same query.
    fields = ("pk", "modified_at", "committee__slug", "year__name")

    def queryset(self):
        return WorkProgramme.objects.select_related("committee", "year")


class ItemSitemap(_ModelSitemap):
    model = WorkProgrammeItem


class PlanSitemap(_ModelSitemap):
    model = ImprovementPlan
    fields = ("pk", "slug", "modified_at")


class InspectionSitemap(_ModelSitemap):
    model = Inspection
    fields = ("pk", "slug", "modified_at")


class ReviewSitemap(_ModelSitemap):
    model = ScrutinyReview
    fields = ("pk", "slug", "modified_at")


class RecommendationSitemap(_ModelSitemap):
    fields = ("pk", "number", "modified_at", "review__slug")

    def queryset(self):
        return ReviewRecommendation.objects.select_related("review")


class LeadMemberReportSitemap(_ModelSitemap):
    model = LeadMemberReport


SITEMAPS = {
    "workprogramme-pages": static_sitemap(
        "workprogramme-index", "workprogramme-items", "review-recommendations"
    ),
    "work-programmes": ProgrammeSitemap,
    "work-programme-items": ItemSitemap,
    "improvement-plans": PlanSitemap,
    "inspections": InspectionSitemap,
    "scrutiny-reviews": ReviewSitemap,
    "review-recommendations": RecommendationSitemap,
    "lead-member-reports": LeadMemberReportSitemap,
}
