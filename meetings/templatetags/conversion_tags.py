"""The uploads being converted to PDF, per agenda item, for the officer's meeting page
(``meetings.conversion``): one query per page, however many items."""

from django import template

from meetings.conversion import conversions_by_item

register = template.Library()


@register.simple_tag(takes_context=True)
def item_conversions(context, item) -> list:
    cache = context.render_context.setdefault("meetings.conversions", {})
    if item.meeting_id not in cache:
        cache[item.meeting_id] = conversions_by_item(item.meeting)
    return cache[item.meeting_id].get(item.pk, [])
