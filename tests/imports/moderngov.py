"""A ModernGov web service on loopback for the importer's tests and bench/import.py: a real
``http.server`` in a thread on a free port, serving the recorded sample responses of
/work/shared/moderngov-samples (copied into tests/imports/samples) and generated variants.

``Site`` holds what the server answers; tests change it between runs (a changed document, a
new meeting, a slow or failing endpoint) and read ``hits`` to see what was asked."""

from __future__ import annotations

import contextlib
import datetime as dt
import email.utils
import hashlib
import html
import threading
import time
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlparse

from tests.factories.meetings import make_pdf_bytes
from tests.hardening.servers import free_port

SAMPLES = Path(__file__).resolve().parent / "samples"


def sample(name: str) -> bytes:
    return (SAMPLES / name).read_bytes()


@dataclass
class Doc:
    content: bytes
    content_type: str = "application/pdf"
    modified: dt.datetime = field(default_factory=lambda: dt.datetime(2026, 1, 2, tzinfo=dt.UTC))

    @property
    def etag(self) -> str:
        return '"' + hashlib.sha256(self.content).hexdigest()[:16] + '"'


@dataclass
class Site:
    committees: bytes = b""
    councillors: bytes = b""
    meetings: dict[str, bytes] = field(default_factory=dict)  # committee id -> GetMeetings
    meeting: dict[str, bytes] = field(default_factory=dict)  # meeting id -> GetMeeting
    documents: dict[str, Doc] = field(default_factory=dict)
    slow: dict[str, float] = field(default_factory=dict)  # path or id -> seconds
    failing: dict[str, int] = field(default_factory=dict)  # key -> failures left (-1: always)
    hits: Counter = field(default_factory=Counter)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def answer(self, path: str, query: dict[str, str], headers) -> tuple[int, dict, bytes]:
        key = {
            "/mgWebService.asmx/GetCommittees": "committees",
            "/mgWebService.asmx/GetCouncillorsByWard": "councillors",
        }.get(path)
        if path.endswith("/GetMeetings"):
            key = f"meetings:{query.get('lCommitteeId')}"
        elif path.endswith("/GetMeeting"):
            key = f"meeting:{query.get('lMeetingId')}"
        elif path == "/mgConvert2PDF.aspx":
            key = f"doc:{query.get('ID')}"
        with self.lock:
            self.hits[key] += 1
            fails = self.failing.get(key, 0)
            if fails:
                self.failing[key] = fails - 1 if fails > 0 else -1
        if key in self.slow:
            time.sleep(self.slow[key])
        if fails:
            return 503, {}, b"Service Unavailable"
        xml = {"Content-Type": "text/xml; charset=utf-8"}
        if key == "committees":
            return 200, xml, self.committees
        if key == "councillors":
            return 200, xml, self.councillors
        if key and key.startswith("meetings:"):
            return 200, xml, self.meetings.get(key[9:], _empty_meetings())
        if key and key.startswith("meeting:") and key[8:] in self.meeting:
            return 200, xml, self.meeting[key[8:]]
        if key and key.startswith("doc:") and key[4:] in self.documents:
            doc = self.documents[key[4:]]
            stamp = email.utils.format_datetime(doc.modified, usegmt=True)
            h = {"Content-Type": doc.content_type, "ETag": doc.etag, "Last-Modified": stamp}
            if headers.get("If-None-Match") == doc.etag:
                return 304, h, b""
            return 200, h, doc.content
        return 404, {}, b"Not found"


def _empty_meetings() -> bytes:
    return b'<?xml version="1.0"?><getmeetings><meetingscount>0</meetingscount></getmeetings>'


@contextmanager
def serving(site: Site):
    server = _server(site, free_port())
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@contextmanager
def serving_apart(site: Site):
    """``serving``, but in a process of its own (forked, with ``site`` as it is now): what
    the site costs to answer is not counted, nor competes for the importer's interpreter, as
    a real council's site would not (bench/import.py). ``site`` changed later, and its
    ``hits``, are not seen by that process."""
    import multiprocessing

    port = free_port()
    ready = multiprocessing.get_context("fork").Event()

    def serve():
        server = _server(site, port)
        ready.set()
        server.serve_forever()

    process = multiprocessing.get_context("fork").Process(target=serve, daemon=True)
    process.start()
    try:
        if not ready.wait(30):
            raise RuntimeError("the loopback ModernGov site did not start")
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.join(10)


