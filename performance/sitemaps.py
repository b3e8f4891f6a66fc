from performance.models import KPI
from scrutiny.sitemap_index import ModelSitemap, static_sitemap


class KPISitemap(ModelSitemap):
    fields = ("pk", "slug", "modified_at")

    def queryset(self):
        return KPI.objects.all()


SITEMAPS = {"performance": static_sitemap("kpi-dashboard"), "kpis": KPISitemap}
