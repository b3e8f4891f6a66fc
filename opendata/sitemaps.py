from django.contrib.sitemaps import Sitemap
from django.urls import reverse


class OpenDataSitemap(Sitemap):
    def items(self):
        return ["search", "open-data"]

    def location(self, item):
        return reverse(item)


SITEMAPS = {"opendata": OpenDataSitemap}
