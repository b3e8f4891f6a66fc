from django.apps import AppConfig


class PerformanceConfig(AppConfig):
    name = "performance"
    verbose_name = "Performance indicators"

    def ready(self):
        from meetings.extensions import officer_meeting_panels, report_generators
        from performance import report
        from performance.panels import officer_meeting_performance
        from performance.services import REPORT_GENERATOR

        report_generators.register(REPORT_GENERATOR, report.render)
        officer_meeting_panels.register(officer_meeting_performance)
