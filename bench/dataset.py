#!/usr/bin/env python
"""A ten-year council in PostgreSQL, for the query and load benchmarks (issue 9, item 7).

    .venv/bin/python bench/dataset.py [--fresh] [--database scrutiny_bench_dataset]

Creates (or reuses) the database, migrates it and fills it with bulk inserts:

- 10 municipal years, 60 committees, 210 people, 600 memberships;
- 6,000 meetings (100 per committee, about ten a year), 60,000 agenda items (six standard
  opening items and four business items each; one meeting in ten has an exempt item);
- 24,000 reports with 72,000 sections; 30,000 documents, each a real small PDF file;
- minutes for every held meeting (a minute per item, resolutions), actions arising,
  KPIs with quarterly figures (when those apps' models are present).

Everything is invented ("Bench" in the names says so). The run is idempotent: a database
that already holds the full dataset is left as it is unless ``--fresh`` is given. It prints
the row counts last. Other bench scripts import ``use_database()`` from here.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import os
import random
import shutil
import sys
import time
import uuid
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
PG_SERVER = os.environ.get("BENCH_PG_SERVER", "postgres://postgres@127.0.0.1:5432")
DEFAULT_DATABASE = "scrutiny_bench_dataset"
MEDIA_ROOT = ROOT / "var" / "bench-media"
LONDON = ZoneInfo("Europe/London")

COMMITTEES = 60
MEETINGS_PER_COMMITTEE = 100
ITEMS_PER_MEETING = 10
STANDARD_ITEMS = 6
DOCUMENTS_PER_MEETING = 5
SECTIONS_PER_REPORT = 3
FIRST_YEAR = 2016  # municipal years 2016/17 .. 2025/26, and the autumn of 2026
BATCH = 2000


def database_url(name: str) -> str:
    return f"{PG_SERVER}/{name}"


def use_database(name: str, *, media_root: Path = MEDIA_ROOT) -> None:
    """Point Django at ``name`` (on the local PostgreSQL) and set it up."""
    os.environ["DATABASE_URL"] = database_url(name)
    os.environ["MEDIA_ROOT"] = str(media_root)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "scrutiny.settings")
    # A standalone script: make the project importable.
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def create_database(name: str, *, fresh: bool) -> None:
    import psycopg

    with psycopg.connect(database_url("postgres"), autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists and fresh:
            conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
            exists = None
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')


def _pdf_bytes(text: str) -> bytes:
    import pikepdf

    pdf = pikepdf.new()
    font = pdf.make_indirect(
        pikepdf.Dictionary(
            Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1, BaseFont=pikepdf.Name.Helvetica
        )
    )
    stream = f"BT /F1 12 Tf 72 700 Td ({text}) Tj ET".encode("latin-1")
    pdf.pages.append(
        pikepdf.Page(
            pikepdf.Dictionary(
                Type=pikepdf.Name.Page,
                MediaBox=[0, 0, 595, 842],
                Resources=pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=font)),
                Contents=pdf.make_stream(stream),
            )
        )
    )
    import io

    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def bulk(model, objects: list, **kwargs) -> list:
    return model._base_manager.bulk_create(objects, batch_size=BATCH, **kwargs)


def generate(rng: random.Random) -> dict[str, int]:
    from django.db import transaction

    with transaction.atomic():
        counts = _core_and_meetings(rng)
        counts.update(_minutes_and_actions(rng))
        counts.update(_performance(rng))
    return counts


def _core_and_meetings(rng: random.Random) -> dict[str, int]:
    from meetings.models import (
        AgendaItem,
        Document,
        ItemKind,
        Meeting,
        MeetingStatus,
        Report,
        ReportSection,
    )
    from scrutiny.models import Committee, Membership, MunicipalYear, Person

    years = bulk(
        MunicipalYear,
        [
            MunicipalYear(
                name=MunicipalYear.label_for(dt.date(y, 5, 18)),
                start_date=dt.date(y, 5, 18),
                end_date=dt.date(y + 1, 5, 17),
            )
            for y in range(FIRST_YEAR, FIRST_YEAR + 11)
        ],
    )
    people = []
    for n in range(210):
        kind = (
            Person.Kind.COUNCILLOR
            if n < 120
            else Person.Kind.COOPTEE
            if n < 150
            else Person.Kind.OFFICER
        )
        name = f"Bench Person {n:03d}"
        people.append(
            Person(
                kind=kind,
                honorific="Councillor" if kind == Person.Kind.COUNCILLOR else "",
                name=name,
                sort_name=f"person {n:03d} {name.lower()}",
                slug=f"bench-person-{n:03d}",
                party=rng.choice(["Labour", "Conservative", "Liberal Democrat", "Green"])
                if kind == Person.Kind.COUNCILLOR
                else "",
                ward=f"Ward {n % 23}" if kind == Person.Kind.COUNCILLOR else "",
                job_title="Governance Officer" if kind == Person.Kind.OFFICER else "",
            )
        )
    people = bulk(Person, people)
    councillors = people[:150]
    officers = people[150:]
    committees = bulk(
        Committee,
        [
            Committee(
                name=f"Bench Scrutiny Panel {n:02d}",
                short_name=f"Panel {n:02d}",
                slug=f"bench-panel-{n:02d}",
                purpose="An invented committee of the ten-year benchmark council.",
                contact_officer=officers[n % len(officers)],
            )
            for n in range(COMMITTEES)
        ],
    )
    memberships = []
    for n, committee in enumerate(committees):
        for k in range(10):
            role = (
                Membership.Role.CHAIR
                if k == 0
                else Membership.Role.VICE_CHAIR
                if k == 1
                else Membership.Role.MEMBER
            )
            memberships.append(
                Membership(
                    person=councillors[(n * 7 + k) % len(councillors)],
                    committee=committee,
                    role=role,
                    role_order=Membership.ROLE_ORDER[role],
                    start_date=dt.date(FIRST_YEAR, 5, 18),
                )
            )
    bulk(Membership, memberships)

    now = dt.datetime(2026, 11, 23, 12, 0, tzinfo=LONDON)
    first_day = dt.date(FIRST_YEAR, 6, 1)
    span_days = (dt.date(2026, 12, 31) - first_day).days
    meetings = []
    for n, committee in enumerate(committees):
        for k in range(MEETINGS_PER_COMMITTEE):
            day = first_day + dt.timedelta(days=(span_days * k) // MEETINGS_PER_COMMITTEE + n % 9)
            while day.weekday() >= 5:
                day += dt.timedelta(days=1)
            start = dt.datetime.combine(day, dt.time(10 + (n % 3) * 2), tzinfo=LONDON)
            past = start < now
            soon = start < now + dt.timedelta(days=14)
            meetings.append(
                Meeting(
                    committee=committee,
                    start=start,
                    end=start + dt.timedelta(hours=2),
                    venue="Council Chamber - Town Hall, Huddersfield",
                    status=MeetingStatus.HELD
                    if past
                    else MeetingStatus.AGENDA_PUBLISHED
                    if soon
                    else MeetingStatus.SCHEDULED,
                    published_at=start - dt.timedelta(days=8) if soon else None,
                    report_deadline=day - dt.timedelta(days=14),
                    contact_officer=committee.contact_officer,
                )
            )
    meetings = bulk(Meeting, meetings)

    items = []
    for m, meeting in enumerate(meetings):
        exempt_slot = ITEMS_PER_MEETING - 1 if m % 10 == 0 else None
        for k in range(ITEMS_PER_MEETING):
            standard = k < STANDARD_ITEMS
            exempt = k == exempt_slot
            items.append(
                AgendaItem(
                    meeting=meeting,
                    order=k + 1,
                    number=str(k + 1),
                    kind=list(ItemKind)[k] if standard else ItemKind.BUSINESS,
                    title=f"Bench standard item {k + 1}"
                    if standard
                    else f"Bench business item {k + 1} of meeting {m}",
                    description="To receive a report on an invented subject.",
                    is_exempt=exempt,
                    exempt_paragraph=3 if exempt else None,
                    exempt_reasons="Commercially sensitive (invented)." if exempt else "",
                )
            )
    items = bulk(AgendaItem, items)
    business = [i for i in items if i.kind == ItemKind.BUSINESS]

    reports = bulk(
        Report,
        [
            Report(
                agenda_item=item,
                order=1,
                title=f"Report on {item.title}",
                author=officers[n % len(officers)],
                purpose="To inform the panel (invented).",
                signed_off_by="Bench Director",
                signed_off_on=dt.date(2020, 1, 1),
            )
            for n, item in enumerate(business)
        ],
    )
    bulk(
        ReportSection,
        [
            ReportSection(
                report=report,
                order=s + 1,
                heading=["Summary", "Information required to take a decision", "Next steps"][s],
                body="<p>Invented text of the benchmark council's report.</p>",
            )
            for report in reports
            for s in range(SECTIONS_PER_REPORT)
        ],
    )

    pdf = _pdf_bytes("Bench appendix (invented)")
    sha256 = hashlib.sha256(pdf).hexdigest()
    folder = MEDIA_ROOT / "documents"
    folder.mkdir(parents=True, exist_ok=True)
    documents = []
    by_meeting: dict[int, list] = {}
    for item in business:
        by_meeting.setdefault(item.meeting_id, []).append(item)
    for meeting_items in by_meeting.values():
        for d in range(DOCUMENTS_PER_MEETING):
            item = meeting_items[d % len(meeting_items)]
            name = f"documents/{uuid.UUID(int=rng.getrandbits(128)).hex}.pdf"
            (MEDIA_ROOT / name).write_bytes(pdf)
            documents.append(
                Document(
                    agenda_item=item,
                    order=d + 1,
                    title=f"Appendix {d + 1}",
                    file=name,
                    original_filename=f"appendix-{d + 1}.pdf",
                    page_count=1,
                    size=len(pdf),
                    sha256=sha256,
                    text="Bench appendix (invented)",
                    has_text_layer=True,
                )
            )
    bulk(Document, documents)
    return {
        "municipal years": len(years),
        "committees": len(committees),
        "people": len(people),
        "memberships": len(memberships),
        "meetings": len(meetings),
        "agenda items": len(items),
        "reports": len(reports),
        "report sections": len(reports) * SECTIONS_PER_REPORT,
        "documents": len(documents),
    }


def _minutes_and_actions(rng: random.Random) -> dict[str, int]:
    """Approved minutes for every held meeting: a minute per item (numbered per committee
    and municipal year), a resolution per business item, and two actions per meeting."""
    from meetings.minutes.models import (
        Action,
        ActionStatus,
        Minute,
        MinutesSet,
        MinutesStatus,
        Resolution,
    )
    from meetings.models import AgendaItem, ItemKind, MeetingStatus
    from scrutiny.models import MunicipalYear

    years = list(MunicipalYear.objects.order_by("start_date"))

    def year_of(day):
        return next((y for y in years if y.start_date <= day <= y.end_date), None)

    items = list(
        AgendaItem.all_objects.filter(meeting__status=MeetingStatus.HELD)
        .select_related("meeting")
        .order_by("meeting__start", "meeting_id", "order")
    )
    # Minutes are approved at the committee's next meeting, under its "minutes" item.
    minutes_items = {
        i.meeting_id: i
        for i in AgendaItem.all_objects.filter(kind=ItemKind.MINUTES).select_related("meeting")
    }
    next_minutes_item: dict[int, AgendaItem] = {}
    by_committee: dict[int, list] = {}
    for i in sorted(minutes_items.values(), key=lambda i: i.meeting.start):
        by_committee.setdefault(i.meeting.committee_id, []).append(i)
    for chain in by_committee.values():
        for earlier, later in zip(chain, chain[1:], strict=False):
            next_minutes_item[earlier.meeting_id] = later
    sets: dict[int, MinutesSet] = {}
    for item in items:
        meeting = item.meeting
        if meeting.pk not in sets:
            at = next_minutes_item.get(meeting.pk)
            approved = at is not None and at.meeting.status == MeetingStatus.HELD
            sets[meeting.pk] = MinutesSet(
                meeting=meeting,
                status=MinutesStatus.APPROVED if approved else MinutesStatus.PUBLISHED,
                published_at=meeting.start + dt.timedelta(days=3),
                approved_at_item=at if approved else None,
                approved_at=at.meeting.start if approved else None,
                approval_text="That the minutes be approved as a correct record."
                if approved
                else "",
            )
    bulk(MinutesSet, list(sets.values()))
    numbers: dict[tuple[int, int], int] = {}
    minutes = []
    for item in items:
        meeting = item.meeting
        year = year_of(meeting.start.date())
        key = (meeting.committee_id, year.pk if year else 0)
        numbers[key] = numbers.get(key, 0) + 1
        minutes.append(
            Minute(
                minutes=sets[meeting.pk],
                agenda_item=item,
                committee_id=meeting.committee_id,
                municipal_year=year,
                number=numbers[key],
                text="<p>The panel considered the invented report.</p>",
                public_summary="The panel considered an exempt report." if item.is_exempt else "",
            )
        )
    minutes = bulk(Minute, minutes)
    business = [m for m in minutes if m.agenda_item.kind == ItemKind.BUSINESS]
    resolutions = bulk(
        Resolution,
        [Resolution(minute=m, number=1, text="That the report be noted.") for m in business],
    )
    actions = []
    per_meeting: dict[int, int] = {}
    for resolution, minute in zip(resolutions, business, strict=True):
        meeting = minute.agenda_item.meeting
        if per_meeting.get(meeting.pk, 0) >= 2:
            continue
        per_meeting[meeting.pk] = per_meeting.get(meeting.pk, 0) + 1
        actions.append(
            Action(
                committee_id=meeting.committee_id,
                resolution=resolution,
                description="That the panel receive a further update (invented).",
                owner_text="Bench Director",
                raised_on=meeting.start.date(),
                due_date=meeting.start.date() + dt.timedelta(days=90),
                status=rng.choice([ActionStatus.DONE] * 8 + [ActionStatus.OPEN] * 2),
            )
        )
    bulk(Action, actions)
    return {
        "minutes sets": len(sets),
        "minutes": len(minutes),
        "resolutions": len(resolutions),
        "actions": len(actions),
    }


def _performance(rng: random.Random) -> dict[str, int]:
    """60 KPIs in 6 service areas with quarterly targets and actuals for ten years."""
    from decimal import Decimal

    from performance.models import KPI, Figure, Period, ServiceArea

    areas = bulk(
        ServiceArea,
        [
            ServiceArea(name=f"Bench service area {n}", slug=f"bench-area-{n}", order=n)
            for n in range(6)
        ],
    )
    kpis = bulk(
        KPI,
        [
            KPI(
                reference=f"BK {n:03d}",
                slug=f"bk-{n:03d}",
                title=f"Bench indicator {n} (invented)",
                service_area=areas[n % len(areas)],
                first_year=FIRST_YEAR,
            )
            for n in range(60)
        ],
    )
    periods = []
    for fy in range(FIRST_YEAR, FIRST_YEAR + 10):
        start = dt.date(fy, 4, 1)
        periods.append(
            Period(
                kind=Period.Kind.YEAR,
                financial_year=fy,
                number=0,
                start_date=start,
                end_date=dt.date(fy + 1, 3, 31),
                due_on=dt.date(fy + 1, 5, 31),
                label=f"Bench {fy}/{str(fy + 1)[-2:]}",
            )
        )
        for q in range(4):
            q_start = dt.date(fy + (q == 3), [4, 7, 10, 1][q], 1)
            q_end = dt.date(fy + (q >= 2), [6, 9, 12, 3][q], [30, 30, 31, 31][q])
            periods.append(
                Period(
                    kind=Period.Kind.QUARTER,
                    financial_year=fy,
                    number=q + 1,
                    start_date=q_start,
                    end_date=q_end,
                    due_on=q_end + dt.timedelta(days=45),
                    label=f"Bench Q{q + 1} {fy}/{str(fy + 1)[-2:]}",
                )
            )
    periods = bulk(Period, periods)
    quarters = [p for p in periods if p.kind == Period.Kind.QUARTER]
    figures = bulk(
        Figure,
        [
            Figure(
                kpi=kpi,
                period=period,
                target=Decimal(70),
                actual=Decimal(rng.randint(50, 95)),
                england=Decimal(72),
                computed_rag=rng.choice(["on_track", "at_risk", "off_track"]),
                is_demo=True,
            )
            for kpi in kpis
            for period in quarters
        ],
    )
    return {"KPIs": len(kpis), "periods": len(periods), "KPI figures": len(figures)}


def is_complete() -> bool:
    from meetings.minutes.models import Action
    from meetings.models import Meeting
    from performance.models import Figure

    return (
        Meeting.all_objects.count() >= COMMITTEES * MEETINGS_PER_COMMITTEE
        and Action.objects.exists()
        and Figure.objects.exists()
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", default=DEFAULT_DATABASE)
    parser.add_argument("--fresh", action="store_true", help="Drop and rebuild the database.")
    args = parser.parse_args()

    started = time.monotonic()
    create_database(args.database, fresh=args.fresh)
    if args.fresh:
        shutil.rmtree(MEDIA_ROOT, ignore_errors=True)
    use_database(args.database)
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    if is_complete() and not args.fresh:
        print(f"{args.database} already holds the ten-year council (use --fresh to rebuild)")
    else:
        if not args.fresh and Path(MEDIA_ROOT).exists():
            sys.exit(f"{args.database} holds an incomplete dataset: run with --fresh")
        counts = generate(random.Random(2026))  # noqa: S311 - invented data, not security
        for what, n in counts.items():
            print(f"{what:>20}: {n:,}")
        indexed = time.monotonic()
        call_command("rebuild_search_index", stdout=open(os.devnull, "w"))  # noqa: SIM115
        print(f"search index rebuilt in {time.monotonic() - indexed:.0f} s")
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"dataset {args.database} ready in {time.monotonic() - started:.0f} s")


if __name__ == "__main__":
    main()
