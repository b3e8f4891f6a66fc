"""The demo minutes and actions: the data is in fixtures/demo/minutes/<committee>/<date>.yaml
(from seed 000), loaded through meetings.minutes.services by meetings.minutes.fixture_loader."""

from __future__ import annotations

from meetings.minutes import fixture_loader
from scrutiny.fixtures import Fixtures


def load() -> None:
    fixture_loader.load(Fixtures())
