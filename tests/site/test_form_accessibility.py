"""Every form page speaks: hints and errors are tied to their fields, every control has a name.

Issue 16, finding 3. Every URL pattern of the site is visited with a real URL (built as the
permission matrix builds them, from the demo council): public pages anonymously, officer and
signed-in pages as an officer, and every officer page with a POST form is also posted empty
so that its error messages render. Each page is parsed and fails on

* an ``aria-describedby`` naming an id that is not on the page;
* a GOV.UK hint or error message that no ``aria-describedby`` points at (a screen reader
  would never hear it);
* an input, select or textarea (not hidden, submit, reset, image or button) with no label:
  ``<label for>``, a wrapping ``<label>``, ``aria-label`` or ``aria-labelledby`` (naming ids
  that exist);
* the browser's own date or time input (``type="date"``, ``datetime-local``, ``month``,
  ``week``, ``time``): its format follows the browser's language (mm/dd/yyyy in American
  English) and it reads badly with screen readers. Every date is a GOV.UK date input
  (``scrutiny.forms.GovukDateInput``: Day, Month, Year and Time boxes).
"""

from __future__ import annotations

from urllib.parse import urlsplit

import lxml.html

from tests.hardening.test_permission_matrix import (  # noqa: F401  (council and matrix_council are fixtures)
    ADMINISTRATOR,
    OFFICER,
    PUBLIC,
    RULES,
    SIGNED_IN,
    council,
    crawl,
    extra_urls,
    matrix_council,
)

UNLABELLED_TYPES = {"hidden", "submit", "reset", "image", "button"}
NATIVE_DATE_TYPES = {"date", "datetime-local", "month", "week", "time"}


def problems_in(html: str, where: str) -> list[str]:
    """What a screen reader user would miss on this page."""
    doc = lxml.html.document_fromstring(html)
    ids = {el.get("id") for el in doc.iter() if isinstance(el.tag, str) and el.get("id")}
    found: list[str] = []
    described: set[str] = set()
    for el in doc.xpath("//*[@aria-describedby]"):
        for ref in el.get("aria-describedby").split():
            described.add(ref)
            if ref not in ids:
                found.append(
                    f"{where}: <{el.tag} id={el.get('id')!r}> aria-describedby {ref!r}"
                    " is not on the page"
                )
    for el in doc.xpath(
        "//*[contains(concat(' ', normalize-space(@class), ' '), ' govuk-hint ')"
        " or contains(concat(' ', normalize-space(@class), ' '), ' govuk-error-message ')]"
    ):
        # Only hints and errors inside a form belong to a control.
        if not el.xpath("ancestor::form"):
            continue
        if not el.get("id") or el.get("id") not in described:
            text = " ".join(el.text_content().split())[:60]
            found.append(f"{where}: {el.get('class')!r} {text!r} is not tied to its field")
    label_for = {label.get("for") for label in doc.xpath("//label[@for]")}
    for el in doc.xpath("//input | //select | //textarea"):
        if el.tag == "input" and (el.get("type") or "text").lower() in UNLABELLED_TYPES:
            continue
        if el.get("aria-label", "").strip():
            continue
        labelledby = el.get("aria-labelledby", "").split()
        if labelledby and all(ref in ids for ref in labelledby):
            continue
        if el.get("id") and el.get("id") in label_for:
            continue
        if el.xpath("ancestor::label"):
            continue
        found.append(f"{where}: <{el.tag} name={el.get('name')!r}> has no label")
    return found


def native_date_inputs_in(html: str, where: str) -> list[str]:
    """The browser's own date and time inputs on the page (issue 16: none is left)."""
    doc = lxml.html.document_fromstring(html)
    return [
        f"{where}: <input name={el.get('name')!r} type={el.get('type')!r}> is the browser's "
        "own date input, not a GOV.UK date input"
        for el in doc.xpath("//input[@type]")
        if el.get("type").strip().lower() in NATIVE_DATE_TYPES
    ]


def check(html: str, where: str) -> list[str]:
    return problems_in(html, where) + native_date_inputs_in(html, where)