def _server(site: Site, port: int) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        # The headers and the body go out in two writes: with Nagle's algorithm the body
        # waits for the client's delayed ACK (~40 ms on Linux loopback), which made every
        # document fetched take 30-40 ms of waiting (bench/import.py's wall clock).
        disable_nagle_algorithm = True

        def do_GET(self):  # noqa: N802
            url = urlparse(self.path)
            query = {k: v[0] for k, v in parse_qs(url.query).items()}
            status, headers, body = site.answer(url.path, query, self.headers)
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            # The client may have given up waiting (the timeout tests).
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    server.daemon_threads = True
    return server


# --- the recorded samples, as a site -----------------------------------------------------------


def sample_site() -> Site:
    """The recorded answers: three committees, Audit Committee's two meetings (one cancelled,
    one with minutes), one councillor; the two documents as real PDFs."""
    site = Site(
        committees=sample("committees.xml"),
        councillors=sample("councillors_by_ward.xml"),
        meetings={"144": sample("meetings.xml")},
        meeting={
            "4966": sample("meeting_no_minutes.xml"),
            "4967": sample("meeting_with_minutes.xml"),
        },
    )
    site.documents["60860"] = Doc(make_pdf_bytes(1, "Minutes Audit Committee 25 Nov 2025"))
    site.documents["60909"] = Doc(make_pdf_bytes(1, "Draft work programme February 2026"))
    return site


# --- generated sites ----------------------------------------------------------------------------

ATTENDANCE_CYCLE = ["Present", "Present", "Apologies", "Present", "Absent"]


def _e(value: str) -> str:
    return html.escape(value, quote=True)


def item_xml(item_id, number, title, text, *, minutes="", restricted=False, docs=()) -> str:
    doc_xml = "".join(
        f"""<linkeddoc><attachmentid>{d_id}</attachmentid><title>{_e(d_title)}</title>
<isurl>False</isurl><url>x</url><isrestricted>{d_restricted}</isrestricted>
<restrictionsRef>{_e(ref)}</restrictionsRef><publicationdate>{pub}</publicationdate></linkeddoc>"""
        for d_id, d_title, d_restricted, ref, pub in docs
    )
    return f"""<agendaitem><agendaitemid>{item_id}</agendaitemid>
<agendaitemtitle>{_e(title)}</agendaitemtitle><agendatext>{_e(text)}</agendatext>
<agendaitemnumber>{number}</agendaitemnumber><agendaitemsubnumber> </agendaitemsubnumber>
<fulldisplaynumberformat>{number}.</fulldisplaynumberformat>
<minutesnonemptyhtmlbody>{_e(minutes)}</minutesnonemptyhtmlbody>
<isminutepublished>{bool(minutes)}</isminutepublished><iscallin>False</iscallin>
<iscomment>False</iscomment><isdecision>False</isdecision>
<isrestricted>{restricted}</isrestricted><linkeddocuments>{doc_xml}</linkeddocuments></agendaitem>"""


def meeting_xml(
    meeting_id,
    day: dt.date,
    *,
    status="Confirmed",
    items=(),
    attendees=(),
    minutes=False,
    agenda=True,
) -> str:
    people = "".join(
        f'<attendee membertype="U" memberid="{m_id}" name="{_e(name)}" roledescription="{role}" '
        f'attendance="{att}" politicalparty="{party}" ward="{_e(ward)}"></attendee>'
        for m_id, name, role, att, party, ward in attendees
    )
    return f"""<?xml version="1.0" encoding="utf-8"?><meeting><meetingid>{meeting_id}</meetingid>
<meetingdate>{day:%d/%m/%Y}</meetingdate><meetingstatus>{status}</meetingstatus>
<meetingtime>6.30 pm</meetingtime><meetingplannedfinishtime>8.30 pm</meetingplannedfinishtime>
<meetinglocation>Committee Room 1, Town Hall</meetinglocation>
<agendapublished>{agenda}</agendapublished><minutepublished>{minutes}</minutepublished>
<agendaitems>{"".join(items)}</agendaitems><attendees>{people}</attendees></meeting>"""


WORD_HTML = (
    '<div class="WordSection1"><p class="MsoNormal"><span style="">{}</span></p>'
    '<p class="MsoNormal" style=""><o:p>&nbsp;</o:p></p></div>'
)


