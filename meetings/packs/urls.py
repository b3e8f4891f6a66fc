from django.urls import path

from . import offline, views

urlpatterns = [
    path("meetings/<int:pk>/agenda-pack.pdf", views.public_pack, name="meeting-pack"),
    path(
        "meetings/<int:pk>/supplementary-pack.pdf",
        views.supplementary_pack,
        name="meeting-supplementary-pack",
    ),
    path("meetings/<int:pk>/members-pack.pdf", views.members_pack, name="meeting-members-pack"),
    # Saving meetings to read offline (meetings.packs.offline, static/js/sw.js).
    path("offline/meetings/<int:pk>/", offline.offline_meeting, name="offline-meeting"),
    path("offline/check/", offline.offline_check, name="offline-check"),
    path("officer/packs/", views.OfficerPackList.as_view(), name="officer-packs"),
    path(
        "officer/packs/<int:pk>/rebuild/", views.RebuildPacks.as_view(), name="officer-pack-rebuild"
    ),
]
