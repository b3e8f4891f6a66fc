"""Django admin: for administrators only (staff users), never the officer UI."""

from django.contrib import admin

from scrutiny.models import Committee, Council, Membership, MunicipalYear, Person

admin.site.site_header = "Scrutiny portal administration"


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "party", "ward", "user"]
    list_filter = ["kind", "party"]
    search_fields = ["name"]


@admin.register(Committee)
class CommitteeAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "is_active"]
    prepopulated_fields = {"slug": ["name"]}


admin.site.register([Council, MunicipalYear, Membership])
