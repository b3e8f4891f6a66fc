"""Writes of the decisions app: settings, decision makers, the forward plan and its editions,
the decisions register. Keyword-only, one transaction each, ``by=`` recorded as the history
user (``scrutiny.audit.records_by``). A ``ValidationError`` names the form field it is about.

The rules (docs/decisions.md):

- **Forward plan notice** (reg. 9): an entry must be first published at least
  ``forward_plan_notice_days`` (28) *clear days* before its planned decision date: calendar
  days strictly between the two dates. Later than that it may be published only with a
  **general exception** (reg. 10: the chair of overview and scrutiny informed, the notice
  published at least ``general_exception_days`` (5) clear *working* days before the decision,
  counted by ``meetings.workdays``) or **special urgency** (reg. 11: the chair's agreement
  recorded). The check runs when the entry is published and whenever a published entry is
  edited.
- **Call-in window**: publishing a decision that is not urgent opens call-in until 5pm on the
  ``call_in_working_days``-th (5) working day after the day of publication (clear working
  days: the day of publication does not count). An urgent decision is exempt and takes effect
  at once, with its reason shown. A decision cannot be marked implemented before its call-in
  window closes, nor while a call-in is pending or it has been referred.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.html import strip_tags

from decisions import rules, signals
from decisions.models import (
    CallInStatus,
    Decision,
    DecisionSettings,
    DecisionStatus,
    DelegatedOfficer,
    EntryStatus,
    ExceptionKind,
    ForwardPlanEdition,
    ForwardPlanEditionEntry,
    ForwardPlanEntry,
    MakerKind,
    PortfolioHolder,
    Ward,
)
from meetings import workdays
from meetings.minutes.models import Minute, MinutesSet
from meetings.models import AgendaItem, Document, ItemKind
from scrutiny import visibility
from scrutiny.audit import records_by
from scrutiny.conflicts import check_version
from scrutiny.models import Committee

LONDON = ZoneInfo(settings.TIME_ZONE)
# Call-in closes at this local time on the last day of the window.
CALL_IN_CLOSES_AT = dt.time(17, 0)

SETTINGS_FIELDS = (
    "key_decision_amount",
    "key_decision_wards",
    "forward_plan_notice_days",
    "general_exception_days",
    "call_in_working_days",
    "call_in_who",
    "call_in_signatures",
    "scrutiny_committee",
)
ENTRY_FIELDS = (
    "reference",
    "matter",
    "summary",
    "maker_kind",
    "cabinet",
    "portfolio_holder",
    "officer",
    "portfolio",
    "is_key_decision",
    "key_grounds",
    "estimated_value",
    "planned_decision_date",
    "all_wards",
    "documents",
    "representations",
    "contact_name",
    "contact_post",
    "contact_email",
    "contact_phone",
    "is_private",
    "exempt_paragraph",
    "private_reasons",
    "exception",
    "exception_reasons",
    "scrutiny_chair",
    "chair_informed_on",
    "exception_notice_published_on",
    "chair_agreed_on",
    "scrutiny_committee",
)
DECISION_FIELDS = (
    "reference",
    "title",
    "maker_kind",
    "cabinet",
    "portfolio_holder",
    "officer",
    "portfolio",
    "decision_date",
    "decision",
    "reasons",
    "alternatives",
    "interests",
    "dispensations",
    "is_key_decision",
    "is_urgent",
    "urgency_reason",
    "is_private",
    "exempt_paragraph",
    "private_reasons",
    "agenda_item",
    "forward_plan_entry",
)
# Statuses in which a published decision waits on a call-in.
CALLED_IN_STATUSES = (
    DecisionStatus.CALLED_IN,
    DecisionStatus.SUSPENDED,
    DecisionStatus.REFERRED_BACK,
    DecisionStatus.REFERRED_TO_COUNCIL,
)
PENDING_CALL_IN = (CallInStatus.SUBMITTED, CallInStatus.VALIDATED)


def today() -> dt.date:
    return timezone.localdate()


# --- settings and decision makers ----------------------------------------------------------


@records_by
@transaction.atomic
def save_settings(*, expected_version: int | None, by=None, **fields: Any) -> DecisionSettings:
    current = DecisionSettings.objects.select_for_update().filter(singleton=1).first()
    if current is None:
        current = DecisionSettings()
    else:
        check_version(current.version, expected_version)
        current.version += 1
    for name in SETTINGS_FIELDS:
        if name in fields:
            setattr(current, name, fields[name])
    if current.call_in_signatures < 1:
        raise ValidationError({"call_in_signatures": "A call-in needs at least one signature."})
    current.full_clean()
    current.save()
    return current


def _clean_dates(start: dt.date, end: dt.date | None) -> None:
    if end is not None and end < start:
        raise ValidationError({"end_date": "The end date must be on or after the start date."})


@records_by
@transaction.atomic
def save_portfolio_holder(
    *, holder: PortfolioHolder | None = None, by=None, **fields: Any
) -> PortfolioHolder:
    holder = holder or PortfolioHolder()
    for name in ("person", "portfolio", "title", "cabinet", "start_date", "end_date"):
        if name in fields:
            setattr(holder, name, fields[name])
    _clean_dates(holder.start_date, holder.end_date)
    if holder.cabinet_id and holder.cabinet.kind != Committee.Kind.CABINET:
        raise ValidationError({"cabinet": "Choose a committee of the kind Cabinet."})
    holder.save()
    return holder


@records_by
@transaction.atomic
def save_delegated_officer(
    *, officer: DelegatedOfficer | None = None, by=None, **fields: Any
) -> DelegatedOfficer:
    officer = officer or DelegatedOfficer()
    for name in ("name", "post", "person", "is_active"):
        if name in fields:
            setattr(officer, name, fields[name])
    officer.save()
    return officer


@records_by
@transaction.atomic
def add_wards(*, names: list[str], by=None) -> list[Ward]:
    """Add wards by name (one a line); names already present are kept once."""
    added = []
    for name in dict.fromkeys(n.strip() for n in names if n.strip()):
        ward, _ = Ward.objects.get_or_create(name=name)
        added.append(ward)
    if not added:
        raise ValidationError({"names": "Enter at least one ward name."})
    return added


# --- decision makers, checked on entries and decisions -------------------------------------


def _check_maker(record, on: dt.date | None) -> None:
    problems = rules.maker_problems(
        kind=record.maker_kind,
        cabinet=record.cabinet,
        portfolio_holder=record.portfolio_holder,
        officer=record.officer,
        on=on,
    )
    if problems:
        raise ValidationError(problems)
    for kind, field in rules.MAKER_FIELDS.items():
        if kind != record.maker_kind:
            setattr(record, field, None)


def _check_privacy(record) -> None:
    if record.is_private and not record.exempt_paragraph:
        raise ValidationError(
            {"exempt_paragraph": "Choose the paragraph of Schedule 12A that makes it private."}
        )
    if not record.is_private:
        record.exempt_paragraph = None


# --- the forward plan ----------------------------------------------------------------------


def clear_days(published: dt.date, decision: dt.date) -> int:
    """Calendar days strictly between ``published`` and ``decision`` (0 if none)."""
    return max((decision - published).days - 1, 0)


def notice_deadline(decision: dt.date, notice_days: int) -> dt.date:
    """The last day an entry can be first published with ``notice_days`` clear days."""
    return decision - dt.timedelta(days=notice_days + 1)


def notice_problems(entry: ForwardPlanEntry, published: dt.date) -> dict[str, str]:
    """What stops ``entry`` being (or staying) published with first publication on
    ``published``: {field: message}; empty when the notice is lawful."""
    rules = DecisionSettings.current()
    decision_day = entry.planned_decision_date
    if clear_days(published, decision_day) >= rules.forward_plan_notice_days:
        return {}
    deadline = notice_deadline(decision_day, rules.forward_plan_notice_days)
    late = (
        f"The decision is due on {decision_day:%-d %B %Y}: the entry had to be published by "
        f"{deadline:%-d %B %Y} ({rules.forward_plan_notice_days} clear days). Record a general "
        "exception or special urgency."
    )
    if entry.exception == ExceptionKind.NONE:
        return {"exception": late}
    problems: dict[str, str] = {}
    if not entry.exception_reasons.strip():
        problems["exception_reasons"] = "Say why the decision cannot wait."
    problems.update(_exception_record_problems(entry))
    problems.update(entry_exception_problems(entry, settings_=rules))
    return problems


def entry_exception_problems(entry: ForwardPlanEntry, settings_=None) -> dict[str, str]:
    """``decisions.rules.exception_problems`` for an entry, with the council's settings."""
    settings_ = settings_ or DecisionSettings.current()
    return rules.exception_problems(
        kind=entry.exception,
        chair=entry.scrutiny_chair,
        informed_on=entry.chair_informed_on,
        notice_on=entry.exception_notice_published_on,
        agreed_on=entry.chair_agreed_on,
        decision_date=entry.planned_decision_date,
        committee=settings_.scrutiny_committee,
        notice_days=settings_.general_exception_days,
    )


