"""Uploaded PDFs lose every dangerous link and action (issue 13 finding 8): ``javascript:``,
``file:`` and ``data:`` addresses, GoToR, Launch, SubmitForm, ImportData and JavaScript
actions, in link annotations, outline items (bookmarks), the OpenAction and additional
actions (/AA) anywhere. The PDF is built with pikepdf, uploaded through the real service and
the stored file read back with pikepdf."""

from __future__ import annotations

import io

import pikepdf
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from meetings import services
from meetings.uploads import DANGEROUS_ACTIONS, inspect_pdf, uri_is_safe
from tests.factories import make_user
from tests.factories.meetings import AgendaItemFactory, MeetingFactory, make_pdf_bytes

Name = pikepdf.Name
SAFE_LINK = "https://www.example.gov.uk/report"
HOSTILE_URIS = [
    "javascript:app.alert('js-canary')",
    " JaVa\tScRiPt:app.alert('js-canary-2')",
    "file:///etc/passwd",
    "data:text/html;base64,PHNjcmlwdD5kYXRhLWNhbmFyeTwvc2NyaXB0Pg==",
    "vbscript:msgbox",
    "\\\\evil-host\\share\\payload.exe",
]


def _actions(pdf: pikepdf.Pdf) -> list[pikepdf.Dictionary]:
    """Every dangerous action a reader could run, one per kind."""
    return [
        *[pikepdf.Dictionary(S=Name.URI, URI=pikepdf.String(uri)) for uri in HOSTILE_URIS],
        pikepdf.Dictionary(
            S=Name.GoToR, F=pikepdf.String("file:///etc/passwd"), D=pikepdf.Array([0, Name.Fit])
        ),
        pikepdf.Dictionary(S=Name.Launch, F=pikepdf.String("calc.exe")),
        pikepdf.Dictionary(
            S=Name.SubmitForm, F=pikepdf.Dictionary(FS=Name.URL, F=pikepdf.String("http://evil"))
        ),
        pikepdf.Dictionary(S=Name.ImportData, F=pikepdf.String("evil.fdf")),
        pikepdf.Dictionary(S=Name.JavaScript, JS=pikepdf.String("app.alert('js-canary-3')")),
        # Second outside review: an article thread in another file, and media actions.
        pikepdf.Dictionary(S=Name.Thread, F=pikepdf.String("file:///etc/passwd"), D=0),
        pikepdf.Dictionary(S=Name.Rendition, OP=0, R=pikepdf.Dictionary(S=Name.MR)),
        pikepdf.Dictionary(S=Name.Sound, Sound=pikepdf.Stream(pdf, b"evil-sound")),
        pikepdf.Dictionary(S=Name.Movie, T=pikepdf.String("evil-movie")),
        pikepdf.Dictionary(S=Name.RichMediaExecute, TA=pikepdf.Dictionary()),
        # Indirect, as some writers store actions.
        pdf.make_indirect(pikepdf.Dictionary(S=Name.URI, URI=pikepdf.String("file:///c:/x"))),
    ]


def _link(rect_x: int, action) -> pikepdf.Dictionary:
    return pikepdf.Dictionary(
        Type=Name.Annot, Subtype=Name.Link, Rect=[rect_x, 0, rect_x + 10, 10], A=action
    )


