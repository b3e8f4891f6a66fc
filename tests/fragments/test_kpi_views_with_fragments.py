"""tests/performance/test_views.py again with the fragment cache on
(scrutiny.fragments, issue 20): every page those tests read is then built from fragments
shared between readers of the same view, and must give each reader exactly what the
uncached page gives."""

from tests.performance.test_views import *  # noqa: F403

# Counts the queries of a second, uncached request: with fragments the second request is a
# hit by design (tests/meetings/test_meeting_fragment.py counts those).
del test_kpi_page_query_count_is_flat  # noqa: F821
# Counts the dashboard's queries before and after data is added: with fragments the first
# count is of a page whose filter form was kept, the second of one drawn afresh.
del test_dashboard_query_count_stays_flat  # noqa: F821
