"""tests/minutes/test_pages.py again with the fragment cache on (scrutiny.fragments, issue 20):
every page those tests read is then built from fragments shared between readers of the same view,
and must give each reader exactly what the uncached page gives."""

import pytest

from tests.minutes.test_pages import *  # noqa: F403


@pytest.fixture(autouse=True)
def fragments_on(settings):
    from scrutiny.cache import forget_process_state

    settings.FRAGMENT_CACHE_SECONDS = 300
    forget_process_state()
    yield
    forget_process_state()
