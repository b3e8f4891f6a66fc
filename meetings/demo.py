"""Demo meetings built from seed 000 (the Children's Scrutiny Panel agenda pack of 9 October
2017, which also holds the minutes of 9 August 2017 and of the Corporate Parenting Board).

Everything goes through ``meetings.services`` so the demo exercises the real path. Idempotent:
a meeting is keyed on committee and date and is only built when it does not exist yet.

Invented values (the seeds do not say) are marked ``# invented`` below and in docs/meetings.md:
start times and venues of the August and Board meetings, publication dates other than the
9 October agenda (published on the last day in time), and the content of the exempt
"Missing Children Report", which is a placeholder for the demo, not real information.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile

from meetings import services, workdays
from meetings.models import AgendaItem, ItemKind, Meeting
from scrutiny.models import Committee, Person

LONDON = ZoneInfo("Europe/London")
CSP = "childrens-scrutiny-panel"
CPB = "corporate-parenting-board"
TOWN_HALL_ROOM_4 = "Meeting Room 4 - Town Hall, Huddersfield"

CSP_STANDARD_ITEMS = [
    {
        "kind": ItemKind.MINUTES,
        "title": "Minutes of the Previous Meeting",
        "description": "To approve the minutes of the previous meeting.",
    },
    {
        "kind": ItemKind.MEMBERSHIP,
        "title": "Membership of the Committee",
        "description": "This is where Councillors who are attending as substitutes will say for "
        "whom they are attending.",
    },
    {
        "kind": ItemKind.INTERESTS,
        "title": "Interests",
        "description": "The Councillors will be asked to say if there are any items on the "
        "Agenda in which they have disclosable pecuniary interests, which would prevent them "
        "from participating in any discussion of the items or participating in any vote upon "
        "the items, or any other interests.",
    },
    {
        "kind": ItemKind.ADMISSION,
        "title": "Admission of the Public",
        "description": "Most debates take place in public. This only changes when there is a "
        "need to consider certain issues, for instance, commercially sensitive information or "
        "details concerning an individual. You will be told at this point whether there are "
        "any items on the Agenda which are to be discussed in private.",
    },
]

CPB_STANDARD_ITEMS = [
    {"kind": ItemKind.MEMBERSHIP, "title": "Membership of the Board/Apologies", "description": ""},
    {"kind": ItemKind.MINUTES, "title": "Minutes of previous meeting", "description": ""},
    {"kind": ItemKind.INTERESTS, "title": "Interests", "description": ""},
    {"kind": ItemKind.ADMISSION, "title": "Admission of the Public", "description": ""},
    {"kind": ItemKind.DEPUTATIONS, "title": "Deputations/Petitions", "description": ""},
    {"kind": ItemKind.QUESTIONS, "title": "Public Question Time", "description": ""},
]

# --- report and document texts, from seed 000 ------------------------------------------------

PREVENT_REPORT = {
    "title": "The inclusion of Prevent within PSHE education and Citizenship education in "
    "Kirklees schools",
    "purpose": "To provide a briefing for the Children's Scrutiny Panel on the issue of the "
    "inclusion of Prevent within the PSHE education (Personal Social Health and Economic "
    "education) curriculum in Kirklees schools, including how students feel and react "
    "following receipt of Prevent teaching and the inclusion of Far Right extremism in Prevent "
    "resources.",
    "key_decision_reason": "Not applicable.",
    "call_in_reason": "Not applicable.",
    "signed_off_by": "Steve Walker, Director of Children's Services",
    "signed_off_on": dt.date(2017, 9, 28),
    "finance_signed_off_by": "Not applicable.",
    "legal_signed_off_by": "Not applicable.",
    "cabinet_portfolio": "Cllr M. Ahmed (Children), Cllr S. Pandor (Prevent)",
    "wards_affected": "All wards",
    "ward_councillors_consulted": "None",
    "sections": [
        (
            "Summary",
            "The report outlines the approach to PSHE ed in all Kirklees schools to build "
            "resilience to any potential extremism of young people in Kirklees schools through "
            "a focus on Prevention and Early Intervention (the overall approach of the Kirklees "
            "Prevent Strategy).\n\nUniversal education, using the key principles of 'effective "
            "preventive education' (PSHE Association 2016), means that learning is focused on "
            "building skills and attributes associated with preventing risky behaviour. The "
            "report provides an example of Prevent based resources and projects delivered "
            "within Kirklees Schools and includes feedback from staff and students.",
        ),
        (
            "Information required to take a decision",
            "<p>Personal Social Health and Economic education is a school subject through "
            "which pupils develop the knowledge, skills and attributes they need to keep "
            "themselves healthy and safe, and prepare for life and work in modern Britain.</p>"
            "<ul><li>It is currently a non-statutory subject on the school curriculum; section "
            "2.5 of the national curriculum states that all state schools 'should make "
            "provision for personal, social, health and economic education'.</li>"
            "<li>On 1 March 2017 the Education Secretary announced her intention to make "
            "Relationships and Sex Education compulsory in all secondary schools and "
            "Relationships Education compulsory in all primaries from 2019.</li>"
            "<li>The largest proportion of respondents (56%) to national research expressed "
            "the view that the Prevent duty had not changed the levels of trust between "
            "students and staff; 41% said it had led to more open discussions around "
            "extremism, intolerance and inequality.</li></ul>",
        ),
        (
            "Implications for the Council",
            "Kirklees Joint Health and Wellbeing Strategy: PSHE ed support and guidance to "
            "schools improves preventative health and well-being education in Kirklees schools, "
            "leading to improved outcomes for young people.\n\nKirklees Economic Strategy: PSHE "
            "ed helps young people develop improved resilience and employment skills, building "
            "strong and thriving communities.",
        ),
        ("Consultees and their opinions", "PSHE Association"),
        (
            "Next steps",
            "From March 2018 all Kirklees schools will be required to purchase any future "
            "guidance, support and resources directly from the PSHE Association.",
        ),
        (
            "Officer recommendations and reasons",
            "Elected Members to consider becoming involved in the Yorkshire & Humber Elected "
            "Member Prevent group chaired by Cllr Light. Prevent updates and briefing sessions "
            "for each member group.",
        ),
        ("Cabinet portfolio holder's recommendations", "N/A"),
        ("Contact officer", "Lee Hamilton and Val Flintoff – 01484 221000"),
        (
            "Background papers and history of decisions",
            "<ul><li>Previous report to OSMC on PSHE education and Prevent (January 2017)</li>"
            "<li>'What the Prevent duty means for schools and further education colleges in "
            "England' (Coventry University, University of Huddersfield and Durham University): "
            '<a href="http://eprints.hud.ac.uk/id/eprint/32349/">eprints.hud.ac.uk</a></li></ul>',
        ),
        ("Service Director responsible", "Steve Walker, Director of Children's Services"),
    ],
}

Q4_REPORT = {
    "title": "Q4 Performance Highlights",
    "purpose": "A report setting out the Q4 performance highlights for Children's Services, to "
    "provide the Children's Scrutiny Panel with an overview of the Council's corporate "
    "performance at the end of quarter 4 2016/17.",
    "key_decision_reason": "Not applicable",
    "call_in_reason": "Not applicable",
    "cabinet_portfolio": "Cllr Erin Hill & Cllr Masood Ahmed, Children",
    "wards_affected": "All",
    "ward_councillors_consulted": "None",
    "sections": [
        (
            "Summary",
            "Part of the Scrutiny role is to use performance management information to consider "
            "how Children's Service is performing against the priorities of the Council for "
            "improvement. The Council's approach to performance management provides information "
            "against the Core Business Indicators, with a stronger focus on outcomes.",
        ),
        (
            "Information required to take a decision",
            "<p>The performance report provides updates on progress against desired outcomes "
            "and an overview of performance, risk and the New Council programme. It highlights "
            "good areas of progress:</p><ul><li>The Stronger Families Programme has exceeded "
            "the engagement target for the year with 1055 families engaged. 392 families have "
            "made claims and 83 have found work.</li><li>Over 1500 staff across Children's and "
            "Adults Services are trained in Raise Awareness of Prevent (WRAP).</li><li>Improved "
            "telephone access through Kirklees Direct and a new MASH telephone Consultation "
            "Service for professionals and partners, resulting in a significant reduction in "
            "email referrals and inappropriate referrals.</li></ul><p>The Panel needs to "
            "consider the information and identify priority areas which need further "
            "scrutiny.</p>",
        ),
        (
            "Implications for the Council",
            "The attached appendix shows progress in relation to aspects of Council activity "
            "for Children's Services, highlighting performance against the Council's key "
            "strategies and the Corporate Plan for 2016/17.",
        ),
        ("Consultees and their opinions", "N/A"),
        (
            "Next steps",
            "Subject to the agreement of the Scrutiny Panel, information from the 2017/18 Q1 "
            "Corporate Performance report will be tailored to the Panel's requirements and be "
            "brought to a future meeting of the Children's Scrutiny Panel.",
        ),
        (
            "Officer recommendations and reasons",
            "<ol><li>That the Panel has an initial consideration of indicators for the future "
            "tracking of progress within Children's Services.</li><li>That the Panel consider "
            "whether a basket of priority indicators would assist in drilling down areas of "
            "focus.</li><li>Subject to 2 above, that the Panel identify the approach to "
            "consideration of Performance Management Information for future reports.</li></ol>",
        ),
        ("Cabinet portfolio holder's recommendations", "Not applicable"),
        ("Contact officer", "Yolande Myers – 01484 221000"),
    ],
}

TEN_POINT_PLAN = [
    (
        "Context",
        [
            "An OfSTED inspection in 2016 found that 'Services for vulnerable children in "
            "Kirklees are inadequate, due to serious and widespread failures which result in "
            "some children not being protected or having their needs met'.",
            "Following the outcome of the inspection the Secretary of State appointed a "
            "Children's Commissioner to review the capacity of Kirklees Children's Services to "
            "improve. The Commissioner found that the pace of change was too slow and the "
            "authority did not have the capacity to improve without external support.",
            "This judgement was reinforced by the OfSTED monitoring visit in July 2017 which "
            "found that the pace of improvement in Kirklees was too slow.",
            "The Children's Commissioner recommended that Kirklees enter into an Improvement "
            "Partnership with Leeds City Council, a Department for Education 'Partner in "
            "Practice' authority whose services were judged 'Good' by OfSTED in March 2016.",
        ],
    ),
    (
        "The Ten Point Plan",
        [
            "- 1. Children Looked After",
            "- 2. Care Leavers",
            "- 3. Early Help and Edge of Care",
            "- 4. Front Door",
            "- 5. Workforce",
            "- 6. Practice",
            "- 7. Voice of the Child and Families",
            "- 8. Leadership",
            "- 9. Partnership",
            "- 10. Performance, Quality Assurance and Systems",
        ],
    ),
    (
        "Care Leavers: actions",
        [
            "- Audit quality of assessments and plans in Pathway Plans and agree and implement "
            "improved model and process for Pathway Plans (O26)",
            "- Review Care Leaver Service and put in place plan to improve caseloads, "
            "leadership, retention, training and support (O23)",
            "- Work with local colleges, schools and employers to agree additional support and "
            "opportunities for Care Leavers not in education or work (O24)",
            "- Strengthen role and influence of Care Leavers Council",
        ],
    ),
    (
        "Voice of the Child and Families: actions",
        [
            "- Undertake a review led by care-experienced young people of arrangements for "
            "involving children in strategic partnership and planning, with particular focus on "
            "Corporate Parenting Board (O8)",
            "- Agree and implement an action plan to improve the quality and timeliness of "
            "complaints and feedback procedures for children and families (O4)",
            "- Strengthen and promote the Kirklees Independent Visitor service (O21)",
        ],
    ),
]

WORK_PROGRAMME = [
    (
        "Full panel discussion issues",
        [
            "- 1. Implementation of Improvement Plan & Ad-hoc Scrutiny Panel: a quarterly "
            "discussion; the Panel will receive updates on the Improvement Plan and the ad-hoc "
            "panel's recommendations.",
            "- 2. Performance Management: regular information about performance, presented in "
            "an accessible 'reader friendly' format, to monitor and challenge progress.",
            "- 3. Corporate Parenting – support for looked after children and care leavers, "
            "including how the voice of the child is heard.",
            "- 4. Elective Home Education, including safeguarding responsibilities and the work "
            "to develop a pathway to prosecution.",
            "- 5. Special Educational Needs, including educational achievements and attainments "
            "post 16.",
            "- 6. PSHE / Prevent: Citizenship, Religious Education and Prevent.",
            "- 7. EIP Strand: updates on issues relevant to the portfolio.",
            "- 8. CSE and Safeguarding Member Panel: minutes quarterly to the Panel.",
            "- 9. KSCB: presentation to OSMC on 9 October 2017.",
            "- 10. Regional Adoption: briefing paper to be circulated to Panel members.",
        ],
    ),
]

AUGUST_MINUTES = [
    (
        "Present",
        [
            "Councillor Cahal Burke (Chair), Councillor Donna Bellamy, Councillor Fazila Fadia, "
            "Councillor Paul Kane, Councillor Amanda Pinnock.",
            "Apologies: Councillor Robert Light, Fatima Khan-Shah (Co-Optee).",
        ],
    ),
    (
        "4 Leadership arrangements and priorities for Children's Services in 2017/18",
        [
            "Steve Walker, Strategic Director for Children and Families confirmed to the Panel "
            "that he had been appointed to provide support to Kirklees Council from Leeds City "
            "Council.",
            "RESOLVED – 1) That the current leadership arrangements in Children's Services be "
            "noted. 2) That the priority areas of focus for the Leadership Team and Management "
            "Team be noted and considered as part of planning the work programme.",
        ],
    ),
    (
        "5 Ofsted - Update on monitoring visit",
        [
            "The Panel considered the outcome of the most recent Ofsted monitoring visit, and "
            "noted that it was disappointing but not unexpected and was a realistic assessment "
            "of the service.",
            "RESOLVED – 1) That the OFSTED monitoring visit outcomes be noted, including the "
            "limited progress made. 2) That the issues raised by the report, including "
            "recruitment and retention be picked up as part of work programming.",
        ],
    ),
    (
        "6 Draft work programme for the Panel",
        [
            "RESOLVED – 1) That the work programme be drafted as agreed at the meeting. "
            "2) That update briefing notes be provided where in depth work is not required.",
        ],
    ),
]

DECLARATION_FORM = [
    (
        "Declaration of interests",
        [
            "Name of Councillor: ______________________",
            "Item in which you have an interest; type of interest (a disclosable pecuniary "
            "interest or an 'Other Interest'); does the nature of the interest require you to "
            "withdraw from the meeting while the item is under consideration? (Y/N); brief "
            "description of your interest.",
            "Signed: ____________ Dated: ____________",
        ],
    ),
    (
        "Disclosable Pecuniary Interests",
        [
            "- Any employment, office, trade, profession or vocation carried on for profit or "
            "gain, which you, or your spouse or civil partner, undertakes.",
            "- Any payment or provision of any other financial benefit (other than from your "
            "council or authority) in respect of expenses incurred in carrying out duties as a "
            "member, or towards your election expenses.",
            "- Any beneficial interest in land which is within the area of your council.",
        ],
    ),
]

CPB_MINUTES = [
    (
        "Corporate Parenting Board – 20 February 2017",
        [
            "7 Terms of Reference/Membership of the Board. RESOLVED – That the report be noted "
            "and submitted to the annual meeting of the Council (24 May 2017).",
            "8 Stability Triangle and Performance Reporting. RESOLVED – That up to date data "
            "relating to the stability triangle be presented to every Board meeting.",
            "9 Virtual Head Teacher Report. RESOLVED – That a further update be presented once "
            "the statistical first release data is available.",
            "13 Missing Children Report (considered in private, Schedule 12A paragraph 6). "
            "Gill Ellis provided the Board with an update on the multi-agency assessments of "
            "missing children and young people in Kirklees. RESOLVED – That the content of the "
            "report be noted.",
        ],
    ),
    (
        "Corporate Parenting Board – 24 April 2017",
        [
            "9 Adoption Regionalisation Update. RESOLVED – That the update be received and a "
            "further update be considered by the Board in 3 months' time.",
            "11 Fostering Agency Report. RESOLVED – That a presentation explaining the "
            "operational processes relating to the transfer of placements be arranged.",
        ],
    ),
]

VIRTUAL_SCHOOL = [
    (
        "Progress against the priorities for 2015-16",
        [
            "Changes to the way results are reported in 2016 mean that Key Stage 2 results "
            "cannot be compared to any result before 2016.",
            "40% of looked after children are placed in schools in other local authorities, "
            "which is one of the reasons why sufficiency has to remain a key priority.",
        ],
    ),
    (
        "Strategic priorities for 2016-17",
        [
            "- Working as a 0-19 Virtual School, with capacity to implement the agreed "
            "developments",
            "- Corporate Parenting responsibility: the Corporate Parenting Strategy and the "
            "corporate data dashboard",
            "- Stability: reduce the number of school, placement and social worker changes",
            "- Pupil premium: a systematic, analytical approach to monitor its impact",
            "- Personal Education Plans: quality assurance not solely dependent on headteacher "
            "sign-off",
        ],
    ),
]

FOSTERING = [
    (
        "The fostering service",
        [
            "As of the end of March 2017 the council had 683 Looked After Children. The "
            "fostering service looks after 298 of these children and young people: 90 with "
            "connected (friends and family) carers and 217 with mainstream carers.",
            "188 young people were placed with external Independent Fostering Agencies, at an "
            "additional cost.",
        ],
    ),
    (
        "Development plan",
        [
            "- Business planning",
            "- Compliance",
            "- Quality Assurance",
            "The business plan aims to add an additional 63 carers within the next three years.",
        ],
    ),
]

MISSING_CHILDREN_PLACEHOLDER = [
    (
        "Members only – demo placeholder",
        [
            "This document stands in for the exempt Missing Children Report considered by the "
            "Board on 20 February 2017 under Schedule 12A paragraph 6. Its text is invented for "
            "the demo and contains no real information about any child.",
            "It exists so that members and officers can see how an exempt paper is reached, "
            "and so that the members' agenda pack has an exempt section.",
        ],
    ),
]

_PDF_CACHE: dict[str, bytes] = {}


def _pdf(title: str, committee: Committee, day: dt.date, sections, *, invented=False) -> bytes:
    """A tagged PDF with real text (rendered once per process: the demo is loaded often)."""
    key = f"{committee.slug}|{day}|{title}"
    if key not in _PDF_CACHE:
        from scrutiny.printing import render_pdf

        _PDF_CACHE[key] = render_pdf(
            "meetings/print/demo_document.html",
            {
                "committee_name": committee.name,
                "meeting_date": day,
                "sections": sections,
                "invented": invented,
            },
            title=title,
        )
    return _PDF_CACHE[key]


def _officer_user():
    User = get_user_model()
    user = User.objects.filter(username="officer").first()
    return user or User.objects.filter(is_superuser=True).first()


def _people(*names: str) -> list[Person]:
    from django.utils.text import slugify

    return list(Person.objects.filter(slug__in=[slugify(n) for n in names]))


def _item(meeting: Meeting, title: str) -> AgendaItem:
    return AgendaItem.all_objects.get(meeting=meeting, title=title)


def _attach(item, title, filename, sections, by, *, invented=False, urgency_reasons=""):
    meeting = item.meeting
    data = _pdf(title, meeting.committee, meeting.date, sections, invented=invented)
    document = services.add_document(
        agenda_item=item,
        uploaded_file=ContentFile(data, name=filename),
        title=title,
        urgency_reasons=urgency_reasons,
        by=by,
    )
    if document.is_draft:  # a late paper: published with the chair's reasons
        services.publish_late_paper(paper=document, by=by)


def _add_items(meeting, specs, by):
    for spec in specs:
        spec = dict(spec)
        contacts = _people(*spec.pop("contacts", ()))
        services.add_agenda_item(meeting=meeting, contact_officers=contacts, by=by, **spec)


def _publish(meeting, by, *, at: dt.datetime | None = None):
    day = meeting.date
    if at is None:  # invented: published at noon on the last day in time
        last = workdays.latest_publication_date(day)
        while not workdays.is_working_day(last):
            last -= dt.timedelta(days=1)
        at = dt.datetime(last.year, last.month, last.day, 12, 0, tzinfo=LONDON)
    services.publish_meeting(meeting=meeting, by=by, confirm_unsigned=True, at=at)


def _new_meeting(committee, start, venue, by) -> Meeting | None:
    if Meeting.all_objects.filter(committee=committee, start__date=start.date()).exists():
        return None
    return services.create_meeting(
        committee=committee,
        start=start,
        venue=venue,
        contact_officer=committee.contact_officer,
        report_deadline=start.date() - dt.timedelta(days=14),
        by=by,
    )


def load() -> None:
    by = _officer_user()
    csp = Committee.objects.filter(slug=CSP).first()
    cpb = Committee.objects.filter(slug=CPB).first()
    if csp is None or cpb is None:
        return
    services.set_standard_items(committee=csp, items=CSP_STANDARD_ITEMS, by=by)
    services.set_standard_items(committee=cpb, items=CPB_STANDARD_ITEMS, by=by)
    _board_february(cpb, by)
    _board_april(cpb, by)
    _panel_august(csp, by)
    _panel_october(csp, by)


def _panel_august(csp, by):
    start = dt.datetime(2017, 8, 9, 10, 0, tzinfo=LONDON)  # invented: the time is not in the seed
    meeting = _new_meeting(csp, start, TOWN_HALL_ROOM_4, by)  # invented venue
    if meeting is None:
        return
    # The panel's first meeting of the year had no minutes to approve (seed 000, page 1).
    services.remove_agenda_item(item=_item(meeting, "Minutes of the Previous Meeting"), by=by)
    services.move_agenda_item(item=_item(meeting, "Membership of the Committee"), position=1, by=by)
    _add_items(
        meeting,
        [
            {
                "title": "Leadership arrangements and priorities for Children's Services in "
                "2017/18",
                "description": "To receive information on the leadership arrangements and the "
                "priorities for Children's Services in 2017/18.",
                "contacts": ["Steve Walker"],
            },
            {
                "title": "Ofsted - Update on monitoring visit",
                "description": "To consider the outcome of the most recent Ofsted monitoring "
                "visit.",
                "contacts": ["Steve Walker"],
            },
            {
                "title": "Draft work programme for the Panel",
                "description": "To consider the draft work programme for the Children's "
                "Scrutiny Panel.",
                "contacts": ["Yolande Myers"],
            },
            {
                "title": "Schedule of Meetings 2017/18",
                "description": "To agree the schedule of meetings for 2017/18.",
                "contacts": ["Yolande Myers"],
            },
        ],
        by,
    )
    _attach(
        _item(meeting, "Draft work programme for the Panel"),
        "Draft Work Programme 2017/18",
        "CSP draft work programme 2017-18.pdf",
        WORK_PROGRAMME,
        by,
    )
    _publish(meeting, by)
    services.mark_held(meeting=meeting, by=by)


def _panel_october(csp, by):
    start = dt.datetime(2017, 10, 9, 10, 0, tzinfo=LONDON)
    meeting = _new_meeting(csp, start, TOWN_HALL_ROOM_4, by)
    if meeting is None:
        return
    _add_items(
        meeting,
        [
            {
                "title": "PSHE / Prevent in Schools and Further Educational Settings",
                "description": "To receive a report relating to the teaching of PSHE and "
                "Prevent in Schools.",
                "contact_text": "Val Flintoff / Lee Hamilton – 01484 221000",
                "contacts": ["Val Flintoff", "Lee Hamilton"],
            },
            {
                "title": "Leeds and Kirklees Improvement Partnership Report",
                "description": "To receive the Children's Improvement Partnership.",
                "contact_text": "Steve Walker, Director for Children's Services - 01484 221000",
                "contacts": ["Steve Walker"],
            },
            {
                "title": "Corporate Performance Q4 (2016/17)",
                "description": "To receive and discuss the relevant information relating to "
                "Children's Services from the Corporate Performance Q4.",
                "contact_text": "Yolande Myers – 01484 221000",
                "contacts": ["Yolande Myers"],
            },
            {
                "title": "Work Programme",
                "description": "To discuss and update the 2017/18 work programme for the "
                "Children's Scrutiny Panel.",
                "contact_text": "Yolande Myers, Governance and Democratic Engagement Officer – "
                "01484 221000",
                "contacts": ["Yolande Myers"],
            },
            {
                "title": "Minutes of Corporate Parenting Board",
                "description": "To note the minutes of the Corporate Parenting Board meetings "
                "held on 20th February, 24th April, 15th May and 17th July 2017.",
            },
            {
                "title": "Future Meeting",
                "description": "To note that the next meeting of the Committee will be on Monday "
                "6th November 2017 at 10:00am in the Council Chamber, Huddersfield Town Hall. "
                "The meeting will be webcast.",
                "contact_text": "Yolande Myers, Governance and Democratic Engagement Officer - "
                "01484 221000",
                "contacts": ["Yolande Myers"],
            },
        ],
        by,
    )
    _attach(
        _item(meeting, "Minutes of the Previous Meeting"),
        "Minutes of the meeting held on 9 August 2017",
        "CSP minutes 9 August 2017.pdf",
        AUGUST_MINUTES,
        by,
    )
    _attach(
        _item(meeting, "Interests"),
        "Declaration of interests form",
        "Declaration of interests.pdf",
        DECLARATION_FORM,
        by,
    )
    prevent = _item(meeting, "PSHE / Prevent in Schools and Further Educational Settings")
    report = dict(PREVENT_REPORT)
    services.add_report(
        agenda_item=prevent,
        title=report.pop("title"),
        sections=report.pop("sections"),
        author=(_people("Val Flintoff") or [None])[0],
        by=by,
        **report,
    )
    _attach(
        _item(meeting, "Leeds and Kirklees Improvement Partnership Report"),
        "The Kirklees Ten Point Plan: Creating the conditions for success",
        "Ten Point Plan.pdf",
        TEN_POINT_PLAN,
        by,
    )
    q4 = dict(Q4_REPORT)
    services.add_report(
        agenda_item=_item(meeting, "Corporate Performance Q4 (2016/17)"),
        title=q4.pop("title"),
        sections=q4.pop("sections"),
        author=(_people("Sue Griggs") or [None])[0],
        by=by,
        **q4,
    )
    _attach(
        _item(meeting, "Work Programme"),
        "Children's Scrutiny Panel Work Programme 2017/18",
        "CSP work programme 2017-18.pdf",
        WORK_PROGRAMME,
        by,
    )
    _attach(
        _item(meeting, "Minutes of Corporate Parenting Board"),
        "Minutes of the Corporate Parenting Board",
        "CPB minutes 2017.pdf",
        CPB_MINUTES,
        by,
    )
    # Seed 000: the notice of meeting is dated Friday 29 September 2017.
    _publish(meeting, by, at=dt.datetime(2017, 9, 29, 12, 0, tzinfo=LONDON))
    services.mark_held(meeting=meeting, by=by)


def _board_february(cpb, by):
    start = dt.datetime(2017, 2, 20, 16, 0, tzinfo=LONDON)  # invented time
    meeting = _new_meeting(cpb, start, "Huddersfield Town Hall", by)  # invented venue
    if meeting is None:
        return
    minutes = _item(meeting, "Minutes of previous meeting")
    services.update_agenda_item(
        item=minutes,
        description="To approve the minutes of the meeting held on 16 January 2017.",
        by=by,
    )
    _add_items(
        meeting,
        [
            {
                "title": "Terms of Reference/Membership of the Board",
                "description": "To consider revised terms of reference and membership of the "
                "Board for adoption at the Annual Council meeting in May 2017.",
                "contacts": ["Martin Green"],
            },
            {
                "title": "Stability Triangle and Performance Reporting",
                "description": "To receive a report on the latest available performance data.",
            },
            {
                "title": "Virtual Head Teacher Report",
                "description": "To receive the draft Head Teacher's report from August 2016.",
                "contacts": ["Janet Tolley"],
            },
            {
                "title": "Corporate Parenting Board Agenda Plan",
                "description": "To note the agenda plan for future meetings.",
            },
            {
                "title": "Dates of Future Meetings",
                "description": "To note the dates of future meetings of the Board.",
            },
            {
                "title": "Exclusion of the Public",
                "description": "To resolve that the public be excluded for the following item.",
            },
            {
                "title": "Missing Children Report",
                "description": "To receive an update on the multi-agency assessments of "
                "missing children and young people in Kirklees.",
                "is_exempt": True,
                "exempt_paragraph": 6,
                "exempt_reasons": "The report contains information relating to the adoption, "
                "care, fostering or education of any particular child. The public interest in "
                "maintaining the exemption outweighs the public interest in disclosure of the "
                "information in terms of accountability, transparency and openness in council "
                "decision making.",
                "contacts": ["Gill Ellis"],
            },
        ],
        by,
    )
    services.add_report(
        agenda_item=_item(meeting, "Terms of Reference/Membership of the Board"),
        title="Corporate Parenting Board: revised Terms of Reference and membership",
        author=(_people("Martin Green") or [None])[0],
        purpose="To seek approval for revised Terms of Reference and membership of the Board, "
        "for adoption at the Annual Council meeting in May 2017.",
        signed_off_by="Gill Ellis, Interim Strategic Director for Children & Young People",
        signed_off_on=dt.date(2017, 2, 6),  # invented: the seed has the minutes, not the report
        wards_affected="All",
        ward_councillors_consulted="None",
        sections=[
            (
                "Summary",
                "There have been minor amendments to the Terms of Reference, with wording "
                "amended to reflect current practice in Children's Services. Terms of Reference "
                "13 and 14 have been removed as the Virtual School has its own Governing Body "
                "and the influence of young people is captured in the Terms of Reference on "
                "'Voice of the Child'.",
            ),
            (
                "Information required to take a decision",
                "<p>The proposed membership of the Board is:</p><ul><li>Cabinet Portfolio Lead "
                "Member</li><li>Elected Members representing all political parties</li><li>"
                "Assistant Director, Family Support &amp; Child Protection</li><li>Head of "
                "Corporate Parenting</li><li>Virtual Head Teacher</li><li>Assistant Director, "
                "Learning and Skills</li><li>Health Commissioning representative</li><li>Head "
                "of Independent Review and Advocacy</li></ul>",
            ),
            (
                "Officer recommendations and reasons",
                "That the report be noted and submitted to the annual meeting of the Council "
                "(24 May 2017) with the recommendation that approval be given to updating the "
                "terms of reference and membership of the Board.",
            ),
        ],
        by=by,
    )
    _attach(
        _item(meeting, "Virtual Head Teacher Report"),
        "Virtual School Headteacher's Report 2015-16",
        "Virtual School Headteacher report.pdf",
        VIRTUAL_SCHOOL,
        by,
    )
    exempt = _item(meeting, "Missing Children Report")
    services.add_report(
        agenda_item=exempt,
        title="Missing Children Report",
        author=(_people("Gill Ellis") or [None])[0],
        purpose="Members only. Demo placeholder: an update on the multi-agency assessments of "
        "missing children and young people (invented text, no real information).",
        signed_off_by="Gill Ellis, Interim Strategic Director for Children & Young People",
        signed_off_on=dt.date(2017, 2, 6),  # invented
        is_public_report=False,
        sections=[
            (
                "Summary",
                "Demo placeholder for an exempt report. In a real agenda this section would "
                "hold information about particular children, which is why the item is exempt "
                "under Schedule 12A paragraph 6.",
            )
        ],
        by=by,
    )
    _attach(
        exempt,
        "Missing children: multi-agency assessments (members only)",
        "Missing children assessments.pdf",
        MISSING_CHILDREN_PLACEHOLDER,
        by,
        invented=True,
    )
    _publish(meeting, by)
    services.mark_held(meeting=meeting, by=by)


def _board_april(cpb, by):
    start = dt.datetime(2017, 4, 24, 16, 0, tzinfo=LONDON)  # invented time
    meeting = _new_meeting(cpb, start, "Huddersfield Town Hall", by)  # invented venue
    if meeting is None:
        return
    services.update_agenda_item(
        item=_item(meeting, "Membership of the Board/Apologies"),
        title="Introductions and Apologies",
        by=by,
    )
    _add_items(
        meeting,
        [
            {
                "title": "Feedback - Young People Event",
                "description": "To receive feedback from the informal event with young people "
                "at the University.",
            },
            {
                "title": "Commissioner's Report - Preparation for Independence",
                "description": "To receive the Commissioner's report on preparation for "
                "independence.",
            },
            {
                "title": "Adoption Regionalisation Update",
                "description": "To receive an update on the One Adoption Agency.",
                "contacts": ["Anne Coyle"],
            },
            {
                "title": "Performance Report",
                "description": "To receive an end of year summary of the indicators that "
                "monitor performance relevant to the Board.",
                "contacts": ["Sue Griggs"],
            },
            {
                "title": "Fostering Agency Report",
                "description": "To receive an update on the fostering service.",
                "contacts": ["Rob Finney"],
            },
            {
                "title": "Corporate Parenting Board Agenda Plan",
                "description": "To consider the agenda plan for future meetings.",
            },
            {
                "title": "Dates of Future Meetings",
                "description": "To note the date of the last meeting of the Board for the "
                "2016/17 municipal year.",
            },
        ],
        by,
    )
    services.add_report(
        agenda_item=_item(meeting, "Adoption Regionalisation Update"),
        title="Adoption Regionalisation Update",
        author=(_people("Anne Coyle") or [None])[0],
        purpose="To update the Board on the regional adoption agency.",
        signed_off_by="Gill Ellis, Interim Strategic Director for Children & Young People",
        signed_off_on=dt.date(2017, 4, 10),  # invented
        wards_affected="All",
        ward_councillors_consulted="None",
        sections=[
            (
                "Summary",
                "Since 2015 Kirklees has been part of an early adopter scheme with Local "
                "Authorities in the Yorkshire and Humber Adoption Consortium to consider how "
                "high quality adoption services could be offered on a regional or sub-regional "
                "basis. Between September and December 2016 Cabinet approval was given in all "
                "5 West Yorkshire Local Authorities to establish a sub-regional Adoption "
                "Agency, One Adoption Agency, hosted by Leeds City Council.",
            ),
            (
                "Information required to take a decision",
                "<p>The One Adoption Agency came into effect for Kirklees on 1 April 2017. This "
                "means:</p><ul><li>All prospective adopters that reside in the Kirklees area "
                "will be assessed, approved and supported by the One Adoption Agency;</li><li>"
                "Family Finding for all children who have a plan for adoption is carried out by "
                "the One Adoption Agency;</li><li>Kirklees Children's Services remains "
                "responsible for all of the looked after children who have a plan for adoption "
                "until an Adoption Order is made.</li></ul>",
            ),
            (
                "Next steps",
                "There will be a period of transition as staff in the 5 Local Authorities move "
                "to new work bases and take on new roles.",
            ),
        ],
        by=by,
    )
    _attach(
        _item(meeting, "Fostering Agency Report"),
        "Fostering Agency Report",
        "Fostering agency report.pdf",
        FOSTERING,
        by,
    )
    _publish(meeting, by)
    # Seed 000: the performance report "was tabled at the meeting" – a late paper: saved as a
    # draft, then published with the chair's reasons for urgency.
    late = services.add_report(
        agenda_item=_item(meeting, "Performance Report"),
        title="Corporate Parenting performance: end of year summary 2016/17",
        author=(_people("Sue Griggs") or [None])[0],
        purpose="An end of year summary with an overview of all 63 agreed indicators that "
        "monitor the performance relevant for the Corporate Parenting Board.",
        urgency_reasons="Tabled at the meeting: the end of year figures were not available "
        "when the agenda was published.",
        signed_off_by="Gill Ellis, Interim Strategic Director for Children & Young People",
        signed_off_on=dt.date(2017, 4, 24),  # invented
        sections=[
            (
                "Summary",
                "The report provides an end of year summary with an overview of all the agreed "
                "indicators that monitor the performance relevant for the Corporate Parenting "
                "Board. There are 63 indicators in total.",
            )
        ],
        by=by,
    )
    services.publish_late_paper(paper=late, by=by)
    services.mark_held(meeting=meeting, by=by)
