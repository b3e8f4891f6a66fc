"""Demo data from the seed papers (idempotent: stable keys and update_or_create).

- The Children's Scrutiny Panel work programme 2017/18 and its ten issues (seed 000).
- The Kirklees Ten Point Plan: priorities, rationale, aims, numbered actions with their Ofsted
  references, deliverables and success measures with dated targets (seed 000), and the 27
  recommendations of the Ofsted 2016 inspection the plan cross-references (seed 000).
- The Ad Hoc Scrutiny Panel – Children's Services review and its 27 recommendations (seed 003,
  numbered as in the report's final list; the body numbering is kept as ``body_reference``).
- The lead member report for July–August 2023 (seed 001).

The seeds give no owners, RAG ratings, progress updates, executive responses, action plans or
follow-ups: the few shown here are invented for the demonstration and every one of them is
marked ``is_invented`` and labelled on the page.
"""

from __future__ import annotations

import calendar
import datetime as dt
import json
import re
from pathlib import Path
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model

from meetings import services as meeting_services
from meetings.models import AgendaItem, Meeting
from performance.models import KPI
from scrutiny.models import Committee, MunicipalYear, Person
from workprogramme import services
from workprogramme.models import (
    ActionPlanItem,
    ActionStatus,
    Consideration,
    Deliverable,
    ExecutiveResponse,
    FollowUp,
    Highlight,
    HighlightKind,
    ImplementationStatus,
    ImprovementAction,
    ImprovementPlan,
    Inspection,
    InspectionRecommendation,
    ItemStatus,
    LeadMemberReport,
    MeasureTarget,
    Method,
    PlanPriority,
    Priority,
    ProgressUpdate,
    Rag,
    ResponseDecision,
    ReviewRecommendation,
    ScrutinyReview,
    SuccessMeasure,
    WorkProgramme,
    WorkProgrammeItem,
)

DATA = Path(__file__).parent / "demo_data"
LONDON = ZoneInfo("Europe/London")
CSP = "childrens-scrutiny-panel"

