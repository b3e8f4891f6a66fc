from django.core.cache import cache

from scrutiny.models import Council
from scrutiny.permissions import is_officer

COUNCIL_CACHE_KEY = "portal:council"


def current_council() -> Council:
    council = cache.get(COUNCIL_CACHE_KEY)
    if council is None:
        council = Council.current()
        cache.set(COUNCIL_CACHE_KEY, council, 300)
    return council


def portal(request):
    council = current_council()
    return {
        "council": council,
        "council_name": council.name,
        "is_officer": is_officer(getattr(request, "user", None)),
    }
