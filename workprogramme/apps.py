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
        from scrutiny import stored_pdfs
        from workprogramme import reports

        report_generators.register(reports.GENERATOR, reports.render_tracker)
        item_notes.register(reports.agenda_item_notes)
        meeting_panels.register(reports.meeting_panel)
        officer_meeting_panels.register(reports.meeting_panel)
        # Stored tracker PDFs are rebuilt after every change to a work programme record.
        for model in self.get_models():
            stored_pdfs.follow_model(model, stored_pdfs.on_tracker_content_change)
