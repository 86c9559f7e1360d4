"""Detection and auto-fix proposals are stored (``Photo.autofix_proposal``) keyed on
``core.version.ENGINE_VERSION``, and every render records it: a change to what ``detect`` finds,
what ``propose_recipe`` proposes or the pixels the proposal renders must bump that version, or
photos keep proposals the engine would no longer make.

This test pins all three on two scenes built in code (a studio shot and a cluttered one) to a
fingerprint per engine version. When it fails after a deliberate change: bump ENGINE_VERSION
(core/version.py says why) and add the new version's fingerprint, printed in the failure. A
dependency upgrade (OpenCV, numpy, scipy, pymatting) that changes them counts too."""

from __future__ import annotations

import hashlib
import json

import cv2
import numpy as np

from core.autofix import propose_recipe
from core.detect import detect
from core.recipe import Recipe
from core.render import render_alpha
from core.version import ENGINE_VERSION

FINGERPRINTS = {
    "0.2.1": "6e23f1284bb9cc1d",
    "0.2.2": "6e23f1284bb9cc1d",
    "0.2.3": "6e23f1284bb9cc1d",
    # the exact solve changes none of these small scenes' pixels (the clutter bench's did change)
    "0.2.4": "6e23f1284bb9cc1d",
    # recover ops proposed with follow=32, which also solves the clutter's lines leaving their boxes
    "0.2.5": "4815db6b3b86cd15",
    # the sweep rounds exact half levels up: these scenes' rectangles never reach it
    "0.2.6": "4815db6b3b86cd15",
    # refine feathers of 64 px and more blur on a coarse grid: no proposal has one
    "0.2.7": "4815db6b3b86cd15",
    # recover's unmixed lines: the cluttered scene's lost prongs come back by the earlier steps
    "0.2.8": "4815db6b3b86cd15",
    # lines only the photo shows: these scenes' prongs come back by the earlier steps
    "0.2.9": "4815db6b3b86cd15",
}
# The pixels of recover ops (core.recover, steps 5-7) on scenes whose strands only its later steps
# bring back, which the scenes above do not reach; recorded from engine 0.2.9 on.
RECOVER_FINGERPRINTS = {
    "0.2.9": "a512bb6ff043a0b5",
}


def studio_scene():
    """A gold bar on a light sweep, a 2 px wire standing on it that the mask lost, a soft edge."""
    rng = np.random.default_rng(3)
    ramp = np.linspace(232, 220, 200)[:, None, None] * np.ones((1, 200, 3))
    truth = np.zeros((200, 200))
    truth[120:150, 40:160] = 1.0
    truth[60:120, 99:101] = 1.0
    a = truth[..., None]
    rgb = cv2.GaussianBlur((a * np.array((205, 160, 70), float) + (1 - a) * ramp).astype(np.float32), (0, 0), 0.5)
    rgb = np.clip(rgb + rng.normal(0, 1.2, rgb.shape), 0, 255).astype(np.uint8)
    mask = np.zeros((200, 200), np.uint8)
    mask[120:150, 40:160] = 255
    mask = cv2.GaussianBlur(mask, (0, 0), 1.5)  # a soft, bleeding edge
    return rgb, mask


def cluttered_scene():
    """A dark bar and two dark prongs over blocks of colour and lines; the mask lost the prongs."""
    rng = np.random.default_rng(5)
    blocks = rng.integers(60, 220, (5, 5, 3), dtype=np.uint8)
    rgb = cv2.resize(blocks, (200, 200), interpolation=cv2.INTER_NEAREST)
    for _ in range(12):
        x0, y0, x1, y1 = (int(v) for v in rng.integers(0, 200, 4))
        cv2.line(rgb, (x0, y0), (x1, y1), tuple(int(c) for c in rng.integers(60, 220, 3)), 3)
    rgb[130:160, 30:170] = 25
    rgb[116:130, 70:74] = 25
    rgb[116:130, 120:124] = 25
    rgb = np.clip(rgb + rng.normal(0, 2.0, rgb.shape), 0, 255).astype(np.uint8)
    mask = np.zeros((200, 200), np.uint8)
    mask[130:160, 30:170] = 255
    return rgb, mask


