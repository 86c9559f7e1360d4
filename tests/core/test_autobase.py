import cv2
import numpy as np
import pytest

from core.autobase import BackgroundModel, auto_alpha, estimate_background
from core.errors import CoreError
from core.window import Rect

GOLD = np.array([176.0, 128.0, 40.0])  # a dark yellow gold: blue is its contrast channel
GREY = (214, 214, 217)


def sweep(height, width):
    """A light grey studio sweep: darker towards the bottom, mild vignette, slightly cool."""
    y, x = np.mgrid[0:height, 0:width].astype(np.float64)
    ramp = 228.0 - 26.0 * y / height
    vignette = 1.0 - 0.2 * (((x - width / 2) / width) ** 2 + ((y - height / 2) / height) ** 2)
    return (ramp * vignette)[..., None] * np.array([1.0, 1.0, 1.012])


def wire_coverage(height, width, points, width_px):
    """Approximate area coverage of a ``width_px`` wide wire along the polyline ``points``."""
    centre = np.full((height, width), 255, np.uint8)
    cv2.polylines(centre, [np.round(points).astype(np.int32)], False, 0, thickness=1)
    distance = cv2.distanceTransform(centre, cv2.DIST_L2, cv2.DIST_MASK_PRECISE)
    return np.clip(width_px / 2 + 0.5 - distance, 0.0, 1.0)


