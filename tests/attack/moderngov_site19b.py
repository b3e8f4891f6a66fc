"""Attack 19b's own ModernGov site: "Calder Moor Borough Council", built for the importer's
writers side by side (``Importer.processes``). Committees of very different sizes (six
meetings, three, two, none), people who attend meetings of several committees without being
in GetCouncillorsByWard, one of them with a name longer than the portal keeps, a paper shared
by two committees, and in every meeting a restricted item whose text, minute, paper title and
paper content hold the canary. Served by ``tests.imports.moderngov.serving``."""

from __future__ import annotations

import datetime as dt

from tests.factories.meetings import make_pdf_bytes
from tests.imports.moderngov import WORD_HTML, Doc, Site, item_xml, meeting_xml

CANARY = "ZEBRA-QUOKKA-5531"

# committee id -> (title, category, number of meetings)
COMMITTEES = {
    "3001": ("Overview and Scrutiny Committee", "Scrutiny", 6),
    "3002": ("Health and Wellbeing Scrutiny Panel", "Scrutiny", 3),
    "3003": ("Licensing Committee", "Regulatory", 2),
    "3004": ("Standards Board", "Regulatory", 0),
}
LISTED = [  # GetCouncillorsByWard: id, name, ward, party
    ("6001", "Councillor Aisha Rahman", "Calder North", "Labour"),
    ("6002", "Councillor Brian Holt", "Calder South", "Conservative"),
    ("6003", "Councillor Ceri Vaughan", "Moorside", "Liberal Democrat"),
    ("6004", "Councillor Dev Patel", "Moorside", "Green Party"),
    ("6005", "Councillor Elin Morgan", "Town", "Labour"),
    ("6006", "Councillor Frank Ibbotson", "Town", "Independent"),
]
LONG_NAME = "Councillor " + "Featherstonehaugh-Cholmondeley " * 8  # > 200 characters
# Not in the list: named only by meetings (id, name, ward, party, committees attended).
EXTRAS = [
    ("9101", "Councillor Sam Okafor", "Riverside", "Independent", ("3001", "3002", "3003")),
    ("9102", LONG_NAME, "Hillside", "Independent", ("3001", "3003")),
    ("9103", "Mrs Priti Shah (co-opted)", "", "", ("3002",)),
]
MEMBERS = {  # committee -> listed members (the first is the chair)
    "3001": ["6001", "6002", "6003"],
    "3002": ["6003", "6004"],
    "3003": ["6005", "6006", "6001"],
    "3004": [],
}
SHARED_PAPER = "770000"  # the first meeting of 3001 and the first of 3002 both link it
FIRST = dt.date(2025, 1, 13)


def meeting_ids(cid: str) -> list[str]:
    return [f"{cid}{k:02d}" for k in range(COMMITTEES[cid][2])]


def day_of(cid: str, k: int) -> dt.date:
    """Past meetings a few weeks apart; each committee's last meeting is still to come."""
    if k == COMMITTEES[cid][2] - 1:
        return dt.date.today() + dt.timedelta(days=40 + int(cid[-1]))
    return FIRST + dt.timedelta(days=21 * k + int(cid[-1]))


def paper_id(mid: str) -> str:
    return f"7{mid}"


def secret_paper_id(mid: str) -> str:
    return f"8{mid}"