WORK_PROGRAMME = [
    # number, issue, put forward by, approach, outcomes, comments, method, status, target
    (
        1,
        "Implementation of Improvement Plan & Ad-hoc Scrutiny Panel",
        "OSMC (2016/17 work programme)",
        "This will be a Quarterly Discussion at the Children's Scrutiny Panel.\n\n"
        "The Panel will receive updates on the Improvement Plan and Children's Scrutiny ad-hoc "
        "panel recommendations.\n\nThe Improvement Board meets once a month. The minutes of this "
        "meeting will be brought to this Panel.\n\nThe Panel will consider recruitment and "
        "retention of social workers.",
        "- The Scrutiny Panel is assured that the Local Authority are progressing at pace with the "
        "Improvement Plan.\n- That future Ofsted visits begin to see significant improvement in "
        "Children's Services.\n- The Panel is assured that staff are well supported to do their "
        "job and that retention rates improve to those seen in other 'good' Local Authority "
        "areas.\n- The Panel is clear that staff have been trained on the chosen Social Work "
        "Model and the newly implemented IT system.\n- That the use of agency staff reduces "
        "significantly to below 10%.",
        "Improvement Plan needs updating with progress and RAG ratings.",
        Method.FULL_PANEL,
        ItemStatus.IN_PROGRESS,
        "Quarterly",
    ),
    (
        2,
        "Performance Management",
        "",
        "The Panel will receive regular information about performance, in order to monitor and "
        "challenge progress.\n\nPerformance information will be presented in an accessible "
        "“reader friendly” format.",
        "- The Scrutiny Panel has considered and commented on regular, meaningful performance "
        "information.\n- The Panel has a good understanding of areas of high performance as well "
        "as areas requiring further improvement.\n- The Panel is assured that the measures being "
        "put in place to address under performance are on target and achieving the required "
        "improvement.",
        "Sue Grigg / Andy Wainwright to prepare paper for 9th October",
        Method.FULL_PANEL,
        ItemStatus.COMPLETED,
        "9 October 2017",
    ),
    (
        3,
        "Corporate Parenting Support for looked after children and care leavers",
        "Steve Walker",
        "The Children's Scrutiny Panel will consider how well the Council is meeting its "
        "responsibilities to looked after children. Including how the Council is ensuring that "
        "the voice of the child is heard.\n\nScrutiny to consider whether the council and "
        "partners are being effectively held to account.",
        "- The Scrutiny Panel is satisfied that robust processes and support are in place to "
        "ensure that children in Kirklees are safe.\n- The Panel is clear that the service is "
        "meeting the 5 core principles of social work - allocation, seeing the children, "
        "assessment, planning and reviewing.\n- The Scrutiny Panel is satisfied that children "
        "are listened to, the information is accurately recorded, and that requests being made "
        "by children are considered and responded to.",
        "",
        Method.FULL_PANEL,
        ItemStatus.PROPOSED,
        "",
    ),
    (
        4,
        "Elective Home Education",
        "Steve Walker",
        "The Panel will consider the Council's arrangements for children who receive home "
        "education. This will include consideration of safeguarding responsibilities.\n\nThe "
        "Panel will also consider the work to develop a pathway to prosecution.",
        "- The Scrutiny Panel is clear that the LA, schools and parents all have a clear "
        "understanding of what is required and expected of them.\n- The Panel has clarified that "
        "robust safeguarding processes are in place for children in elective home education\n"
        "- The Panel has contributed to the development of a pathway to prosecution.",
        "",
        Method.FULL_PANEL,
        ItemStatus.PROPOSED,
        "",
    ),
    (
        5,
        "Special Educational Needs",
        "Steve Walker",
        "The Panel will scrutinise how Kirklees supports children with SEN and disabilities, "
        "including consideration of educational achievements and attainments post 16.\n\nThe "
        "Panel will consider how Kirklees Services measure up to the requirements of the new "
        "OFSTED inspection regime.\n\nThe Panel will consider the proposed revisions to the Home "
        "to School Transport Policy and the implications for the Council, children and their "
        "parents.",
        "- The Scrutiny Panel is assured that the SEND team are as prepared for the future "
        "inspection by Ofsted with clear evidence against key lines of enquiry.\n- The Panel has "
        "highlighted potential areas where evidence needs strengthening.\n- The Panel is clear "
        "about the pathways available for children post 16 with SEND. The Panel has commented "
        "on the development of future post 16 pathways.\n- The Panel has considered the "
        "consultation around home to school transport and provided views on the proposed "
        "changes to the Policy.",
        "",
        Method.FULL_PANEL,
        ItemStatus.PROPOSED,
        "",
    ),
    (
        6,
        "PSHE / Prevent",
        "OSMC (2016/17 work programme)",
        "Areas of focus for the Scrutiny Panel will be\n- Citizenship\n- Religious Education\n"
        "- Prevent",
        "- The Scrutiny Panel is clear about the delivery of PSHE (including statutory "
        "requirements) in the areas of focus and its effectiveness for children and young "
        "people.\n- The Panel feel and react following receipt of Prevent teaching and that this "
        "has shaped future Prevent teaching.",
        "Briefing paper requested from Val Flintoff.",
        Method.BRIEFING_NOTE,
        ItemStatus.COMPLETED,
        "",
    ),
    (
        7,
        "EIP Strand",
        "OSMC (2016/17 work programme)",
        "To receive updates on issues relevant to the portfolio",
        "",
        "",
        Method.FULL_PANEL,
        ItemStatus.PROPOSED,
        "",
    ),
    (
        8,
        "CSE and Safeguarding Member Panel",
        "OSMC (2016/17 work programme)",
        "Minutes Quarterly to Panel",
        "The Panel will receive the minutes of the Panel on a quarterly basis and have an "
        "initial overview of the work of the Panel and its areas of focus.",
        "Minutes to November meeting",
        Method.FULL_PANEL,
        ItemStatus.PROPOSED,
        "November meeting",
    ),
    (
        9,
        "KSCB",
        "OSMC (2016/17 work programme)",
        "Presentation to OSMC on 9th October 2017",
        "The Scrutiny Panel is clear about the focus of the work of the KSCB and satisfied that "
        "it is effective and accountable.",
        "Report to be circulated to Panel Members once completed",
        Method.FULL_PANEL,
        ItemStatus.COMPLETED,
        "OSMC, 9 October 2017",
    ),
    (
        10,
        "Regional Adoption",
        "OSMC (2016/17 work programme)",
        "Briefing paper to be circulated to Panel members",
        "The Panel understands the role and approach of the recently introduced Regional "
        "Adoption function and its implications for services in Kirklees.",
        "",
        Method.BRIEFING_NOTE,
        ItemStatus.PROPOSED,
        "",
    ),
]

