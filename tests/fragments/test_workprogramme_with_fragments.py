"""tests/workprogramme/test_views.py and test_officer_editing.py again with the fragment cache
on (scrutiny.fragments, issue 20): an improvement plan's body is then one fragment per
address, day and content generation for every reader who is not an officer, and each
officer's edit (through the real pages) must show on the very next public page."""

import pytest
from django.urls import reverse

from tests.workprogramme.test_officer_editing import *  # noqa: F403
from tests.workprogramme.test_views import *  # noqa: F403
from tests.workprogramme.test_views import _today  # noqa: F401 - autouse, not in *

# It counts the queries of rendering a page twice over growing data: with the fragment
# kept, the second count is of a page served from it (tests/workprogramme runs it as is).
del test_tracker_pages_query_counts_are_flat  # noqa: F821


@pytest.mark.django_db
def test_an_officer_sees_their_links_and_the_public_never_does(client):
    from tests.factories import make_user
    from tests.factories.workprogramme import ImprovementPlanFactory

    plan = ImprovementPlanFactory()
    url = plan.get_absolute_url()
    public = client.get(url).content.decode()
    assert "Edit the plan" not in public
    client.force_login(make_user("officer"))
    assert "Edit the plan" in client.get(url).content.decode()
    client.logout()
    councillor = make_user("councillor")
    client.force_login(councillor)
    assert "Edit the plan" not in client.get(url).content.decode()
    assert reverse("officer-wp-plan-edit", args=[plan.pk]) not in client.get(url).content.decode()
