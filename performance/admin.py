from django.contrib import admin

from performance.models import Period


@admin.register(Period)
class PeriodAdmin(admin.ModelAdmin):
    """For correcting a period's due date; periods are added from the officer pages.
    Figures are not edited here: their RAG status is computed by the services."""

    list_display = ["label", "kind", "start_date", "end_date", "due_on"]
    list_filter = ["kind", "financial_year"]
    fields = ["label", "due_on"]
    readonly_fields = ["label"]
