"""Crop previews: exactly core's windowed render, shrunk for the screen; refused with reasons."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from jewelreview.editor import inputs as editor_inputs
from jewelreview.editor import previews
from jewelreview.editor.previews import Window, preview_render
from jewelreview.errors import InvalidInput, TooLarge

pytestmark = pytest.mark.django_db

RECIPE = {
    "version": 1,
    "base": "ai",
    "ops": [
        {"op": "refine", "contrast": 40, "shift_edge": 20},
        {"op": "path", "d": "M 5 5 H 15 V 15 H 5 Z", "mode": "add"},
        {"op": "path", "d": "M 30 20 L 40 20 L 35 30 Z", "mode": "subtract", "feather": 2},
    ],
}


def decode(png: bytes) -> tuple[np.ndarray, np.ndarray]:
    rgba = cv2.imdecode(np.frombuffer(png, np.uint8), cv2.IMREAD_UNCHANGED)
    return cv2.cvtColor(rgba[..., :3], cv2.COLOR_BGR2RGB), rgba[..., 3]


def core_window(photo, recipe: dict, window: Window):
    from core import codecs
    from core.recipe import Recipe
    from core.render import render_window
    from core.window import Rect
    from jewelreview import stored_files

    image, ai = codecs.decode_inputs(
        stored_files.read_bytes(photo.original.name), stored_files.read_bytes(photo.ai_mask.name)
    )
    return render_window(image, ai, Recipe.from_dict(recipe), Rect(window.x0, window.y0, window.x1, window.y1))


def preview(client, photo, recipe=RECIPE, rect=None, scale=1.0):
    rect = rect or {"x0": 0, "y0": 0, "x1": photo.width, "y1": photo.height}
    return client.post(
        f"/api/photos/{photo.pk}/preview/", {"recipe": recipe, "rect": rect, "scale": scale}, format="json"
    )


def test_a_preview_is_exactly_cores_render_of_the_window(api, claimed):
    response = preview(api.retoucher, claimed, rect={"x0": 3, "y0": 2, "x1": 41, "y1": 33})
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png" and response["Cache-Control"] == "no-store"
    assert response["X-Preview-Window"] == "3,2,41,33"
    assert set(dict(item.split(";dur=") for item in response["Server-Timing"].split(", "))) == {
        "inputs",
        "render",
        "shrink",
        "encode",
        "total",
    }
    rgb, alpha = decode(response.content)
    expected = core_window(claimed, RECIPE, Window(3, 2, 41, 33))
    assert alpha.shape == (31, 38)
    assert np.array_equal(alpha, expected.alpha)
    visible = expected.alpha > 0  # the PNG writer zeroes colour under alpha 0
    assert np.array_equal(rgb[visible], expected.rgb[visible])
    assert alpha[5:13, 3:12].min() == 255, "the pen square is opaque"


def test_a_preview_at_half_scale_is_the_window_area_averaged(api, claimed):
    response = preview(api.manager, claimed, scale=0.5)
    assert response.status_code == 200
    rgb, alpha = decode(response.content)
    assert alpha.shape == (24, 32)
    from core.codecs import resize_rgba

    full = core_window(claimed, RECIPE, Window(0, 0, 64, 48))
    small_rgb, small_alpha = resize_rgba(full.rgb, full.alpha, (32, 24))
    assert np.array_equal(alpha, small_alpha)
    assert np.array_equal(rgb[small_alpha > 0], small_rgb[small_alpha > 0])


def test_the_auto_base_is_cores_auto_base(api, claimed):
    recipe = {"version": 1, "base": "auto", "ops": [{"op": "path", "d": "M 0 0 H 4 V 4 H 0 Z"}]}
    response = preview(api.retoucher, claimed, recipe=recipe)
    assert response.status_code == 200
    _, alpha = decode(response.content)
    assert np.array_equal(alpha, core_window(claimed, recipe, Window(0, 0, 64, 48)).alpha)


@pytest.mark.parametrize(
    ("body", "code", "field", "message"),
    [
        (
            {"recipe": {"ops": [{"op": "refine", "contrast": 101}]}},
            "invalid_recipe",
            "contrast",
            "ops[0].contrast: must be between 0 and 100, got 101",
        ),
        (  # a preview draws the editor's unsaved recipe inside the request: new work, held to the
            # edge-row budget as a save is (a stored revision over it still renders: repairs' task)
            {"recipe": {"ops": [{"op": "path", "d": "M 0 0" + " l 1 8000 l 1 -8000" * 350}]}},
            "invalid_recipe",
            "ops",
            "ops: paths cross 5,600,000 pixel rows in all, counting each edge once per row it crosses "
            "(ops[0].d alone 5,600,000); the limit is 5,000,000: use fewer or shorter edges",
        ),
        (
            {"rect": {"x0": 10, "y0": 10, "x1": 10, "y1": 20}},
            "invalid_window",
            "rect",
            "The window 10,10 - 10,20 is not a non-empty part of the 64 x 48 photo.",
        ),
        (
            {"rect": {"x0": 0, "y0": 0, "x1": 65, "y1": 48}},
            "invalid_window",
            "rect",
            "The window 0,0 - 65,48 is not a non-empty part of the 64 x 48 photo.",
        ),
        (
            {"scale": 2},
            "invalid_scale",
            "scale",
            "scale must be between 1/64 and 1 (output pixels per image pixel), got 2.",
        ),
        (
            {"scale": 0},
            "invalid_scale",
            "scale",
            "scale must be between 1/64 and 1 (output pixels per image pixel), got 0.",
        ),
    ],
)
def test_bad_requests_are_400_naming_the_field(api, claimed, body, code, field, message):
    request = {"recipe": RECIPE, "rect": {"x0": 0, "y0": 0, "x1": 64, "y1": 48}, "scale": 1.0, **body}
    response = api.retoucher.post(f"/api/photos/{claimed.pk}/preview/", request, format="json")
    assert response.status_code == 400
    error = response.json()
    assert (error["code"], error["details"]["field"], error["message"]) == (code, field, message)


def test_missing_fields_and_nan_are_refused_by_the_serializer(api, claimed):
    response = api.retoucher.post(f"/api/photos/{claimed.pk}/preview/", {"recipe": RECIPE}, format="json")
    assert response.status_code == 400
    assert set(response.json()["details"]["fields"]) == {"rect", "scale"}
    nan = api.retoucher.post(
        f"/api/photos/{claimed.pk}/preview/",
        data='{"recipe": {"ops": []}, "rect": {"x0": 0, "y0": 0, "x1": 4, "y1": 4}, "scale": NaN}',
        content_type="application/json",
    )
    assert nan.status_code == 400


def test_a_preview_past_the_pixel_budget_is_413(api, claimed, monkeypatch):
    monkeypatch.setattr(previews, "MAX_PREVIEW_PIXELS", 100)
    with pytest.raises(TooLarge, match=r"A 16 x 12 preview is larger than the 100 pixels allowed"):
        preview_render(photo=claimed, recipe=RECIPE, window=Window(0, 0, 64, 48), scale=0.25)
    response = preview(api.retoucher, claimed, scale=0.25)
    assert response.status_code == 413 and response.json()["code"] == "preview_too_large"


def test_the_decoded_photo_is_kept_per_process_and_read_only(claimed, monkeypatch):
    from jewelreview import stored_files

    reads = []
    real = stored_files.read_bytes
    monkeypatch.setattr(stored_files, "read_bytes", lambda name: reads.append(name) or real(name))
    window = Window(0, 0, 64, 48)
    preview_render(photo=claimed, recipe=RECIPE, window=window, scale=1)
    preview_render(photo=claimed, recipe={"ops": []}, window=window, scale=1)
    assert reads == [claimed.original.name, claimed.ai_mask.name], "decoded once for both previews"
    (key,) = editor_inputs.inputs_cached_keys()
    assert key == (claimed.pk, claimed.original.name, claimed.ai_mask.name)
    cached = editor_inputs.photo_inputs(photo=claimed)
    with pytest.raises(ValueError, match="read-only"):
        cached.ai_alpha[0, 0] = 1
    with pytest.raises(ValueError, match="read-only"):
        cached.image.rgb[0, 0] = 1


def test_only_the_newest_photos_stay_decoded_within_the_byte_budget(make_photo, monkeypatch):
    one_photo = 64 * 48 * 3 + 64 * 48  # 8-bit RGB and the AI mask of the 64 x 48 test photo
    monkeypatch.setattr(editor_inputs, "MAX_DECODED_BYTES", 2 * one_photo + 1)
    photos = [make_photo(status="in_repair") for _ in range(3)]
    for photo in photos:
        assert editor_inputs.photo_inputs(photo=photo).nbytes == one_photo
    assert [key[0] for key in editor_inputs.inputs_cached_keys()] == [photos[1].pk, photos[2].pk]


def test_the_newest_photo_stays_decoded_even_past_the_byte_budget(make_photo, monkeypatch):
    monkeypatch.setattr(editor_inputs, "MAX_DECODED_BYTES", 1)
    photos = [make_photo(status="in_repair") for _ in range(2)]
    for photo in photos:
        editor_inputs.photo_inputs(photo=photo)
    assert [key[0] for key in editor_inputs.inputs_cached_keys()] == [photos[1].pk]


def test_a_16_bit_original_gets_its_8_bit_copy_once_at_decode_time(monkeypatch):
    from types import SimpleNamespace

    from core import codecs

    rgb16 = np.array([[[0x1234, 0xFF00, 0x00FF]]], np.uint16)
    monkeypatch.setattr(editor_inputs.stored_files, "read_bytes", lambda name: b"")
    monkeypatch.setattr(
        codecs, "decode_inputs", lambda original, mask: (SimpleNamespace(rgb=rgb16), np.zeros((1, 1), np.uint8))
    )
    photo = SimpleNamespace(original=SimpleNamespace(name="o"), ai_mask=SimpleNamespace(name="m"), source_name="o")
    inputs = editor_inputs._decode(photo)
    assert inputs.rgb8() is inputs.rgb8(), "made once, not per request"
    assert inputs.rgb8().tolist() == [[[0x12, 0xFF, 0x00]]]
    with pytest.raises(ValueError, match="read-only"):
        inputs.rgb8()[0, 0, 0] = 1
    assert inputs.nbytes == 6 + 1 + 3  # the 16-bit original, the mask, the 8-bit copy


def test_an_unreadable_original_is_400_naming_the_file(claimed):
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    name = default_storage.save("originals/broken.jpg", ContentFile(b"not a jpeg at all"))
    claimed.original.name = name
    with pytest.raises(InvalidInput, match=r"^SKU-1_view1\.jpg: "):
        preview_render(photo=claimed, recipe=RECIPE, window=Window(0, 0, 4, 4), scale=1)
    assert editor_inputs.inputs_cached_keys() == []


@pytest.mark.parametrize(
    ("role", "status"), [("anonymous", 401), ("nobody", 403), ("reviewer", 403), ("retoucher", 200), ("manager", 200)]
)
def test_previews_are_for_those_who_may_edit(api, claimed, role, status):
    response = preview(getattr(api, role), claimed)
    assert response.status_code == status
    if status == 403:
        assert response.json()["code"] == "role_not_allowed"


def test_an_unknown_photo_is_404(api):
    response = api.retoucher.post(
        "/api/photos/999999/preview/",
        {"recipe": RECIPE, "rect": {"x0": 0, "y0": 0, "x1": 1, "y1": 1}, "scale": 1},
        format="json",
    )
    assert response.status_code == 404 and response.json()["code"] == "photo_not_found"


def test_a_fit_scale_preview_is_rendered_from_a_cached_reduced_level(api, claimed, monkeypatch):
    """Below 50 % the preview comes from a pyramid level (approximate), says so, and has the size asked."""
    from core import reduced

    reductions = []
    real_reduce = reduced.reduce_inputs
    monkeypatch.setattr(reduced, "reduce_inputs", lambda *a: reductions.append(a[2]) or real_reduce(*a))
    first = preview(api.retoucher, claimed, scale=0.25)
    again = preview(api.retoucher, claimed, recipe={**RECIPE, "ops": RECIPE["ops"][1:]}, scale=0.25)
    assert first.status_code == again.status_code == 200
    assert first["X-Preview-Level"] == "0.375"
    assert reductions == [0.375], "the level is reduced once and kept for the next preview"
    assert editor_inputs.photo_inputs(photo=claimed).levels_cached() == [(0.375, "ai")]
    rgb, alpha = decode(first.content)
    assert alpha.shape == (12, 16)
    from core.codecs import resize_rgba

    full = core_window(claimed, RECIPE, Window(0, 0, 64, 48))
    _, exact = resize_rgba(full.rgb, full.alpha, (16, 12))
    assert np.abs(alpha.astype(int) - exact).mean() < 8, "close to the exact render shrunk"


def test_at_half_scale_and_above_the_preview_is_exact_and_says_so(api, claimed):
    response = preview(api.retoucher, claimed, scale=0.5)
    assert response["X-Preview-Level"] == "1"
    assert editor_inputs.photo_inputs(photo=claimed).levels_cached() == []


def test_the_reduced_preview_keeps_a_window_and_the_auto_base(claimed):
    recipe = {"version": 1, "base": "auto", "ops": [{"op": "path", "d": "M 0 0 H 32 V 32 H 0 Z"}]}
    result = preview_render(photo=claimed, recipe=recipe, window=Window(0, 16, 64, 48), scale=0.125)
    assert (result.width, result.height, result.level) == (8, 4, 0.1875)
    _, alpha = decode(result.png)
    assert alpha.shape == (4, 8) and alpha[:2, :4].min() == 255, "the pen square, reduced, is opaque"
    assert editor_inputs.photo_inputs(photo=claimed).levels_cached() == [(0.1875, "auto")]


def test_pyramid_levels_kept_per_photo_are_bounded(claimed, monkeypatch):
    monkeypatch.setattr(editor_inputs, "LEVELS_KEPT", 2)
    inputs = editor_inputs.photo_inputs(photo=claimed)
    for factor in (0.5, 0.25, 0.125):
        rgb, alpha = inputs.level(factor, base="ai")
        assert alpha.shape == (round(48 * factor), round(64 * factor))
        with pytest.raises(ValueError, match="read-only"):
            alpha[0, 0] = 1
    assert inputs.levels_cached() == [(0.25, "ai"), (0.125, "ai")]
