"""Tests for core.channel_params: resolved settings of a channel op, their checks and units."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.channel_params import AdaptiveSource, ChannelParams, check_settings, from_contrast, to_contrast
from core.errors import InvalidRecipeError


def test_levels_convert_to_contrast_and_back():
    # A lighter source at reference 200: Levels 210..230 are 10..30 levels above the background.
    assert to_contrast(210, 230, 200, False) == (10, 30)
    # A darker (inverted) one: Levels 170..190 are 30..10 below, i.e. contrast 10..30.
    assert to_contrast(170, 190, 200, True) == (10, 30)
    assert from_contrast(10, 30, 200, True) == (170, 190)


@given(st.floats(0, 200), st.floats(1, 55), st.floats(0, 255), st.booleans())
def test_contrast_round_trip(black, span, reference, invert):
    lo, hi = to_contrast(black, black + span, reference, invert)
    assert lo < hi
    b, w = from_contrast(lo, hi, reference, invert)
    assert b == pytest.approx(black) and w == pytest.approx(black + span)


def test_sources_lists_the_first_source_then_the_others():
    other = AdaptiveSource("b", True, 220.0, 228.0, 232.0, 0.1, 0.7)
    fields = ("g", 229.0, 238.0, 1.0, False, True, (0.0,) * 9, 227.5, -0.4, 1.4)
    params = ChannelParams(*fields, also=(other,))
    first, second = params.sources()
    assert (first.channel, first.invert, first.black, first.white, first.reference) == ("g", False, 229.0, 238.0, 227.5)
    assert (first.offset, first.noise) == (-0.4, 1.4)
    assert second is other
    assert hash(params) == hash(ChannelParams(*fields, also=(other,)))


def test_further_sources_need_adaptive_levels():
    other = AdaptiveSource("b", True, 220.0, 228.0, 232.0)
    with pytest.raises(InvalidRecipeError) as info:
        ChannelParams("g", 10.0, 20.0, also=(other,))
    assert info.value.field == "also"


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (("x", True, 1.0, 2.0, 3.0), "channel"),
        (("r", True, 5.0, 5.0, 3.0), "white"),
        (("r", True, -1.0, 5.0, 3.0), "black"),
    ],
)
def test_bad_sources_name_the_field(args, field):
    with pytest.raises(InvalidRecipeError) as info:
        AdaptiveSource(*args)
    assert info.value.field == field


def test_a_source_needs_a_positive_noise():
    with pytest.raises(InvalidRecipeError, match="positive noise"):
        AdaptiveSource("r", False, 1.0, 2.0, 3.0, 0.0, 0.0)


@pytest.mark.parametrize(
    ("settings", "field", "message"),
    [
        (("x", None, None, 1.0, None), "channel", "must be one of auto, r, g, b, got 'x'"),
        (("auto", 150, 50, 1.0, None), "white", "must be greater than black (150), got 50"),
        (("auto", float("nan"), None, 1.0, None), "black", "must be a number between 0 and 255, got nan"),
        (("auto", None, None, 11, None), "gamma", "must be a number between 0.1 and 10, got 11"),
        (("auto", None, None, 1.0, 1), "invert", "must be true, false or null, got 1"),
    ],
)
def test_check_settings_names_the_field(settings, field, message):
    with pytest.raises(InvalidRecipeError) as info:
        check_settings(*settings)
    assert info.value.field == field and info.value.message == message


def test_automatic_settings_are_valid():
    check_settings("auto", None, None, 1.0, None)
    check_settings("b", 0, 255, 0.1, True)
