"""The brand colour: WCAG contrast of white text on it, and the darker shade suggested."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from scrutiny import brand


@pytest.mark.parametrize(
    ("colour", "ratio"),
    [("#000000", 21.0), ("#ffffff", 1.0), ("#00594f", 8.26), ("#1d70b8", 5.17)],
)
def test_contrast_of_white_text_matches_wcag(colour, ratio):
    assert brand.white_contrast(colour) == pytest.approx(ratio, abs=0.01)


def test_a_dark_enough_colour_is_accepted_and_normalised():
    assert brand.check_brand_colour(" #00594F ") == "#00594f"
    assert brand.check_brand_colour("#036") == "#003366"


@pytest.mark.parametrize("colour", ["#ffcc00", "#4c9f38", "#f0007d", "#00a3e0", "#fefefe"])
def test_a_light_colour_is_refused_with_a_darker_shade_that_passes(colour):
    with pytest.raises(ValidationError) as refused:
        brand.check_brand_colour(colour)
    error = refused.value.error_list[0]
    suggestion = error.params["suggestion"]
    assert suggestion in str(refused.value)
    assert brand.white_contrast(suggestion) >= 4.5
    # The lightest such shade: one step lighter fails.
    r, g, b = (int(suggestion[i : i + 2], 16) for i in (1, 3, 5))
    original = [int(colour[i : i + 2], 16) for i in (1, 3, 5)]
    assert all(s <= o for s, o in zip((r, g, b), original, strict=True))
    assert brand.white_contrast(colour) < 4.5
    assert brand.check_brand_colour(suggestion) == suggestion


def test_the_suggestion_is_the_lightest_passing_step():
    colour = "#4c9f38"
    suggestion = brand.suggest_darker(colour)
    steps = [brand._mix(colour, "#000000", s / 100) for s in range(101)]
    index = steps.index(suggestion)
    assert index > 0 and brand.white_contrast(steps[index - 1]) < 4.5


@pytest.mark.parametrize("value", ["", "green", "#12345", "#gggggg", "rgb(0,0,0)", "#00594f;x"])
def test_a_colour_that_is_not_a_hex_code_is_refused(value):
    with pytest.raises(ValidationError, match="hex code"):
        brand.check_brand_colour(value)


def test_shades_css_sets_the_custom_properties():
    css = brand.shades("#00594f").css()
    assert "--brand-colour:#00594f" in css
    assert "--brand-colour-dark:#003e37" in css
    assert "--brand-colour-light:" in css
