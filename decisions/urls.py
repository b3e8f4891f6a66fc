from django.urls import include, path

urlpatterns: list = [
    path("", include("decisions.callin_urls")),
]
