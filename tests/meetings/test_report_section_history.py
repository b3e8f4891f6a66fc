"""The text of authored reports is audited: a section rewritten through the service leaves
who changed it and what it said before in the history."""

from __future__ import annotations

import pytest

from meetings import services
from meetings.models import ReportSection
from tests.factories import make_user
from tests.factories.meetings import ReportFactory

pytestmark = pytest.mark.django_db


def test_rewriting_a_section_keeps_the_old_text_in_history():
    officer = make_user("officer")
    report = ReportFactory(sections=[("Summary", "<p>First wording.</p>")])
    old = report.sections.get()
    services.update_report(
        report=report,
        version=report.version,
        by=officer,
        sections=[("Summary", "<p>Second wording.</p>")],
    )
    assert report.sections.get().body == "<p>Second wording.</p>"
    bodies = list(
        ReportSection.history.filter(report_id=report.pk)
        .order_by("history_date")
        .values_list("body", "history_type")
    )
    assert ("<p>First wording.</p>", "+") in bodies
    assert ("<p>First wording.</p>", "-") in bodies
    assert ("<p>Second wording.</p>", "+") in bodies
    assert not ReportSection.objects.filter(pk=old.pk).exists()
