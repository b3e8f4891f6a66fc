"""Extension points of the decisions app (see ``scrutiny.extensions`` for the pattern), for
apps later in the chain (the work programme) and for the call-in workflow:

- ``decision_panels``: ``fn(request, decision) -> (template, context) | None``; rendered on the
  public decision page (``{% decision_panels decision %}``, ``decisions.templatetags``): the
  call-in period and requests, pre-decision scrutiny and the committee's recommendations.
- ``forward_plan_entry_panels``: the same on a forward plan entry's page
  (``{% forward_plan_entry_panels entry %}``): pre-decision scrutiny by a committee.

A panel must apply the public rule itself (``scrutiny.visibility``): the page shows what it
returns.
"""

from __future__ import annotations

from scrutiny.extensions import PanelRegistry

decision_panels = PanelRegistry("decision")
forward_plan_entry_panels = PanelRegistry("forward-plan-entry")
