"""tests/members/test_private_notes.py again with the fragment cache on
(scrutiny.fragments, issue 20): every page those tests read is then built from fragments
shared between readers of the same view, and must give each reader exactly what the
uncached page gives."""

from tests.members.test_private_notes import *  # noqa: F403

# Compares a second, uncached request with a later one: with fragments the second is a hit by
# design; tests/meetings/test_meeting_fragment.py checks the count with many notes, cached.
del test_the_meeting_page_query_count_does_not_grow_with_notes  # noqa: F821
