from django.urls import path

from performance import views

urlpatterns = [
    path("performance/", views.dashboard, name="kpi-dashboard"),
    path("performance/kpis/<slug:slug>/", views.kpi_detail, name="kpi-detail"),
    # Officer pages.
    path("officer/performance/", views.officer_home, name="officer-performance"),
    path("officer/performance/areas/add/", views.area_form, name="officer-performance-area-add"),
    path(
        "officer/performance/areas/<slug:slug>/edit/",
        views.area_form,
        name="officer-performance-area-edit",
    ),
    path("officer/performance/kpis/add/", views.kpi_form, name="officer-performance-kpi-add"),
    path(
        "officer/performance/kpis/<slug:slug>/", views.officer_kpi, name="officer-performance-kpi"
    ),
    path(
        "officer/performance/kpis/<slug:slug>/edit/",
        views.kpi_form,
        name="officer-performance-kpi-edit",
    ),
    path(
        "officer/performance/kpis/<slug:slug>/figures/<int:period_pk>/",
        views.figure_form,
        name="officer-performance-figure",
    ),
    path(
        "officer/performance/figures/<int:pk>/override/",
        views.override_form,
        name="officer-performance-override",
    ),
    path("officer/performance/periods/", views.periods, name="officer-performance-periods"),
    path("officer/performance/imports/", views.import_list, name="officer-performance-imports"),
    path(
        "officer/performance/imports/new/",
        views.import_new,
        name="officer-performance-import-new",
    ),
    path(
        "officer/performance/imports/<int:pk>/",
        views.import_detail,
        name="officer-performance-import",
    ),
    path(
        "officer/performance/imports/template.<str:file_format>",
        views.import_template,
        name="officer-performance-import-template",
    ),
    path(
        "officer/performance/reports/new/",
        views.report_new,
        name="officer-performance-report-new",
    ),
    path(
        "officer/performance/reports/<int:pk>/",
        views.report_preview,
        name="officer-performance-report-preview",
    ),
]
