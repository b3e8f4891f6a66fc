"""CSV downloads of KPIs, actions and recommendations, listed on the open data page.

Where the app that owns the records already offers a CSV, the open data page links to it
rather than writing a second one."""

from __future__ import annotations

from django.urls import NoReverseMatch, reverse

# (label, URL name) of CSV downloads offered by other apps, linked when they exist.
OTHER_APPS_CSV: list[tuple[str, str]] = []
# (label, URL name) of CSV downloads this app writes itself.
OWN_CSV: list[tuple[str, str]] = []


def available() -> list[tuple[str, str]]:
    """(label, URL) of every CSV download that exists."""
    found = []
    for label, name in [*OTHER_APPS_CSV, *OWN_CSV]:
        try:
            found.append((label, reverse(name)))
        except NoReverseMatch:
            continue
    return found
