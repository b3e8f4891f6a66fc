from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "meetings"
    verbose_name = "Meetings and agendas"

    def ready(self):
        from django.db.models.signals import post_delete

        from meetings import agenda_views, views
        from meetings.conversion import delete_original_file
        from meetings.models import Conversion
        from scrutiny.extensions import (
            committee_panels,
            constitution_panels,
            home_panels,
            members_only_urls,
        )

        committee_panels.register(views.committee_next_meeting_panel)
        # An exempt paper's 404 offers a signed-out member sign-in (issue 16).
        members_only_urls.register(
            "document-download", "document-original", "document-html", "report-detail"
        )
        home_panels.register(views.home_next_meetings_panel)
        constitution_panels.register(agenda_views.constitution_standard_items_panel)
        # A signed-in user's private notes and briefing for the meeting (issue 23).
        from meetings.extensions import meeting_top_panels
        from meetings.notes_views import meeting_notes_panel

        meeting_top_panels.register(meeting_notes_panel)
        # The meetings a reader keeps notes on, in their reader profile: the meeting page of
        # any other meeting makes no notes query (scrutiny.readers).
        from meetings.notes import noted_meeting_ids
        from scrutiny import readers

        readers.register_fact("note_meetings", noted_meeting_ids)

        post_delete.connect(
            delete_original_file, sender=Conversion, dispatch_uid="conversion-original"
        )
