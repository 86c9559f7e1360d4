"""The channel panel's data for a region: pictures, core's scores, histograms, resolved levels."""

from __future__ import annotations

import base64
import hashlib

import cv2
import numpy as np
import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from jewelreview.editor import channel_analysis as analysis_module
from jewelreview.editor.channel_analysis import channel_analysis
from jewelreview.errors import InvalidInput, TooLarge

pytestmark = pytest.mark.django_db

REGION = "M 10 5 H 50 V 45 H 10 Z"


@pytest.fixture
def gold_wire(make_photo):
    """80 x 60: light grey with a 2 px yellow-gold wire at x = 30..31, which the AI mask lost."""
    photo = make_photo(status="in_repair", width=80, height=60)
    rgb = np.full((60, 80, 3), 240, np.uint8)
    rgb[:, 30:32] = (230, 190, 60)  # blue is the channel where the wire stands out (as core's doctest)
    ok, png = cv2.imencode(".png", cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR))
    mask_ok, mask = cv2.imencode(".png", np.zeros((60, 80), np.uint8))
    assert ok and mask_ok
    sha = hashlib.sha256(png.tobytes()).hexdigest()
    photo.original.name = default_storage.save(f"originals/{sha}.png", ContentFile(png.tobytes()))
    photo.ai_mask.name = default_storage.save(f"masks/{sha}.png", ContentFile(mask.tobytes()))
    photo.save()
    return photo


def test_the_region_is_analysed_with_cores_scores_and_its_automatic_choice(gold_wire):
    from core.channels import channel_scores

    result = channel_analysis(photo=gold_wire, region=REGION)
    assert result.box == (10, 5, 50, 45)
    assert result.area == 1600
    rgb = np.full((40, 40, 3), 240, np.uint8)
    rgb[:, 20:22] = (230, 190, 60)
    expected = channel_scores(rgb, np.full((40, 40), 255, np.uint8), ai_alpha=np.zeros((40, 40), np.uint8))
    assert result.scores == {name: round(value, 3) for name, value in expected.items()}
    assert result.best == "b" and max(result.scores, key=result.scores.get) == "b"
    assert (result.levels.channel, result.levels.invert, result.levels.adaptive) == ("b", True, True)
    assert 0 <= result.levels.black < result.levels.white <= 255


def test_histograms_count_the_regions_pixels_per_channel(gold_wire):
    result = channel_analysis(photo=gold_wire, region=REGION)
    for name, wire_value in (("r", 230), ("g", 190), ("b", 60)):
        histogram = result.histograms[name]
        assert len(histogram) == 256 and sum(histogram) == 1600
        assert histogram[wire_value] == 80 and histogram[240] == 1520


def test_each_channel_comes_as_a_picture_of_the_regions_box(gold_wire):
    result = channel_analysis(photo=gold_wire, region="M 10 5 H 30 V 45 H 10 Z M 32 5 H 50 V 45 H 32 Z")
    picture = result.pictures["b"]
    assert picture.startswith("data:image/png;base64,")
    grey = cv2.imdecode(np.frombuffer(base64.b64decode(picture.split(",", 1)[1]), np.uint8), cv2.IMREAD_UNCHANGED)
    assert grey.shape == (40, 40)
    assert grey[0, 0] == 240, "inside the region: the channel as it is"
    assert grey[0, 21] == round(60 * 0.35 + 128 * 0.65), "the wire lies between the two parts: dimmed towards grey"


def test_an_explicit_channel_resolves_that_channel(api, gold_wire):
    response = api.retoucher.post(
        f"/api/photos/{gold_wire.pk}/channels/", {"region": REGION, "channel": "g"}, format="json"
    )
    assert response.status_code == 200
    body = response.json()
    assert body["best"] == "b" and body["levels"]["channel"] == "g"
    assert set(body) == {"box", "area", "scores", "best", "histograms", "pictures", "levels"}
    assert body["box"] == [10, 5, 50, 45]


@pytest.mark.parametrize(
    ("region", "message"),
    [
        ("M 100 100 H 120 V 120 Z", "region: the region lies outside the photo."),
        ("M 10 10 L", "region: "),
        # QA L7: a zero-area region inside the photo was said to lie outside it.
        ("M 0 0 L 0 0 Z", "region: the region has no area (its points lie on one line); draw around the lost detail."),
        ("M 5 5 L 20 5 L 30 5 Z", "region: the region has no area (its points lie on one line)"),
        ("M 0 0 L 10 10 Z", "region: the region has no area (its points lie on one line)"),
        ("M 10 10 L 40 10 L 40 10.2 Z", "region: the region is too thin: no pixel is even half inside it"),
    ],
)
def test_bad_regions_are_refused_naming_the_field(gold_wire, region, message):
    with pytest.raises(InvalidInput) as caught:
        channel_analysis(photo=gold_wire, region=region)
    assert caught.value.message.startswith(message) and caught.value.details == {"field": "region"}
    assert caught.value.code == "invalid_region"


def test_a_region_past_the_budget_is_413(api, gold_wire, monkeypatch):
    monkeypatch.setattr(analysis_module, "MAX_REGION_PIXELS", 1000)
    with pytest.raises(TooLarge, match=r"its box is 40 x 40 px; channel masks take at most 1000 px"):
        channel_analysis(photo=gold_wire, region=REGION)
    response = api.retoucher.post(f"/api/photos/{gold_wire.pk}/channels/", {"region": REGION}, format="json")
    assert response.status_code == 413 and response.json()["code"] == "region_too_large"


def test_an_unknown_channel_is_400_listing_the_channels(api, gold_wire):
    body = {"region": REGION, "channel": "bogus"}
    response = api.retoucher.post(f"/api/photos/{gold_wire.pk}/channels/", body, format="json")
    assert response.status_code == 400
    assert response.json()["message"] == 'channel: "bogus" is not a valid choice; choose one of: auto, r, g, b.'
    assert response.json()["details"]["choices"] == ["auto", "r", "g", "b"]


@pytest.mark.parametrize(
    ("role", "status"), [("anonymous", 401), ("reviewer", 403), ("retoucher", 200), ("manager", 200)]
)
def test_channel_analysis_is_for_those_who_may_edit(api, gold_wire, role, status):
    response = getattr(api, role).post(f"/api/photos/{gold_wire.pk}/channels/", {"region": REGION}, format="json")
    assert response.status_code == status
