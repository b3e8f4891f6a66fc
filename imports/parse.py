"""ModernGov's web service answers, read into plain data. Dates are dd/mm/yyyy, times like
"10.00 am", booleans "True"/"False", counts may carry spaces, empty elements hold whitespace,
and agenda text and minutes are HTML escaped inside the XML. The XML is parsed with defusedxml
(no entities, no external references)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from defusedxml import ElementTree
from defusedxml.common import DefusedXmlException


class ParseError(Exception):
    """An answer that is not the XML we expect."""


def root(data: bytes):
    try:
        return ElementTree.fromstring(data)
    except (ElementTree.ParseError, DefusedXmlException, ValueError) as exc:
        raise ParseError(f"malformed XML: {exc}") from exc


def text(el, tag: str) -> str:
    found = el.find(tag) if el is not None else None
    return (found.text or "").strip() if found is not None else ""


def boolean(el, tag: str) -> bool:
    return text(el, tag).lower() == "true"


def date(value: str) -> dt.date | None:
    value = value.strip()
    if not value:
        return None
    try:
        return dt.datetime.strptime(value, "%d/%m/%Y").date()
    except ValueError as exc:
        raise ParseError(f"not a date (dd/mm/yyyy): {value!r}") from exc


_TIME = re.compile(r"^(\d{1,2})(?:[.:](\d{2}))?\s*([ap])\.?m\.?$", re.I)


def time(value: str) -> dt.time | None:
    value = value.strip()
    if not value:
        return None
    if value.lower() in ("noon", "12 noon", "12.00 noon"):
        return dt.time(12, 0)
    m = _TIME.match(value)
    if not m:
        try:
            return dt.datetime.strptime(value, "%H:%M").time()
        except ValueError as exc:
            raise ParseError(f"not a time: {value!r}") from exc
    hour, minute = int(m.group(1)) % 12, int(m.group(2) or 0)
    if m.group(3).lower() == "p":
        hour += 12
    if minute > 59:
        raise ParseError(f"not a time: {value!r}")
    return dt.time(hour, minute)


@dataclass
class Committee:
    id: str
    title: str
    deleted: bool
    expired: bool
    category: str


def committees(data: bytes) -> list[Committee]:
    return [
        Committee(
            id=text(c, "committeeid"),
            title=text(c, "committeetitle"),
            deleted=boolean(c, "committeedeleted"),
            expired=boolean(c, "committeeexpired"),
            category=text(c, "committeecategory"),
        )
        for c in answer(data, "committees").iter("committee")
    ]


def answer(data: bytes, expected: str):
    """The XML root of a web service's answer, which must be ``<expected>`` (a web page that
    happens to be well-formed XML is not a ModernGov answer)."""
    el = root(data)
    if el.tag.lower() != expected:
        raise ParseError(f"not a ModernGov answer: <{el.tag[:40]}>, not <{expected}>")
    return el


@dataclass
class Councillor:
    id: str
    name: str
    ward: str
    party: str


def councillors(data: bytes) -> list[Councillor]:
    out = []
    for ward in root(data).iter("ward"):
        title = text(ward, "wardtitle")
        for c in ward.iter("councillor"):
            out.append(
                Councillor(
                    id=text(c, "councillorid"),
                    name=text(c, "fullusername"),
                    ward=title,
                    party=text(c, "politicalpartytitle") or text(c, "politicalparty"),
                )
            )
    return out


@dataclass
class MeetingRef:
    id: str
    date: dt.date | None
    status: str


def meetings(data: bytes) -> list[MeetingRef]:
    return [
        MeetingRef(
            id=text(m, "meetingid"),
            date=date(text(m, "meetingdate")),
            status=text(m, "meetingstatus"),
        )
        for m in root(data).iter("meeting")
    ]


@dataclass
class Doc:
    id: str
    title: str
    is_url: bool
    url: str
    restricted: bool
    restrictions: str
    published: dt.date | None


@dataclass
class Item:
    id: str
    title: str
    html: str
    order: int
    subnumber: str
    number: str
    minutes_html: str
    minute_published: bool
    restricted: bool
    flags: dict
    docs: list[Doc] = field(default_factory=list)


@dataclass
class Attendee:
    member_id: str
    name: str
    role: str
    attendance: str
    party: str
    ward: str


@dataclass
class Meeting:
    id: str
    date: dt.date
    status: str
    time: dt.time | None
    finish: dt.time | None
    location: str
    agenda_published: bool
    minutes_published: bool
    items: list[Item]
    attendees: list[Attendee]


def _int(value: str, default: int = 0) -> int:
    try:
        return int(value.strip())
    except ValueError:
        return default


def meeting(data: bytes) -> Meeting:
    el = root(data)
    if el.tag != "meeting":
        raise ParseError(f"expected <meeting>, got <{el.tag}>")
    day = date(text(el, "meetingdate"))
    if day is None:
        raise ParseError("the meeting has no date")
    items = []
    for a in el.iter("agendaitem"):
        docs = [
            Doc(
                id=text(d, "attachmentid"),
                title=text(d, "title"),
                is_url=boolean(d, "isurl"),
                url=text(d, "url"),
                restricted=boolean(d, "isrestricted"),
                restrictions=text(d, "restrictionsRef"),
                published=date(text(d, "publicationdate")),
            )
            for d in a.iter("linkeddoc")
        ]
        items.append(
            Item(
                id=text(a, "agendaitemid"),
                title=text(a, "agendaitemtitle"),
                html=text(a, "agendatext"),
                order=_int(text(a, "agendaitemnumber")),
                subnumber=text(a, "agendaitemsubnumber"),
                number=text(a, "fulldisplaynumberformat"),
                minutes_html=text(a, "minutesnonemptyhtmlbody"),
                minute_published=boolean(a, "isminutepublished"),
                restricted=boolean(a, "isrestricted"),
                flags={f: boolean(a, f) for f in ("iscallin", "iscomment", "isdecision")},
                docs=docs,
            )
        )
    items.sort(key=lambda i: (i.order, i.subnumber, i.id))
    attendees = [
        Attendee(
            member_id=(a.get("memberid") or "").strip(),
            name=(a.get("name") or "").strip(),
            role=(a.get("roledescription") or "").strip(),
            attendance=(a.get("attendance") or "").strip(),
            party=(a.get("politicalparty") or "").strip(),
            ward=(a.get("ward") or "").strip(),
        )
        for a in el.iter("attendee")
    ]
    return Meeting(
        id=text(el, "meetingid"),
        date=day,
        status=text(el, "meetingstatus"),
        time=time(text(el, "meetingtime")),
        finish=time(text(el, "meetingplannedfinishtime")),
        location=text(el, "meetinglocation"),
        agenda_published=boolean(el, "agendapublished"),
        minutes_published=boolean(el, "minutepublished"),
        items=items,
        attendees=attendees,
    )
