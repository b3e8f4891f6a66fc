from django.apps import AppConfig


class DecisionsConfig(AppConfig):
    name = "decisions"
    verbose_name = "Executive decisions, the forward plan and call-in"

    def ready(self):
        from decisions import panels, receivers
        from meetings.extensions import officer_meeting_panels

        officer_meeting_panels.register(panels.officer_meeting_decisions_panel)
        from scrutiny.extensions import constitution_panels

        constitution_panels.register(panels.constitution_decisions_panel)
        receivers.connect()
        self.connect_call_in()

    @staticmethod
    def connect_call_in():
        """The call-in workflow on other pages: the decision page, /my/, and the call-in
        request as a report on the scrutiny committee's agenda."""
        from decisions import callin_panels
        from decisions import my_panels as councillor_panels
        from decisions.callin_services import CALL_IN_GENERATOR
        from decisions.extensions import decision_panels
        from meetings.extensions import report_generators
        from scrutiny.extensions import my_panels

        decision_panels.register(callin_panels.decision_call_in_panel)
        my_panels.register(callin_panels.my_call_ins_panel)
        my_panels.register(councillor_panels.my_forward_plan_panel)
        report_generators.register(CALL_IN_GENERATOR, callin_panels.render_call_in)