LEAD_OFFICERS = {1: ["steve-walker"], 2: ["sue-griggs"], 6: ["val-flintoff"]}

# Meetings of the panel in the seed papers, and which issues they considered.
MEETINGS = [
    # (date, time, [(issue number, agenda title, description, presenter)])
    (
        dt.date(2017, 8, 9),
        (10, 0),
        [
            (
                1,
                "Leadership arrangements and priorities for Children's Services in 2017/18",
                "To receive information on the leadership arrangements and priorities.",
                "Steve Walker, Strategic Director – Children and Families",
            ),
        ],
    ),
    (
        dt.date(2017, 10, 9),
        (10, 0),
        [
            (
                1,
                "Leeds and Kirklees Improvement Partnership Report",
                "To consider the Ten Point Improvement Plan.",
                "Steve Walker, Strategic Director – Children and Families",
            ),
            (
                2,
                "Corporate Performance Q4 (2016/17)",
                "To consider the Quarter 4 performance information.",
                "Sue Griggs, Performance Lead for Children & Young People",
            ),
            (
                6,
                "PSHE / Prevent in Schools and Further Educational Settings",
                "To receive a briefing on Prevent.",
                "Val Flintoff, Prevent Co-ordinator",
            ),
        ],
    ),
]

MONTHS = {m.lower(): i for i, m in enumerate(calendar.month_abbr) if m}
DATE_TEXT = re.compile(
    r"\b(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?\s*(\d{2,4})\b", re.I
)
TARGET_TEXT = re.compile(
    r"(\d{1,3}%)(?:\s+[a-z ]{0,40}?)?\s*(?:by|from)?\s+"
    r"((?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?\s*\d{2,4})",
    re.I,
)


def month_end(text: str) -> dt.date | None:
    """'Apr18' / 'December 2017' / 'Sept 2018' -> the last day of that month."""
    match = DATE_TEXT.search(text)
    if not match:
        return None
    key = match.group(1).lower()
    month = 9 if key.startswith("sep") else MONTHS[key[:3]]
    year = int(match.group(2))
    year = year + 2000 if year < 100 else year
    if not 2015 <= year <= 2030:
        return None
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def last_date_in(text: str) -> dt.date | None:
    dates = [month_end(m.group(0)) for m in DATE_TEXT.finditer(text)]
    dates = [d for d in dates if d]
    return max(dates) if dates else None


def targets_in(text: str) -> list[tuple[str, dt.date]]:
    found = []
    for match in TARGET_TEXT.finditer(text):
        when = month_end(match.group(2))
        if when:
            found.append((match.group(1), when))
    return found


def _person(slug: str) -> Person | None:
    return Person.objects.filter(slug=slug).first()


def _demo_user():
    return get_user_model().objects.filter(username="officer").first()


def load() -> None:
    committee = Committee.objects.get(slug=CSP)
    year = MunicipalYear.objects.get(name="2017/18")
    programme = _work_programme(committee, year)
    _meetings_and_history(committee, programme)
    inspection = _inspection()
    _plan(committee, inspection)
    _review()
    _lead_member_report(committee)


# --- work programme -----------------------------------------------------------------------


