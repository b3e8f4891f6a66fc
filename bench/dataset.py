#!/usr/bin/env python
"""A ten-year council in PostgreSQL, for the query and load benchmarks (issue 9, item 7).

    .venv/bin/python bench/dataset.py [--fresh] [--database scrutiny_bench_dataset]

Creates (or reuses) the database, migrates it and fills it with bulk inserts:

- 10 municipal years, 60 committees, 210 people, 600 memberships;
- 6,000 meetings (100 per committee, about ten a year), 60,000 agenda items (six standard
  opening items and four business items each; one meeting in ten has an exempt item);
- 24,000 reports with 72,000 sections; 30,000 documents, each a real small PDF file;
- minutes for every held meeting (a minute per item, resolutions), actions arising,
  KPIs with quarterly figures (when those apps' models are present);
- the work programme app's records (``_work_programme_data``): a work programme per
  committee per municipal year (660) with about 8,600 issues and 18,000 considerations
  (2–4 issues a meeting), most of them linked to the meeting's business agenda items;
  5 inspections, 4 improvement plans with priorities, actions, deliverables, measures,
  targets and progress updates; 8 scrutiny reviews with about 26 recommendations each,
  executive responses, action plans and follow-ups; 900 lead member reports;
- agenda packs (``_agenda_packs``) as the pack builder leaves them after the build on
  publication: for each of the 6,000 published meetings a public pack, a members' pack for
  the 600 with an exempt item, a supplementary pack for the one in eight with a paper
  published late (about 700 documents are marked late for that), each a real PDF of 8–16
  pages in the media folder, and one finished ``PackBuild`` per meeting.

Everything is invented ("Bench" in the names says so). The run is idempotent: a database
that already holds the full dataset is left as it is unless ``--fresh`` is given. It prints
the row counts last. Other bench scripts import ``use_database()`` from here.

Adding the work programme part to an older database: a database built before that part
existed (meetings, minutes and KPIs there, not one row in the work programme tables) is not
rebuilt; the run adds only the work programme part, in one transaction, in about 10 s, and
prints its counts. It reads the existing meetings and agenda items and changes none of
them. The search index is left as it is: it indexes meetings, items, reports, documents and
minutes only (``opendata.indexing``), never work programme records. The part uses its own
random seed, so it is the same whether added later or made by a ``--fresh`` build. A
database with only some of the part's tables filled is refused (run with ``--fresh``).

Adding the agenda packs follows the same pattern: a database with the rest of the council and
no pack, pack build or late paper gets only that part (in one transaction, about two
minutes, its own seed), with the files written to ``packs/`` of its media folder; a database
with some of them is refused. It marks some documents late (the only existing rows changed;
the search index does not depend on it) and reads the meetings, items, reports and
membership to compute each pack's contents and input hash with the builder's own code.

Media: each database has its own media folder (``media_root_for``): ``var/bench-media`` for
``scrutiny_bench_dataset``, ``var/bench-media-<name>`` for any other, so building another
database (``--fresh`` empties its folder first) never touches the files of the main one.
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
# Run as a script, bench/ is first on sys.path, and bench/email.py would shadow the standard
# library's email package (Django imports it): take bench/ off.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]

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


def media_root_for(name: str) -> Path:
    """The media folder of database ``name``: ``var/bench-media`` for the default one (what
    bench/load.py and bench/queries.py serve), ``var/bench-media-<name>`` for any other, so
    building (or ``--fresh``-rebuilding) another database never touches its files."""
    return MEDIA_ROOT if name == DEFAULT_DATABASE else ROOT / "var" / f"bench-media-{name}"


def media_folder() -> Path:
    """The media folder Django was set up with (``use_database``): where the files go."""
    from django.conf import settings

    return Path(settings.MEDIA_ROOT)


def use_database(name: str, *, media_root: Path | None = None) -> None:
    """Point Django at ``name`` (on the local PostgreSQL) and its media folder (by default
    ``media_root_for(name)``) and set it up."""
    os.environ["DATABASE_URL"] = database_url(name)
    os.environ["MEDIA_ROOT"] = str(media_root or media_root_for(name))
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
        counts.update(_work_programme_data(random.Random(WP_SEED)))  # noqa: S311
        counts.update(_agenda_packs(random.Random(PACKS_SEED)))  # noqa: S311
        counts.update(_decisions_data(random.Random(DECISIONS_SEED)))  # noqa: S311
    return counts


def add_work_programme() -> dict[str, int]:
    """Add the work programme part to a ten-year council built before it existed."""
    from django.db import transaction

    with transaction.atomic():
        return _work_programme_data(random.Random(WP_SEED))  # noqa: S311


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
    media = media_folder()
    (media / "documents").mkdir(parents=True, exist_ok=True)
    documents = []
    by_meeting: dict[int, list] = {}
    for item in business:
        by_meeting.setdefault(item.meeting_id, []).append(item)
    for meeting_items in by_meeting.values():
        for d in range(DOCUMENTS_PER_MEETING):
            item = meeting_items[d % len(meeting_items)]
            name = f"documents/{uuid.UUID(int=rng.getrandbits(128)).hex}.pdf"
            (media / name).write_bytes(pdf)
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
    # bulk_create sends no post_save: store each action's "may the public see it" from the
    # one rule (meetings.minutes.action_flags), as the receivers would have.
    from meetings.minutes import action_flags

    action_flags.resync()
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


# --- Work programmes, reviews, plans, inspections, lead member reports ----------------------

WP_SEED = 202611  # its own random stream: an added part equals the one a fresh build makes
WP_NOW = dt.datetime(2026, 11, 23, 12, 0, tzinfo=LONDON)  # the dataset's "now"
TOPICS = [
    "Children's social care workforce",
    "Home to school transport",
    "Special educational needs and disabilities",
    "Adult social care charging",
    "Highways maintenance programme",
    "Air quality action plan",
    "Council housing repairs",
    "Homelessness and rough sleeping",
    "Library service review",
    "Waste collection and recycling",
    "Domestic abuse strategy",
    "Community safety partnership",
    "Public health: smoking cessation",
    "Leisure centre provision",
    "Town centre regeneration",
    "Local plan delivery",
    "Budget and medium-term financial plan",
    "Corporate performance",
    "Flood risk management",
    "Climate emergency action plan",
    "Early help and family support",
    "Looked after children and care leavers",
    "Elective home education",
    "School place planning",
    "Digital inclusion",
    "Customer contact centre",
    "Procurement and social value",
    "Mental health services for young people",
    "Carers' strategy",
    "Safeguarding partnership annual report",
]
THEMES = [
    "Leadership and governance",
    "Practice and quality",
    "Workforce",
    "Partnership working",
    "Performance information",
    "Resources and value for money",
    "Voice of residents",
]
WP_METHODS = (
    ["full_panel"] * 12
    + ["informal"] * 2
    + ["visit"]
    + ["briefing_note"] * 3
    + ["ad_hoc_panel"]
    + ["lead_member_briefing"]
)


def _local_date(moment: dt.datetime) -> dt.date:
    return moment.astimezone(LONDON).date()


def _month_end(year: int, month: int) -> dt.date:
    import calendar

    return dt.date(year, month, calendar.monthrange(year, month)[1])


def _work_programme_data(rng: random.Random) -> dict[str, int]:
    """The work programme app's records for the ten-year council, on its meetings.

    - A work programme per committee per municipal year (660), each with 10–16 issues; each
      meeting considers 2–4 of its year's issues. At published meetings most considerations
      name one of the meeting's business agenda items (some of them exempt: their
      resolutions stay private); at coming, unpublished meetings they are plans only.
      Issue statuses follow the dates: past years' issues are completed or dropped (a few
      still in progress, so overdue), this year's scheduled, in progress or proposed.
    - 5 inspections with their recommendations; 4 improvement plans (one per inspection but
      the latest) with 8–10 priorities, their actions (linked to inspection
      recommendations), deliverables, success measures (some measured by a bench KPI) with
      dated targets, and quarterly progress updates on the actions.
    - 8 scrutiny reviews with 22–32 recommendations each (27 on average); executive
      responses, action plan items and follow-ups at the panel's meetings, except for the
      latest review, whose response is not yet due.
    - Bi-monthly lead member reports of every third committee since May 2019, with
      highlights.

    None of these records has a published flag: everything in the app is public business.
    What stays non-public is reached through meetings and agenda items (unpublished
    meetings, exempt items), and those the data above links as a real council's would.
    """
    from simple_history.utils import bulk_create_with_history

    from meetings.models import AgendaItem, ItemKind, Meeting
    from performance.models import KPI
    from scrutiny.models import Committee, Membership, MunicipalYear, Person
    from workprogramme.models import (
        ActionPlanItem,
        Consideration,
        Deliverable,
        ExecutiveResponse,
        FollowUp,
        Highlight,
        ImprovementAction,
        ImprovementPlan,
        Inspection,
        InspectionRecommendation,
        LeadMemberReport,
        MeasureTarget,
        PlanPriority,
        ProgressUpdate,
        ReviewRecommendation,
        ScrutinyReview,
        SuccessMeasure,
        WorkProgramme,
        WorkProgrammeItem,
        priority_from_score,
    )

    today = WP_NOW.date()
    years = list(MunicipalYear.objects.order_by("start_date"))
    committees = list(Committee.objects.filter(slug__startswith="bench-panel-").order_by("slug"))
    officers = list(Person.objects.filter(kind=Person.Kind.OFFICER).order_by("slug"))
    chairs = {
        m.committee_id: m.person
        for m in Membership.objects.filter(role=Membership.Role.CHAIR).select_related("person")
    }
    kpis = list(KPI.objects.order_by("reference"))
    meetings_of: dict[int, list[Meeting]] = {}
    for meeting in Meeting.all_objects.order_by("start", "pk"):
        meetings_of.setdefault(meeting.committee_id, []).append(meeting)
    business_of: dict[int, list[AgendaItem]] = {}
    for item in AgendaItem.all_objects.filter(kind=ItemKind.BUSINESS).order_by("order", "pk"):
        business_of.setdefault(item.meeting_id, []).append(item)

    def year_of(day: dt.date):
        return next((y for y in years if y.start_date <= day <= y.end_date), None)

    # Work programmes, their issues and where each issue is considered.
    programmes, items, considerations, lead_links = [], [], [], []
    item_meetings: list[list[Meeting]] = []  # per item, in order: where it is considered
    programme_meetings: list[tuple[WorkProgramme, list[Meeting]]] = []
    for c, committee in enumerate(committees):
        by_year: dict[int, list[Meeting]] = {}
        for meeting in meetings_of.get(committee.pk, []):
            year = year_of(_local_date(meeting.start))
            if year is not None:
                by_year.setdefault(year.pk, []).append(meeting)
        for year in years:
            programme = WorkProgramme(
                committee=committee,
                year=year,
                introduction=f"Issues for the {committee.name} to consider in {year.name}, "
                "as agreed at the panel's first meeting of the year (invented).",
                notes="Chairs briefings – identification of pre-decision items."
                if c % 2 == 0
                else "",
            )
            programmes.append(programme)
            programme_meetings.append((programme, by_year.get(year.pk, [])))
    programmes = bulk(WorkProgramme, programmes)

    pending: list[tuple[WorkProgrammeItem, list[tuple[Meeting, AgendaItem | None]]]] = []
    for p, (programme, year_meetings) in enumerate(programme_meetings):
        count = rng.randint(10, 16)
        scheduled = count - rng.randint(1, 3)  # the last few issues are never scheduled
        slots: list[list[tuple[Meeting, AgendaItem | None]]] = [[] for _ in range(count)]
        for meeting in year_meetings:
            chosen = rng.sample(range(scheduled), min(scheduled, rng.randint(2, 4)))
            agenda = list(business_of.get(meeting.pk, [])) if meeting.published_at else []
            rng.shuffle(agenda)
            for n in chosen:
                linked = agenda.pop() if agenda and rng.random() < 0.9 else None
                slots[n].append((meeting, linked))
        year_over = programme.year.end_date < today
        for n in range(count):
            topic = TOPICS[(p * 7 + n * 3) % len(TOPICS)]
            past = [m for m, _ in slots[n] if m.start < WP_NOW]
            if not slots[n]:
                status = "dropped" if year_over and rng.random() < 0.6 else "proposed"
            elif year_over or len(past) == len(slots[n]):
                status = "completed" if rng.random() < 0.9 else "in_progress"
            elif past:
                status = "in_progress"
            else:
                status = "scheduled"
            scored = rng.random() < 0.3
            scores = [rng.randint(0, 3) for _ in range(5)] if scored else [None] * 5
            priority = (
                priority_from_score(sum(scores))
                if scored
                else rng.choice(["high", "medium", "low", ""])
            )
            item = WorkProgrammeItem(
                programme=programme,
                number=n + 1,
                issue=f"{topic} ({programme.year.name})",
                put_forward_by=rng.choice(
                    ["Panel members", "OSMC", "Cabinet Member", "Public suggestion", ""]
                ),
                approach="The panel will receive a report and question the Cabinet Member "
                "and senior officers (invented).\n\n- Progress since the last report\n"
                "- Performance against targets",
                outcomes="- The panel is assured that the service is improving.\n"
                "- The panel's recommendations are reported to Cabinet.",
                comments="Report requested from the service (invented)."
                if rng.random() < 0.3
                else "",
                lead_officers_text="" if rng.random() < 0.7 else "Bench Head of Service",
                method=rng.choice(WP_METHODS),
                priority=priority,
                score_public_interest=scores[0],
                score_ability_to_change=scores[1],
                score_performance=scores[2],
                score_extent=scores[3],
                score_replication=scores[4],
                status=status,
                target_meeting=slots[n][-1][0] if slots[n] else None,
                target_text=rng.choice(["", "", "", "Quarterly", "To be confirmed"]),
            )
            items.append(item)
            pending.append((item, slots[n]))
    items = bulk(WorkProgrammeItem, items)
    for item, slots in pending:
        if rng.random() < 0.6:
            for officer in rng.sample(officers, rng.randint(1, 2)):
                lead_links.append(
                    WorkProgrammeItem.lead_officers.through(
                        workprogrammeitem_id=item.pk, person_id=officer.pk
                    )
                )
        for meeting, agenda_item in slots:
            presenter = rng.choice(officers) if rng.random() < 0.5 else None
            considerations.append(
                Consideration(
                    item=item,
                    meeting=meeting,
                    agenda_item=agenda_item,
                    presenter="" if presenter else "Bench Director of Service",
                    presenter_person=presenter,
                )
            )
        item_meetings.append([m for m, _ in slots])
    bulk(WorkProgrammeItem.lead_officers.through, lead_links)
    considerations = bulk(Consideration, considerations)

    # Inspections and their recommendations.
    inspection_specs = [
        ("Ofsted inspection of children's services", "Ofsted", "O", dt.date(2016, 11, 1), 27),
        ("Ofsted focused visit: the front door", "Ofsted", "F", dt.date(2019, 3, 15), 8),
        ("Local area SEND inspection", "Ofsted and CQC", "S", dt.date(2021, 6, 10), 14),
        ("CQC assessment of adult social care", "CQC", "C", dt.date(2024, 9, 20), 12),
        ("Ofsted inspection of local authority children's services", "Ofsted", "I",
         dt.date(2025, 10, 1), 10),
    ]  # fmt: skip
    inspections = bulk(
        Inspection,
        [
            Inspection(
                title=f"Bench {title} ({published.year})",
                slug=f"bench-inspection-{published.year}",
                inspectorate=inspectorate,
                published_on=published,
                code_prefix=prefix,
                summary="An invented inspection of the ten-year benchmark council.",
                report_url=f"https://example.org/bench/inspections/{published.year}",
            )
            for title, inspectorate, prefix, published, _ in inspection_specs
        ],
    )
    inspection_recs = bulk(
        InspectionRecommendation,
        [
            InspectionRecommendation(
                inspection=inspection,
                number=n + 1,
                text=f"Ensure that {TOPICS[(i * 5 + n) % len(TOPICS)].lower()} improves "
                "(invented recommendation).",
            )
            for i, (inspection, spec) in enumerate(zip(inspections, inspection_specs, strict=True))
            for n in range(spec[4])
        ],
    )
    recs_of: dict[int, list[InspectionRecommendation]] = {}
    for rec in inspection_recs:
        recs_of.setdefault(rec.inspection_id, []).append(rec)

    # Improvement plans: priorities, actions, deliverables, measures, targets, progress.
    plans = bulk(
        ImprovementPlan,
        [
            ImprovementPlan(
                title=f"Bench improvement plan after the {inspection.title[6:]}",
                slug=f"bench-improvement-plan-{inspection.published_on.year}",
                body="The council's response to the inspection: priorities, actions and how "
                "we will know we are making a difference (invented).",
                period_start=inspection.published_on + dt.timedelta(days=90),
                period_end=inspection.published_on + dt.timedelta(days=90 + 730),
                committee=committees[(i * 13) % len(committees)],
                inspection=inspection,
            )
            for i, inspection in enumerate(inspections[:4])
        ],
    )
    priorities = []
    for plan in plans:
        for n in range(rng.randint(8, 10)):
            priorities.append(
                PlanPriority(
                    plan=plan,
                    number=n + 1,
                    title=f"Priority {n + 1}: {THEMES[n % len(THEMES)]}",
                    rationale="Why this matters, as the inspection found (invented).",
                    aims="Children and families get the right help at the right time\n"
                    "Practice is consistently good",
                )
            )
    priorities = bulk(PlanPriority, priorities)
    plan_by_pk = {plan.pk: plan for plan in plans}
    actions, deliverables, measures = [], [], []
    for priority in priorities:
        plan = plan_by_pk[priority.plan_id]
        span = (plan.period_end - plan.period_start).days
        for n in range(rng.randint(6, 10)):
            owner = rng.choice(officers) if rng.random() < 0.7 else None
            actions.append(
                ImprovementAction(
                    priority=priority,
                    number=n + 1,
                    text=f"Action {n + 1} of {priority.title.lower()} (invented).",
                    owner=owner,
                    owner_text="" if owner else "Bench Head of Service",
                    due_date=plan.period_start + dt.timedelta(days=rng.randint(90, span)),
                )
            )
        for n in range(rng.randint(4, 7)):
            due = plan.period_start + dt.timedelta(days=rng.randint(60, span))
            deliverables.append(
                Deliverable(
                    priority=priority,
                    number=n + 1,
                    text=f"Deliverable {n + 1} (invented).",
                    due_date=due,
                    due_text=f"{due:%b %Y}",
                    done_date=due - dt.timedelta(days=rng.randint(0, 30))
                    if due < today and rng.random() < 0.8
                    else None,
                )
            )
        for n in range(rng.randint(3, 5)):
            kpi = rng.choice(kpis) if kpis and rng.random() < 0.35 else None
            measures.append(
                SuccessMeasure(
                    priority=priority,
                    number=n + 1,
                    text=f"Success measure {n + 1}: the proportion improves (invented).",
                    kpi=kpi,
                    kpi_reference="" if kpi else rng.choice(["", "Local measure"]),
                )
            )
    actions = bulk(ImprovementAction, actions)
    bulk(Deliverable, deliverables)
    measures = bulk(SuccessMeasure, measures)
    priority_by_pk = {p.pk: p for p in priorities}
    targets = []
    for measure in measures:
        plan = plan_by_pk[priority_by_pk[measure.priority_id].plan_id]
        for k in range(rng.randint(1, 3)):
            when = plan.period_start + dt.timedelta(days=240 * (k + 1))
            targets.append(
                MeasureTarget(
                    measure=measure,
                    target_date=_month_end(when.year, when.month),
                    target=f"{60 + 10 * k}%",
                )
            )
    bulk(MeasureTarget, targets)
    action_links, updates = [], []
    link_model = ImprovementAction.inspection_recommendations.through
    for action in actions:
        plan = plan_by_pk[priority_by_pk[action.priority_id].plan_id]
        if rng.random() < 0.6:
            for rec in rng.sample(recs_of[plan.inspection_id], rng.randint(1, 2)):
                action_links.append(
                    link_model(improvementaction_id=action.pk, inspectionrecommendation_id=rec.pk)
                )
        quarter_days = [
            plan.period_start + dt.timedelta(days=91 * q)
            for q in range(1, 9)
            if plan.period_start + dt.timedelta(days=91 * q) <= today
        ]
        dates = sorted(rng.sample(quarter_days, min(len(quarter_days), rng.randint(2, 6))))
        for k, day in enumerate(dates):
            late = k == len(dates) - 1
            if late and (plan.period_end < today or rng.random() < 0.4):
                rag, status = "green", "completed"
            else:
                rag = rng.choice(["green", "green", "amber", "red"])
                status = "delayed" if rag == "red" else "in_progress"
            updates.append(
                ProgressUpdate(
                    action=action,
                    date=day,
                    rag=rag,
                    status=status,
                    narrative=f"Progress reported to the panel in {day:%B %Y} (invented).",
                )
            )
            if late:
                action.rag, action.status = rag, status
    bulk(link_model, action_links)
    bulk(ProgressUpdate, updates)
    ImprovementAction._base_manager.bulk_update(actions, ["rag", "status"], batch_size=BATCH)

    # Scrutiny reviews: recommendations, responses, action plans, follow-ups.
    review_dates = [
        dt.date(2017, 3, 20), dt.date(2018, 1, 15), dt.date(2019, 4, 8), dt.date(2020, 2, 3),
        dt.date(2021, 11, 22), dt.date(2023, 3, 13), dt.date(2024, 10, 7), dt.date(2026, 10, 12),
    ]  # fmt: skip
    reviews = bulk(
        ScrutinyReview,
        [
            ScrutinyReview(
                title=f"Bench scrutiny review: {TOPICS[(r * 4 + 1) % len(TOPICS)]}",
                slug=f"bench-review-{day.year}-{r + 1}",
                panel=committees[(r * 7 + 3) % len(committees)],
                start_date=day - dt.timedelta(days=180),
                end_date=day - dt.timedelta(days=30),
                report_date=day,
                terms_of_reference="1. To review the service (invented).\n"
                "2. To make recommendations to Cabinet.",
                summary="The panel held evidence sessions and visits and makes these "
                "recommendations (invented).",
                report_url=f"https://example.org/bench/reviews/{day.year}",
            )
            for r, day in enumerate(review_dates)
        ],
    )
    recommendations, responses, plan_items, follow_ups = [], [], [], []
    answers: list[tuple[ReviewRecommendation, str, dt.date]] = []
    for review in reviews:
        responded = review.response_due <= today
        panel_meetings = [
            m for m in meetings_of.get(review.panel_id, []) if m.published_at and m.start < WP_NOW
        ]
        for n in range(rng.randint(22, 32)):
            rec = ReviewRecommendation(
                review=review,
                number=n + 1,
                body_reference=f"{3 + n // 5}.{n % 5 + 1} ({n + 1})",
                theme=THEMES[n // 5 % len(THEMES)],
                text=f"That the Cabinet Member ensures recommendation {n + 1} of the review "
                "is carried out (invented).",
            )
            recommendations.append(rec)
            if not responded:
                continue
            decision = rng.choice(["accepted"] * 7 + ["partly"] * 2 + ["rejected"])
            answered = review.report_date + dt.timedelta(days=rng.randint(40, 90))
            answers.append((rec, decision, answered))
            if decision == "rejected":
                rec.status = "not_applicable"
                continue
            later = [m for m in panel_meetings if _local_date(m.start) > answered]
            for k, meeting in enumerate(later[4:20:5]):  # about every six months, up to 4
                status = rng.choice(
                    ["acceptable", "acceptable", "unacceptable"] if k == 0 else
                    ["achieved", "achieved", "acceptable", "unacceptable"]
                )  # fmt: skip
                follow_ups.append(
                    FollowUp(
                        recommendation=rec,
                        date=_local_date(meeting.start),
                        meeting=meeting,
                        status=status,
                        narrative="The panel considered the progress report (invented).",
                    )
                )
                rec.status = status
    recommendations = bulk_create_with_history(
        recommendations, ReviewRecommendation, batch_size=BATCH
    )
    for rec, decision, answered in answers:
        responses.append(
            ExecutiveResponse(
                recommendation=rec,
                decision=decision,
                reasons=""
                if decision == "accepted"
                else "Not affordable within the current budget (invented).",
                response_date=answered,
                responder="Cabinet",
            )
        )
        if decision == "rejected":
            continue
        for k in range(rng.randint(1, 3)):
            due = answered + dt.timedelta(days=120 * (k + 1))
            plan_items.append(
                ActionPlanItem(
                    recommendation=rec,
                    text=f"Step {k + 1} towards the recommendation (invented).",
                    owner="Bench Service Director",
                    due_date=due,
                    done_date=due if due < today and rng.random() < 0.75 else None,
                )
            )
    bulk(ExecutiveResponse, responses)
    bulk(ActionPlanItem, plan_items)
    bulk(FollowUp, follow_ups)

    # Lead member reports: every third committee, every two months since May 2019.
    reports, highlights = [], []
    for c, committee in enumerate(committees[::3]):
        chair = chairs.get(committee.pk)
        year, month = 2019, 5
        while True:
            start = dt.date(year, month, 1)
            end = _month_end(year + (month == 12), month % 12 + 1)
            if end >= today:
                break
            named = chair is not None and rng.random() < 0.85
            reports.append(
                LeadMemberReport(
                    committee=committee,
                    lead_member=chair if named else None,
                    lead_member_name="" if named else f"Cllr Bench Lead {c:02d}",
                    period_start=start,
                    period_end=end,
                    general_comments="The panel has had a busy two months (invented).\n\n"
                    "We will keep a close eye on performance.",
                )
            )
            year, month = (year + 1, month - 10) if month > 10 else (year, month + 2)
    reports = bulk(LeadMemberReport, reports)
    for report in reports:
        kinds = ["briefing", "activity", "outcome"] + rng.sample(
            ["outcome", "visit", "looking_ahead"], rng.randint(1, 3)
        )
        for order, kind in enumerate(kinds, start=1):
            dated = kind in ("outcome", "visit")
            highlights.append(
                Highlight(
                    report=report,
                    kind=kind,
                    order=order,
                    title=f"{kind.replace('_', ' ').capitalize()} {order} (invented)",
                    body="What the panel did and found.\n- One point\n- Another point",
                    date=report.period_start + dt.timedelta(days=rng.randint(0, 55))
                    if dated
                    else None,
                )
            )
    bulk(Highlight, highlights)
    return {
        "work programmes": len(programmes),
        "programme items": len(items),
        "considerations": len(considerations),
        "inspections": len(inspections),
        "inspection recs": len(inspection_recs),
        "improvement plans": len(plans),
        "plan priorities": len(priorities),
        "plan actions": len(actions),
        "deliverables": len(deliverables),
        "success measures": len(measures),
        "measure targets": len(targets),
        "progress updates": len(updates),
        "scrutiny reviews": len(reviews),
        "recommendations": len(recommendations),
        "exec responses": len(responses),
        "action plan items": len(plan_items),
        "follow-ups": len(follow_ups),
        "lead member reports": len(reports),
        "highlights": len(highlights),
    }


# --- Agenda packs ------------------------------------------------------------------------------

PACKS_SEED = 202613  # its own random stream, like the work programme part
LATE_SHARE = 0.12  # share of meetings with a paper published late: they get a supplementary pack
LATE_REASONS = "The figures were only available after the agenda was published (invented)."
REPORT_PAGES = 2  # an authored bench report as the builder lays it out: cover sheet, sections
PACK_CHUNK = 500  # meetings read and written at a time


def _ascii(text: str) -> str:
    text = text.replace("–", "-").replace("—", "-").replace("’", "'")  # noqa: RUF001
    text = text.encode("ascii", "replace").decode()
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def _text_page(pdf, font, lines: list[str]):
    """An A4 page with ``lines`` of Helvetica text (as ``_pdf_bytes`` writes documents)."""
    import pikepdf

    shown = " T* ".join(f"({_ascii(line)}) Tj" for line in lines)
    stream = f"BT /F1 11 Tf 72 770 Td 15 TL {shown} ET".encode("latin-1")
    return pikepdf.Page(
        pikepdf.Dictionary(
            Type=pikepdf.Name.Page,
            MediaBox=[0, 0, 595, 842],
            Resources=pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=font)),
            Contents=pdf.make_stream(stream),
        )
    )


def _front_lines(spec) -> list[str]:
    meeting = spec.meeting
    start = meeting.start.astimezone(LONDON)
    lines = [spec.council.name]
    if spec.kind == "members":
        lines.append("NOT FOR PUBLICATION - exempt information. Members and officers only.")
    prefix = "Supplementary agenda: " if spec.kind == "supplementary" else ""
    lines += [
        f"{prefix}{meeting.committee.name}",
        "Notice of meeting",
        f"Date: {start:%A %-d %B %Y}   Time: {start:%H:%M}",
        f"Venue: {meeting.venue}",
    ]
    if spec.kind != "supplementary":
        lines.append("Membership")
        lines += [f"{m.get_role_display()}: {m.person.display_name}" for m in spec.members]
    lines.append("Late papers" if spec.kind == "supplementary" else "Agenda")
    for entry in spec.entries:
        pages = ""
        if entry.papers:
            first, last = entry.first, entry.last
            pages = f" - Page {first}" if first == last else f" - Pages {first}-{last}"
        lines.append(f"{entry.item.number}. {entry.item.title}{pages}")
        if entry.placeholder:
            paragraph = entry.item.exempt_paragraph
            lines.append(f"Exempt information - Schedule 12A paragraph {paragraph}")
        elif spec.kind == "supplementary":
            late = [p for p in entry.papers if p.document]
            lines += [f"{p.title} - {p.document.urgency_reasons}" for p in late]
    return lines


def _pack_pdf(spec, uploads: dict) -> tuple[bytes, int]:
    """The pack ``spec`` describes as a small PDF like the builder's: a front sheet with the
    agenda and page ranges, every paper in agenda order (the uploaded documents' own pages,
    a cover and a sections page per authored report, a page per exempt placeholder), stamped
    "Page N" (and NOT FOR PUBLICATION on exempt pages) by the builder's own stamping, with
    its bookmarks, page labels and metadata. ``paper.pages`` must be set; ``uploads`` holds
    each uploaded paper's opened PDF by paper key. Returns the bytes and the front sheet's
    length."""
    import io

    import pikepdf

    from meetings.packs import builder

    front = builder.estimate_front_pages(spec)
    builder._number(spec, front)
    pdf = pikepdf.new()
    font = pdf.make_indirect(
        pikepdf.Dictionary(
            Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1, BaseFont=pikepdf.Name.Helvetica
        )
    )
    lines = _front_lines(spec)
    per_page = -(-len(lines) // front)
    for k in range(front):
        pdf.pages.append(_text_page(pdf, font, lines[k * per_page : (k + 1) * per_page]))
    for paper in spec.papers:
        if paper.source == "uploaded":
            pdf.pages.extend(uploads[paper.key].pages)
        elif paper.source == "placeholder":
            item = paper.item
            pdf.pages.append(
                _text_page(
                    pdf,
                    font,
                    [paper.title, f"{item.number}. {item.title}", item.exempt_reasons],
                )
            )
        else:
            report = paper.report
            pdf.pages.append(_text_page(pdf, font, [report.title, f"Purpose: {report.purpose}"]))
            sections = [f"{s.order}. {s.heading}" for s in report.sections.all()]
            pdf.pages.append(_text_page(pdf, font, sections or [report.title]))
    exempt = {
        index
        for paper in spec.papers
        if paper.not_for_publication
        for index in range(paper.first - spec.first_page, paper.last - spec.first_page + 1)
    }
    builder.stamp_pages(pdf, first_page=spec.first_page, not_for_publication=exempt)
    builder._outline(pdf, spec)
    builder._metadata(pdf, spec)
    out = io.BytesIO()
    pdf.save(out)
    pages = len(pdf.pages)
    assert pages == front + sum(p.pages for p in spec.papers), spec.title
    return out.getvalue(), front


def _agenda_packs(rng: random.Random) -> dict[str, int]:
    """Agenda packs of every published meeting, as the builder leaves them after the build
    that followed publication (``meetings.packs.services.run_build``):

    - papers published late: in about one meeting in eight one document (of a public or an
      exempt item) is marked late, with the chair's reasons (the only change to existing
      rows; nothing in the search index depends on it);
    - ``Pack`` rows of the kinds ``builder.collect`` says the meeting needs: a public pack
      for every published meeting, a supplementary pack for those with a late paper
      (numbered on from the public pack), a members' pack for those with an exempt item;
      ``contents``, ``first_page``, ``front_pages``, ``input_hash`` computed by the
      builder's own code from the meeting's records, so a real build would find every pack
      up to date;
    - one file per pack under ``packs/<meeting id>/<kind>-<hex>.pdf`` in the media folder:
      a real PDF of 8–16 pages (see ``_pack_pdf``), its ``sha256``, ``size`` and
      ``page_count`` read from the bytes written;
    - one finished ``PackBuild`` per meeting ("Agenda published", status ok, summary and
      input hashes as ``run_build`` writes them), which every pack of the meeting points at.
    """
    import io

    import pikepdf
    from django.db.models import F

    from meetings.models import Document, Meeting
    from meetings.packs import builder
    from meetings.packs.models import BuildStatus, Pack, PackBuild, PackKind
    from scrutiny.models import Council

    meeting_ids = list(Meeting.all_objects.published().order_by("pk").values_list("pk", flat=True))
    late = []
    for meeting_id in meeting_ids:
        if rng.random() < LATE_SHARE:
            late.append((meeting_id, rng.randrange(DOCUMENTS_PER_MEETING)))
    documents_of: dict[int, list[int]] = {}
    for pk, meeting_id in (
        Document.all_objects.filter(agenda_item__meeting_id__in=[m for m, _ in late])
        .order_by("agenda_item__meeting_id", "order", "pk")
        .values_list("pk", "agenda_item__meeting_id")
    ):
        documents_of.setdefault(meeting_id, []).append(pk)
    late_ids = [documents_of[m][k % len(documents_of[m])] for m, k in late if m in documents_of]
    Document.all_objects.filter(pk__in=late_ids).update(is_late=True, urgency_reasons=LATE_REASONS)

    council = Council.current()
    media = media_folder()
    files: dict[str, bytes] = {}  # the documents' bytes by SHA-256, read once
    counts = dict.fromkeys(PackKind.values, 0)
    builds_made = 0
    pages_total = 0
    for at in range(0, len(meeting_ids), PACK_CHUNK):
        chunk = meeting_ids[at : at + PACK_CHUNK]
        meetings = list(
            Meeting.all_objects.filter(pk__in=chunk)
            .select_related("committee", "contact_officer")
            .order_by("pk")
        )
        items_of: dict[int, list] = {}
        for item in (
            builder.items_with_papers()  # what the builder reads of one meeting's items
            .filter(meeting_id__in=chunk)
            .order_by("meeting_id", "order", "pk")
        ):
            items_of.setdefault(item.meeting_id, []).append(item)
        builds, packs = [], []
        for meeting in meetings:
            inputs = builder.MeetingInputs(
                items=items_of.get(meeting.pk, []),
                members=list(meeting.committee.members_on(meeting.date)),
                council=council,
            )
            published = meeting.published_at + dt.timedelta(seconds=rng.uniform(1, 30))
            clock = published + dt.timedelta(milliseconds=2)
            made, summary, hashes = [], [], {}
            first_pages = {PackKind.PUBLIC: 1, PackKind.MEMBERS: 1}
            for kind in (PackKind.PUBLIC, PackKind.SUPPLEMENTARY, PackKind.MEMBERS):
                first_page = first_pages.get(kind, 1)
                spec = builder.collect(meeting, kind, first_page=first_page, inputs=inputs)
                if spec is None:
                    continue
                opened = {}  # each paper's own copy, as the builder opens each upload
                for paper in spec.papers:
                    if paper.source == "uploaded":
                        document = paper.document
                        if document.sha256 not in files:
                            files[document.sha256] = (media / document.file.name).read_bytes()
                        opened[paper.key] = pikepdf.open(io.BytesIO(files[document.sha256]))
                        paper.pages = len(opened[paper.key].pages)
                    else:
                        paper.pages = 1 if paper.source == "placeholder" else REPORT_PAGES
                data, front = _pack_pdf(spec, opened)
                for upload in opened.values():
                    upload.close()
                page_count = front + sum(p.pages for p in spec.papers)
                if kind == PackKind.PUBLIC:
                    first_pages[PackKind.SUPPLEMENTARY] = page_count + 1
                name = f"packs/{meeting.pk}/{kind}-{uuid.UUID(int=rng.getrandbits(128)).hex}.pdf"
                (media / name).parent.mkdir(parents=True, exist_ok=True)
                (media / name).write_bytes(data)
                digest = builder.input_hash(spec)
                hashes[kind] = digest
                clock += dt.timedelta(seconds=0.1 + 0.02 * page_count + rng.uniform(0, 0.1))
                last = first_page + page_count - 1
                summary.append(
                    f"{PackKind(kind).label}: built, pages {first_page}–{last} "
                    "(front sheet laid out 1×)"
                )
                made.append(
                    Pack(
                        meeting=meeting,
                        kind=kind,
                        file_name=name,
                        input_hash=digest,
                        sha256=hashlib.sha256(data).hexdigest(),
                        size=len(data),
                        first_page=first_page,
                        page_count=page_count,
                        front_pages=front,
                        contents=builder._contents(spec),
                        built_at=clock,
                    )
                )
                counts[kind] += 1
                pages_total += page_count
            build = PackBuild(
                meeting=meeting,
                status=BuildStatus.OK,
                reason="Agenda published",
                started_at=published + dt.timedelta(milliseconds=2),
                finished_at=clock + dt.timedelta(milliseconds=5),
                summary="\n".join(summary),
                input_hashes=hashes,
            )
            builds.append(build)
            packs.append((build, made))
        bulk(PackBuild, builds)
        for build, made in packs:
            for pack in made:
                pack.build = build
        bulk(Pack, [pack for _, made in packs for pack in made])
        builds_made += len(builds)
    # created_at is auto_now_add (bulk_create sets it to now): the build was asked for on
    # publication, just before it started.
    PackBuild.objects.update(created_at=F("started_at") - dt.timedelta(milliseconds=2))
    return {
        "late papers": len(late_ids),
        "agenda packs": counts[PackKind.PUBLIC],
        "supplementary packs": counts[PackKind.SUPPLEMENTARY],
        "members' packs": counts[PackKind.MEMBERS],
        "pack pages": pages_total,
        "pack builds": builds_made,
    }


def add_agenda_packs() -> dict[str, int]:
    """Add the agenda packs to a ten-year council built before they existed."""
    from django.db import transaction

    folder = media_folder() / "packs"
    shutil.rmtree(folder, ignore_errors=True)  # files of an earlier run that rolled back
    try:
        with transaction.atomic():
            return _agenda_packs(random.Random(PACKS_SEED))  # noqa: S311
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)  # no row points at them
        raise


def packs_state() -> str:
    """``"complete"``, ``"missing"`` (no pack, no build, no late paper) or ``"partial"``."""
    from meetings.models import Document
    from meetings.packs.models import Pack, PackBuild

    present = [
        Pack.objects.exists(),
        PackBuild.objects.exists(),
        Document.all_objects.filter(is_late=True).exists(),
    ]
    return "complete" if all(present) else "missing" if not any(present) else "partial"


DECISIONS_SEED = 17
ENTRIES_PER_YEAR = 40
DECISIONS_PER_YEAR = 30
CALL_INS_PER_YEAR = 3
EDITIONS_PER_YEAR = 12


def _decisions_data(rng: random.Random) -> dict[str, int]:
    """Issue 17: a Cabinet (a committee of kind cabinet) with six portfolio holders, four
    delegated officers and 23 wards; per municipal year 40 forward plan entries (one in ten
    private, one in eight late with a general exception), 12 monthly editions of the plan
    (made by ``services.publish_edition``, as the officer's button makes them), 30 published
    decisions (most from an entry; one in ten private) with their wards, and 3 call-ins with
    signatures, validated and decided with an outcome. Reads the people; changes no row."""
    from decisions import services as decision_services
    from decisions.models import (
        CallInOutcome,
        CallInRequest,
        CallInResult,
        CallInSignature,
        CallInStatus,
        Decision,
        DecisionStatus,
        DelegatedOfficer,
        EntryStatus,
        ExceptionKind,
        ForwardPlanEntry,
        MakerKind,
        PortfolioHolder,
        Ward,
    )
    from scrutiny.models import Committee, Person

    councillors = list(Person.objects.filter(kind=Person.Kind.COUNCILLOR).order_by("pk")[:60])
    cabinet = Committee.objects.create(
        name="Bench Cabinet",
        short_name="Cabinet",
        slug="bench-cabinet",
        kind=Committee.Kind.CABINET,
        purpose="The invented executive of the ten-year benchmark council.",
    )
    portfolios = ["Children", "Adults", "Housing", "Environment", "Finance", "Culture"]
    holders = bulk(
        PortfolioHolder,
        [
            PortfolioHolder(
                person=councillors[n],
                portfolio=f"Bench {name}",
                title=f"Cabinet Member – {name}",
                cabinet=cabinet,
                start_date=dt.date(FIRST_YEAR, 5, 18),
            )
            for n, name in enumerate(portfolios)
        ],
    )
    officers = bulk(
        DelegatedOfficer,
        [DelegatedOfficer(name=f"Bench Director {n}", post=f"Director {n}") for n in range(4)],
    )
    wards = bulk(
        Ward, [Ward(name=f"Bench Ward {n:02d}", slug=f"bench-ward-{n:02d}") for n in range(23)]
    )
    entry_wards = ForwardPlanEntry.wards.through
    decision_wards = Decision.wards.through
    counts = {"forward plan entries": 0, "editions": 0, "decisions": 0, "call-ins": 0}
    for year in range(FIRST_YEAR, FIRST_YEAR + 10):
        start = dt.date(year, 6, 1)
        entries = []
        for n in range(ENTRIES_PER_YEAR):
            kind = [MakerKind.CABINET, MakerKind.PORTFOLIO_HOLDER, MakerKind.OFFICER][n % 3]
            holder = holders[n % len(holders)]
            due = start + dt.timedelta(days=7 * n + rng.randint(0, 6))
            late = n % 8 == 7
            published = due - dt.timedelta(days=10 if late else 35 + rng.randint(0, 20))
            private = n % 10 == 9
            entries.append(
                ForwardPlanEntry(
                    reference=f"FP/{year}/{n + 1:02d}",
                    matter=f"Bench matter {year}-{n + 1:02d} for {holder.portfolio}",
                    summary="An invented key decision of the benchmark council.",
                    maker_kind=kind,
                    cabinet=cabinet if kind == MakerKind.CABINET else None,
                    portfolio_holder=holder if kind == MakerKind.PORTFOLIO_HOLDER else None,
                    officer=officers[n % 4] if kind == MakerKind.OFFICER else None,
                    portfolio=holder.portfolio,
                    planned_decision_date=due,
                    documents="Report of the director.",
                    representations="Write to the contact officer.",
                    contact_name="Bench Contact",
                    status=EntryStatus.PUBLISHED,
                    first_published_on=published,
                    is_private=private,
                    exempt_paragraph=3 if private else None,
                    private_reasons="Commercial terms of named bidders." if private else "",
                    exception=ExceptionKind.GENERAL if late else ExceptionKind.NONE,
                    exception_reasons="The decision cannot wait." if late else "",
                    scrutiny_chair=councillors[10] if late else None,
                    chair_informed_on=published if late else None,
                    exception_notice_published_on=published if late else None,
                )
            )
        entries = bulk(ForwardPlanEntry, entries)
        bulk(
            entry_wards,
            [
                entry_wards(forwardplanentry_id=e.pk, ward_id=wards[(n + k) % 23].pk)
                for n, e in enumerate(entries)
                for k in range(1 + n % 3)
            ],
        )
        # Monthly editions: each a snapshot of the entries published and not yet decided.
        for month in range(EDITIONS_PER_YEAR):
            day = start + dt.timedelta(days=30 * month)
            ForwardPlanEntry.all_objects.filter(
                pk__in=[e.pk for e in entries if e.planned_decision_date < day]
            ).update(status=EntryStatus.DECIDED)
            current = ForwardPlanEntry.all_objects.filter(
                status=EntryStatus.PUBLISHED, first_published_on__lte=day
            )
            if current.exists():
                decision_services.publish_edition(notes=f"Bench edition {day:%B %Y}", on=day)
                counts["editions"] += 1
        ForwardPlanEntry.all_objects.filter(pk__in=[e.pk for e in entries]).update(
            status=EntryStatus.DECIDED
        )
        counts["forward plan entries"] += len(entries)
        decisions = []
        for n in range(DECISIONS_PER_YEAR):
            entry = entries[n]
            made = dt.datetime.combine(entry.planned_decision_date, dt.time(17, 0), tzinfo=LONDON)
            decisions.append(
                Decision(
                    reference=f"D/{year}/{n + 1:02d}",
                    title=entry.matter.replace("Bench matter", "Bench decision"),
                    maker_kind=entry.maker_kind,
                    cabinet=entry.cabinet,
                    portfolio_holder=entry.portfolio_holder,
                    officer=entry.officer,
                    decision_date=entry.planned_decision_date,
                    decision="To approve the recommendations of the report.",
                    reasons="The recommendations meet the council's duties.",
                    alternatives="To do nothing: rejected.",
                    is_key_decision=True,
                    forward_plan_entry=entry,
                    is_private=entry.is_private,
                    exempt_paragraph=entry.exempt_paragraph,
                    private_reasons=entry.private_reasons,
                    status=DecisionStatus.IMPLEMENTED if n % 2 else DecisionStatus.EFFECTIVE,
                    published_at=made,
                    call_in_closes_at=made + dt.timedelta(days=7),
                    effective_at=made + dt.timedelta(days=7),
                    implemented_at=made + dt.timedelta(days=30) if n % 2 else None,
                )
            )
        decisions = bulk(Decision, decisions)
        bulk(
            decision_wards,
            [
                decision_wards(decision_id=d.pk, ward_id=wards[(n + k) % 23].pk)
                for n, d in enumerate(decisions)
                for k in range(1 + n % 3)
            ],
        )
        counts["decisions"] += len(decisions)
        requests = []
        for n in range(CALL_INS_PER_YEAR):
            decision = decisions[n * 7]
            requests.append(
                CallInRequest(
                    decision=decision,
                    requested_by=councillors[20 + n],
                    reasons="The consultation was too short.",
                    status=CallInStatus.DECIDED,
                    submitted_at=decision.published_at + dt.timedelta(days=2),
                    validated_at=decision.published_at + dt.timedelta(days=3),
                )
            )
        requests = bulk(CallInRequest, requests)
        bulk(
            CallInSignature,
            [
                CallInSignature(request=r, person=councillors[20 + n + k], signed_at=r.submitted_at)
                for n, r in enumerate(requests)
                for k in range(5)
            ],
        )
        bulk(
            CallInOutcome,
            [
                CallInOutcome(
                    request=r,
                    result=CallInResult.NO_FURTHER_ACTION,
                    decided_on=r.decision.decision_date + dt.timedelta(days=14),
                )
                for r in requests
            ],
        )
        counts["call-ins"] += len(requests)
    return counts


def add_decisions() -> dict[str, int]:
    """Add the decisions part to a ten-year council built before it existed."""
    from django.db import transaction

    with transaction.atomic():
        return _decisions_data(random.Random(DECISIONS_SEED))  # noqa: S311


def decisions_state() -> str:
    """``"complete"``, ``"missing"`` or ``"partial"``, as for the work programme."""
    from decisions.models import CallInRequest, Decision, ForwardPlanEdition, ForwardPlanEntry

    present = [
        m._base_manager.exists()
        for m in (ForwardPlanEntry, ForwardPlanEdition, Decision, CallInRequest)
    ]
    return "complete" if all(present) else "missing" if not any(present) else "partial"


def has_core() -> bool:
    """The meetings, minutes and performance parts are there (the original dataset)."""
    from meetings.minutes.models import Action
    from meetings.models import Meeting
    from performance.models import Figure

    return (
        Meeting.all_objects.count() >= COMMITTEES * MEETINGS_PER_COMMITTEE
        and Action.all_objects.exists()
        and Figure.objects.exists()
    )


def work_programme_state() -> str:
    """``"complete"``, ``"missing"`` (no row in any of the part's tables) or ``"partial"``."""
    from workprogramme.models import (
        ImprovementPlan,
        Inspection,
        LeadMemberReport,
        ScrutinyReview,
        WorkProgramme,
    )

    present = [
        m.objects.exists()
        for m in (WorkProgramme, Inspection, ImprovementPlan, ScrutinyReview, LeadMemberReport)
    ]
    return "complete" if all(present) else "missing" if not any(present) else "partial"


def is_complete() -> bool:
    return (
        has_core()
        and work_programme_state() == "complete"
        and packs_state() == "complete"
        and decisions_state() == "complete"
    )


def ensure_council() -> None:
    """A real council has entered its name; without a Council row every page is the first-run
    "being set up" page (scrutiny.council.FirstRunMiddleware), which is what the benches would
    then time. Older datasets get the row added."""
    from scrutiny.models import Council

    if not Council.objects.exists():
        Council.objects.create(name="Ten-year Borough Council")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", default=DEFAULT_DATABASE)
    parser.add_argument("--fresh", action="store_true", help="Drop and rebuild the database.")
    args = parser.parse_args()

    started = time.monotonic()
    media = media_root_for(args.database)
    create_database(args.database, fresh=args.fresh)
    if args.fresh:
        shutil.rmtree(media, ignore_errors=True)
    use_database(args.database, media_root=media)
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    ensure_council()
    core = not args.fresh and has_core()
    # The parts added after the first version, each added on its own to an older database.
    parts = {"work programme": (work_programme_state, add_work_programme)}
    parts["agenda packs"] = (packs_state, add_agenda_packs)
    parts["decisions"] = (decisions_state, add_decisions)
    states = {name: state() for name, (state, _) in parts.items()} if core else {}
    if core and "partial" not in states.values():
        missing = [name for name, state in states.items() if state == "missing"]
        if not missing:
            print(f"{args.database} already holds the ten-year council (use --fresh to rebuild)")
        for name in missing:
            print(f"{args.database} holds the ten-year council without its {name}:")
            print("adding only that part (no rebuild)")
            part_started = time.monotonic()
            for what, n in parts[name][1]().items():
                print(f"{what:>20}: {n:,}")
            print(f"{name} added in {time.monotonic() - part_started:.0f} s")
        if missing:
            print("search index unchanged: these parts add nothing it indexes (opendata.indexing)")
    else:
        if not args.fresh and (media.exists() or "partial" in states.values()):
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