def _clear_exception_fields(entry: ForwardPlanEntry) -> None:
    if entry.exception != ExceptionKind.GENERAL:
        entry.chair_informed_on = None
        entry.exception_notice_published_on = None
    if entry.exception != ExceptionKind.SPECIAL_URGENCY:
        entry.chair_agreed_on = None


def _exception_record_problems(entry: ForwardPlanEntry) -> dict[str, str]:
    """What an exception needs on record: the chair, and the dates (the database refuses the
    row without them)."""
    problems = {}
    if entry.exception != ExceptionKind.NONE and entry.scrutiny_chair_id is None:
        problems["scrutiny_chair"] = "Choose the chair of the overview and scrutiny committee."
    if entry.exception == ExceptionKind.GENERAL:
        if entry.chair_informed_on is None:
            problems["chair_informed_on"] = "Enter the date the chair was informed in writing."
        if entry.exception_notice_published_on is None:
            problems["exception_notice_published_on"] = (
                "Enter the date the general exception notice was published."
            )
    elif entry.exception == ExceptionKind.SPECIAL_URGENCY and entry.chair_agreed_on is None:
        problems["chair_agreed_on"] = "Enter the date the chair agreed the decision is urgent."
    return problems


@records_by
@transaction.atomic
def save_entry(
    *,
    entry: ForwardPlanEntry | None = None,
    expected_version: int | None = None,
    wards: list[Ward] | None = None,
    by=None,
    **fields: Any,
) -> ForwardPlanEntry:
    """Create or change a forward plan entry. A published entry stays lawful: moving its
    decision date closer is refused unless an exception is recorded."""
    if entry is not None:
        entry = ForwardPlanEntry.all_objects.select_for_update().get(pk=entry.pk)
        check_version(entry.version, expected_version)
        entry.version += 1
    else:
        entry = ForwardPlanEntry()
    for name in ENTRY_FIELDS:
        if name in fields:
            setattr(entry, name, fields[name])
    _check_maker(entry, None)
    _check_privacy(entry)
    _clear_exception_fields(entry)
    recorded = _exception_record_problems(entry) or entry_exception_problems(entry)
    if recorded:
        raise ValidationError(recorded)
    if entry.first_published_on is not None:
        problems = notice_problems(entry, entry.first_published_on)
        if problems:
            raise ValidationError(problems)
    entry.save()
    if wards is not None:
        entry.wards.set(wards)
    return entry