def has_post_form(html: str, url: str) -> bool:
    """The page has a POST form that submits back to itself (its own form, not a button
    elsewhere on the page such as sign out)."""
    doc = lxml.html.document_fromstring(html)
    path = urlsplit(url).path
    for form in doc.xpath("//form"):
        if (form.get("method") or "get").lower() != "post":
            continue
        if urlsplit(form.get("action") or url).path == path:
            return True
    return False


def html_of(response) -> str | None:
    if response.status_code != 200 or response.streaming:
        return None
    if not response["Content-Type"].startswith("text/html"):
        return None
    return response.content.decode()


def test_problems_in_catches_what_a_screen_reader_misses():
    """The checker itself: each kind of fault is reported, and a correct field is not."""
    good = (
        '<form><label for="a">A</label><div id="a-hint" class="govuk-hint">Hint</div>'
        '<p id="a-error" class="govuk-error-message">Bad</p>'
        '<input id="a" aria-describedby="a-hint a-error"></form>'
    )
    assert problems_in(good, "good") == []
    missing_id = '<form><label for="a">A</label><input id="a" aria-describedby="id_a_error"></form>'
    assert "'id_a_error' is not on the page" in problems_in(missing_id, "x")[0]
    orphan_error = (
        '<form><label for="a">A</label><p class="govuk-error-message">Bad</p><input id="a"></form>'
    )
    assert "not tied to its field" in problems_in(orphan_error, "x")[0]
    unlabelled = '<form><select name="month"><option>May</option></select></form>'
    assert "has no label" in problems_in(unlabelled, "x")[0]
    wrapped = '<form><label>Month <select name="month"></select></label></form>'
    assert problems_in(wrapped, "x") == []
    hidden = '<form><input type="hidden" name="v"><button type="submit">Go</button></form>'
    assert problems_in(hidden, "x") == []
    for kind in ("date", "DATETIME-LOCAL", "month", "week", "time"):
        native = f'<form><label for="d">D</label><input id="d" name="on" type="{kind}"></form>'
        assert "browser's own date input" in native_date_inputs_in(native, "x")[0]
    govuk = '<form><label for="d">Day</label><input id="d" name="on_day" type="text"></form>'
    assert check(govuk, "x") == []


def test_every_form_page_ties_hints_and_errors_and_labels_every_control(client, council):  # noqa: F811
    users = council["users"]
    client.force_login(users["admin"])
    found = crawl(client, ["/", "/officer/", "/sitemap.xml", "/my/"])
    client.logout()
    found.update({k: v for k, v in extra_urls(council).items() if k not in found})

    problems: list[str] = []
    pages = 0
    # Public pages as the public sees them, and the sign-in page.
    for name in sorted(RULES):
        if RULES[name] == PUBLIC or name == "login":
            url = found[name]
            if (html := html_of(client.get(url))) is not None:
                pages += 1
                problems += check(html, f"anonymous GET {url}")
    # Officer and signed-in pages as an officer; then every officer form posted empty.
    client.force_login(users["officer"])
    to_post = []
    for name in sorted(RULES):
        if RULES[name] in (OFFICER, SIGNED_IN, PUBLIC) and name in found:
            url = found[name]
            if (html := html_of(client.get(url))) is None:
                continue
            pages += 1
            problems += check(html, f"officer GET {url}")
            if RULES[name] == OFFICER and has_post_form(html, url):
                to_post.append(url)
    posted_with_errors = 0
    for url in to_post:
        if (html := html_of(client.post(url, {}))) is None:
            continue
        if "govuk-error-message" in html:
            posted_with_errors += 1
        problems += check(html, f"officer POST {url}")
    # The administrators' pages (issue 21) as an administrator, and their forms posted empty.
    client.force_login(users["admin"])
    for name in sorted(RULES):
        if RULES[name] == ADMINISTRATOR and name in found:
            url = found[name]
            if (html := html_of(client.get(url))) is None:
                continue
            pages += 1
            problems += check(html, f"admin GET {url}")
            if has_post_form(html, url) and (html := html_of(client.post(url, {}))) is not None:
                posted_with_errors += "govuk-error-message" in html
                problems += check(html, f"admin POST {url}")
    client.force_login(users["officer"])
    # Filters given a value they do not offer show their errors too.
    filters_with_errors = 0
    for name in ("meeting-calendar", "committee-list", "person-list", "workprogramme-items"):
        url = found[name].split("?")[0]
        bad = {"committee": "x", "kind": "x", "year": "x", "month": "x"}
        if (html := html_of(client.get(url, bad))) is not None:
            filters_with_errors += "govuk-error-message" in html
            problems += check(html, f"officer GET {url} (bad filter)")
    # The search page's date filter given a date that is not one (an edited bookmark).
    html = html_of(client.get(found["search"].split("?")[0], {"q": "x", "date_from": "2017-13-45"}))
    assert html is not None and "govuk-error-message" in html
    problems += check(html, "GET search (bad date)")
    assert problems == [], "\n".join(sorted(set(problems)))
    # The walk really reached the forms: many pages, and many re-rendered with errors.
    assert pages > 100, pages
    assert posted_with_errors > 20, (posted_with_errors, to_post)
    assert filters_with_errors >= 1, "no filter showed an error for a value it does not offer"


