"""The demo work programme, Ten Point Plan, Ofsted inspection, scrutiny review and lead member
report: the data is in fixtures/demo/workprogramme, loaded by workprogramme.fixture_loader."""

from __future__ import annotations

from scrutiny.fixtures import Fixtures
from workprogramme import fixture_loader


def load() -> None:
    fixture_loader.load(Fixtures())
