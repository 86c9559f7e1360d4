"""``python -m core detect`` and ``python -m core autofix``, run as other tools run them."""

import json
import subprocess
import sys
from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image

from core.recipe import Recipe

ROOT = Path(__file__).resolve().parents[2]


def run(*args):
    return subprocess.run([sys.executable, "-m", "core", *map(str, args)], cwd=ROOT, capture_output=True, text=True,
                          timeout=120)


@pytest.fixture()
def scene(tmp_path):
    """A gold bar on a light sweep with a 2 px wire the AI mask dropped (seeded noise, JPEG)."""
    rng = np.random.default_rng(0)
    truth = np.zeros((160, 160), np.float32)
    truth[100:130, 30:130] = 1
    truth[40:100, 79:81] = 1
    sweep = np.linspace(232, 220, 160, dtype=np.float32)[:, None, None] * np.ones((1, 160, 3), np.float32)
    rgb = truth[..., None] * np.array((205, 160, 70), np.float32) + (1 - truth[..., None]) * sweep
    rgb = np.clip(cv2.GaussianBlur(rgb, (0, 0), 0.5) + rng.normal(0, 1.2, rgb.shape), 0, 255).astype(np.uint8)
    photo = tmp_path / "ring.jpg"
    Image.fromarray(rgb).save(photo, quality=92)
    ai = (truth * 255).astype(np.uint8)
    ai[40:100, 79:81] = 0
    mask = tmp_path / "ring_ai.png"
    cv2.imwrite(str(mask), ai)
    return photo, mask


def test_detect_prints_regions_and_risk(scene):
    photo, mask = scene
    proc = run("detect", photo, "--mask", mask)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.strip().splitlines()
    assert lines[0].startswith("thin_loss")
    assert lines[-1].startswith("risk ")


def test_detect_json_is_the_detection_document(scene):
    photo, mask = scene
    proc = run("detect", photo, "--mask", mask, "--json")
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    assert set(doc) == {"version", "size", "risk", "studio_fit", "edge_sharpness", "regions"}
    assert doc["size"] == [160, 160] and doc["risk"] > 0.5
    region = doc["regions"][0]
    assert set(region) == {"box", "kind", "confidence"} and region["kind"] == "thin_loss"
    x, y, w, h = region["box"]
    assert x <= 79 and x + w >= 81 and y <= 42


def test_json_on_stdout_stays_parseable_when_a_library_prints(scene, monkeypatch, capsys):
    # A library that print()s (pymatting's preconditioner did, "PERFORMANCE WARNING", when it
    # was the solver) must not end up inside the JSON a script reads from stdout.
    import core.detect
    from core.cli import main

    detect = core.detect.detect

    def chatty(*args, **kwargs):
        print("PERFORMANCE WARNING:")
        return detect(*args, **kwargs)

    monkeypatch.setattr(core.detect, "detect", chatty)
    photo, mask = scene
    assert main(["detect", str(photo), "--mask", str(mask), "--json"]) == 0
    captured = capsys.readouterr()
    assert json.loads(captured.out)["regions"][0]["kind"] == "thin_loss"
    assert "PERFORMANCE WARNING" in captured.err


def test_autofix_writes_the_png_and_a_valid_recipe(scene, tmp_path):
    photo, mask = scene
    out, recipe_out = tmp_path / "fixed.png", tmp_path / "recipe.json"
    proc = run("autofix", photo, "--mask", mask, "--out", out, "--recipe-out", recipe_out)
    assert proc.returncode == 0, proc.stderr
    recipe = Recipe.from_json(recipe_out.read_text())
    assert [op.name for op in recipe.ops] == ["channel", "channel"]  # local and structure-sized context
    png = Image.open(out)
    assert png.mode == "RGBA" and png.size == (160, 160)
    alpha = np.asarray(png)[..., 3]
    assert np.mean(alpha[45:95, 79:81] >= 128) >= 0.9  # the wire is back
    # The same recipe through `render` gives the same pixels.
    again = tmp_path / "again.png"
    assert run("render", photo, "--mask", mask, "--recipe", recipe_out, "--out", again).returncode == 0
    assert np.array_equal(np.asarray(Image.open(again)), np.asarray(png))


@pytest.mark.parametrize(
    "make_args, message",
    [
        (lambda p, m, d: ("detect", d / "missing.jpg", "--mask", m), "error: no such file: "),
        (lambda p, m, d: ("detect", p, "--mask", d / "missing.png"), "error: no such file: "),
        (lambda p, m, d: ("autofix", p, "--mask", d / "notes.txt", "--out", d / "out.png"), "error: "),
        (lambda p, m, d: ("autofix", p, "--mask", d / "small.png", "--out", d / "out.png"), "error: "),
    ],
)
def test_bad_input_is_one_line_exit_2_and_nothing_written(scene, tmp_path, make_args, message):
    photo, mask = scene
    (tmp_path / "notes.txt").write_text("not an image")
    cv2.imwrite(str(tmp_path / "small.png"), np.zeros((10, 12), np.uint8))
    proc = run(*make_args(photo, mask, tmp_path))
    assert proc.returncode == 2
    assert proc.stderr.startswith(message) and len(proc.stderr.strip().splitlines()) == 1
    assert "Traceback" not in proc.stderr
    assert not (tmp_path / "out.png").exists()


def test_size_mismatch_names_both_sizes(scene, tmp_path):
    photo, _ = scene
    small = tmp_path / "small.png"
    cv2.imwrite(str(small), np.zeros((10, 12), np.uint8))
    proc = run("detect", photo, "--mask", small)
    assert proc.returncode == 2
    assert "12x10" in proc.stderr and "160x160" in proc.stderr


def test_mask_is_required():
    proc = run("detect", "photo.jpg")
    assert proc.returncode == 2 and "--mask" in proc.stderr