def fingerprint() -> tuple[str, list]:
    outputs = []
    for rgb, mask in (studio_scene(), cluttered_scene()):
        found = detect(rgb, mask)
        proposal = propose_recipe(found)
        fixed = render_alpha(rgb, mask, proposal)
        outputs.append({
            "detection": found.to_dict(),
            "proposal": proposal.to_dict(),
            "pixels": hashlib.sha256(fixed.tobytes()).hexdigest(),
            "changed": int(np.count_nonzero(fixed != mask)),
        })
    text = json.dumps(outputs, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:16], outputs


def test_detection_and_proposals_are_pinned_to_the_engine_version():
    got, outputs = fingerprint()
    # The scenes exercise both paths and both kinds of repair, so the pin means something.
    studio, cluttered = outputs
    assert studio["detection"]["studio_fit"] >= 0.5 > cluttered["detection"]["studio_fit"]
    assert {r["kind"] for r in studio["detection"]["regions"]} >= {"thin_loss"}
    assert any(r["kind"] == "thin_loss" for r in cluttered["detection"]["regions"])
    assert all(o["proposal"]["ops"] and o["changed"] > 50 for o in outputs)
    assert ENGINE_VERSION in FINGERPRINTS, f"no fingerprint for engine {ENGINE_VERSION}: add {got!r}"
    assert got == FINGERPRINTS[ENGINE_VERSION], (
        f"detect, propose or render output changed under engine {ENGINE_VERSION} (fingerprint {got}; "
        f"a code change, or a dependency upgrade): bump ENGINE_VERSION in core/version.py and record it"
    )


def twig_scene():
    """A leafy bar with a 3 px beige twig leaving it at a slant, 90 px out over light and dark
    stripes; the mask lost the twig (the solve fades along it: step 7 brings it back)."""
    rng = np.random.default_rng(7)
    stripes = 115 + 35 * np.sign(np.sin(np.arange(160) / 9.0))
    wall = stripes[None, :, None] * np.ones((140, 1, 3)) * np.array([1.0, 0.97, 1.08])
    truth = np.zeros((140, 160), np.float32)
    truth[100:] = 1
    twig = np.zeros((140, 160), np.uint8)
    cv2.line(twig, (40, 100), (130, 30), 255, 3, lineType=cv2.LINE_AA)
    colour = np.zeros((140, 160, 3), np.float32)
    colour[:] = (70, 100, 40)
    colour[100:104] = (170, 150, 95)
    colour[twig > 0] = (170, 150, 95)
    alpha = np.maximum(truth, twig / 255.0)[..., None]
    rgb = np.clip(alpha * colour + (1 - alpha) * wall + rng.normal(0, 2, wall.shape), 0, 255).astype(np.uint8)
    return rgb, (truth * 255).astype(np.uint8)


def test_recover_ops_are_pinned_to_the_engine_version():
    recover = {"op": "recover", "region": "M 0 0 H 160 V 140 H 0 Z", "radius": 16, "follow": 32}
    recipe = Recipe.from_dict({"ops": [recover]})
    rgb, mask = twig_scene()
    fixed = render_alpha(rgb, mask, recipe)
    assert np.count_nonzero(fixed.astype(int) - mask > 127) > 100  # the twig comes back: the pin means something
    got = hashlib.sha256(fixed.tobytes()).hexdigest()[:16]
    assert ENGINE_VERSION in RECOVER_FINGERPRINTS, f"no recover fingerprint for engine {ENGINE_VERSION}: add {got!r}"
    assert got == RECOVER_FINGERPRINTS[ENGINE_VERSION], (
        f"recover's pixels changed under engine {ENGINE_VERSION} (fingerprint {got}; a code change, or a "
        f"dependency upgrade): bump ENGINE_VERSION in core/version.py and record it"
    )
