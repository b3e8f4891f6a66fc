from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from scrutiny.models import Committee, Person


class StaticSitemap(Sitemap):
    def items(self):
        return ["home", "committee-list", "person-list", "accessibility"]

    def location(self, item):
        return reverse(item)


class CommitteeSitemap(Sitemap):
    def items(self):
        return Committee.objects.order_by("pk")

    def lastmod(self, obj):
        return obj.modified_at


class PersonSitemap(Sitemap):
    def items(self):
        return Person.objects.public().exclude(kind=Person.Kind.OFFICER).order_by("pk")

    def lastmod(self, obj):
        return obj.modified_at


SITEMAPS = {"pages": StaticSitemap, "committees": CommitteeSitemap, "people": PersonSitemap}
