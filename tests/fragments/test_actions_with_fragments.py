"""tests/minutes/test_actions_from_meeting.py and test_action_flags.py again with the fragment
cache on (scrutiny.fragments, issue 20): the public tracker's filter form is then a fragment
shared by every anonymous reader of the same address, and must follow every change and
never offer the public what only members may see."""

import pytest
from django.urls import reverse

from meetings.minutes import services
from tests.factories import make_user
from tests.minutes.test_action_flags import *  # noqa: F403
from tests.minutes.test_actions_from_meeting import *  # noqa: F403
from tests.minutes.test_actions_from_meeting import _other_meeting_action
from tests.minutes.test_pages import exempt_minutes  # noqa: F401


@pytest.mark.django_db
def test_the_public_filter_form_follows_a_new_action(client, exempt_minutes):  # noqa: F811
    url = reverse("action-tracker")
    before = client.get(url).content.decode()
    other = _other_meeting_action()  # a new public action from another meeting
    assert f'<option value="{other.pk}"' not in before
    assert f'<option value="{other.pk}"' in client.get(url).content.decode()


@pytest.mark.django_db
def test_a_members_only_meeting_choice_never_reaches_the_public_form(
    client,
    exempt_minutes,  # noqa: F811
):
    # The meeting's only actions: one members-only, one public; take the public one away, so
    # only a reader who may see the members-only action is offered the meeting.
    meeting = exempt_minutes.meeting
    public = meeting.committee.actions.get(description="Public follow-up")
    services.update_action(
        action=public,
        description=public.description,
        owner_person=None,
        owner_text=public.owner_text,
        due_date=public.due_date,
        target_meeting=None,
        status=public.status,
        dealt_with_item=None,
        is_public=False,  # members only now
        version=public.version,
    )
    option = f'<option value="{meeting.pk}"'
    url = reverse("action-tracker")
    for order in ("public first", "officer first"):
        client.logout()
        if order == "officer first":
            client.force_login(make_user("officer"))
            assert option in client.get(url).content.decode()
            client.logout()
        assert option not in client.get(url).content.decode(), order
        client.force_login(make_user("officer"))
        assert option in client.get(url).content.decode(), order
