"""Issue 14: no 500 anyone can trigger. A property-based test (Hypothesis) walks every URL
pattern of the URL conf (``get_resolver``, recursively), fills its path converters and the
portal's query parameters with generated values — NUL and other control characters, huge
numbers, unicode, over-long strings, impossible dates — and asserts that no anonymous GET
answers with a server error. Runs on SQLite (``make test-sqlite``) and PostgreSQL
(``make test-postgres``), where NUL bytes and out-of-range integers used to be DataErrors.

The run is bounded: ``EXAMPLES_PER_PATTERN`` generated requests per pattern, the same seeds
every run (``derandomize``), no example database, well under a minute in all."""

from __future__ import annotations

import re
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from django.core.management import call_command
from django.urls import converters
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tests.site.test_guards import walk_patterns

ROOT = Path(__file__).resolve().parents[2]
APPS = ("scrutiny", "meetings", "performance", "workprogramme", "opendata")
EXAMPLES_PER_PATTERN = 5
CONVERTER = re.compile(r"<(?:(?P<conv>[^>:]+):)?(?P<name>[^>]+)>")

# Values that broke something once, tried for every parameter.
NASTY = [
    "\x00",
    "a\x00b",
    "\x01\x1f",
    "-1",
    "0",
    "99999999999999999999999999999999",
    str(2**63),
    "1e309",
    "NaN",
    "x" * 5000,
    "ü€😀\u202e",
    "0001-01-01",
    "0001-01-01T00:00:00Z",
    "9999-12-31T23:59:59+99:00",
    "2017-13-45",
    "2017-10-01T25:00:00Z",
    "../../etc/passwd",
    "<script>",
    "' OR 1=1 --",
]
# OParl filters and paging (issue 14), besides what the code reads below.
EXTRA_PARAMETERS = {
    "modified_since",
    "modified_until",
    "created_since",
    "created_until",
    "limit",
    "page",
    "q",
    "p",
    "sort",
}


def query_parameters() -> list[str]:
    """Every query parameter the portal reads: ``request.GET`` keys in the source, the
    fields of every filter set and search form, and the OParl filters."""
    names = set(EXTRA_PARAMETERS)
    pattern = re.compile(r"GET(?:\.get|\.getlist)?[\[(]\s*[\"']([A-Za-z_]+)[\"']")
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            names.update(pattern.findall(path.read_text()))
    from opendata.forms import SearchForm
    from scrutiny.filters import GovukFilterSet

    stack = list(GovukFilterSet.__subclasses__())
    while stack:
        cls = stack.pop()
        stack.extend(cls.__subclasses__())
        names.update(cls.base_filters)
    names.update(SearchForm.base_fields)
    return sorted(names)


def text_values(real: list[str]):
    return st.one_of(
        st.sampled_from(NASTY),
        st.sampled_from(real or ["x"]),
        st.text(min_size=0, max_size=40),
        st.text(alphabet=st.characters(codec="utf-8"), min_size=1000, max_size=1200),
        st.integers(min_value=-(10**30), max_value=10**30).map(str),
        st.dates().map(str),
    )


def segment_values(converter, real: list[str]):
    """A value for one path converter: mostly what it matches (so the view runs), also
    anything at all (so the resolver and the guard do)."""
    if isinstance(converter, converters.IntConverter):
        matching = st.one_of(
            st.integers(min_value=0, max_value=60),
            st.integers(min_value=2**31, max_value=10**40),
            st.sampled_from([2**63 - 1, 2**63, 2**64]),
        ).map(str)
    else:
        regex = converter.regex
        matching = st.one_of(
            st.sampled_from([v for v in real if re.fullmatch(regex, v)] or ["x"]),
            st.from_regex(rf"\A(?:{regex})\Z").filter(lambda v: len(v) < 2000),
        )
    anything = st.text(min_size=1, max_size=50).filter(lambda v: "/" not in v)
    return st.one_of(matching, st.sampled_from(NASTY), anything)


@pytest.fixture
def demo(db):
    call_command("load_demo_data", stdout=open("/dev/null", "w"))  # noqa: SIM115


def real_urls(client) -> tuple[list[str], dict[str, dict[str, str]]]:
    """Path segments of the public sitemap, and for each pattern the arguments of a real
    URL of it (public pages, calendars, feeds, the API's index and its links)."""
    from django.urls import Resolver404, resolve

    from tests.site.test_guards import sitemap_paths

    paths = ["/" + p.split("?")[0] for p in sitemap_paths(client)]
    api = client.get("/api/oparl/v1/body/1").content.decode()
    paths += re.findall(r"http://testserver(/api/[^\"?]+)", api)
    segments, arguments = set(), {}
    for path in paths:
        segments.update(part for part in path.split("/") if part)
        try:
            match = resolve(path)
        except Resolver404:
            continue
        arguments.setdefault(match.route, {k: str(v) for k, v in match.kwargs.items()})
    return sorted(segments), arguments


def test_no_anonymous_get_of_any_url_pattern_is_a_server_error(client, demo):
    real, arguments = real_urls(client)
    params = query_parameters()
    assert {"year", "committee", "page", "q", "modified_since"} <= set(params)
    patterns = [
        (route, pattern)
        for route, pattern in walk_patterns()
        if not route.startswith("django-admin") and not any(c in route for c in "^$(")
    ]
    assert len(patterns) > 100
    started = time.monotonic()
    seen: list[str] = []

    def plausible(converter) -> str:
        """A value the converter matches that names a real record where one exists."""
        if isinstance(converter, converters.IntConverter):
            return "1"
        return next((v for v in real if re.fullmatch(converter.regex, v)), "x")

    def tester(route: str, convs: dict):
        def url_for(path: dict[str, str]) -> str:
            return "/" + CONVERTER.sub(lambda m: quote(path[m["name"]], safe=""), route)

        @settings(
            max_examples=EXAMPLES_PER_PATTERN,
            deadline=None,
            database=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
        )
        @given(
            path=st.fixed_dictionaries(
                {name: segment_values(conv, real) for name, conv in convs.items()}
            ),
            query=st.dictionaries(st.sampled_from(params), text_values(real), max_size=4),
        )
        def request_pattern(path, query):
            url = url_for(path)
            response = client.get(url, query)
            seen.append(url)
            # A 503 with Retry-After is an answer, not an error: a held meeting's pack that
            # was left to be built on demand is "being prepared" (packs.services).
            prepared = response.status_code == 503 and response.has_header("Retry-After")
            assert response.status_code < 500 or prepared, (url, query, response.status_code)

        # Explicit examples first, every run: each nasty value in every query parameter at
        # once on a page that exists, and in every path segment.
        good_path = arguments.get(route) or {n: plausible(c) for n, c in convs.items()}
        for value in (
            "\x00",
            "x" * 5000,
            "-1",
            "99999999999999999999999",
            "2017-13-45",
            "0001-01-01T00:00:00Z",
            "9999-12-31T23:59:59+99:00",
            "ü😀\u202e",
        ):
            request_pattern = example(path=good_path, query=dict.fromkeys(params, value))(
                request_pattern
            )
            if convs:
                request_pattern = example(path=dict.fromkeys(convs, value), query={})(
                    request_pattern
                )
        return request_pattern

    for route, pattern in patterns:
        tester(route, pattern.pattern.converters)()

    elapsed = time.monotonic() - started
    print(f"{len(seen)} requests over {len(patterns)} patterns in {elapsed:.1f} s")
    assert len(seen) >= len(patterns) * 2
    # The budget of the suite: generated requests must stay quick.
    assert elapsed < 240, f"{len(seen)} requests took {elapsed:.0f} s"
