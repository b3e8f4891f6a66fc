"""The one notion of "public": what the public may see, as queryset conditions and as
checks on loaded objects.

Every read that decides whether a meeting, agenda item, paper, minutes or resolution may reach
the public (a page, file, feed, search result, API answer, or a cross-link from another app)
uses the functions here, directly or through the querysets that delegate to them
(``Meeting.objects``, ``AgendaItem.objects``, ``Report.objects``, ``Document.objects``,
``MinutesSet.all_objects.public()``, ``meetings.minutes.selectors.public_*``). A guard test
(``tests/hardening/test_public_predicate_home.py``) fails if the primitives below are written
out by hand anywhere else.

The rule, in one place:

- a **meeting** is public once its agenda is published (``published_at`` set); a meeting not
  yet published is not (its date included: work-programme plans are the one documented
  exception, ``docs/workprogramme.md``);
- an **agenda item** is *listed* if its meeting is public: its title, number, late-item
  urgency reasons, and for an exempt or confidential item the Schedule 12A paragraph, the
  public reasons and the s100C summary of its minute are public. Its **description is
  public only if the item is open** (neither exempt nor confidential), like its papers;
- an item is *open* if it is neither exempt nor confidential; its papers, minute text and
  resolutions are public when it is also listed;
- a **paper** (report or document) is public if its item is listed and open and the paper is
  issued: not a draft (a paper added to a published agenda stays a draft, officers only,
  until the officer publishes it as a late paper with the chair's reasons for urgency), not
  withdrawn and not superseded by a newer version (issue 15: a withdrawn paper leaves only
  its note "Withdrawn on <date>: <reason>" on the item; an earlier version is for officers).
  Members of the committee may read the issued papers of exempt items, never drafts,
  withdrawn papers or earlier versions;
- **minutes** are public once published or approved, of a public meeting; never drafts,
  for members either;
- an executive **decision** (issue 17, ``decisions`` app) is public once published
  (``published_at`` set). A decision taken in private (``is_private``: exempt under a
  Schedule 12A paragraph) is *listed*: the public sees only its title, decision maker, date,
  status and "taken in private under paragraph N" (``decision_public_text``), never its
  text, reasons, alternatives, interests or papers; an open published decision is public
  in full;
- a **forward plan entry** is public once first published (``first_published_on`` set),
  including a private one: reg. 5 of the Executive Arrangements Regulations 2012 requires
  the notice of a private meeting, its paragraph and reasons to be public;
- a **call-in request** is public once validated by the scrutiny officer (and stays public
  after its outcome), when its decision is public;
- an **action** is public if marked public (``is_public``) and, when it comes from a
  resolution, that resolution's minutes are public and its item is open. A copy of the answer
  is stored on each action (``Action.publicly_visible``, kept by
  ``meetings.minutes.action_flags`` after every change to the records it depends on) so the
  tracker can count and page ten years of actions without the join (``action_public_stored``);
  what a page or file prints is still read through ``action_public``.

Paths: each function takes the lookup path from the queried model to the object the rule is
about (``""`` for the model itself), so the same rule applies from any model: for example
``minutes_public("resolution__minute__minutes")`` on ``Action``.

This is the core app: it names fields, it never imports the models of later apps.
"""

from __future__ import annotations

from django.db.models import Q

# The values of ``meetings.minutes.models.MinutesStatus`` that are public (a test checks
# they match the model's choices).
PUBLIC_MINUTES_STATUSES = ("published", "approved")


def _f(path: str, field: str) -> str:
    return f"{path}__{field}" if path else field


# --- queryset conditions -------------------------------------------------------------------


def meeting_public(path: str = "") -> Q:
    """The meeting at ``path`` has a published agenda."""
    return Q(**{_f(path, "published_at__isnull"): False})


def meeting_not_public(path: str = "") -> Q:
    return Q(**{_f(path, "published_at__isnull"): True})