def hostile_pdf() -> bytes:
    pdf = pikepdf.open(io.BytesIO(make_pdf_bytes(2, "Hostile links")))
    page = pdf.pages[0].obj
    annots = [pdf.make_indirect(_link(i * 12, a)) for i, a in enumerate(_actions(pdf))]
    # A good link with a bad action chained after it.
    annots.append(
        pdf.make_indirect(
            _link(
                500,
                pikepdf.Dictionary(
                    S=Name.URI,
                    URI=pikepdf.String(SAFE_LINK),
                    Next=pikepdf.Array(
                        [pikepdf.Dictionary(S=Name.URI, URI=pikepdf.String("javascript:1"))]
                    ),
                ),
            )
        )
    )
    # A link carrying additional actions (mouse-over JavaScript).
    link_aa = _link(520, pikepdf.Dictionary(S=Name.URI, URI=pikepdf.String(SAFE_LINK)))
    link_aa.AA = pikepdf.Dictionary(
        E=pikepdf.Dictionary(S=Name.JavaScript, JS=pikepdf.String("app.alert('aa')"))
    )
    annots.append(pdf.make_indirect(link_aa))
    page.Annots = pdf.make_indirect(pikepdf.Array(annots))
    page.AA = pikepdf.Dictionary(
        O=pikepdf.Dictionary(S=Name.Launch, F=pikepdf.String("page-open.exe"))
    )
    pdf.Root.AA = pikepdf.Dictionary(
        WC=pikepdf.Dictionary(S=Name.JavaScript, JS=pikepdf.String("app.alert('close')"))
    )
    pdf.Root.OpenAction = pikepdf.Dictionary(
        S=Name.URI, URI=pikepdf.String("javascript:app.alert('open')")
    )
    # A base address that turns relative links into local files.
    pdf.Root.URI = pikepdf.Dictionary(Base=pikepdf.String("file:///etc/"))
    # A movie player naming a file next to the PDF.
    page.Annots.append(
        pdf.make_indirect(
            pikepdf.Dictionary(
                Type=Name.Annot,
                Subtype=Name.Movie,
                Rect=[540, 0, 550, 10],
                Movie=pikepdf.Dictionary(F=pikepdf.String("evil-movie.avi")),
            )
        )
    )

    # Outline (bookmarks): one per hostile action, plus one that goes to page 2.
    outlines = pdf.make_indirect(pikepdf.Dictionary(Type=Name.Outlines))
    items = [
        pdf.make_indirect(pikepdf.Dictionary(Title=pikepdf.String(f"Bookmark {i}"), A=action))
        for i, action in enumerate(_actions(pdf))
    ]
    good = pdf.make_indirect(
        pikepdf.Dictionary(
            Title=pikepdf.String("Appendix"),
            A=pikepdf.Dictionary(S=Name.GoTo, D=pikepdf.Array([pdf.pages[1].obj, Name.Fit])),
        )
    )
    items.append(good)
    for i, item in enumerate(items):
        item.Parent = outlines
        if i:
            item.Prev = items[i - 1]
        if i < len(items) - 1:
            item.Next = items[i + 1]
    outlines.First, outlines.Last, outlines.Count = items[0], items[-1], len(items)
    pdf.Root.Outlines = outlines
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def _every_dictionary(pdf: pikepdf.Pdf):
    """Every dictionary in the file, indirect objects and those nested inside them."""
    seen = set()

    def walk(obj):
        if isinstance(obj, pikepdf.Dictionary):
            yield obj
            children = [obj.get(k) for k in list(obj.keys())]  # noqa: SIM118
        elif isinstance(obj, pikepdf.Array):
            children = list(obj)
        else:
            return
        for child in children:
            if isinstance(child, pikepdf.Dictionary | pikepdf.Array):
                if child.is_indirect:
                    if child.objgen in seen:
                        continue
                    seen.add(child.objgen)
                yield from walk(child)

    for obj in pdf.objects:
        if isinstance(obj, pikepdf.Dictionary | pikepdf.Array) and obj.objgen not in seen:
            seen.add(obj.objgen)
            yield from walk(obj)


def test_the_hostile_pdf_really_is_hostile():
    """The fixture holds what the cleaner must remove (so the test below can fail)."""
    pdf = pikepdf.open(io.BytesIO(hostile_pdf()))
    kinds = {str(d.get("/S")) for d in _every_dictionary(pdf) if "/S" in d}
    assert DANGEROUS_ACTIONS - {"/GoToE"} <= kinds
    uris = [bytes(d.URI).decode() for d in _every_dictionary(pdf) if d.get("/S") == Name.URI]
    assert any(u.startswith("javascript:") for u in uris)
    assert sum(1 for d in _every_dictionary(pdf) if "/AA" in d) == 3
    assert any(d.get("/S") == Name.Thread and "/F" in d for d in _every_dictionary(pdf))
    assert bytes(pdf.Root.URI.Base) == b"file:///etc/"
    assert any(a.get("/Subtype") == Name.Movie for a in pdf.pages[0].obj.Annots)


