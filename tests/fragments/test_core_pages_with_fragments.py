"""tests/scrutiny/test_core.py again with the fragment cache on
(scrutiny.fragments, issue 20): every page those tests read is then built from fragments
shared between readers of the same view, and must give each reader exactly what the
uncached page gives."""

from tests.scrutiny.test_core import *  # noqa: F403