def item_open(path: str = "") -> Q:
    """The agenda item at ``path`` is neither exempt nor confidential (whatever its meeting)."""
    return Q(**{_f(path, "is_exempt"): False, _f(path, "is_confidential"): False})


def item_private(path: str = "") -> Q:
    """The agenda item at ``path`` is exempt or confidential."""
    return Q(**{_f(path, "is_exempt"): True}) | Q(**{_f(path, "is_confidential"): True})


def item_listed(path: str = "") -> Q:
    """The agenda item at ``path`` is on a published agenda (title and paragraph public)."""
    return meeting_public(_f(path, "meeting"))


def item_public(path: str = "") -> Q:
    """The agenda item at ``path`` is listed and open: its description, papers, minute text
    and resolutions may be public."""
    return item_listed(path) & item_open(path)


def paper_current(path: str = "") -> Q:
    """The report or document at ``path`` is neither withdrawn nor superseded by a newer
    version (whether or not it is a draft)."""
    return Q(**{_f(path, "withdrawn_at__isnull"): True, _f(path, "superseded_by__isnull"): True})


def paper_draft(path: str = "") -> Q:
    """The report or document at ``path`` is a draft (officers only)."""
    return Q(**{_f(path, "is_draft"): True})


def paper_issued(path: str = "") -> Q:
    """The report or document at ``path`` is issued: not a draft, not withdrawn, not an
    earlier version (members may read issued papers of exempt items; nobody but officers
    reads drafts, withdrawn papers or earlier versions)."""
    return Q(**{_f(path, "is_draft"): False}) & paper_current(path)


def paper_withdrawn(path: str = "") -> Q:
    """The report or document at ``path`` was withdrawn (its latest version)."""
    return Q(**{_f(path, "withdrawn_at__isnull"): False, _f(path, "superseded_by__isnull"): True})


def paper_superseded(path: str = "") -> Q:
    """The report or document at ``path`` is an earlier version (officers only)."""
    return Q(**{_f(path, "superseded_by__isnull"): False})


def paper_withdrawal_noted(path: str = "") -> Q:
    """The report or document at ``path`` was issued and then withdrawn, on a listed and open
    item: the public sees its title and the note "Withdrawn on <date>: <reason>", never the
    paper. (A withdrawn paper of an exempt item leaves no public note: its title was never
    public.)"""
    return paper_withdrawn(path) & ~paper_draft(path) & item_public(_f(path, "agenda_item"))


def paper_public(path: str = "") -> Q:
    """The report or document at ``path`` may be read by the public."""
    return paper_issued(path) & item_public(_f(path, "agenda_item"))


def minutes_public(path: str = "") -> Q:
    """The minutes (``MinutesSet``) at ``path`` are published or approved, of a public
    meeting."""
    return Q(**{_f(path, "status__in"): PUBLIC_MINUTES_STATUSES}) & meeting_public(
        _f(path, "meeting")
    )


def minute_listed(path: str = "") -> Q:
    """The minute at ``path`` belongs to public minutes (for an exempt item: only its
    s100C summary and declarations are public, see ``minute_public``)."""
    return minutes_public(_f(path, "minutes"))


def minute_public(path: str = "") -> Q:
    """The minute at ``path`` is in public minutes and of an open item: its text and its
    resolutions are public."""
    return minute_listed(path) & item_open(_f(path, "agenda_item"))


def resolution_public(path: str = "") -> Q:
    return minute_public(_f(path, "minute"))


def action_source_listed(path: str = "") -> Q:
    """The action at ``path`` has no resolution, or its resolution's minutes are public."""
    return Q(**{_f(path, "resolution__isnull"): True}) | minutes_public(
        _f(path, "resolution__minute__minutes")
    )


def action_source_open(path: str = "") -> Q:
    """The action at ``path`` has no resolution, or its resolution is of an open item."""
    return Q(**{_f(path, "resolution__isnull"): True}) | item_open(
        _f(path, "resolution__minute__agenda_item")
    )


