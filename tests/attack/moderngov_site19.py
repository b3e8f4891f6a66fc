"""Attack 19: a ModernGov site of our own ("Pennine Vale Borough Council"), written by hand
in the format of the recorded samples (/work/shared/moderngov-samples), for the importer's
attack tests (tests/attack/test_attack_issue19.py) and for a real command-line run
(``python -m tests.attack.moderngov_site19 PORT [changed]`` serves it on loopback until
killed).

Every private field the importer could touch carries the canary: the restricted item's text,
minutes and paper (title and content), and a restricted paper in an otherwise public item.
"""

from __future__ import annotations

import datetime as dt
import html
import io

from tests.factories.meetings import make_pdf_bytes
from tests.imports.moderngov import Doc, Site

CANARY = "ZEBRA-58210374"
TODAY = dt.date.today()
PAST = TODAY - dt.timedelta(days=40)
PAST2 = TODAY - dt.timedelta(days=12)
FUTURE = TODAY + dt.timedelta(days=21)
FUTURE2 = TODAY + dt.timedelta(days=35)

WORD = (
    '<div class="WordSection1"><p class="MsoNormal"><span style="">{}</span></p>'
    '<p class="MsoNormal" style=""><o:p>&nbsp;</o:p></p></div>'
)


def e(value: str) -> str:
    return html.escape(value, quote=True)


def docx_bytes(text: str) -> bytes:
    import docx

    document = docx.Document()
    document.add_heading("Pennine Vale Borough Council", 1)
    document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def linkeddoc(doc_id, title, *, restricted=False, ref="", published=None, is_url=False):
    pub = f"{published:%d/%m/%Y}" if published else ""
    return f"""
        <linkeddoc>
          <attachmentid>{doc_id}</attachmentid>
          <title>{e(title)}</title>
          <isurl>{is_url}</isurl>
          <url>https://democracy.pennine-vale.example/mgConvert2PDF.aspx?ID={doc_id}</url>
          <isrestricted>{restricted}</isrestricted>
          <restrictionsRef>{e(ref)}
          </restrictionsRef>
          <itemnum>1</itemnum>
          <publicationdate>{pub}</publicationdate>
        </linkeddoc>"""


def agendaitem(
    item_id,
    order,
    display,
    title,
    text,
    *,
    minutes="",
    restricted=False,
    docs=(),
    minute_published=None,
):
    published = bool(minutes) if minute_published is None else minute_published
    return f"""
    <agendaitem>
      <agendaitemid>{item_id}</agendaitemid>
      <agendaitemtitle>{e(title)}</agendaitemtitle>
      <agendatext>{e(text)}
</agendatext>
      <agendaitemnumber>{order}</agendaitemnumber>
      <agendaitemsubnumber>
      </agendaitemsubnumber>
      <fulldisplaynumberformat>{e(display)}</fulldisplaynumberformat>
      <minutesnonemptyhtmlbody>{e(minutes)}
</minutesnonemptyhtmlbody>
      <declarationcount>0</declarationcount>
      <iscallin>False</iscallin>
      <iscomment>False</iscomment>
      <isdecision>False</isdecision>
      <isminutepublished>{published}</isminutepublished>
      <isrestricted>{restricted}</isrestricted>
      <linkeddocuments>{"".join(docs)}
      </linkeddocuments>
    </agendaitem>"""


def attendee(member_id, name, role, attendance, party, ward):
    return (
        f'<attendee membertype="U" memberid="{member_id}" name="{e(name)}" '
        f'roledescription="{e(role)}" attendance="{e(attendance)}" '
        f'politicalparty="{e(party)}" ward="{e(ward)}">'
        f"<url>https://democracy.pennine-vale.example/mgUserInfo.aspx?UID={member_id}</url>"
        "</attendee>"
    )


