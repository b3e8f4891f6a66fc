from django import template

register = template.Library()


@register.simple_tag
def item_notes_for(notes: dict, item) -> list[str]:
    """The notes other apps registered for an agenda item (``meetings.extensions.item_notes``)."""
    return notes.get(item.pk, [])
