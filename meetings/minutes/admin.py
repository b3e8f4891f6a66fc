"""Admin views for audit: history of every change. Changes go through the officer pages
(services), so approved minutes are read-only here too."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from meetings.minutes.models import Action, Minute, MinutesAmendment, MinutesSet


class ReadOnlyWhenApproved(SimpleHistoryAdmin):
    def _locked(self, obj) -> bool:
        minutes = getattr(obj, "minutes", obj)
        return bool(obj) and getattr(minutes, "status", "") == "approved"

    def has_change_permission(self, request, obj=None):
        return not self._locked(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not self._locked(obj) and super().has_delete_permission(request, obj)


@admin.register(MinutesSet)
class MinutesSetAdmin(ReadOnlyWhenApproved):
    list_display = ["meeting", "status", "published_at", "approved_at"]
    list_filter = ["status", "meeting__committee"]
    list_select_related = ["meeting__committee"]
    raw_id_fields = ["meeting", "approved_at_item"]


@admin.register(Minute)
class MinuteAdmin(ReadOnlyWhenApproved):
    list_display = ["__str__", "committee", "municipal_year", "number", "outcome"]
    list_filter = ["committee", "municipal_year"]
    list_select_related = ["agenda_item", "committee", "municipal_year"]
    raw_id_fields = ["minutes", "agenda_item"]


@admin.register(MinutesAmendment)
class MinutesAmendmentAdmin(SimpleHistoryAdmin):
    list_display = ["minute", "kind", "made_at", "made_by"]
    raw_id_fields = ["minutes", "minute", "made_at_item"]

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Action)
class ActionAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "committee", "status", "due_date", "is_public"]
    list_filter = ["status", "committee", "is_public"]
    list_select_related = ["committee"]
    raw_id_fields = ["resolution", "target_meeting", "dealt_with_item", "owner_person"]
