"""Loads the demo meetings from fixtures/demo: standard_items.yaml (each committee's standard
agenda items) and meetings/<date>-<committee>.yaml (one meeting each, loaded in date order).

Everything goes through ``meetings.services``, as an officer's pages do: create the meeting
(which puts the standard items on it), change the standard items as the file says, add the
items, add each item's reports and upload its documents, publish the agenda, add late papers
and publish them with the chair's reasons, mark the meeting held. A document's PDF is printed
from the text in the file through ``scrutiny.printing`` (the demo has no real PDFs of its own).

Idempotent: a meeting is keyed on committee and day and is only built when it does not exist.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.core.files.base import ContentFile

from meetings import services, workdays
from meetings.models import AgendaItem, CommitteeAgendaSettings, Meeting
from scrutiny.fixtures import FixtureError, Fixtures, as_date

LONDON = ZoneInfo("Europe/London")
LAST_DAY_IN_TIME = "last day in time"
_PDF_CACHE: dict[str, bytes] = {}


def load(fixtures: Fixtures) -> None:
    by = fixtures.officer_user()
    for slug, items in (fixtures.read("standard_items.yaml") or {}).items():
        committee = fixtures.committee(slug)
        current = CommitteeAgendaSettings.objects.filter(committee=committee).first()
        if current is None or current.standard_items != services._clean_standard_items(items):
            services.set_standard_items(committee=committee, items=items, by=by)
    for name in fixtures.files("meetings"):
        load_meeting(fixtures, name, by)


def _datetime(value, name: str) -> dt.datetime:
    try:
        moment = value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(str(value))
    except ValueError:
        raise FixtureError(f"{name}: {value!r} is not a date and time (2017-10-09 10:00)") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=LONDON)


def load_meeting(fixtures: Fixtures, name: str, by) -> Meeting | None:
    data = fixtures.read(name)
    committee = fixtures.committee(data["committee"])
    start = _datetime(data["start"], name)
    if Meeting.all_objects.filter(committee=committee, start__date=start.date()).exists():
        return None
    meeting = services.create_meeting(
        committee=committee,
        start=start,
        venue=data.get("venue", ""),
        contact_officer=committee.contact_officer,
        report_deadline=as_date(data.get("report_deadline"))
        or start.date() - dt.timedelta(days=14),
        by=by,
    )
    # 1. The committee's standard items, as changed for this meeting.
    for change in data.get("standard_items") or ():
        item = _item(meeting, change["item"], name)
        if change.get("remove"):
            services.remove_agenda_item(item=item, by=by)
            continue
        if "position" in change:
            services.move_agenda_item(item=item, position=change["position"], by=by)
        fields = {k: change[k] for k in ("title", "description", "kind") if k in change}
        if fields:
            services.update_agenda_item(item=item, by=by, **fields)
    # 2. The items added to the agenda.
    specs = data.get("items") or ()
    for spec in specs:
        fields = {k: v for k, v in spec.items() if k not in ("contacts", "reports", "documents")}
        services.add_agenda_item(
            meeting=meeting,
            contact_officers=_contacts(fixtures, spec.get("contacts")),
            by=by,
            **fields,
        )
    # 3. Papers, in agenda order; late papers wait until the agenda is published.
    papers = [(change["item"], change) for change in data.get("standard_items") or ()]
    papers += [(spec["title"], spec) for spec in specs]
    late = []
    for title, spec in papers:
        if spec.get("remove"):
            continue
        item = _item(meeting, spec.get("title", title), name)
        for report in spec.get("reports") or ():
            if report.get("late"):
                late.append((item, report))
            else:
                _report(fixtures, item, report, by)
        for document in spec.get("documents") or ():
            _document(item, document, by)
    # 4. Publication, late papers, held.
    published = data.get("published")
    if published:
        at = _last_day_in_time(meeting) if published == LAST_DAY_IN_TIME else None
        services.publish_meeting(
            meeting=meeting,
            by=by,
            confirm_unsigned=True,
            at=at or _datetime(published, name),
        )
    for item, report in late:
        paper = _report(fixtures, item, report, by)
        services.publish_late_paper(paper=paper, by=by)
    if data.get("held"):
        services.mark_held(meeting=meeting, by=by)
    return meeting


def _item(meeting: Meeting, title: str, name: str) -> AgendaItem:
    item = AgendaItem.all_objects.filter(meeting=meeting, title=title).first()
    if item is None:
        raise FixtureError(f"{name}: the agenda has no item {title!r}")
    return item


def _contacts(fixtures: Fixtures, slugs) -> list:
    from scrutiny.models import Person

    # As the officers' page does: the chosen people, in the people's own order.
    return list(Person.objects.filter(pk__in=[p.pk for p in fixtures.people(slugs)]))


def _report(fixtures: Fixtures, item: AgendaItem, spec: dict, by):
    fields = {k: v for k, v in spec.items() if k not in ("title", "author", "sections", "late")}
    if "signed_off_on" in fields:
        fields["signed_off_on"] = as_date(fields["signed_off_on"])
    return services.add_report(
        agenda_item=item,
        title=spec["title"],
        sections=[(s["heading"], s["text"]) for s in spec.get("sections") or ()],
        author=fixtures.person(spec.get("author")),
        by=by,
        **fields,
    )


def _document(item: AgendaItem, spec: dict, by) -> None:
    meeting = item.meeting
    data = _pdf(spec, meeting)
    document = services.add_document(
        agenda_item=item,
        uploaded_file=ContentFile(data, name=spec["filename"]),
        title=spec["title"],
        urgency_reasons=spec.get("urgency_reasons", ""),
        by=by,
    )
    if document.is_draft:  # a late paper: published with the chair's reasons
        services.publish_late_paper(paper=document, by=by)


def _pdf(spec: dict, meeting: Meeting) -> bytes:
    """A tagged PDF with the document's text (printed once per process: the demo is loaded
    often in the tests)."""
    key = f"{meeting.committee.slug}|{meeting.date}|{spec['title']}"
    if key not in _PDF_CACHE:
        from scrutiny.printing import render_pdf

        _PDF_CACHE[key] = render_pdf(
            "meetings/print/demo_document.html",
            {
                "committee_name": meeting.committee.name,
                "meeting_date": meeting.date,
                "sections": [(p["heading"], p["paragraphs"]) for p in spec["pages"]],
                "invented": bool(spec.get("invented")),
            },
            title=spec["title"],
        )
    return _PDF_CACHE[key]


def publish_last_day_in_time(meeting: Meeting, by) -> Meeting:
    """Publish an agenda as the demo does when its date is not in the seeds."""
    return services.publish_meeting(
        meeting=meeting, by=by, confirm_unsigned=True, at=_last_day_in_time(meeting)
    )


def _last_day_in_time(meeting: Meeting) -> dt.datetime:
    """Invented for the demo: published at noon on the last working day in time."""
    last = workdays.latest_publication_date(meeting.date)
    while not workdays.is_working_day(last):
        last -= dt.timedelta(days=1)
    return dt.datetime(last.year, last.month, last.day, 12, 0, tzinfo=LONDON)