def studio_scene(height=600, width=800, seed=0, wire_px=2.0, shadow=0.4, noise=1.5):
    """A studio shot and its truth: gold ring, thin wire and soft contact shadow on a sweep.

    Returns ``rgb`` (uint8), ``true_alpha`` (float in [0, 1]), ``wire`` (bool: the wire's
    core, away from the ring) and ``shadow_zone`` (bool: pixels only the shadow darkens, at
    least 4 px from any object).
    """
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:height, 0:width].astype(np.float64)
    s = min(height, width)
    cx, cy, outer, inner = width * 0.42, height * 0.45, 0.26 * s, 0.20 * s
    radius = np.hypot(x - cx, y - cy)
    ring = np.clip(outer + 0.5 - radius, 0, 1) * np.clip(radius - inner + 0.5, 0, 1)

    t = np.linspace(0, 1, 400)[:, None]
    start, bend, end = (
        np.array([cx + outer - 2, cy]),
        np.array([width * 0.95, height * 0.35]),
        np.array([width * 0.86, height * 0.92]),
    )
    curve = (1 - t) ** 2 * start + 2 * (1 - t) * t * bend + t**2 * end
    wire = wire_coverage(height, width, curve, wire_px)
    alpha = np.maximum(ring, wire)

    cast = np.roll(ring, round(0.02 * s), axis=0).astype(np.float32)
    small = cv2.resize(cast, (width // 4, height // 4), interpolation=cv2.INTER_AREA)  # blur at 1/4: fast
    cast = cv2.resize(cv2.GaussianBlur(small, (0, 0), 0.005 * s), (width, height), interpolation=cv2.INTER_LINEAR)
    cast /= max(float(cast.max()), 1e-6)
    background = sweep(height, width) * (1.0 - shadow * cast)[..., None]
    rim = np.clip(np.minimum(outer - radius, radius - inner) / (0.3 * (outer - inner)), 0, 1)
    metal = GOLD * (0.8 + 0.2 * rim)[..., None]
    image = background * (1 - alpha[..., None]) + metal * alpha[..., None] + rng.normal(0.0, noise, (height, width, 3))
    rgb = np.clip(np.round(image), 0, 255).astype(np.uint8)

    near_ring = cv2.dilate((ring > 0).astype(np.uint8), np.ones((9, 9), np.uint8)) > 0
    far = cv2.dilate((alpha > 0).astype(np.uint8), np.ones((9, 9), np.uint8)) == 0
    return rgb, alpha, (wire >= 0.99) & ~near_ring, far & (cast > 0.3)


def iou(alpha, true_alpha):
    found, truth = alpha >= 128, true_alpha >= 0.5
    return (found & truth).sum() / (found | truth).sum()


@pytest.fixture(scope="module")
def scene():
    return studio_scene()


@pytest.fixture(scope="module")
def scene_alpha(scene):
    return auto_alpha(scene[0])


# --- the studio scene ----------------------------------------------------------------------


def test_studio_scene_matches_the_truth(scene, scene_alpha):
    rgb, true_alpha, _, _ = scene
    assert scene_alpha.shape == rgb.shape[:2] and scene_alpha.dtype == np.uint8
    assert iou(scene_alpha, true_alpha) >= 0.95
    assert np.abs(scene_alpha / 255.0 - true_alpha).mean() < 0.01


def test_thin_wire_is_recovered(scene, scene_alpha):
    _, _, wire, _ = scene
    assert wire.sum() > 300
    assert (scene_alpha[wire] >= 128).mean() >= 0.9


def test_soft_contact_shadow_stays_transparent(scene, scene_alpha):
    _, _, _, shadow_zone = scene
    assert shadow_zone.sum() > 1000
    assert scene_alpha[shadow_zone].mean() / 255.0 < 0.1
    assert (scene_alpha[shadow_zone] >= 128).mean() < 0.01


def test_strong_shadow_without_object_is_transparent():
    rng = np.random.default_rng(3)
    blob = np.zeros((300, 400), np.float32)
    cv2.ellipse(blob, (200, 170), (90, 30), 0, 0, 360, 1.0, -1)
    blob = cv2.GaussianBlur(blob, (0, 0), 12)
    image = sweep(300, 400) * (1.0 - 0.4 * blob / blob.max())[..., None] + rng.normal(0, 1.5, (300, 400, 3))
    alpha = auto_alpha(np.clip(np.round(image), 0, 255).astype(np.uint8))
    assert (alpha >= 128).sum() == 0
    assert alpha.mean() < 0.5


def test_wire_thinner_than_a_work_pixel_is_recovered_at_full_size():
    # 2700 px wide: the work copy is 1/3 size, where the 2 px wire covers 2/3 of a pixel.
    rgb, true_alpha, wire, _ = studio_scene(900, 2700, seed=5, wire_px=2.0)
    alpha = auto_alpha(rgb)
    assert (alpha[wire] >= 128).mean() >= 0.8
    assert iou(alpha, true_alpha) >= 0.95


def test_chain_leaving_the_frame_is_kept_to_the_border():
    rng = np.random.default_rng(4)
    height, width = 300, 400
    curve = np.stack([np.linspace(120, 330, 200), 140 - 140 * np.linspace(0, 1, 200) ** 2], axis=1) - [0, 2]
    coverage = wire_coverage(height, width, curve, 3.0)
    image = sweep(height, width) * (1 - coverage[..., None]) + GOLD * coverage[..., None]
    image += rng.normal(0, 1.5, image.shape)
    alpha = auto_alpha(np.clip(np.round(image), 0, 255).astype(np.uint8))
    core = coverage >= 0.99
    assert (alpha[core] >= 128).mean() >= 0.9
    assert (alpha[:3][core[:3]] >= 128).all()  # the part in the border strip too
    assert iou(alpha, coverage) >= 0.8


# --- degenerate input ------------------------------------------------------------------------


def test_uniform_image_gives_an_empty_alpha():
    alpha = auto_alpha(np.full((120, 160, 3), GREY, np.uint8))
    assert alpha.shape == (120, 160) and alpha.dtype == np.uint8
    assert alpha.max() == 0


def test_noisy_gradient_without_object_gives_an_almost_empty_alpha():
    rng = np.random.default_rng(7)
    image = sweep(400, 600) + rng.normal(0, 2.0, (400, 600, 3))
    alpha = auto_alpha(np.clip(np.round(image), 0, 255).astype(np.uint8))
    assert (alpha >= 128).sum() == 0
    assert alpha.mean() < 0.1


@pytest.mark.parametrize("shape", [(1, 1), (2, 3), (8, 8), (1, 50), (50, 1), (5, 300)])
def test_tiny_and_thin_images_work(shape):
    alpha = auto_alpha(np.full(shape + (3,), GREY, np.uint8))
    assert alpha.shape == shape and alpha.dtype == np.uint8
    assert alpha.max() == 0


def test_object_in_an_8x8_image_is_found():
    rgb = np.full((8, 8, 3), GREY, np.uint8)
    rgb[3:5, 3:6] = GOLD.astype(np.uint8)
    alpha = auto_alpha(rgb)
    expected = np.zeros((8, 8), np.uint8)
    expected[3:5, 3:6] = 255
    np.testing.assert_array_equal(alpha, expected)


@pytest.mark.parametrize("height, width", [(240, 700), (700, 240)])
def test_non_square_images(height, width):
    rgb, true_alpha, _, _ = studio_scene(height, width, seed=2, wire_px=3.0)
    alpha = auto_alpha(rgb)
    assert alpha.shape == (height, width)
    assert iou(alpha, true_alpha) >= 0.9


# --- contract ----------------------------------------------------------------------------------


def test_input_is_not_mutated_and_may_be_read_only(scene):
    rgb = scene[0].copy()
    before = rgb.copy()
    rgb.setflags(write=False)
    auto_alpha(rgb)
    estimate_background(rgb)
    np.testing.assert_array_equal(rgb, before)


def test_deterministic(scene, scene_alpha):
    np.testing.assert_array_equal(auto_alpha(scene[0].copy()), scene_alpha)


def test_uint16_is_read_as_its_high_byte(scene, scene_alpha):
    wide = scene[0].astype(np.uint16) * 257
    np.testing.assert_array_equal(auto_alpha(wide), scene_alpha)


@pytest.mark.parametrize(
    "bad, message",
    [
        (np.zeros((10, 10), np.uint8), "must be an (H, W, 3) RGB array, got shape (10, 10)"),
        (np.zeros((10, 10, 4), np.uint8), "must be an (H, W, 3) RGB array, got shape (10, 10, 4)"),
        (np.zeros((0, 10, 3), np.uint8), "the image is empty (10x0 pixels)"),
        (np.zeros((10, 10, 3), np.float32), "must be uint8 (or uint16), got dtype float32"),
    ],
)
def test_bad_input_is_refused_with_a_message(bad, message):
    with pytest.raises(CoreError) as error:
        auto_alpha(bad)
    assert message in str(error.value)
    with pytest.raises(CoreError):
        estimate_background(bad)


# --- background model -------------------------------------------------------------------------


def test_background_model_follows_the_sweep_under_the_objects(scene):
    rgb = scene[0]
    model = estimate_background(rgb)
    assert isinstance(model, BackgroundModel) and model.shape == rgb.shape[:2]
    clean = sweep(*rgb.shape[:2])
    rendered = model.render()
    assert rendered.shape == rgb.shape and rendered.dtype == np.float32
    assert np.abs(rendered - clean).max() < 1.5  # objects and shadow are trimmed away
    assert 1.0 <= model.noise <= 2.0  # the scene's noise is 1.5


def test_background_render_window_and_size_agree_with_full_render(scene):
    model = estimate_background(scene[0])
    full = model.render()
    window = Rect(100, 50, 130, 70)
    np.testing.assert_allclose(model.render(window=window), full[window.slices()], atol=1e-3)
    np.testing.assert_allclose(model.render(window=Rect(-5, -5, 3, 2)), full[:2, :3], atol=1e-3)
    small = model.render((60, 80))  # 10x10 blocks: centre of block (0, 0) is pixel (4.5, 4.5)
    assert small.shape == (60, 80, 3)
    np.testing.assert_allclose(small[0, 0], full[4:6, 4:6].mean(axis=(0, 1)), atol=0.05)


def test_background_of_a_constant_image_is_that_constant():
    model = estimate_background(np.full((30, 40, 3), (10, 120, 250), np.uint8))
    np.testing.assert_allclose(model.render(), np.broadcast_to([10, 120, 250], (30, 40, 3)), atol=1e-3)
