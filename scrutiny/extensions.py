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


class MembersOnlyUrls:
    """URL names whose pages hold papers for members (an exempt paper, the members' pack,
    exempt minutes). A signed-out visitor who gets a 404 on one of them is offered sign-in,
    on the same 404 page whether or not the record exists, so nothing is confirmed to the
    public (``scrutiny.templatetags.portal.members_sign_in_url``). Apps add their names in
    ``ready()``; this base app names none of them."""

    def __init__(self):
        self._names: set[str] = set()

    def register(self, *names: str) -> None:
        self._names.update(names)

    def __contains__(self, name) -> bool:
        return name in self._names


members_only_urls = MembersOnlyUrls()


# (request) -> (template, context): the statement's "content that is not accessible" entries
accessibility_statement_panels = PanelRegistry("accessibility_statement")


# (request, person or None) -> (template, context): the councillor's page /my/ (decisions they
# may call in, forward plan entries in their committees' remit…).
my_panels = PanelRegistry("my")


# (request) -> (template, context): the constitution page's sections that later apps own (the
# council's default standard agenda items from meetings; key decisions and call-in from
# decisions). The page is the administrators'; each panel links to where its rules are edited.
constitution_panels = PanelRegistry("constitution")
