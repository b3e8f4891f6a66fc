from scrutiny.models import Committee, Person
from scrutiny.sitemap_index import ModelSitemap, static_sitemap


class CommitteeSitemap(ModelSitemap):
    fields = ("pk", "slug", "modified_at")

    def queryset(self):
        return Committee.objects.all()


class PersonSitemap(ModelSitemap):
    fields = ("pk", "slug", "modified_at")

    def queryset(self):
        return Person.objects.public().exclude(kind=Person.Kind.OFFICER)


SITEMAPS = {
    "pages": static_sitemap(
        "home", "committee-list", "person-list", "accessibility", "sitemap-page"
    ),
    "committees": CommitteeSitemap,
    "people": PersonSitemap,
}