def meeting(
    meeting_id,
    day,
    items,
    attendees,
    *,
    status="Confirmed",
    agenda=True,
    minutes=False,
    time="6.30 pm",
    finish="8.30 pm",
    venue="Council Chamber, Pennine Vale Civic Centre",
):
    return f"""<?xml version="1.0" encoding="utf-8"?>
<meeting>
  <meetingid>{meeting_id}</meetingid>
  <meetingdate>{day:%d/%m/%Y}</meetingdate>
  <meetingstatus>{status}</meetingstatus>
  <isdisplayallowed>True</isdisplayallowed>
  <meetingtime>{time}</meetingtime>
  <meetingactualstarttime>
  </meetingactualstarttime>
  <meetingplannedfinishtime>{finish}</meetingplannedfinishtime>
  <meetinglocation>{e(venue)}</meetinglocation>
  <iswebcast>False</iswebcast>
  <agendapublished>{agenda}</agendapublished>
  <decisionpublished>False</decisionpublished>
  <minutepublished>{minutes}</minutepublished>
  <meetingroom>
  </meetingroom>
  <agendaitems>{"".join(items)}
  </agendaitems>
  <attendees>{"".join(attendees)}
  </attendees>
</meeting>""".encode()


COMMITTEES = b"""<?xml version="1.0" encoding="utf-8"?>
<committees>
  <committee>
    <committeeid>501</committeeid>
    <committeetitle>Health and Adult Social Care Scrutiny Panel</committeetitle>
    <committeedeleted>False</committeedeleted>
    <committeeexpired>False</committeeexpired>
    <committeecategory>Overview and Scrutiny</committeecategory>
  </committee>
  <committee>
    <committeeid>502</committeeid>
    <committeetitle>Place and Environment Board</committeetitle>
    <committeedeleted>False</committeedeleted>
    <committeeexpired>False</committeeexpired>
    <committeecategory>Boards</committeecategory>
  </committee>
  <committee>
    <committeeid>503</committeeid>
    <committeetitle>Old Highways Panel</committeetitle>
    <committeedeleted>True</committeedeleted>
    <committeeexpired>True</committeeexpired>
    <committeecategory>Overview and Scrutiny</committeecategory>
  </committee>
</committees>"""

PEOPLE = [
    # id, name as ModernGov gives it, ward, party
    ("9001", "Councillor Priya Ramanathan", "Holme Valley North", "Green Party"),
    ("9002", "Cllr Tom O'Hara", "Dalton", "Labour"),
    ("9003", "Councillor Aisha Begum", "Batley East", "Labour"),
    ("9004", "Councillor Gwen Llewellyn", "Colne Valley", "Liberal Democrat"),
    ("9005", "Councillor Dafydd Pugh", "Kirkburton", "Conservative"),
]


def councillors_xml(people=PEOPLE) -> bytes:
    wards = "".join(
        f"""
    <ward>
      <wardtitle>{e(ward)}</wardtitle>
      <councillors>
        <councillor>
          <councillorid>{pid}</councillorid>
          <fullusername>{e(name)}</fullusername>
          <politicalpartytitle>{e(party)}</politicalpartytitle>
        </councillor>
      </councillors>
    </ward>"""
        for pid, name, ward, party in people
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<councillorsbyward><wards>'
        + wards
        + "\n</wards></councillorsbyward>"
    ).encode()


def listing(*refs) -> bytes:
    rows = "".join(
        f"""
      <meeting>
        <meetingid>{mid}</meetingid>
        <meetingdate>{day:%d/%m/%Y}</meetingdate>
        <meetingstatus>{status}</meetingstatus>
      </meeting>"""
        for mid, day, status in refs
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<getmeetings><meetingscount> '
        + str(len(refs))
        + "</meetingscount><committee><committeemeetings>"
        + rows
        + "\n</committeemeetings></committee></getmeetings>"
    ).encode()


