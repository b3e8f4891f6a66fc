"""URLs of the call-in workflow (included from ``decisions.urls``)."""

from django.urls import path

from decisions import callin_views as views

urlpatterns = [
    path("decisions/<int:pk>/call-in/", views.CallInStart.as_view(), name="callin-start"),
    path("call-ins/<int:pk>/", views.CallInDetail.as_view(), name="callin-detail"),
    path("officer/call-ins/", views.OfficerCallInList.as_view(), name="officer-callins"),
    path("officer/call-ins/<int:pk>/", views.OfficerCallIn.as_view(), name="officer-callin"),
]