def action_public(path: str = "") -> Q:
    """The action at ``path`` may be seen by the public: marked public, and if it comes from
    a resolution, only once that resolution's minutes are public and never from an exempt or
    confidential item."""
    return (
        Q(**{_f(path, "is_public"): True}) & action_source_listed(path) & action_source_open(path)
    )


def action_public_stored(path: str = "") -> Q:
    """The stored answer of ``action_public`` for the action at ``path``
    (``Action.publicly_visible``): one indexed column instead of a join of each action to its
    minutes, meeting and agenda item. For counting and paging; the rows shown are read with
    ``action_public``, so a stored answer that were ever wrong could not show a private row."""
    return Q(**{_f(path, "publicly_visible"): True})


# The values of ``decisions.models.CallInStatus`` shown to the public (a test checks them).
PUBLIC_CALL_IN_STATUSES = ("validated", "decided")


def decision_listed(path: str = "") -> Q:
    """The executive decision at ``path`` is published: its title, maker, date and status are
    public (for a private decision, that and its Schedule 12A paragraph only)."""
    return Q(**{_f(path, "published_at__isnull"): False})


def decision_open(path: str = "") -> Q:
    """The decision at ``path`` was not taken in private."""
    return Q(**{_f(path, "is_private"): False})


def decision_public(path: str = "") -> Q:
    """The decision at ``path`` is published and open: its text, reasons and papers are
    public."""
    return decision_listed(path) & decision_open(path)


def forward_plan_entry_public(path: str = "") -> Q:
    """The forward plan entry at ``path`` has been published (private ones included: their
    notice is public by law)."""
    return Q(**{_f(path, "first_published_on__isnull"): False})


def delegated_report_public(path: str = "") -> Q:
    """The delegated report at ``path`` (a report a decision was taken on that was on no
    agenda) is public: its decision is public and the report is not exempt."""
    return decision_public(_f(path, "decision")) & Q(**{_f(path, "is_exempt"): False})


def call_in_public(path: str = "") -> Q:
    """The call-in request at ``path`` was validated, of a published decision."""
    return Q(**{_f(path, "status__in"): PUBLIC_CALL_IN_STATUSES}) & decision_listed(
        _f(path, "decision")
    )


# --- checks on loaded objects (the same rule) ----------------------------------------------


def is_meeting_public(meeting) -> bool:
    return meeting is not None and meeting.published_at is not None


def is_item_private(item) -> bool:
    return bool(item.is_exempt or item.is_confidential)


def is_item_listed(item) -> bool:
    return item is not None and is_meeting_public(item.meeting)


def is_item_public(item) -> bool:
    return is_item_listed(item) and not is_item_private(item)


def is_paper_current(paper) -> bool:
    return paper.withdrawn_at is None and paper.superseded_by_id is None


def is_paper_issued(paper) -> bool:
    return not paper.is_draft and is_paper_current(paper)


def is_paper_public(paper) -> bool:
    return is_paper_issued(paper) and is_item_public(paper.agenda_item)


def are_minutes_public(minutes) -> bool:
    return (
        minutes is not None
        and minutes.status in PUBLIC_MINUTES_STATUSES
        and is_meeting_public(minutes.meeting)
    )


def is_decision_listed(decision) -> bool:
    return decision is not None and decision.published_at is not None


def is_decision_public(decision) -> bool:
    """Published and not taken in private: everything recorded may be shown."""
    return is_decision_listed(decision) and not decision.is_private


def is_forward_plan_entry_public(entry) -> bool:
    return entry is not None and entry.first_published_on is not None


def is_delegated_report_public(report) -> bool:
    return is_decision_public(report.decision) and not report.is_exempt


def is_call_in_public(request) -> bool:
    return request.status in PUBLIC_CALL_IN_STATUSES and is_decision_listed(request.decision)


def public_description(item) -> str:
    """The description of ``item`` as the public may read it: empty for an exempt or
    confidential item (its title, paragraph and reasons are what the public sees)."""
    return "" if is_item_private(item) else item.description
