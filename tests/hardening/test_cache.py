"""The anonymous public page cache: served without queries, invalidated by any change,
never used for signed-in users, officer pages or responses that set cookies."""

from __future__ import annotations

import uuid

import pytest
from django.core.cache import caches

from scrutiny.cache import CACHE_HEADER
from tests.factories import CommitteeFactory, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def page_cache(settings):
    settings.PAGE_CACHE_SECONDS = 300
    return settings


@pytest.fixture
def redis_cache(page_cache):
    """The real thing: django-redis on the local Redis server, in a key space of its own."""
    page_cache.CACHES = {
        **page_cache.CACHES,
        "pages": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": "redis://127.0.0.1:6379/15",
            "KEY_PREFIX": f"test-{uuid.uuid4().hex}",
        },
    }
    page_cache.PAGE_CACHE_ALIAS = "pages"
    cache = caches["pages"]
    cache.set("ping", 1)
    assert cache.get("ping") == 1, "Redis on 127.0.0.1:6379 is needed for this test"
    yield cache
    cache.delete_pattern("*")


def test_anonymous_page_is_cached_and_served_without_queries(
    client, page_cache, django_assert_num_queries
):
    CommitteeFactory(name="Children's Scrutiny Panel")
    first = client.get("/committees/")
    assert first[CACHE_HEADER] == "miss"
    with django_assert_num_queries(0):
        second = client.get("/committees/")
    assert second[CACHE_HEADER] == "hit"
    assert second.content == first.content
    assert "'unsafe-inline'" not in second["Content-Security-Policy"]
    assert second["X-Frame-Options"] == "DENY"


def test_any_change_invalidates_every_cached_page(client, page_cache):
    committee = CommitteeFactory(name="Economy Scrutiny Panel")
    assert b"Economy Scrutiny Panel" in client.get("/committees/").content
    assert client.get("/")[CACHE_HEADER] == "miss"
    committee.name = "Growth and Regeneration Panel"
    committee.save()
    after = client.get("/committees/")
    assert after[CACHE_HEADER] == "miss"
    assert b"Growth and Regeneration Panel" in after.content
    assert client.get("/")[CACHE_HEADER] == "miss"
    committee.delete()
    assert b"Growth and Regeneration Panel" not in client.get("/committees/").content


def test_publishing_signal_invalidates(client, page_cache):
    from meetings.signals import meeting_published
    from tests.factories.meetings import PublishedMeetingFactory

    meeting = PublishedMeetingFactory()
    client.get("/committees/")
    assert client.get("/committees/")[CACHE_HEADER] == "hit"
    meeting_published.send(sender=type(meeting), meeting=meeting)
    assert client.get("/committees/")[CACHE_HEADER] == "miss"


def test_signed_in_users_never_get_or_fill_the_cache(client, page_cache):
    CommitteeFactory()
    client.get("/committees/")  # anonymous fills the cache
    officer = make_user("officer")
    client.force_login(officer)
    response = client.get("/committees/")
    assert CACHE_HEADER not in response
    assert b"Sign out" in response.content
    client.logout()
    assert b"Sign out" not in client.get("/committees/").content


@pytest.mark.parametrize("path", ["/officer/", "/my/", "/accounts/login/"])
def test_officer_personal_and_form_pages_are_never_cached(client, page_cache, path):
    client.get(path)
    response = client.get(path)
    assert CACHE_HEADER not in response


def test_pages_that_use_a_csrf_token_or_set_cookies_are_not_stored(client, page_cache):
    client.cookies.load({"csrftoken": "x" * 32})
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    assert CACHE_HEADER not in response


def test_off_by_default_without_redis(client, settings):
    assert settings.PAGE_CACHE_SECONDS == 0
    client.get("/committees/")
    assert CACHE_HEADER not in client.get("/committees/")


def test_with_redis(client, redis_cache, django_assert_num_queries):
    committee = CommitteeFactory(name="Health and Adult Social Care Panel")
    assert client.get("/committees/")[CACHE_HEADER] == "miss"
    with django_assert_num_queries(0):
        assert client.get("/committees/")[CACHE_HEADER] == "hit"
    committee.name = "Health Scrutiny Panel"
    committee.save()
    after = client.get("/committees/")
    assert after[CACHE_HEADER] == "miss"
    assert b"Health Scrutiny Panel" in after.content


