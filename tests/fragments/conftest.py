"""Every test here runs with the fragment cache on (scrutiny.fragments, issue 20)."""

import pytest


@pytest.fixture(autouse=True)
def _fragments_on(fragments_on):
    yield
