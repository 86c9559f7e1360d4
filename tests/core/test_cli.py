"""The command line, run as other tools run it: a subprocess."""

import json
import subprocess
import sys
from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image

ROOT = Path(__file__).resolve().parents[2]


def run(*args, cwd=ROOT):
    return subprocess.run([sys.executable, "-m", "core", *map(str, args)], cwd=cwd, capture_output=True, text=True,
                          timeout=120)


@pytest.fixture()
def scene(tmp_path):
    rgb = np.full((60, 80, 3), 220, np.uint8)
    rgb[20:40, 20:50] = (160, 120, 40)
    photo = tmp_path / "ring.jpg"
    Image.fromarray(rgb).save(photo, quality=95)
    mask = np.zeros((60, 80), np.uint8)
    mask[20:40, 20:40] = 255
    mask_path = tmp_path / "ring_mask.png"
    cv2.imwrite(str(mask_path), mask)
    recipe = tmp_path / "recipe.json"
    recipe.write_text(json.dumps({"version": 1, "base": "ai", "ops": [
        {"op": "path", "d": "M 40 20 H 50 V 40 H 40 Z", "mode": "add", "feather": 0}]}))
    return photo, mask_path, recipe


def test_render_writes_png_and_preview(scene, tmp_path):
    photo, mask, recipe = scene
    out, preview = tmp_path / "out.png", tmp_path / "preview.webp"
    proc = run("render", photo, "--mask", mask, "--recipe", recipe, "--out", out, "--preview", preview, "--timings")
    assert proc.returncode == 0, proc.stderr
    timings = json.loads(proc.stdout)
    assert {"decode", "ops", "ops_path", "encode", "total"} <= set(timings)
    png = Image.open(out)
    assert png.mode == "RGBA" and png.size == (80, 60)
    alpha = np.asarray(png)[..., 3]
    assert int((alpha[20:40, 20:50] == 255).sum()) == 20 * 30
    assert int(alpha.sum()) == 20 * 30 * 255
    assert Image.open(preview).size == (80, 60)


def test_render_without_mask_uses_auto_base(scene, tmp_path):
    photo, _, _ = scene
    recipe = tmp_path / "auto.json"
    recipe.write_text(json.dumps({"version": 1, "base": "auto", "ops": []}))
    out = tmp_path / "auto.png"
    proc = run("render", photo, "--recipe", recipe, "--out", out)
    assert proc.returncode == 0, proc.stderr
    alpha = np.asarray(Image.open(out))[..., 3]
    assert alpha[25:35, 25:45].mean() > 200 and alpha[:10, :10].mean() < 30


def test_info_prints_json(scene):
    photo, _, _ = scene
    proc = run("info", photo)
    assert proc.returncode == 0, proc.stderr
    info = json.loads(proc.stdout)
    assert (info["width"], info["height"]) == (80, 60)
    assert info["bit_depth"] == 8 and info["orientation"] == 1


def one_line_error(proc):
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    return lines[0]


def test_bad_recipe_names_op_and_field(scene, tmp_path):
    photo, mask, _ = scene
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"version": 1, "ops": [{"op": "refine"}, {"op": "refine", "contrast": 500}]}))
    out = tmp_path / "never.png"
    line = one_line_error(run("render", photo, "--mask", mask, "--recipe", bad, "--out", out))
    assert "ops[1].contrast" in line
    assert not out.exists()


def test_wrong_size_mask_gives_both_sizes(scene, tmp_path):
    photo, _, recipe = scene
    small = tmp_path / "small.png"
    cv2.imwrite(str(small), np.zeros((10, 10), np.uint8))
    out = tmp_path / "never.png"
    line = one_line_error(run("render", photo, "--mask", small, "--recipe", recipe, "--out", out))
    assert "10x10" in line and "80x60" in line
    assert not out.exists()


def test_text_file_named_jpg_is_refused(scene, tmp_path):
    _, mask, recipe = scene
    fake = tmp_path / "fake.jpg"
    fake.write_text("this is not a photo")
    line = one_line_error(run("render", fake, "--mask", mask, "--recipe", recipe, "--out", tmp_path / "o.png"))
    assert line.startswith("error:")


def test_missing_file_is_one_line(scene, tmp_path):
    _, mask, recipe = scene
    line = one_line_error(run("render", tmp_path / "nope.jpg", "--mask", mask, "--recipe", recipe,
                              "--out", tmp_path / "o.png"))
    assert "nope.jpg" in line


def test_truncated_jpeg_is_refused(scene, tmp_path):
    photo, mask, recipe = scene
    cut = tmp_path / "cut.jpg"
    cut.write_bytes(photo.read_bytes()[:200])
    line = one_line_error(run("render", cut, "--mask", mask, "--recipe", recipe, "--out", tmp_path / "o.png"))
    assert line.startswith("error:")
