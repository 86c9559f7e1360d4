"""Previews and channel analysis under load: the rendered area cap, the render slots, the throttles."""

from __future__ import annotations

import pytest

from jewelreview.editor import previews, render_slots
from jewelreview.editor.previews import Window, preview_render
from jewelreview.errors import TooLarge

pytestmark = pytest.mark.django_db

RECIPE = {"version": 1, "base": "ai", "ops": [{"op": "path", "d": "M 5 5 H 15 V 15 H 5 Z", "mode": "add"}]}
WHOLE = {"x0": 0, "y0": 0, "x1": 64, "y1": 48}


def test_the_rendered_area_is_capped_not_only_the_output():
    # A 0.5-scale preview of an 8192 x 8192 window: 16 MP out, but 67 MP if rendered exactly.
    assert previews._render_level(Window(0, 0, 8192, 8192), 0.5) == 0.5
    assert previews._render_level(Window(0, 0, 4096, 4096), 0.5) == 1.0  # 16 MP: exact
    assert previews._render_level(Window(0, 0, 5000, 5000), 0.7) == 0.75


def test_a_window_too_big_even_reduced_is_refused_with_the_limit():
    with pytest.raises(TooLarge) as caught:
        previews._render_level(Window(0, 0, 4400, 4400), 0.95)  # only the exact level is >= 0.95
    assert caught.value.code == "preview_render_too_large"
    assert caught.value.details == {"limit_pixels": previews.MAX_RENDER_PIXELS, "window_pixels": 4400 * 4400}


