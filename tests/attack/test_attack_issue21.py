"""Attacks on issue 21 (an empty start, council settings, brand at run time, constitution,
people and roles) that found something: each test failed before its fix."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from scrutiny.brand import clean_logo
from scrutiny.models import Council
from tests.brand.test_settings import FORM
from tests.factories import make_user

SVG_OPEN = '<svg xmlns="http://www.w3.org/2000/svg">'


def deep_svg(depth: int) -> bytes:
    return (SVG_OPEN + "<g>" * depth + "<rect/>" + "</g>" * depth + "</svg>").encode()


def test_deeply_nested_svg_is_refused_not_a_recursion_error():
    # 20,000 nested groups fit in 140 KB (under the 200 KB limit); the cleaner recursed once a
    # level and raised RecursionError: a 500 on the settings page.
    with pytest.raises(ValidationError) as caught:
        clean_logo("logo.svg", deep_svg(20000))
    assert "nests its elements" in caught.value.messages[0]


def test_ordinary_nesting_is_kept():
    _, cleaned = clean_logo("logo.svg", deep_svg(20))
    assert cleaned.count(b"<g>") == 20 and b"<rect" in cleaned


@pytest.mark.django_db
def test_deep_svg_upload_is_a_message_on_the_page(settings):
    settings.FIRST_RUN_SETUP = True
    client = Client()
    client.force_login(make_user("admin"))
    logo = SimpleUploadedFile("logo.svg", deep_svg(20000), content_type="image/svg+xml")
    response = client.post(reverse("council-setup"), {**FORM, "logo": logo})
    assert response.status_code == 400
    assert b"nests its elements" in response.content
    assert not Council.objects.exists()


@pytest.mark.parametrize(
    "style",
    [
        '<style>rect{background:image-set("https://evil.example/a.png" 1x)}</style>',
        "<style>rect{background:-webkit-image-set('//evil.example/a.png' 1x)}</style>",
        '<rect style="fill:red;background:image-set(&quot;https://evil.example/b&quot; 1x)"/>',
    ],
)
def test_css_strings_that_load_addresses_are_dropped(style):
    # image-set() loads a quoted string as an image with no url(): the url() check missed it.
    _, cleaned = clean_logo("logo.svg", (SVG_OPEN + style + "<rect/></svg>").encode())
    assert b"evil.example" not in cleaned


def test_quoted_font_names_are_kept():
    svg = SVG_OPEN + "<style>text{font-family:'Helvetica Neue',Arial}</style><text>A</text></svg>"
    _, cleaned = clean_logo("logo.svg", svg.encode())
    assert b"Helvetica Neue" in cleaned