def _work_programme(committee, year) -> WorkProgramme:
    programme, _ = WorkProgramme.objects.update_or_create(
        committee=committee,
        year=year,
        defaults={
            "introduction": "Potential issues identified for inclusion in the work programme "
            "2017/18, as agreed by the Panel on 9 August 2017 and updated for 9 October 2017.\n\n"
            "Demo data: the issues are from the seed papers; the statuses (completed after the "
            "9 October 2017 meeting, otherwise proposed or in progress), the priorities and "
            "the prioritisation score of item 1 are invented for the demonstration.",
            "notes": "Chairs briefings – identification of pre-decision items.",
        },
    )
    for number, issue, by, approach, outcomes, comments, method, status, target in WORK_PROGRAMME:
        item, _ = WorkProgrammeItem.objects.update_or_create(
            programme=programme,
            number=number,
            defaults={
                "issue": issue,
                "put_forward_by": by,
                "approach": approach,
                "outcomes": outcomes,
                "comments": comments,
                "method": method,
                "status": status,
                "target_text": target,
                "priority": Priority.HIGH if number in (1, 2, 3) else "",
            },
        )
        officers = [p for p in (_person(s) for s in LEAD_OFFICERS.get(number, [])) if p]
        item.lead_officers.set(officers)
    # The CfGS-style score, shown for one item as an example (invented for the demo).
    WorkProgrammeItem.objects.filter(programme=programme, number=1).update(
        score_public_interest=3,
        score_ability_to_change=2,
        score_performance=3,
        score_extent=3,
        score_replication=2,
    )
    return programme


def _meetings_and_history(committee, programme) -> None:
    """Link the issues to the panel's meetings in the seeds. The meetings app's demo data makes
    these meetings; if it has not, they are created here (unpublished) so the history works."""
    user = _demo_user()
    for day, (hour, minute), planned in MEETINGS:
        meeting = Meeting.all_objects.filter(committee=committee, start__date=day).first()
        if meeting is None:
            meeting = meeting_services.create_meeting(
                committee=committee,
                start=dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=LONDON),
                venue="Meeting Room 4 - Town Hall, Huddersfield",
                report_deadline=day - dt.timedelta(days=14),
                by=user,
            )
        for number, title, description, presenter in planned:
            item = programme.items.get(number=number)
            agenda_item = (
                AgendaItem.all_objects.filter(meeting=meeting, title__iexact=title).first()
                or AgendaItem.all_objects.filter(meeting=meeting, title__icontains=title.split()[0])
                .exclude(work_programme_consideration__isnull=False)
                .first()
            )
            if agenda_item is None and meeting.published_at is None:
                agenda_item = meeting_services.add_agenda_item(
                    meeting=meeting, title=title, description=description, by=user
                )
            Consideration.objects.update_or_create(
                item=item,
                meeting=meeting,
                defaults={"agenda_item": agenda_item, "presenter": presenter},
            )
        for number, *_ in planned:
            item = programme.items.get(number=number)
            last = item.considerations.order_by("-meeting__start").first()
            WorkProgrammeItem.objects.filter(pk=item.pk).update(target_meeting=last.meeting)


# --- inspection and improvement plan ------------------------------------------------------


def _inspection() -> Inspection:
    inspection, _ = Inspection.objects.update_or_create(
        slug="ofsted-kirklees-2016",
        defaults={
            "title": "Ofsted inspection of services for children in need of help and protection, "
            "children looked after and care leavers (Kirklees, 2016)",
            "inspectorate": "Ofsted",
            "code_prefix": "O",
            "summary": "'Services for vulnerable children in Kirklees are inadequate, due to "
            "serious and widespread failures which result in some children not being protected "
            "or having their needs met.'\n\nThe recommendations are numbered as the Ten Point "
            "Plan lists them; the plan cites them as (O1) to (O27).",
        },
    )
    recs = json.loads((DATA / "recommendations.json").read_text())["ofsted_2016"]
    for number, text in enumerate(recs, start=1):
        InspectionRecommendation.objects.update_or_create(
            inspection=inspection, number=number, defaults={"text": text}
        )
    return inspection