@records_by
@transaction.atomic
def publish_entry(
    *, entry: ForwardPlanEntry, on: dt.date | None = None, by=None
) -> ForwardPlanEntry:
    """Put the entry on the published forward plan (its date first published is today)."""
    entry = ForwardPlanEntry.all_objects.select_for_update().get(pk=entry.pk)
    if entry.status != EntryStatus.DRAFT:
        raise ValidationError("This entry is already published.")
    published = on or today()
    problems = notice_problems(entry, published)
    if problems:
        raise ValidationError(list(problems.values()))
    entry.status = EntryStatus.PUBLISHED
    entry.first_published_on = published
    entry.published_by = by if getattr(by, "pk", None) else None
    entry.version += 1
    entry.save()
    signals.send_after_commit(
        signals.forward_plan_entry_published, sender=ForwardPlanEntry, entry=entry
    )
    return entry


@records_by
@transaction.atomic
def set_entry_status(*, entry: ForwardPlanEntry, status: str, by=None) -> ForwardPlanEntry:
    """Defer, withdraw or mark decided a published entry (or bring a deferred one back)."""
    entry = ForwardPlanEntry.all_objects.select_for_update().get(pk=entry.pk)
    if entry.status == EntryStatus.DRAFT or status == EntryStatus.DRAFT:
        raise ValidationError("Publish the entry first; a published entry cannot be a draft.")
    if status not in EntryStatus.values:
        raise ValidationError({"status": "Choose a status."})
    if entry.status == EntryStatus.WITHDRAWN and status != EntryStatus.WITHDRAWN:
        # Brought back, it would count its notice from the withdrawn one's first publication.
        raise ValidationError(
            {
                "status": "A withdrawn entry cannot go back on the plan: add a new entry, so "
                "that its notice is published and checked again."
            }
        )
    entry.status = status
    entry.version += 1
    entry.save(update_fields=["status", "version", "modified_at"])
    return entry


