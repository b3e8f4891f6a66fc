"""Extension points so that apps further down the dependency chain can add to core pages
without core importing them (dependencies go one way).

An app registers in its ``AppConfig.ready()``::

    from scrutiny.extensions import person_panels

    person_panels.register(my_panel)

where ``my_panel(request, person)`` returns ``(template_name, context)`` or ``None``.
The person page renders every panel in registration order.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Panel = Callable[..., tuple[str, dict[str, Any]] | None]


class PanelRegistry:
    def __init__(self, name: str):
        self.name = name
        self._panels: list[Panel] = []

    def register(self, panel: Panel) -> Panel:
        if panel not in self._panels:
            self._panels.append(panel)
        return panel

    def render_list(self, request, *args) -> list[tuple[str, dict[str, Any]]]:
        out = []
        for panel in self._panels:
            result = panel(request, *args)
            if result is not None:
                out.append(result)
        return out


# (request, person) -> (template, context): attendance, declarations…
person_panels = PanelRegistry("person")

# (request, committee) -> (template, context): the committee's next or last meeting…
committee_panels = PanelRegistry("committee")

# (request) -> (template, context): each committee's next meeting on the home page…
home_panels = PanelRegistry("home")

# (request, person or None) -> (template, context): the councillor's page /my/ (decisions they
# may call in, forward plan entries in their committees' remit…).
my_panels = PanelRegistry("my")