def test_a_big_window_at_half_scale_renders_reduced(claimed, monkeypatch):
    monkeypatch.setattr(previews, "MAX_RENDER_PIXELS", 64 * 48 // 4)
    preview = preview_render(photo=claimed, recipe=RECIPE, window=Window(0, 0, 64, 48), scale=0.5)
    assert preview.level == 0.5 and (preview.width, preview.height) == (32, 24)


def test_the_cap_counts_the_whole_recover_region_a_small_window_touches(api, claimed, monkeypatch):
    # 64 x 48 photo; cap at 40 x 40 px: a 10 x 10 window is fine alone, but it touches a recover
    # region of the whole photo, which every exact preview re-solves whole.
    monkeypatch.setattr(previews, "MAX_RENDER_PIXELS", 40 * 40)
    small = {"x0": 0, "y0": 0, "x1": 10, "y1": 10}
    url = f"/api/photos/{claimed.pk}/preview/"
    assert api.retoucher.post(url, {"recipe": RECIPE, "rect": small, "scale": 1}, format="json").status_code == 200
    recover = {"version": 1, "ops": [{"op": "recover", "region": "M 0 0 H 64 V 48 H 0 Z", "radius": 16}]}
    response = api.retoucher.post(url, {"recipe": recover, "rect": small, "scale": 1}, format="json")
    assert response.status_code == 413
    body = response.json()
    assert body["code"] == "preview_region_too_large" and "recover region of 64 x 48 px" in body["message"]
    assert body["details"] == {"limit_pixels": 40 * 40, "working_pixels": 64 * 48}
    # Ops' context margins alone never trip it: a refine over a window the size of the cap renders.
    refine = {"version": 1, "ops": [{"op": "refine", "contrast": 15, "shift_edge": 10}]}
    fits = {"x0": 0, "y0": 0, "x1": 40, "y1": 40}
    assert api.retoucher.post(url, {"recipe": refine, "rect": fits, "scale": 1}, format="json").status_code == 200
    # The same window, away from a smaller region, renders.
    corner = {"version": 1, "ops": [{"op": "recover", "region": "M 50 30 H 60 V 44 H 50 Z", "radius": 2}]}
    assert api.retoucher.post(url, {"recipe": corner, "rect": small, "scale": 1}, format="json").status_code == 200


def test_previews_answer_503_with_retry_after_when_every_slot_is_taken(api, claimed, monkeypatch):
    monkeypatch.setattr(render_slots, "SLOT_WAIT_SECONDS", 0.01)
    taken = [render_slots._slots.acquire(blocking=False) for _ in range(render_slots.RENDER_SLOTS)]
    assert all(taken)
    try:
        preview = api.retoucher.post(
            f"/api/photos/{claimed.pk}/preview/", {"recipe": RECIPE, "rect": WHOLE, "scale": 1}, format="json"
        )
        channels = api.retoucher.post(
            f"/api/photos/{claimed.pk}/channels/", {"region": "M 0 0 H 20 V 20 H 0 Z"}, format="json"
        )
    finally:
        for _ in taken:
            render_slots._slots.release()
    for response in (preview, channels):
        assert response.status_code == 503
        assert response["Retry-After"] == str(render_slots.BUSY_RETRY_AFTER_SECONDS)
        assert response.json()["code"] == "editor_busy"
        assert "busy" in response.json()["message"]
    # The slots are free again.
    with render_slots.render_slot():
        pass


def test_a_preview_past_its_time_starts_no_further_op_and_says_what_to_do(api, claimed, monkeypatch):
    """QA: 20 refine ops of feather 250 held a render slot 30 s, 500 for minutes, while everyone
    else's previews got 503. Past PREVIEW_SECONDS a preview starts no further op: 422, the slot free."""
    import core.apply

    applied = []
    real_apply = core.apply.apply_op

    def counted_apply(op, ctx, alpha, rgb):
        applied.append(op.name)
        return real_apply(op, ctx, alpha, rgb)

    monkeypatch.setattr("core.render.apply_op", counted_apply)
    monkeypatch.setattr(previews, "PREVIEW_SECONDS", 0.0)  # up before the first op
    hidden = {"op": "refine", "feather": 250, "enabled": False}  # the list numbers it; the render skips it
    heavy = {"version": 1, "ops": [hidden] + [{"op": "refine", "feather": 250}] * 5}
    url = f"/api/photos/{claimed.pk}/preview/"
    for scale in (1, 0.25):  # the exact render and the reduced one
        applied.clear()
        response = api.retoucher.post(url, {"recipe": heavy, "rect": WHOLE, "scale": scale}, format="json")
        assert response.status_code == 422, response.content
        body = response.json()
        assert body["code"] == "preview_too_slow" and applied == []
        assert body["message"].startswith("This preview took more than 0 s and was stopped before op 2 of 6")
        assert "Zoom out" in body["message"] and "saved revision renders in the background" in body["message"]
        assert body["details"] == {"limit_seconds": 0.0, "op_index": 1, "ops": 6}
    assert render_slots._slots.acquire(blocking=False)  # given back
    render_slots._slots.release()
    monkeypatch.setattr(previews, "PREVIEW_SECONDS", 60.0)
    assert api.retoucher.post(url, {"recipe": heavy, "rect": WHOLE, "scale": 1}, format="json").status_code == 200
    assert len(applied) == 5


def test_a_slot_is_released_when_the_render_fails(claimed):
    bad = {"version": 1, "ops": [{"op": "refine", "contrast": 999}]}
    for _ in range(render_slots.RENDER_SLOTS + 1):
        with pytest.raises(Exception):
            preview_render(photo=claimed, recipe=bad, window=Window(0, 0, 64, 48), scale=1)
    assert render_slots._slots.acquire(blocking=False)
    render_slots._slots.release()


def test_previews_are_throttled_per_user(api, claimed, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"editor_preview": "2/minute", "editor_channels": "1/minute"},
    }
    url = f"/api/photos/{claimed.pk}/preview/"
    body = {"recipe": RECIPE, "rect": WHOLE, "scale": 1}
    codes = [api.retoucher.post(url, body, format="json").status_code for _ in range(3)]
    assert codes == [200, 200, 429]
    assert api.manager.post(url, body, format="json").status_code == 200  # per user
    channels = f"/api/photos/{claimed.pk}/channels/"
    region = {"region": "M 0 0 H 20 V 20 H 0 Z"}
    codes = [api.retoucher.post(channels, region, format="json").status_code for _ in range(2)]
    assert codes == [200, 429]