# Invented progress for the demonstration: (priority, action) -> (date, rag, status, narrative)
INVENTED_PROGRESS = {
    (4, 1): (
        dt.date(2017, 11, 6),
        Rag.GREEN,
        ActionStatus.COMPLETED,
        "An experienced Leeds manager leads the MASH.",
    ),
    (4, 2): (
        dt.date(2017, 11, 6),
        Rag.GREEN,
        ActionStatus.COMPLETED,
        "The ADCS peer review of the MASH took place; its action plan is agreed.",
    ),
    (4, 3): (
        dt.date(2018, 3, 12),
        Rag.AMBER,
        ActionStatus.IN_PROGRESS,
        "The multi-agency MASH plan is agreed; thresholds training is behind schedule.",
    ),
    (5, 6): (
        dt.date(2018, 3, 12),
        Rag.RED,
        ActionStatus.DELAYED,
        "The Social Work Health Check has not yet run; agency use remains above target.",
    ),
    (8, 1): (
        dt.date(2017, 11, 6),
        Rag.GREEN,
        ActionStatus.COMPLETED,
        "Interim DCS and Head of Social Work in post from Leeds.",
    ),
    (1, 6): (
        dt.date(2018, 3, 12),
        Rag.AMBER,
        ActionStatus.IN_PROGRESS,
        "The Sufficiency Strategy is drafted; consultation with foster carers continues.",
    ),
    (10, 1): (
        dt.date(2018, 3, 12),
        Rag.AMBER,
        ActionStatus.IN_PROGRESS,
        "Revised Liquid Logic programme plan agreed; go-live moved to September 2018.",
    ),
}
# Success measures that a KPI in the performance app measures: (priority, measure) -> KPI ref.
MEASURE_KPIS = {(6, 3): "KI 397", (2, 3): "KI 476"}
OWNERS = {
    1: "steve-walker",
    4: "steve-walker",
    5: "steve-walker",
    8: "steve-walker",
    10: "sue-griggs",
    2: "julie-mepham",
    7: "julie-mepham",
}


def _plan(committee, inspection) -> None:
    plan, _ = ImprovementPlan.objects.update_or_create(
        slug="kirklees-ten-point-plan",
        defaults={
            "title": "The Kirklees Ten Point Plan: Creating the conditions for success",
            "body": "Kirklees Council and Leeds City Council: Strategic Improvement "
            "Partnership, Section Two: Improvement Programme.\n\nAn OfSTED inspection in 2016 "
            "found that services for vulnerable children in Kirklees were inadequate. The plan "
            "is based on ten priorities, with a plan on a page for each priority. Actions are "
            "cross-referenced to OfSTED recommendations, marked by an (O) for reference, and "
            "set out the aims, actions, the deliverables and how we will know whether we are "
            "making a difference.",
            "period_start": dt.date(2017, 9, 1),
            "period_end": dt.date(2019, 3, 31),
            "committee": committee,
            "inspection": inspection,
            "demo_note": "Demo data: the priorities, actions, deliverables and success measures "
            "are from the plan as printed in the October 2017 agenda pack. The plan gives no "
            "owners, due dates, RAG ratings or progress: the owners, the due dates (the latest "
            "deliverable date of each priority) and the progress updates marked “invented for "
            "the demo” were made up for this demonstration.",
        },
    )
    data = json.loads((DATA / "ten_point_plan.json").read_text())
    for p in data:
        priority, _ = PlanPriority.objects.update_or_create(
            plan=plan,
            number=p["number"],
            defaults={
                "title": p["title"],
                "rationale": p["rationale"],
                "aims": "\n".join(p["aims"]),
            },
        )
        due = max(
            (d for d in (last_date_in(t) for t in p["deliverables"]) if d), default=plan.period_end
        )
        owner = _person(OWNERS[p["number"]]) if p["number"] in OWNERS else None
        for n, text in enumerate(p["actions"], start=1):
            action, _ = ImprovementAction.objects.update_or_create(
                priority=priority,
                number=n,
                defaults={"text": text, "owner": owner, "due_date": due},
            )
            services.link_inspection_references(action=action)
        for n, text in enumerate(p["deliverables"], start=1):
            Deliverable.objects.update_or_create(
                priority=priority,
                number=n,
                defaults={"text": text, "due_date": last_date_in(text), "due_text": ""},
            )
        for n, text in enumerate(p["measures"], start=1):
            reference = MEASURE_KPIS.get((p["number"], n), "")
            measure, _ = SuccessMeasure.objects.update_or_create(
                priority=priority,
                number=n,
                defaults={
                    "text": text,
                    "kpi_reference": reference,
                    "kpi": KPI.objects.filter(reference=reference).first() if reference else None,
                },
            )
            measure.targets.all().delete()
            for target, when in targets_in(text):
                MeasureTarget.objects.create(measure=measure, target=target, target_date=when)
    for (pn, an), (date, rag, status, narrative) in INVENTED_PROGRESS.items():
        action = ImprovementAction.objects.get(priority__plan=plan, priority__number=pn, number=an)
        if not action.progress_updates.filter(date=date).exists():
            services.record_progress(
                action=action,
                date=date,
                rag=rag,
                status=status,
                narrative=narrative,
                is_invented=True,
            )
    # Deliverables marked done in the invented updates above.
    Deliverable.objects.filter(priority__plan=plan, priority__number=4, number__in=[1, 2]).update(
        done_date=dt.date(2017, 10, 31)
    )
    ProgressUpdate.objects.filter(action__priority__plan=plan).update(is_invented=True)


