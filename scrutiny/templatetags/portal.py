import re
from html import unescape

from django import template
from django.template.loader import get_template
from django.utils.html import format_html, strip_tags

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


class ScrollTableNode(template.Node):
    def __init__(self, nodelist, label):
        self.nodelist = nodelist
        self.label = label

    def render(self, context):
        inner = self.nodelist.render(context)
        if self.label is not None:
            label = self.label.resolve(context)
        else:
            match = CAPTION.search(inner)
            label = strip_tags(match.group(1)) if match else ""
        label = " ".join(unescape(str(label)).split()) or "Table"
        return format_html(
            '<div class="portal-table-scroll" role="region" aria-label="{}" tabindex="0">{}</div>',
            label,
            inner,  # NodeList.render gives a SafeString: the block's own autoescaped output
        )


CAPTION = re.compile(r"<caption[^>]*>(.*?)</caption>", re.S)


@register.tag
def scroll_table(parser, token):
    """``{% scroll_table [label] %}<table>…</table>{% endscroll_table %}``: the one wrapper for
    a table that may be wider than the screen (issue 16, finding 4). On small screens the
    wrapper scrolls sideways (``.portal-table-scroll``, static/scss/portal.scss); it is a
    named region in the tab order (``role="region"``, ``tabindex="0"``, ``aria-label``: the
    label given, else the table's caption) so a keyboard user can scroll it with the arrow
    keys and a screen reader says which table it is (WCAG 2.1.1, axe
    ``scrollable-region-focusable``)."""
    bits = token.split_contents()
    label = parser.compile_filter(bits[1]) if len(bits) > 1 else None
    nodelist = parser.parse(("endscroll_table",))
    parser.delete_first_token()
    return ScrollTableNode(nodelist, label)


@register.inclusion_tag("includes/session_timeout.html", takes_context=True)
def session_timeout(context):
    """The session warning's data and dialog, for a signed-in user
    (``scrutiny.session_timeout``, ``static/js/session-timeout.mjs``)."""
    from scrutiny import session_timeout as timeout

    request = context.get("request")
    user = getattr(request, "user", None)
    if request is None or not getattr(user, "is_authenticated", False):
        return {"show": False}
    return {
        "show": True,
        "expires_in": timeout.seconds_left(request.session, request.user),
        "warn_before": timeout.warning_seconds(),
        "csrf_token": context.get("csrf_token"),
    }


class HoleNode(template.Node):
    def __init__(self, nodelist, parts):
        self.nodelist = nodelist
        self.parts = parts

    def render(self, context):
        from scrutiny.fragments import hole

        name = "-".join(str(part.resolve(context)) for part in self.parts)
        return hole(name, self.nodelist.render(context))


@register.tag
def hole(parser, token):
    """``{% hole "note-item" item.pk %}default{% endhole %}``: a reader's own part of a
    shared fragment (``scrutiny.fragments``), named by its parts joined with "-"; the default
    (this block's autoescaped output) is what ``fragments.fill`` keeps when told to."""
    bits = token.split_contents()[1:]
    if not bits:
        raise template.TemplateSyntaxError("{% hole %} needs a name")
    nodelist = parser.parse(("endhole",))
    parser.delete_first_token()
    return HoleNode(nodelist, [parser.compile_filter(bit) for bit in bits])


class FragmentNode(template.Node):
    def __init__(self, nodelist, name, vary):
        self.nodelist = nodelist
        self.name = name
        self.vary = vary

    def render(self, context):
        from scrutiny import fragments

        if "council" not in context:  # not a page of the portal's context (an error page)
            return self.nodelist.render(context)
        view = tuple(part.resolve(context) for part in self.vary)
        return fragments.cached(self.name, view, lambda: self.nodelist.render(context))


@register.tag
def fragment(parser, token):
    """``{% fragment "name" value ... %}…{% endfragment %}``: a part of a page the same for
    every reader with the same ``value``s, rendered once per content generation
    (``scrutiny.fragments.cached``): the header and footer every page shares. Nothing
    personal may be inside (no CSRF token, no user's name): the values are the whole key."""
    bits = token.split_contents()[1:]
    if not bits or bits[0][0] not in "\"'" or bits[0][0] != bits[0][-1]:
        raise template.TemplateSyntaxError("{% fragment %} needs a quoted name first")
    nodelist = parser.parse(("endfragment",))
    parser.delete_first_token()
    return FragmentNode(nodelist, bits[0][1:-1], [parser.compile_filter(bit) for bit in bits[1:]])