def test_a_change_made_by_another_process_is_seen_within_a_second(client, page_cache):
    import time

    from django.core.cache import cache

    from scrutiny import cache as page_cache_module

    CommitteeFactory(name="Environment Panel")
    client.get("/committees/")
    assert client.get("/committees/")[CACHE_HEADER] == "hit"
    cache.incr(page_cache_module.GENERATION_KEY)  # another process's bump: no local signal
    time.sleep(page_cache_module.GENERATION_MEMO_SECONDS + 0.05)
    assert client.get("/committees/")[CACHE_HEADER] == "miss"


def test_cache_is_per_host_and_refuses_unknown_hosts(client, page_cache, settings):
    settings.ALLOWED_HOSTS = ["testserver", "papers.example.org"]
    CommitteeFactory()
    client.get("/committees/")
    assert client.get("/committees/")[CACHE_HEADER] == "hit"
    assert client.get("/committees/", HTTP_HOST="papers.example.org")[CACHE_HEADER] == "miss"
    assert client.get("/committees/", HTTP_HOST="evil.example.com").status_code == 400


@pytest.fixture
def local_tier(redis_cache, settings):
    """Redis behind a local tier of four pages, as production has (with 64)."""
    from scrutiny import cache as page_cache_module

    settings.PAGE_CACHE_LOCAL_ENTRIES = 4
    page_cache_module._memo.clear()  # nothing remembered from another test
    page_cache_module._local_tiers.clear()
    return redis_cache


def test_local_tier_answers_without_redis_and_is_invalidated_by_a_change(client, local_tier):
    committee = CommitteeFactory(name="Corporate Parenting Board")
    assert client.get("/committees/")[CACHE_HEADER] == "miss"
    local_tier.delete_pattern("*")  # the shared copy is gone: only the local tier has it
    hit = client.get("/committees/")
    assert hit[CACHE_HEADER] == "hit" and b"Corporate Parenting Board" in hit.content
    committee.name = "Corporate Parenting Panel"
    committee.save()
    after = client.get("/committees/")
    assert after[CACHE_HEADER] == "miss" and b"Corporate Parenting Panel" in after.content


def test_local_tier_sees_another_process_change_within_a_second(client, local_tier):
    import time

    from scrutiny import cache as page_cache_module

    CommitteeFactory(name="Growth Panel")
    client.get("/committees/")
    assert client.get("/committees/")[CACHE_HEADER] == "hit"
    local_tier.incr(page_cache_module.GENERATION_KEY)  # another process's bump
    time.sleep(page_cache_module.GENERATION_MEMO_SECONDS + 0.05)
    assert client.get("/committees/")[CACHE_HEADER] == "miss"


def test_local_tier_is_bounded_and_keeps_large_pages_in_redis_only(client, local_tier, monkeypatch):
    from scrutiny import cache as page_cache_module

    CommitteeFactory()
    paths = ["/", "/committees/", "/people/", "/meetings/", "/open-data/", "/accessibility/"]
    for path in paths:
        assert client.get(path)[CACHE_HEADER] == "miss"
    tier = page_cache_module._local_tier()
    assert 0 < len(tier._cache) <= 4
    # Large pages: served from Redis, never kept in the process.
    monkeypatch.setattr(page_cache_module, "LOCAL_TIER_MAX_BYTES", 10)
    tier.clear()
    client.get("/committees/")  # a hit from Redis, not copied locally
    assert len(tier._cache) == 0
    local_tier.delete_pattern("*")
    assert client.get("/committees/")[CACHE_HEADER] == "miss"


def test_local_tier_is_on_with_redis_in_the_environment(monkeypatch):
    from scrutiny.env import Env

    monkeypatch.delenv("PAGE_CACHE_LOCAL_ENTRIES", raising=False)
    monkeypatch.delenv("REDIS_URL", raising=False)
    assert Env.from_environ().page_cache_local_entries == 0
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6379/0")
    assert Env.from_environ().page_cache_local_entries == 64
    monkeypatch.setenv("PAGE_CACHE_LOCAL_ENTRIES", "0")
    assert Env.from_environ().page_cache_local_entries == 0
