"""Extension points of the meetings app (see ``scrutiny.extensions`` for the pattern).

- ``meeting_panels``: ``fn(request, meeting) -> (template, context) | None``; rendered on the
  public meeting page after the agenda, in registration order (minutes, agenda packs…).
- ``officer_meeting_panels``: the same on the officer's meeting page (pack build status…).
- ``meeting_top_panels``: the same, rendered on the public meeting page before the agenda
  (the agenda pack download, so it is not the last thing on the page).
- ``meeting_links``: ``fn(request, meetings) -> {meeting_id: [(text, url), …]}``; short links
  shown with a meeting where it is summarised on another page (the committee page's next or
  last meeting, the home page): "Download the agenda pack", "Minutes"… One call per page for
  all the meetings shown, so a list stays a fixed number of queries.
- ``item_notes``: ``fn(request, meeting) -> {agenda_item_id: [text, …]}``; short notes shown
  under each agenda item on the meeting page (for example "Pages 9–18" from the built pack).
- ``item_outcomes``: ``fn(request, meeting) -> {agenda_item_id: [ItemOutcome, …]}``; what was
  decided on each agenda item (the resolutions of the item's public minutes), shown under the
  item on the public meeting page. The registering app decides what is public; the minutes
  app gives only open items of published or approved minutes.
- ``paper_pages``: ``fn(meeting, paper, *, members=False) -> pages | None`` where ``pages``
  has ``text`` ("pages 10–11") and ``url`` (the pack at that page, ``#page=N``): where a
  late paper sits in the meeting's supplementary pack (``members``: in the members' pack,
  for a late paper of an exempt item), for the member's "what changed" list
  (``meetings.changes``). The first answer that is not None wins.
- ``report_generators``: reports whose ``source`` is ``generated`` name a generator in
  ``Report.generator``; ``report_generators.register(name, render)`` where
  ``render(report, *, for_print: bool) -> str`` returns safe HTML for the report body. The
  report page and the agenda pack both call it, so a performance report or a tracker becomes
  a report on an agenda.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.html import format_html
from django.utils.safestring import SafeString

from scrutiny.extensions import PanelRegistry

meeting_panels = PanelRegistry("meeting")
officer_meeting_panels = PanelRegistry("officer-meeting")
meeting_top_panels = PanelRegistry("meeting-top")


class _FunctionRegistry:
    """Functions registered once each, in registration order."""

    def __init__(self):
        self._fns: list[Callable] = []

    def register(self, fn: Callable) -> Callable:
        if fn not in self._fns:
            self._fns.append(fn)
        return fn


class NotesRegistry(_FunctionRegistry):
    def collect(self, request, meeting) -> dict[int, list[str]]:
        notes: dict[int, list[str]] = {}
        for fn in self._fns:
            for item_id, texts in (fn(request, meeting) or {}).items():
                notes.setdefault(item_id, []).extend(texts)
        return notes


item_notes = NotesRegistry()


@dataclass(frozen=True)
class ItemOutcome:
    """What was decided on an agenda item: a label ("Resolved", "Deferred"), the plain-text
    lines of the decision (each resolution) and where to read it in full."""

    label: str
    lines: tuple[str, ...] = ()
    url: str = ""
    link_text: str = ""


item_outcomes = NotesRegistry()


class LinksRegistry(_FunctionRegistry):
    def collect(self, request, meetings) -> dict[int, list[tuple[str, str]]]:
        links: dict[int, list[tuple[str, str]]] = {}
        if not meetings:
            return links
        for fn in self._fns:
            for meeting_id, pairs in (fn(request, meetings) or {}).items():
                links.setdefault(meeting_id, []).extend(pairs)
        return links


meeting_links = LinksRegistry()


class LocatorRegistry(_FunctionRegistry):
    def locate(self, *args, **kwargs):
        for fn in self._fns:
            found = fn(*args, **kwargs)
            if found is not None:
                return found
        return None


paper_pages = LocatorRegistry()


class GeneratorRegistry:
    def __init__(self):
        self._generators: dict[str, Callable[..., str]] = {}

    def register(self, name: str, render: Callable[..., str]) -> None:
        self._generators[name] = render

    def choices(self) -> list[tuple[str, str]]:
        return [(name, name) for name in sorted(self._generators)]

    def render(self, report, *, for_print: bool = False) -> SafeString:
        try:
            render = self._generators[report.generator]
        except KeyError:
            return format_html(
                "<p>This report's content could not be generated (unknown generator {}).</p>",
                repr(report.generator),
            )
        return SafeString(render(report, for_print=for_print))


report_generators = GeneratorRegistry()
