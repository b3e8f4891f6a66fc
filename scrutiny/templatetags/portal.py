from django import template
from django.template.loader import get_template

register = template.Library()


@register.simple_tag(takes_context=True)
def render_panel(context, template_name: str, panel: dict):
    """Render a panel another app registered (``scrutiny.extensions``): its context is
    available both as ``panel`` and by its own names, on top of the page's context."""
    flat = context.flatten()
    flat.update(panel or {})
    flat["panel"] = panel
    return get_template(template_name).render(flat, context.get("request"))
