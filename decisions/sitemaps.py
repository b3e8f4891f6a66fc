"""The forward plan, its editions and the decisions register for the sitemap, through the
public managers only."""

from django.urls import reverse

from decisions.models import Decision, ForwardPlanEdition, ForwardPlanEntry
from scrutiny.sitemap_index import ModelSitemap, static_sitemap


class EntrySitemap(ModelSitemap):
    def queryset(self):
        return ForwardPlanEntry.objects.all()


class EditionSitemap(ModelSitemap):
    fields = ("pk", "number", "modified_at")

    def queryset(self):
        return ForwardPlanEdition.objects.all()

    def location(self, obj):
        return reverse("forward-plan-edition", kwargs={"number": obj.number})


class DecisionSitemap(ModelSitemap):
    def queryset(self):
        return Decision.objects.all()


SITEMAPS = {
    "forward-plan": static_sitemap("forward-plan", "forward-plan-editions", "decision-list"),
    "forward-plan-entries": EntrySitemap,
    "forward-plan-editions": EditionSitemap,
    "decisions": DecisionSitemap,
}