def entry_snapshot(entry: ForwardPlanEntry) -> dict[str, Any]:
    """The public fields of ``entry``, as an edition keeps them."""
    return {
        "reference": entry.reference,
        "matter": entry.matter,
        "summary": entry.summary,
        "decision_maker": entry.decision_maker_name,
        "maker_kind": entry.maker_kind,
        "portfolio": entry.portfolio,
        "is_key_decision": entry.is_key_decision,
        "key_grounds": entry.get_key_grounds_display() if entry.is_key_decision else "",
        "planned_decision_date": entry.planned_decision_date.isoformat(),
        "wards": "All wards" if entry.all_wards else ", ".join(w.name for w in entry.wards.all()),
        "documents": entry.documents,
        "is_private": entry.is_private,
        "exempt_paragraph": entry.exempt_paragraph,
        "private_reasons": entry.private_reasons,
        "representations": entry.representations,
        "contact": ", ".join(
            p
            for p in (
                entry.contact_name,
                entry.contact_post,
                entry.contact_email,
                entry.contact_phone,
            )
            if p
        ),
        "first_published_on": entry.first_published_on.isoformat(),
        "status": entry.get_status_display(),
        "exception": entry.get_exception_display() if entry.exception != "none" else "",
        "exception_reasons": entry.exception_reasons if entry.exception != "none" else "",
    }


def _ward_slugs(entry: ForwardPlanEntry) -> str:
    slugs = [w.slug for w in entry.wards.all()]
    return f" {' '.join(slugs)} " if slugs else ""


@records_by
@transaction.atomic
def publish_edition(*, notes: str = "", on: dt.date | None = None, by=None) -> ForwardPlanEdition:
    """Publish an edition of the forward plan: a snapshot of every current entry."""
    day = on or today()
    entries = list(
        ForwardPlanEntry.objects.current()
        .select_related("cabinet", "portfolio_holder__person", "officer")
        .prefetch_related("wards")
    )
    if not entries:
        raise ValidationError("There are no published entries to put in an edition.")
    last = ForwardPlanEdition.objects.select_for_update().order_by("-number").first()
    edition = ForwardPlanEdition.objects.create(
        number=(last.number + 1) if last else 1,
        published_on=day,
        published_at=timezone.now(),
        published_by=by if getattr(by, "pk", None) else None,
        period_start=day,
        notes=notes,
    )
    ForwardPlanEditionEntry.objects.bulk_create(
        ForwardPlanEditionEntry(
            edition=edition,
            entry=entry,
            matter=entry.matter,
            maker_kind=entry.maker_kind,
            decision_maker=entry.decision_maker_name[:300],
            portfolio=entry.portfolio,
            planned_decision_date=entry.planned_decision_date,
            ward_slugs=_ward_slugs(entry)[:2000],
            data=entry_snapshot(entry),
        )
        for entry in entries
    )
    signals.send_after_commit(
        signals.forward_plan_edition_published, sender=ForwardPlanEdition, edition=edition
    )
    return edition


# --- the decisions register ----------------------------------------------------------------