def test_sign_in_and_set_password_pages_tie_errors_to_their_fields(client, db):
    """The account pages, which the walk reaches only as a broken link or a signed-in
    redirect: the sign-in form and a real set-password form, empty and posted empty."""
    from scrutiny.accounts import create_login
    from tests.factories import PersonFactory, make_user

    problems = problems_in(client.get("/accounts/login/").content.decode(), "GET login")
    posted = client.post("/accounts/login/", {"username": "", "password": ""})
    html = posted.content.decode()
    assert 'id="id_username-error"' in html and 'aria-invalid="true"' in html
    problems += problems_in(html, "POST login (empty)")

    officer = make_user("officer", username="a11y-officer")
    person = PersonFactory(name="Aisha Patel")
    link = create_login(person=person, username="aisha.patel", email="a@example.gov.uk", by=officer)
    form_url = client.get(link.path)["Location"]
    problems += problems_in(client.get(form_url).content.decode(), "GET set-password")
    html = client.post(form_url, {"new_password1": "", "new_password2": ""}).content.decode()
    assert "govuk-error-message" in html
    problems += problems_in(html, "POST set-password (empty)")
    assert problems == [], "\n".join(problems)


def test_the_one_field_renderer_names_exactly_the_hint_and_error_it_renders():
    """GOV.UK ids: <field id>-hint and <field id>-error, on the widget for inputs and on the
    fieldset for radios; nothing named that is not rendered."""
    from django import forms

    from scrutiny.forms import BaseForm

    class Example(BaseForm):
        title = forms.CharField(help_text="As printed on the agenda.")
        note = forms.CharField()
        kind = forms.ChoiceField(
            choices=[("a", "A"), ("b", "B")], widget=forms.RadioSelect, help_text="Pick one."
        )

    blank = Example().render()
    doc = lxml.html.fragment_fromstring(blank, create_parent="div")
    assert doc.get_element_by_id("id_title").get("aria-describedby") == "id_title-hint"
    assert doc.get_element_by_id("id_note").get("aria-describedby") is None
    assert problems_in(f"<form>{blank}</form>", "blank") == []

    posted = Example(data={}).render()
    doc = lxml.html.fragment_fromstring(posted, create_parent="div")
    title = doc.get_element_by_id("id_title")
    assert title.get("aria-describedby") == "id_title-hint id_title-error"
    assert title.get("aria-invalid") == "true"
    assert doc.get_element_by_id("id_note").get("aria-describedby") == "id_note-error"
    assert "required" in doc.get_element_by_id("id_note-error").text_content()
    fieldset = doc.xpath("//fieldset")[0]
    assert fieldset.get("aria-describedby") == "id_kind-hint id_kind-error"
    assert all(
        radio.get("aria-describedby") is None for radio in doc.xpath("//input[@type='radio']")
    )
    assert problems_in(f"<form>{posted}</form>", "posted") == []
