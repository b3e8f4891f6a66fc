from django.urls import path

from imports import views

urlpatterns = [
    path("officer/imports/", views.import_list, name="officer-imports"),
    path("officer/imports/<int:pk>/", views.import_detail, name="officer-import-detail"),
]