@pytest.mark.django_db
def test_upload_removes_every_dangerous_link_and_action():
    meeting = MeetingFactory()
    document = services.add_document(
        agenda_item=AgendaItemFactory(meeting=meeting),
        uploaded_file=SimpleUploadedFile(
            "hostile.pdf", hostile_pdf(), content_type="application/pdf"
        ),
        title="Hostile",
        by=make_user("officer"),
    )
    for words in (
        "links that open other files",
        "addresses that are not web pages or e-mail",
        "launch actions",
        "form submission actions",
        "data import actions",
        "JavaScript",
        "automatic actions",
        "sound and video players",
        "a base address for links that is not a web address",
    ):
        assert words in document.sanitised, words
    with document.file.open("rb") as fh:
        raw = fh.read()
    pdf = pikepdf.open(io.BytesIO(raw))
    assert len(pdf.pages) == 2
    dictionaries = list(_every_dictionary(pdf))
    for d in dictionaries:
        assert "/AA" not in d and "/JS" not in d
        assert str(d.get("/S")) not in DANGEROUS_ACTIONS
        assert not (d.get("/S") == Name.Thread and "/F" in d)
        assert str(d.get("/Subtype")) not in {"/Movie", "/Sound", "/Screen", "/RichMedia"}
        if d.get("/S") == Name.URI:
            assert bytes(d.URI).decode() == SAFE_LINK
    assert "/OpenAction" not in pdf.Root
    assert "/Base" not in pdf.Root.URI
    for needle in (b"etc/", b"js-canary", b"calc.exe", b"evil", b"page-open", b"alert"):
        assert needle not in raw, needle
    # What is harmless stays: the web links (without their chained action), every bookmark
    # (with its title), and the bookmark that goes to page 2.
    links = [a for a in pdf.pages[0].obj.Annots if "/A" in a]
    assert [bytes(a.A.URI).decode() for a in links] == [SAFE_LINK, SAFE_LINK]
    assert all(len(a.A.get("/Next", [])) == 0 for a in links)
    titles = []
    item = pdf.Root.Outlines.First
    while True:
        titles.append(str(item.Title))
        if "/Next" not in item:
            break
        item = item.Next
    assert titles[-1] == "Appendix" and len(titles) == len(HOSTILE_URIS) + 12
    assert Name.GoTo == item.A.S and item.A.D[0].objgen == pdf.pages[1].obj.objgen


def test_a_web_base_address_and_an_in_file_thread_are_kept():
    """Only what reaches outside goes: a catalog /URI /Base that is https and a /Thread
    action without /F (an article in this file) are harmless and stay."""
    pdf = pikepdf.open(io.BytesIO(make_pdf_bytes(1, "Base")))
    pdf.Root.URI = pikepdf.Dictionary(Base=pikepdf.String("https://www.example.gov.uk/"))
    pdf.pages[0].obj.Annots = pdf.make_indirect(
        pikepdf.Array([pdf.make_indirect(_link(0, pikepdf.Dictionary(S=Name.Thread, D=0)))])
    )
    out = io.BytesIO()
    pdf.save(out)
    checked = inspect_pdf(out.getvalue())
    assert checked.removed == [] and checked.data == out.getvalue()


def test_a_clean_pdf_with_ordinary_links_is_stored_as_uploaded():
    pdf = pikepdf.open(io.BytesIO(make_pdf_bytes(1, "Links")))
    pdf.pages[0].obj.Annots = pdf.make_indirect(
        pikepdf.Array(
            [
                pdf.make_indirect(
                    _link(0, pikepdf.Dictionary(S=Name.URI, URI=pikepdf.String(SAFE_LINK)))
                ),
                pdf.make_indirect(
                    _link(
                        20,
                        pikepdf.Dictionary(S=Name.URI, URI=pikepdf.String("mailto:a@example.org")),
                    )
                ),
            ]
        )
    )
    out = io.BytesIO()
    pdf.save(out)
    checked = inspect_pdf(out.getvalue())
    assert checked.removed == [] and checked.data == out.getvalue()


@pytest.mark.parametrize(
    ("uri", "safe"),
    [
        ("https://example.org/a", True),
        ("HTTP://example.org", True),
        ("mailto:scrutiny@example.gov.uk", True),
        ("javascript:alert(1)", False),
        (" javascript:alert(1)", False),
        ("java\nscript:alert(1)", False),
        ("\x01javascript:alert(1)", False),
        ("file:///etc/passwd", False),
        ("FILE://server/share", False),
        ("data:text/html,x", False),
        ("smb://host/share", False),
        ("relative/page.pdf", False),
        ("", False),
    ],
)
def test_uri_schemes(uri, safe):
    assert uri_is_safe(pikepdf.String(uri)) is safe
