"""The council's settings, the first-run page and the brand's files (``council_views``)."""

from django.urls import path

from scrutiny import council_views

urlpatterns = [
    path("officer/council/", council_views.CouncilSettings.as_view(), name="council-settings"),
    path(
        "officer/setup/",
        council_views.CouncilSettings.as_view(first_run=True),
        name="council-setup",
    ),
    path("brand.css", council_views.brand_css, name="brand-css"),
    path("brand/logo/<str:name>", council_views.council_logo, name="council-logo"),
]
