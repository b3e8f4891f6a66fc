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


@register.simple_tag(takes_context=True)
def sign_in_url(context) -> str:
    """The sign-in page with ``next=`` back to this page (path and query)."""
    from urllib.parse import urlencode

    from django.urls import reverse

    request = context.get("request")
    if request is None:
        return reverse("login")
    return f"{reverse('login')}?{urlencode({'next': request.get_full_path()})}"


@register.simple_tag(takes_context=True)
def members_sign_in_url(context) -> str:
    """On the 404 page: the sign-in link for a signed-out visitor whose link was to a page
    for members (``scrutiny.extensions.members_only_urls``), else "". It depends only on the
    URL pattern, never on whether the record exists."""
    from scrutiny.extensions import members_only_urls

    request = context.get("request")
    if request is None or request.user.is_authenticated:
        return ""
    match = getattr(request, "resolver_match", None)
    if match is None or match.url_name not in members_only_urls:
        return ""
    return sign_in_url(context)
