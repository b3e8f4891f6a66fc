from django.apps import AppConfig


class PacksConfig(AppConfig):
    name = "meetings.packs"
    label = "packs"
    verbose_name = "Agenda packs and print"

    def ready(self) -> None:
        from meetings.extensions import item_notes, meeting_panels, officer_meeting_panels
        from meetings.signals import meeting_changed, meeting_published

        from . import panels, receivers

        meeting_published.connect(
            receivers.on_meeting_published, dispatch_uid="packs-meeting-published"
        )
        meeting_changed.connect(receivers.on_meeting_changed, dispatch_uid="packs-meeting-changed")
        meeting_panels.register(panels.meeting_pack_panel)
        officer_meeting_panels.register(panels.officer_pack_panel)
        item_notes.register(panels.item_page_notes)