def panel_members(attendance):
    a = attendance
    return [
        attendee(
            "9001",
            "Councillor Priya Ramanathan",
            "Chair",
            a[0],
            "Green Party",
            "Holme Valley North",
        ),
        attendee("9002", "Councillor Tom O'Hara", "Vice-Chair", a[1], "Labour", "Dalton"),
        attendee(
            "9003", "Councillor Aisha Begum", "Committee Member", a[2], "Labour", "Batley East"
        ),
        attendee(
            "9004",
            "Councillor Gwen Llewellyn",
            "Committee Member",
            a[3],
            "Liberal Democrat",
            "Colne Valley",
        ),
    ]


def build(*, changed: bool = False, word: bool = True) -> Site:
    """The site. ``changed``: the held meeting's budget paper is revised and the coming
    meeting has moved to another room and a later time (one document, one meeting)."""
    c = CANARY
    held = [
        agendaitem(
            "31001",
            1,
            "1.",
            "Apologies for absence and substitutions",
            WORD.format("To receive apologies for absence."),
            minutes=WORD.format("Apologies were received from Councillor Llewellyn."),
        ),
        agendaitem(
            "31002",
            2,
            "2.",
            "Declarations of interest",
            WORD.format("Members to declare any interests."),
            minutes=WORD.format("No interests were declared."),
        ),
        agendaitem(
            "31003",
            3,
            "3.",
            "Adult social care budget 2026/27",
            WORD.format("The report of the Service Director, Adult Social Care, attached."),
            minutes=(
                '<div class="WordSection1"><p class="MsoNormal"><b>RESOLVED</b> '
                '<span style="mso-bidi-font-weight:bold">&#8211;</span></p>'
                '<ol style="margin-top:0cm" start="1" type="1"><li class="MsoNormal" '
                'style="mso-list:l0 level1 lfo1">That the report be noted.</li>'
                '<li class="MsoNormal">That the Panel receive a further update in March.</li></ol>'
                '<p class="MsoNormal"><o:p>&nbsp;</o:p></p></div>'
            ),
            docs=[
                linkeddoc(
                    "88001",
                    "Adult social care budget report",
                    published=PAST - dt.timedelta(days=8),
                ),
                linkeddoc(
                    "88002",
                    "Appendix A - savings proposals (Word)",
                    published=PAST - dt.timedelta(days=8),
                ),
                linkeddoc(
                    "88003",
                    f"Appendix B - named providers {c}",
                    restricted=True,
                    ref="Paragraph 3",
                    published=PAST - dt.timedelta(days=8),
                ),
            ],
        ),
        agendaitem(
            "31004",
            4,
            "4.",
            "Exclusion of the press and public",
            WORD.format("To resolve that the press and public be excluded for item 5a."),
            minutes=WORD.format("RESOLVED - that the press and public be excluded."),
        ),
        agendaitem(
            "31005",
            5,
            "5a",
            "Care home contract award",
            WORD.format(f"{c} the prices of Hollybank Care Ltd and the named residents."),
            minutes=WORD.format(
                f"{c} RESOLVED - that the contract be awarded at the price tendered."
            ),
            restricted=True,
            docs=[
                linkeddoc(
                    "88004",
                    f"Tender evaluation {c}",
                    restricted=True,
                    ref="Paragraph 3",
                    published=PAST - dt.timedelta(days=8),
                ),
            ],
        ),
    ]
    coming_docs = [
        linkeddoc("88010", "Winter pressures update", published=FUTURE - dt.timedelta(days=9))
    ]
    coming = [
        agendaitem("32001", 1, "1.", "Apologies for absence", WORD.format("To receive apologies.")),
        agendaitem(
            "32002",
            2,
            "2.",
            "Minutes of the previous meeting",
            WORD.format(f"To approve the minutes of the meeting held on {PAST:%-d %B %Y}."),
        ),
        agendaitem(
            "32003",
            3,
            "3.",
            "Winter pressures in adult social care",
            WORD.format("A presentation by the Director of Public Health."),
            docs=coming_docs,
        ),
    ]
    board = [
        agendaitem(
            "33001",
            1,
            "1.",
            "Membership of the Board",
            WORD.format("To note the membership."),
            minutes=WORD.format("The Board noted its membership."),
        ),
        agendaitem(
            "33002",
            2,
            "2.",
            "Flood risk management strategy",
            WORD.format("The report of the Head of Highways."),
            minutes=WORD.format("RESOLVED - that the strategy be endorsed."),
            docs=[
                linkeddoc("88020", "Flood risk strategy", published=PAST2 - dt.timedelta(days=7))
            ],
        ),
    ]
    cancelled = [
        agendaitem("34001", 1, "1.", "Apologies", WORD.format("To receive apologies.")),
    ]
    site = Site(
        committees=COMMITTEES,
        councillors=councillors_xml(),
        meetings={
            "501": listing(
                ("7101", PAST, "Confirmed"),
                ("7102", FUTURE2, "Cancelled"),
                ("7103", FUTURE, "Confirmed"),
            ),
            "502": listing(("7201", PAST2, "Confirmed")),
        },
        meeting={
            "7101": meeting(
                "7101",
                PAST,
                held,
                panel_members(["Present", "Present", "Present", "Apologies"])
                + [
                    attendee(
                        "9005",
                        "Councillor Dafydd Pugh",
                        "In attendance",
                        "Present",
                        "Conservative",
                        "Kirkburton",
                    )
                ],
                minutes=True,
            ),
            "7102": meeting(
                "7102",
                FUTURE2,
                cancelled,
                panel_members(["Expected"] * 4),
                status="Cancelled",
                agenda=False,
            ),
            "7103": meeting(
                "7103",
                FUTURE,
                coming,
                panel_members(["Expected"] * 4),
                time="7.00 pm" if changed else "6.30 pm",
                finish="9.00 pm",
                venue="Meeting Room 3, Pennine Vale Civic Centre"
                if changed
                else "Council Chamber, Pennine Vale Civic Centre",
            ),
            "7201": meeting(
                "7201",
                PAST2,
                board,
                [
                    attendee(
                        "9005",
                        "Councillor Dafydd Pugh",
                        "Chairman",
                        "Present",
                        "Conservative",
                        "Kirkburton",
                    ),
                    attendee(
                        "9003",
                        "Councillor Aisha Begum",
                        "Member",
                        "Present",
                        "Labour",
                        "Batley East",
                    ),
                ],
                minutes=True,
                time="10.00 am",
                finish="12.00 pm",
            ),
        },
    )
    budget = "Adult social care budget 2026/27: a 4.2 per cent rise"
    if changed:
        budget = "Adult social care budget 2026/27 REVISED: a 3.9 per cent rise"
    site.documents["88001"] = Doc(make_pdf_bytes(2, budget))
    if word:
        site.documents["88002"] = Doc(
            docx_bytes("Savings proposals: day centres, transport, reablement."),
            content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        )
    else:
        site.documents["88002"] = Doc(make_pdf_bytes(1, "Savings proposals"))
    site.documents["88003"] = Doc(make_pdf_bytes(1, f"Named providers {c}"))
    site.documents["88004"] = Doc(make_pdf_bytes(1, f"Tender evaluation {c} prices"))
    site.documents["88010"] = Doc(make_pdf_bytes(1, "Winter pressures update"))
    site.documents["88020"] = Doc(make_pdf_bytes(3, "Flood risk management strategy"))
    if changed:
        site.documents["88001"].modified = dt.datetime(2026, 3, 1, tzinfo=dt.UTC)
    return site


if __name__ == "__main__":  # pragma: no cover - the command-line run of the notes
    import signal
    import sys

    from tests.imports.moderngov import _server

    def stop(*_):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    port = int(sys.argv[1])
    site = build(changed=len(sys.argv) > 2 and sys.argv[2] == "changed")
    server = _server(site, port)
    print(f"http://127.0.0.1:{port}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        with open(f"/tmp/attack19-hits-{port}.txt", "w") as out:  # noqa: S108
            out.write(repr(dict(site.hits)))