# --- scrutiny review -------------------------------------------------------------------------

THEMES = [
    (range(1, 5), "Improving practice", "Section 4, recommendation {n}"),
    (range(5, 9), "Leadership, management and supervision", "5.10, recommendation {n}"),
    (range(9, 10), "Referral thresholds and mechanisms", "6.8, recommendation {n}"),
    (range(10, 13), "Performance management information", "7.8, recommendation {n}"),
    (range(13, 14), "Workforce strategy", "Section 8, recommendation {n}"),
    (range(14, 19), "Working effectively with partners", "Section 9, recommendation {n}"),
    (range(19, 24), "IT infrastructure", "Section 10, recommendation {b}"),
    (range(24, 26), "Edge of Care", "Section 11, recommendation {b}"),
    (range(26, 28), "Overall conclusions", "Section 12, recommendation {b}"),
]

INVENTED_RESPONSES = {
    # number: (decision, reasons, response date, status, follow-up narrative)
    1: (
        ResponseDecision.ACCEPTED,
        "",
        dt.date(2017, 1, 10),
        ImplementationStatus.ACHIEVED,
        "The 'at a glance' practice standards were shared with the Panel.",
    ),
    2: (
        ResponseDecision.ACCEPTED,
        "",
        dt.date(2017, 1, 10),
        ImplementationStatus.ACHIEVED,
        "Summary standards published on the councillor intranet.",
    ),
    7: (
        ResponseDecision.ACCEPTED,
        "",
        dt.date(2017, 1, 10),
        ImplementationStatus.ACCEPTABLE,
        "Quarterly updates to the Children's Scrutiny Panel are in the 2017/18 work programme.",
    ),
    13: (
        ResponseDecision.PARTLY,
        "Agency reduction depends on the regional recruitment "
        "market; a retention offer is being developed.",
        dt.date(2017, 2, 20),
        ImplementationStatus.UNACCEPTABLE,
        "Agency staff remain above a quarter of the workforce.",
    ),
    19: (
        ResponseDecision.ACCEPTED,
        "",
        dt.date(2017, 1, 10),
        ImplementationStatus.ACCEPTABLE,
        "Liquid Logic implementation re-planned with realistic timescales.",
    ),
    26: (
        ResponseDecision.REJECTED,
        "An Ofsted re-inspection and the DfE Commissioner's review "
        "make a separate peer review unnecessary.",
        dt.date(2017, 2, 20),
        None,
        "",
    ),
}