def call_in_closes(published: dt.datetime, working_days: int) -> dt.datetime:
    """5pm (London) on the ``working_days``-th working day after the day of ``published``."""
    day = timezone.localtime(published, LONDON).date()
    found = 0
    while found < working_days:
        day += dt.timedelta(days=1)
        if workdays.is_working_day(day):
            found += 1
    return dt.datetime.combine(day, CALL_IN_CLOSES_AT, tzinfo=LONDON)


def _check_decision(decision: Decision) -> None:
    _check_maker(decision, decision.decision_date)
    _check_privacy(decision)
    if decision.is_urgent and not decision.urgency_reason.strip():
        raise ValidationError(
            {"urgency_reason": "Give the reason the decision is urgent and exempt from call-in."}
        )
    if not decision.decision.strip():
        raise ValidationError({"decision": "Enter the decision."})


@records_by
@transaction.atomic
def save_decision(
    *,
    record: Decision | None = None,
    expected_version: int | None = None,
    documents: list[Document] | None = None,
    wards: list[Ward] | None = None,
    by=None,
    **fields: Any,
) -> Decision:
    """Create or change a decision record. A published record's decision, maker, date and
    privacy are fixed (a correction is a new record); its other texts may be corrected.
    ``record`` is the decision to change (``decision`` is the field with the text)."""
    decision = record
    if decision is not None:
        decision = Decision.all_objects.select_for_update().get(pk=decision.pk)
        check_version(decision.version, expected_version)
        decision.version += 1
    else:
        decision = Decision()
    fixed = (
        "maker_kind",
        "cabinet",
        "portfolio_holder",
        "officer",
        "decision_date",
        "decision",
        "is_private",
        "exempt_paragraph",
        "is_urgent",
    )
    for name in DECISION_FIELDS:
        if name not in fields:
            continue
        if decision.published_at is not None and name in fixed:
            if getattr(decision, name) != fields[name]:
                raise ValidationError(
                    {name: "The decision is published: this cannot change. Record a new decision."}
                )
            continue
        setattr(decision, name, fields[name])
    _check_decision(decision)
    decision.save()
    if documents is not None:
        decision.documents.set(documents)
    if wards is not None:
        decision.wards.set(wards)
    return decision


def _check_record_complete(decision: Decision) -> None:
    """Reg. 13: the published record states the reasons and the alternatives considered and
    rejected. A draft made from the minutes has neither until the officer adds them."""
    missing = {}
    if not decision.reasons.strip():
        missing["reasons"] = "Enter the reasons for the decision (Edit the record), then publish."
    if not decision.alternatives.strip():
        missing["alternatives"] = (
            "Enter the alternatives considered and rejected, or “None” (Edit the record), "
            "then publish."
        )
    if missing:
        raise ValidationError(missing)


@records_by
@transaction.atomic
def publish_decision(*, decision: Decision, now: dt.datetime | None = None, by=None) -> Decision:
    """Publish the record. Unless urgent, call-in is open until the window closes."""
    decision = Decision.all_objects.select_for_update().get(pk=decision.pk)
    if decision.status != DecisionStatus.DRAFT:
        raise ValidationError("This decision is already published.")
    _check_decision(decision)
    _check_record_complete(decision)
    now = now or timezone.now()
    if decision.decision_date > timezone.localdate(now):
        # A record is of a decision already taken (reg. 12); publishing one dated ahead would
        # open and close call-in before the decision existed.
        raise ValidationError(
            f"The decision is dated {decision.decision_date:%-d %B %Y}: its record can be "
            "published on or after that day, once the decision is taken."
        )
    rules = DecisionSettings.current()
    decision.published_at = now
    decision.published_by = by if getattr(by, "pk", None) else None
    if decision.is_urgent:
        decision.status = DecisionStatus.EFFECTIVE
        decision.call_in_closes_at = None
        decision.effective_at = now
    else:
        decision.status = DecisionStatus.CALL_IN_OPEN
        decision.call_in_closes_at = call_in_closes(now, rules.call_in_working_days)
    decision.version += 1
    decision.save()
    if decision.forward_plan_entry_id:
        ForwardPlanEntry.all_objects.filter(
            pk=decision.forward_plan_entry_id,
            status__in=(EntryStatus.PUBLISHED, EntryStatus.DEFERRED),
        ).update(status=EntryStatus.DECIDED, modified_at=now)
    signals.send_after_commit(signals.decision_published, sender=Decision, decision=decision)
    return decision