def generated_site(
    *,
    committees: int = 3,
    meetings: int = 20,
    start=dt.date(2024, 1, 8),
    docs: bool = True,
    restricted_every: int = 7,
    canary: str = "CANARY-EXEMPT-7781",
) -> Site:
    """``committees`` committees sharing ``meetings`` meetings in turn, a week apart; each
    with five items (apologies, minutes, declarations, a report with a document, and every
    ``restricted_every``-th meeting a restricted item whose text, minute and paper hold the
    canary), six members with recorded attendance, published minutes for past meetings."""
    site = Site()
    pdf_cache: dict[str, bytes] = {}
    com_xml = []
    listing: dict[str, list[str]] = {}
    for c in range(committees):
        cid = str(1000 + c)
        com_xml.append(
            f"<committee><committeeid>{cid}</committeeid><committeetitle>Generated Scrutiny "
            f"Panel {c + 1}</committeetitle><committeedeleted>False</committeedeleted>"
            f"<committeeexpired>False</committeeexpired><committeecategory>Scrutiny"
            f"</committeecategory></committee>"
        )
        listing[cid] = []
    councillors = []
    for n in range(committees * 6):
        councillors.append(
            f"<ward><wardtitle>Ward {n % 9 + 1}</wardtitle><councillors><councillor>"
            f"<councillorid>{5000 + n}</councillorid><fullusername>Councillor Gen Member{n}"
            f"</fullusername><politicalpartytitle>Party {n % 3}</politicalpartytitle>"
            f"</councillor></councillors></ward>"
        )
    today = dt.date.today()
    for k in range(meetings):
        c = k % committees
        cid = str(1000 + c)
        mid = str(20000 + k)
        day = start + dt.timedelta(days=7 * (k // committees))
        past = day < today
        base = 100000 + k * 10
        items = [
            item_xml(
                base + 1,
                1,
                "Apologies for absence",
                WORD_HTML.format("To receive apologies."),
                minutes=WORD_HTML.format("Apologies were received.") if past else "",
            ),
            item_xml(
                base + 2,
                2,
                "Minutes",
                WORD_HTML.format("To approve the minutes."),
                minutes=WORD_HTML.format("The minutes were approved.") if past else "",
            ),
            item_xml(
                base + 3,
                3,
                "Declarations of interest",
                WORD_HTML.format("To declare."),
                minutes=WORD_HTML.format("No interests were declared.") if past else "",
            ),
        ]
        doc_id = str(700000 + k)
        items.append(
            item_xml(
                base + 4,
                4,
                f"Budget monitoring report {k}",
                WORD_HTML.format(f"The report of the Director on budget {k}."),
                minutes=WORD_HTML.format(f"RESOLVED – that the report {k} be noted.")
                if past
                else "",
                docs=[
                    (
                        doc_id,
                        f"Budget report {k}",
                        False,
                        "",
                        f"{day - dt.timedelta(days=8):%d/%m/%Y}",
                    )
                ]
                if docs
                else [],
            )
        )
        if docs:
            key = f"report-{k % 50}"
            if key not in pdf_cache:
                pdf_cache[key] = make_pdf_bytes(1, f"Budget monitoring report {key}")
            site.documents[doc_id] = Doc(pdf_cache[key])
        if restricted_every and k % restricted_every == 0:
            secret_doc = str(800000 + k)
            items.append(
                item_xml(
                    base + 5,
                    5,
                    "Contract award (exempt)",
                    WORD_HTML.format(f"{canary} the bidder's prices."),
                    minutes=WORD_HTML.format(f"{canary} the panel agreed the price.")
                    if past
                    else "",
                    restricted=True,
                    docs=[(secret_doc, f"{canary} tender prices", True, "Paragraph 3", "")],
                )
            )
            site.documents[secret_doc] = Doc(make_pdf_bytes(1, canary))
        attendees = [
            (
                str(5000 + c * 6 + j),
                f"Councillor Gen Member{c * 6 + j}",
                "Chair" if j == 0 else "Committee Member",
                ATTENDANCE_CYCLE[(j + k) % 5] if past else "Expected",
                f"P{(c * 6 + j) % 3}",
                f"Ward {(c * 6 + j) % 9 + 1}",
            )
            for j in range(6)
        ]
        site.meeting[mid] = meeting_xml(
            mid, day, items=items, attendees=attendees, minutes=past
        ).encode()
        listing[cid].append(
            f"<meeting><meetingid>{mid}</meetingid><meetingdate>{day:%d/%m/%Y}</meetingdate>"
            f"<meetingstatus>Confirmed</meetingstatus></meeting>"
        )
    site.committees = (
        '<?xml version="1.0" encoding="utf-8"?><committees>' + "".join(com_xml) + "</committees>"
    ).encode()
    site.councillors = (
        '<?xml version="1.0" encoding="utf-8"?><councillorsbyward><wards>'
        + "".join(councillors)
        + "</wards></councillorsbyward>"
    ).encode()
    for cid, rows in listing.items():
        site.meetings[cid] = (
            '<?xml version="1.0" encoding="utf-8"?><getmeetings><committee><committeemeetings>'
            + "".join(rows)
            + "</committeemeetings></committee></getmeetings>"
        ).encode()
    return site
