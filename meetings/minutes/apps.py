from django.apps import AppConfig


class MinutesConfig(AppConfig):
    name = "meetings.minutes"
    label = "minutes"
    verbose_name = "Minutes and actions"

    def ready(self) -> None:
        from meetings.extensions import (
            item_outcomes,
            meeting_links,
            meeting_panels,
            meeting_top_panels,
            officer_meeting_panels,
            report_generators,
        )
        from meetings.minutes import action_flags, panels, pdf_refresh
        from scrutiny.extensions import members_only_urls, person_panels

        person_panels.register(panels.person_attendance_panel)
        person_panels.register(panels.person_declarations_panel)
        meeting_panels.register(panels.meeting_minutes_panel)
        meeting_links.register(panels.meeting_minutes_links)
        # Before the agenda pack's top panel (packs is a later app): what was decided first.
        meeting_top_panels.register(panels.meeting_decisions_panel)
        item_outcomes.register(panels.item_outcomes)
        # Minutes not (yet) public 404; a signed-out member is offered sign-in (issue 16).
        members_only_urls.register("meeting-minutes", "meeting-minutes-pdf")
        officer_meeting_panels.register(panels.officer_meeting_minutes_panel)
        report_generators.register(panels.MINUTES_GENERATOR, panels.render_previous_minutes)
        # Stored minutes PDFs are rebuilt after every change to the records they print.
        pdf_refresh.connect()
        # Each action's stored "may the public see it" follows every change it depends on.
        action_flags.connect()