def _meeting(cid: str, k: int, *, names: dict) -> bytes:
    mid = f"{cid}{k:02d}"
    day = day_of(cid, k)
    past = day < dt.date.today()
    base = int(mid) * 10
    paper = SHARED_PAPER if (k == 0 and cid in ("3001", "3002")) else paper_id(mid)
    minute = lambda text: WORD_HTML.format(text) if past else ""  # noqa: E731
    items = [
        item_xml(base + 1, 1, "Apologies for absence", WORD_HTML.format("To receive apologies.")),
        item_xml(base + 2, 2, "Declarations of interest", WORD_HTML.format("To declare.")),
        item_xml(
            base + 3,
            3,
            f"Calder Moor {COMMITTEES[cid][0]} report {k}",
            WORD_HTML.format(f"The Director's report {k} to the {COMMITTEES[cid][0]}."),
            minutes=minute(f"RESOLVED that report {k} be noted."),
            docs=[
                (paper, f"Report {k} of {cid}", False, "", f"{day - dt.timedelta(days=8):%d/%m/%Y}")
            ],
        ),
        item_xml(
            base + 4,
            4,
            "Exclusion of the press and public",
            WORD_HTML.format("To exclude the press and public for the next item."),
        ),
        item_xml(
            base + 5,
            5,
            "Commercial negotiation (exempt)",
            WORD_HTML.format(f"{CANARY} the landlord's offer for {mid}."),
            minutes=minute(f"{CANARY} the committee accepted the offer for {mid}."),
            restricted=True,
            docs=[(secret_paper_id(mid), f"{CANARY} valuation {mid}", True, "Paragraph 3", "")],
        ),
    ]
    attendees = []
    for j, member in enumerate(MEMBERS[cid]):
        _id, name, ward, party = next(p for p in LISTED if p[0] == member)
        role = "Chair" if j == 0 else "Committee Member"
        attendees.append(
            (
                member,
                name,
                role,
                ("Present" if (j + k) % 4 else "Apologies") if past else "Expected",
                party,
                ward,
            )
        )
    for member, name, ward, party, where in EXTRAS:
        if cid in where:
            name, ward = names.get((member, cid), (name, ward))
            role = "Co-opted Member" if member == "9103" else "Committee Member"
            attendees.append((member, name, role, "Present" if past else "Expected", party, ward))
    return meeting_xml(mid, day, items=items, attendees=attendees, minutes=past).encode()


def build(*, names: dict | None = None) -> Site:
    """The whole site. ``names``: (member id, committee id) -> (name, ward) as that committee's
    meetings write the member (the same person under other names elsewhere)."""
    names = names or {}
    site = Site()
    site.committees = (
        '<?xml version="1.0" encoding="utf-8"?><committees>'
        + "".join(
            f"<committee><committeeid>{cid}</committeeid><committeetitle>{title}"
            f"</committeetitle><committeedeleted>False</committeedeleted><committeeexpired>"
            f"False</committeeexpired><committeecategory>{category}</committeecategory>"
            "</committee>"
            for cid, (title, category, _n) in COMMITTEES.items()
        )
        + "</committees>"
    ).encode()
    site.councillors = (
        '<?xml version="1.0" encoding="utf-8"?><councillorsbyward><wards>'
        + "".join(
            f"<ward><wardtitle>{ward}</wardtitle><councillors><councillor><councillorid>{m}"
            f"</councillorid><fullusername>{name}</fullusername><politicalpartytitle>{party}"
            "</politicalpartytitle></councillor></councillors></ward>"
            for m, name, ward, party in LISTED
        )
        + "</wards></councillorsbyward>"
    ).encode()
    for cid in COMMITTEES:
        rows = []
        for k, mid in enumerate(meeting_ids(cid)):
            site.meeting[mid] = _meeting(cid, k, names=names)
            rows.append(
                f"<meeting><meetingid>{mid}</meetingid><meetingdate>{day_of(cid, k):%d/%m/%Y}"
                "</meetingdate><meetingstatus>Confirmed</meetingstatus></meeting>"
            )
            site.documents[paper_id(mid)] = Doc(make_pdf_bytes(1, f"Calder Moor report {mid}"))
            site.documents[secret_paper_id(mid)] = Doc(make_pdf_bytes(1, f"{CANARY} {mid}"))
        site.meetings[cid] = (
            '<?xml version="1.0" encoding="utf-8"?><getmeetings><committee><committeemeetings>'
            + "".join(rows)
            + "</committeemeetings></committee></getmeetings>"
        ).encode()
    site.documents[SHARED_PAPER] = Doc(make_pdf_bytes(1, "Calder Moor joint report"))
    return site


MEETINGS = sum(n for _t, _c, n in COMMITTEES.values())  # 11
# Papers: one a meeting, but the first of 3002 shares the first of 3001's.
PAPERS = MEETINGS - 1
PEOPLE = len(LISTED) + len(EXTRAS)  # 9