def _close_if_due(decision: Decision, now: dt.datetime) -> bool:
    """Make a decision whose call-in window has passed, with no call-in pending, effective."""
    if decision.status != DecisionStatus.CALL_IN_OPEN or decision.call_in_closes_at is None:
        return False
    if decision.call_in_closes_at > now:
        return False
    if decision.call_ins.filter(status__in=PENDING_CALL_IN).exists():
        return False
    decision.status = DecisionStatus.EFFECTIVE
    decision.effective_at = decision.call_in_closes_at
    decision.version += 1
    decision.save(update_fields=["status", "effective_at", "version", "modified_at"])
    return True


@records_by
@transaction.atomic
def close_call_in_periods(*, now: dt.datetime | None = None, by=None) -> int:
    """Every decision whose call-in period has ended with no call-in takes effect."""
    now = now or timezone.now()
    due = Decision.all_objects.select_for_update().filter(
        status=DecisionStatus.CALL_IN_OPEN, call_in_closes_at__lte=now
    )
    return sum(_close_if_due(d, now) for d in due)


@records_by
@transaction.atomic
def mark_implemented(*, decision: Decision, now: dt.datetime | None = None, by=None) -> Decision:
    decision = Decision.all_objects.select_for_update().get(pk=decision.pk)
    now = now or timezone.now()
    _close_if_due(decision, now)
    if decision.status == DecisionStatus.CALL_IN_OPEN:
        closes = timezone.localtime(decision.call_in_closes_at, LONDON)
        raise ValidationError(
            f"Call-in is open until {closes:%-I%p on %-d %B %Y}".replace("PM", "pm").replace(
                "AM", "am"
            )
            + ": the decision cannot be implemented before then."
        )
    if decision.status not in (DecisionStatus.EFFECTIVE, DecisionStatus.PUBLISHED):
        raise ValidationError(
            f"The decision is {decision.get_status_display().lower()}: it cannot be implemented."
        )
    decision.status = DecisionStatus.IMPLEMENTED
    decision.implemented_at = now
    decision.implemented_by = by if getattr(by, "pk", None) else None
    decision.version += 1
    decision.save()
    return decision


# --- decisions from a cabinet meeting's minutes --------------------------------------------


def _minute_decision_text(minute: Minute) -> str:
    resolutions = list(minute.resolutions.all())
    if resolutions:
        return "\n".join(f"{r.number}) {r.text}" for r in resolutions)
    return strip_tags(minute.text).strip()


@records_by
@transaction.atomic
def decisions_from_minutes(*, minutes: MinutesSet, by=None) -> list[Decision]:
    """A cabinet meeting's minutes produce its decisions: one draft decision record per
    minute of a business item that resolved something, linked to the item, the minute and the
    item's issued papers. Records already made are brought up to date while still drafts;
    published ones are left alone. The officer adds reasons and alternatives and publishes."""
    meeting = minutes.meeting
    cabinet = meeting.committee
    if cabinet.kind != Committee.Kind.CABINET:
        raise ValidationError("Only a Cabinet meeting's minutes record executive decisions.")
    made = []
    items = (
        Minute.objects.filter(minutes=minutes, agenda_item__kind=ItemKind.BUSINESS)
        .select_related("agenda_item")
        .prefetch_related("resolutions")
    )
    for minute in items:
        text = _minute_decision_text(minute)
        if not text:
            continue
        item: AgendaItem = minute.agenda_item
        if item.is_confidential:
            # Confidential (s100A), not exempt under a paragraph: the officer records it by
            # hand, choosing what the law lets the public see.
            continue
        decision = Decision.all_objects.filter(minute=minute).first() or Decision(minute=minute)
        if decision.published_at is not None:
            continue
        decision.maker_kind = MakerKind.CABINET
        decision.cabinet = cabinet
        decision.portfolio_holder = None
        decision.officer = None
        decision.title = item.title
        decision.decision_date = timezone.localtime(meeting.start, LONDON).date()
        decision.decision = text
        decision.agenda_item = item
        decision.is_private = visibility.is_item_private(item)
        decision.exempt_paragraph = item.exempt_paragraph if decision.is_private else None
        if decision.is_private and not decision.private_reasons:
            decision.private_reasons = item.exempt_reasons
        if decision.pk:
            decision.version += 1
        decision.save()
        decision.documents.set(Document.all_objects.filter(agenda_item=item).issued())
        made.append(decision)
    return made


