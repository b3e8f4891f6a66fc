from django.apps import AppConfig


class PerformanceConfig(AppConfig):
    name = "performance"
    verbose_name = "Performance indicators"

    def ready(self):
        from meetings.extensions import report_generators
        from performance import report
        from performance.services import REPORT_GENERATOR

        report_generators.register(REPORT_GENERATOR, report.render)
