from django.apps import AppConfig


class PacksConfig(AppConfig):
    name = "meetings.packs"
    label = "packs"
    verbose_name = "Agenda packs and print"

    def ready(self) -> None:
        from meetings.extensions import (
            item_notes,
            meeting_links,
            meeting_top_panels,
            officer_meeting_panels,
            paper_pages,
        )
        from meetings.signals import meeting_changed, meeting_published
        from scrutiny.extensions import accessibility_statement_panels, my_panels

        from . import offline, panels, receivers

        meeting_published.connect(
            receivers.on_meeting_published, dispatch_uid="packs-meeting-published"
        )
        meeting_changed.connect(receivers.on_meeting_changed, dispatch_uid="packs-meeting-changed")
        # Before the agenda, so the download is not the last stop on the page (issue 16).
        meeting_top_panels.register(panels.meeting_pack_panel)
        # "Save for offline", just after the pack it saves (issue 23; meetings.packs.offline).
        meeting_top_panels.register(offline.meeting_offline_panel)
        my_panels.register(offline.my_offline_panel)
        meeting_links.register(panels.meeting_pack_links)
        officer_meeting_panels.register(panels.officer_pack_panel)
        item_notes.register(panels.item_page_notes)
        paper_pages.register(panels.supplementary_pages)
        # The statement's "content that is not accessible": public papers that are not tagged.
        accessibility_statement_panels.register(panels.untagged_papers_panel)
        from scrutiny.extensions import members_only_urls

        members_only_urls.register("meeting-members-pack")