def _review() -> None:
    panel = Committee.objects.get(slug="ad-hoc-scrutiny-panel-childrens-services")
    terms = "\n".join(
        [
            "1. To consider the work programme of the Children's Development Board within the "
            "Term of Reference set for it.",
            "2. To challenge the prioritisation of the work of the Board and contribute ideas on "
            "the achievement of the programme.",
            "3. To comment on the performance framework developed to provide oversight for the "
            "work of the Board.",
            "4. To assist the portfolio holders for Children's Services in providing Councillor "
            "input to the development programme.",
            "5. To consider the fit of identified development work with the developing Early "
            "Intervention and Prevention (EI&P) approach within New Council Programme.",
        ]
    )
    review, _ = ScrutinyReview.objects.update_or_create(
        slug="ad-hoc-childrens-services-2016",
        defaults={
            "title": "Report of the Ad Hoc Scrutiny Panel – Children's Services",
            "panel": panel,
            "start_date": dt.date(2016, 5, 1),
            "end_date": dt.date(2016, 10, 31),
            "report_date": dt.date(2016, 11, 30),
            "terms_of_reference": terms,
            "summary": "In May 2016 the Overview and Scrutiny Management Committee set up the "
            "Ad Hoc Scrutiny Panel to challenge the work of the Children's Services Development "
            "Board. Between May and October 2016 the Panel held 11 meetings and made 27 "
            "recommendations.",
            "demo_note": "Demo data: the 27 recommendations are from the report (November 2016; "
            "the day of the month is not given, the last day is used). The report numbers some "
            "recommendations differently in its body and its final list; the final list's "
            "numbers are used, the body's are shown on each recommendation. All executive "
            "responses, action plans, follow-ups and statuses shown are invented for the "
            "demonstration and labelled so.",
        },
    )
    texts = json.loads((DATA / "recommendations.json").read_text())["adhoc_2016"]
    body_number = {n: n for n in range(1, 19)}
    body_number.update({n: n - 2 for n in range(19, 28)})
    for number, text in enumerate(texts, start=1):
        theme, ref = next((t, r) for rng, t, r in THEMES if number in rng)
        rec, _ = ReviewRecommendation.objects.update_or_create(
            review=review,
            number=number,
            defaults={
                "text": text,
                "theme": theme,
                "body_reference": ref.format(n=number, b=body_number[number]),
            },
        )
    for number, (decision, reasons, when, status, narrative) in INVENTED_RESPONSES.items():
        rec = review.recommendations.get(number=number)
        services.record_response(
            recommendation=rec,
            decision=decision,
            reasons=reasons,
            response_date=when,
            responder="Cabinet",
            is_invented=True,
        )
        if status is None:
            continue
        if not rec.plan_items.exists():
            ActionPlanItem.objects.create(
                recommendation=rec,
                text="Report progress to the Children's Scrutiny Panel.",
                owner="Strategic Director – Children and Families",
                due_date=dt.date(2017, 10, 9),
                done_date=dt.date(2017, 10, 9) if status == ImplementationStatus.ACHIEVED else None,
                is_invented=True,
            )
        if not rec.follow_ups.exists():
            meeting = Meeting.all_objects.filter(
                committee__slug=CSP, start__date=dt.date(2017, 10, 9)
            ).first()
            services.record_follow_up(
                recommendation=rec,
                date=dt.date(2017, 10, 9),
                meeting=meeting,
                status=status,
                narrative=narrative,
                is_invented=True,
            )
    ExecutiveResponse.objects.filter(recommendation__review=review).update(is_invented=True)
    FollowUp.objects.filter(recommendation__review=review).update(is_invented=True)


# --- lead member report ------------------------------------------------------------------------

