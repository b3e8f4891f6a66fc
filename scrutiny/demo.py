"""The demo council's core records: the data is in fixtures/demo (council.yaml, people.yaml,
committees.yaml, logins.yaml), loaded by scrutiny.fixture_loader."""

from __future__ import annotations

from scrutiny import fixture_loader
from scrutiny.fixtures import Fixtures


def load() -> None:
    fixture_loader.load(Fixtures())