# --- delegated reports ---------------------------------------------------------------------


def _report_pdf(uploaded_file) -> tuple[bytes, str]:
    """The PDF to store for an upload, through the papers' own checks: a PDF is read and
    sanitised by ``meetings.uploads.inspect_pdf``; a Word, OpenDocument, RTF or Excel file is
    checked like a paper's (its content matches its name, a zip is not a bomb), converted to
    PDF by ``meetings.conversion.convert_to_pdf`` and then checked and sanitised the same
    way. Every refusal names the ``file`` field. Returns (bytes, what was removed)."""
    from meetings import conversion, uploads

    name = (getattr(uploaded_file, "name", "") or "").rsplit("/", 1)[-1]
    data = uploads.read_upload(uploaded_file, field_name="file")
    fmt = conversion.format_of(name)
    if fmt is not None:
        if not data:
            raise ValidationError({"file": "The selected file is empty."})
        if not data.startswith(fmt.magic):
            raise ValidationError(
                {
                    "file": f"The file's name ends in {fmt.extension} but it is not a "
                    f"{fmt.label}. Open it, save it again in that format (or as PDF) and "
                    "upload that."
                }
            )
        try:
            conversion.check_zip(data, fmt)
        except ValidationError as exc:
            raise ValidationError({"file": exc.messages}) from exc
        try:
            data = conversion.convert_to_pdf(data, extension=fmt.extension)
        except conversion.ConversionError as exc:
            raise ValidationError(
                {"file": f"The document could not be converted to PDF: {exc}"}
            ) from exc
    elif not name.lower().endswith(".pdf"):
        raise ValidationError(
            {
                "file": "Choose a PDF, Word (.docx or .doc), OpenDocument (.odt), RTF or Excel "
                "(.xlsx) file."
            }
        )
    checked = uploads.inspect_pdf(data, field_name="file")
    return checked, name


@records_by
@transaction.atomic
def add_delegated_report(
    *,
    decision: Decision,
    uploaded_file,
    title: str,
    is_exempt: bool = False,
    exempt_paragraph: int | None = None,
    by=None,
):
    """Attach a report that was on no agenda to a portfolio holder's or officer's decision.
    Public only when the decision is public and the report not exempt
    (``decisions.selectors.delegated_report_public``)."""
    from decisions.models import DelegatedReport

    decision = Decision.all_objects.select_for_update().get(pk=decision.pk)
    errors: dict[str, str] = {}
    if decision.maker_kind == MakerKind.CABINET:
        errors["file"] = (
            "A Cabinet decision was taken on the papers of its meeting: choose them in the "
            "record's reports instead."
        )
    if not (title or "").strip():
        errors["title"] = "Enter the title of the report."
    if is_exempt and not exempt_paragraph:
        errors["exempt_paragraph"] = "Choose the paragraph of Schedule 12A that makes it exempt."
    if errors:
        raise ValidationError(errors)
    checked, name = _report_pdf(uploaded_file)
    report = DelegatedReport(
        decision=decision,
        title=title.strip(),
        original_filename=name[:255],
        size=checked.size,
        page_count=checked.page_count,
        sha256=checked.sha256,
        removed="; ".join(checked.removed),
        is_exempt=is_exempt,
        exempt_paragraph=exempt_paragraph if is_exempt else None,
        uploaded_by=by if getattr(by, "pk", None) else None,
    )
    report.file.save("report.pdf", ContentFile(checked.data), save=False)
    stored = report.file.name
    try:
        report.save()
    except Exception:
        report.file.storage.delete(stored)
        raise
    return report
