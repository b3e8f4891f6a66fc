from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from performance.models import KPI


class DashboardSitemap(Sitemap):
    def items(self):
        return ["kpi-dashboard"]

    def location(self, item):
        return reverse(item)


class KPISitemap(Sitemap):
    def items(self):
        return KPI.objects.order_by("pk")

    def lastmod(self, obj):
        return obj.modified_at


SITEMAPS = {"performance": DashboardSitemap, "kpis": KPISitemap}
