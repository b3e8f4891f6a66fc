"""Administration pages, for administrators only. Officers create and edit every record of
this app in the portal (``/officer/work-programme/…``, see ``workprogramme.officer_views``);
admin stays as a fallback. Changes made anywhere are audited by django-simple-history."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from workprogramme import models


class InspectionRecommendationInline(admin.TabularInline):
    model = models.InspectionRecommendation
    extra = 0


@admin.register(models.Inspection)
class InspectionAdmin(admin.ModelAdmin):
    list_display = ["title", "inspectorate", "published_on"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [InspectionRecommendationInline]


class PriorityInline(admin.StackedInline):
    model = models.PlanPriority
    extra = 0


@admin.register(models.ImprovementPlan)
class ImprovementPlanAdmin(admin.ModelAdmin):
    list_display = ["title", "period_start", "period_end", "committee"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [PriorityInline]


class DeliverableInline(admin.TabularInline):
    model = models.Deliverable
    extra = 0


class SuccessMeasureInline(admin.TabularInline):
    model = models.SuccessMeasure
    extra = 0
    raw_id_fields = ["kpi"]


@admin.register(models.PlanPriority)
class PlanPriorityAdmin(admin.ModelAdmin):
    list_display = ["plan", "number", "title"]
    list_filter = ["plan"]
    inlines = [DeliverableInline, SuccessMeasureInline]


class MeasureTargetInline(admin.TabularInline):
    model = models.MeasureTarget
    extra = 0


@admin.register(models.SuccessMeasure)
class SuccessMeasureAdmin(admin.ModelAdmin):
    list_display = ["priority", "number", "text", "kpi"]
    raw_id_fields = ["kpi"]
    inlines = [MeasureTargetInline]


@admin.register(models.ImprovementAction)
class ImprovementActionAdmin(SimpleHistoryAdmin):
    list_display = ["reference", "priority", "status", "rag", "due_date"]
    list_filter = ["priority__plan", "status", "rag"]
    filter_horizontal = ["inspection_recommendations"]


@admin.register(models.ScrutinyReview)
class ScrutinyReviewAdmin(admin.ModelAdmin):
    list_display = ["title", "panel", "report_date"]
    prepopulated_fields = {"slug": ["title"]}


@admin.register(models.ReviewRecommendation)
class ReviewRecommendationAdmin(SimpleHistoryAdmin):
    list_display = ["review", "number", "status"]
    list_filter = ["review", "status"]


@admin.register(models.WorkProgramme)
class WorkProgrammeAdmin(admin.ModelAdmin):
    list_display = ["committee", "year"]


@admin.register(models.WorkProgrammeItem)
class WorkProgrammeItemAdmin(SimpleHistoryAdmin):
    list_display = ["programme", "number", "issue", "status"]
    list_filter = ["programme", "status", "method"]


@admin.register(models.LeadMemberReport)
class LeadMemberReportAdmin(admin.ModelAdmin):
    list_display = ["committee", "period_start", "period_end"]
