from django import template

register = template.Library()


@register.simple_tag
def item_notes_for(notes: dict, item) -> list[str]:
    """The notes other apps registered for an agenda item (``meetings.extensions.item_notes``)."""
    return notes.get(item.pk, [])


@register.simple_tag(takes_context=True)
def render_panel(context, template_name: str, panel: dict):
    """Render a panel another app registered: its context is available both as ``panel``
    (the convention) and by its own names, on top of the page's context."""
    from django.template.loader import get_template

    flat = context.flatten()
    flat.update(panel or {})
    flat["panel"] = panel
    return get_template(template_name).render(flat, context.get("request"))
