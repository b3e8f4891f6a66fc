from django.apps import AppConfig


class WorkprogrammeConfig(AppConfig):
    name = "workprogramme"
    verbose_name = "Work programme and trackers"

    def ready(self) -> None:
        from meetings.extensions import (
            item_notes,
            meeting_panels,
            officer_meeting_panels,
            report_generators,
        )
        from workprogramme import pdf_refresh, reports

        report_generators.register(reports.GENERATOR, reports.render_tracker)
        item_notes.register(reports.agenda_item_notes)
        meeting_panels.register(reports.meeting_panel)
        officer_meeting_panels.register(reports.meeting_panel)
        # Stored tracker PDFs: printed by this app, rebuilt after every change to a work
        # programme record.
        pdf_refresh.connect(self.get_models())
        # Pre-decision scrutiny on the decisions app's pages.
        from decisions.extensions import decision_panels, forward_plan_entry_panels
        from workprogramme import pre_decision

        forward_plan_entry_panels.register(pre_decision.entry_panel)
        decision_panels.register(pre_decision.decision_panel)