LEAD_HIGHLIGHTS = [
    (
        HighlightKind.BRIEFING,
        "Bi-monthly Lead member briefings",
        "Senior Officers in Children's Services\n"
        "- Service Director Learning and Early Support\n"
        "- Service Director Resources Improvement and Partnerships\n"
        "- Service Director Family Support and Child Protection\n"
        "- Strategic Director for Children's Services\n\n"
        "Cabinet Members\n- Children (Statutory responsibility for Children)\n"
        "- Learning, Aspiration and Communities",
        None,
    ),
    (
        HighlightKind.ACTIVITY,
        "Panel activity and meetings",
        "- Panel meeting on 28th July 2022 Performance Data; and Cabinet Member Priorities for "
        "Children's Services\n- Visits to PCAN Social events in September 2022\n"
        "- SEND Transformation and Commissioning Team meeting on the 8th September 2022",
        None,
    ),
    (
        HighlightKind.OUTCOME,
        "Performance data",
        "In July 2023, the Panel received verbal updates from Senior Officers in Children's "
        "Services on the key performance issues for the service for period ending May 2023. "
        "The following key issues were considered by the Panel:\n"
        "- There had been an ongoing reduction in the number of contacts through the front door "
        "and that re-referral numbers had reduced with an understanding of the reason for "
        "re-referrals,\n"
        "- The timeliness of initial child protection case conferences had risen to the highest "
        "it had been throughout the year, resulting in children subject to a repeat child "
        "protection plan reducing,\n"
        "- 98% of care leavers had a pathway plan, with 92% of them being in suitable "
        "accommodation\n"
        "- 90% of children who were looked after were seen on time, work was ongoing to ensure "
        "that health checks were completed in time, particular dental checks.\n"
        "- Recruiting and retaining social workers was a national issue.\n\n"
        "The Panel agreed to consider a future report on the sufficiency of Children's "
        "residential homes and would arrange some support visits to the homes; a report would "
        "be considered at future meeting providing data on the take up of training from front "
        "line housing staff, and systematically, what was done to record concerns around "
        "safeguarding. The Panel also agreed to arrange some supported visits to schools to "
        "look at a range of practices regarding exclusions.",
        dt.date(2023, 7, 28),
    ),
    (
        HighlightKind.OUTCOME,
        "Cabinet priorities for Children's Services",
        "In July 2023, the Panel received an update on the Cabinet priorities for Children's "
        "Services from Councillor Kendrick, Portfolio Holder for Children and Councillor "
        "Pattison, Portfolio Holder for Learning, Aspiration and Communities.\n\n"
        "The Panel agreed to consider a future report giving an update on Exclusions and "
        "Suspensions at Kirklees Schools.",
        dt.date(2023, 7, 28),
    ),
    (
        HighlightKind.VISIT,
        "Our Kirklees Futures Learning Summit and Joint Headteacher Session",
        "Cllrs Cooper and Reynolds attended the Our Kirklees Futures Learning Summit on the "
        "27th June 2023. The event centred around the theme of transition in a child's school "
        "journey.",
        dt.date(2023, 6, 27),
    ),
    (
        HighlightKind.LOOKING_AHEAD,
        "Looking ahead",
        "At the meeting scheduled for the 22nd September 2023, the Panel will consider a report "
        "on the Sufficiency of Children's Residential Homes.\n\n"
        "An Informal Session of the Panel on the 22nd September 2023 will consider a report on "
        "Headlines of KS1, KS2 and GCSE and A Level Outcomes; Emerging Risks; and a Briefing "
        "Note on Post 16 Home to School Transport as well as performance data.\n\n"
        "The Panel have been invited to attend the Education Learning and Partnership Board "
        "(ELPB) on the 27th September 2023 as part of the Panel's focus on exclusions and "
        "suspensions in Kirklees' schools.",
        None,
    ),
]

LEAD_COMMENTS = (
    "It has been good to have in depth discussions with Cllr Kendrick and Cllr Pattison "
    "regarding their priorities for the coming year. High on the agenda is the forthcoming "
    "inspection of Childrens Services by OFSTED.\n\n"
    "The panel will look in more detail about why there are few referrals to Childrens Services "
    "from Kirklees Homes and Neighbourhoods staff to reassure ourselves that opportunities to "
    "report safeguarding concerns are being taken and the training needed for frontline staff "
    "carrying out home visits is being systematically taken up.\n\n"
    "We will also be examining the experience of children with disabilities who transition "
    "from children's services to adult services."
)


def _lead_member_report(committee) -> None:
    report, _ = LeadMemberReport.objects.update_or_create(
        committee=committee,
        period_start=dt.date(2023, 7, 1),
        defaults={
            "period_end": dt.date(2023, 8, 31),
            "lead_member": None,
            "lead_member_name": "Cllr Andrew Cooper",
            "general_comments": LEAD_COMMENTS,
        },
    )
    for order, (kind, title, body, date) in enumerate(LEAD_HIGHLIGHTS, start=1):
        Highlight.objects.update_or_create(
            report=report,
            order=order,
            defaults={"kind": kind, "title": title, "body": body, "date": date},
        )
