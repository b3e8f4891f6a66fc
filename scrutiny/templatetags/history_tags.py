"""``{% history_url object as url %}``: the officer history page of a record, for officers."""

from django import template

from scrutiny import audit
from scrutiny.permissions import is_officer

register = template.Library()


@register.simple_tag(takes_context=True)
def history_url(context, obj) -> str:
    request = context.get("request")
    if request is None or not is_officer(request.user):
        return ""
    return audit.history_url(obj) or ""
