"""Minutes and resolutions for search, feeds and the API, when the minutes app has them."""

from __future__ import annotations


def resolution_texts(item_ids: list[int]) -> dict[int, str]:
    """Public resolution text per agenda item id (approved or published minutes only)."""
    return {}


def register() -> None:
    """Plug minutes into the search index, the minutes feed and HTTP caching."""
