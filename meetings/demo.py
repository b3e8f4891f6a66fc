"""The demo meetings: the data is in fixtures/demo (standard_items.yaml and meetings/*.yaml,
from seed 000), loaded through meetings.services by meetings.fixture_loader."""

from __future__ import annotations

from meetings import fixture_loader
from scrutiny.fixtures import Fixtures

# The demo's two committees with meetings (fixtures/demo/committees.yaml).
CSP = "childrens-scrutiny-panel"
CPB = "corporate-parenting-board"


def load() -> None:
    fixture_loader.load(Fixtures())
