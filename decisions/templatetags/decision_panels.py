"""``{% decision_panels decision %}`` and ``{% forward_plan_entry_panels entry %}``: render
what other modules registered with ``decisions.extensions`` (one line in a page)."""

from __future__ import annotations

from django import template

from decisions import extensions

register = template.Library()


def _panels(context, registry, obj) -> dict:
    return {
        "panels": registry.render_list(context.get("request"), obj),
        "request": context.get("request"),
    }


@register.inclusion_tag("decisions/_extension_panels.html", takes_context=True)
def decision_panels(context, decision):
    return _panels(context, extensions.decision_panels, decision)


@register.inclusion_tag("decisions/_extension_panels.html", takes_context=True)
def forward_plan_entry_panels(context, entry):
    return _panels(context, extensions.forward_plan_entry_panels, entry)
