"""Tests for core.codecs (and the modules it re-exports: codecs_png, codecs_preview, ...)."""

from __future__ import annotations

import io
import json
import os
import struct
import tracemalloc
import warnings
import zlib

import cv2
import numpy as np
import pytest
from PIL import Image, ImageCms, ImageFile, ImageOps

from core import codecs, codecs_png
from core.codecs import (
    decode_ai_result,
    decode_inputs,
    decode_original,
    describe,
    encode_png,
    encode_preview,
    encode_tile,
    mask_size_mismatch,
    probe,
    read_bytes,
    resize_rgba,
    srgb_profile,
    write_bytes_atomic,
)
from core.codecs_preview import to_uint8
from core.errors import ImageDecodeError, ImageTooLargeError, SizeMismatchError

# -- fixtures built in code ---------------------------------------------------------------------


def _save(image: Image.Image, fmt: str, **options) -> bytes:
    buf = io.BytesIO()
    image.save(buf, fmt, **options)
    return buf.getvalue()


def _random_rgb(height: int, width: int, seed: int = 0, dtype=np.uint8) -> np.ndarray:
    top = 255 if dtype == np.uint8 else 65535
    return np.random.default_rng(seed).integers(0, top + 1, (height, width, 3), dtype=dtype)


def _exif(orientation: int) -> bytes:
    exif = Image.Exif()
    exif[0x0112] = orientation
    return exif.tobytes()


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def _png_header_only(width: int, height: int) -> bytes:
    """Signature + IHDR (8-bit RGBA) + IEND: a tiny file declaring any size."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", ihdr) + _png_chunk(b"IEND", b"")


def _png_chunks(data: bytes) -> list[tuple[bytes, bytes]]:
    chunks, pos = [], 8
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind, body = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + length]
        (crc,) = struct.unpack(">I", data[pos + 8 + length : pos + 12 + length])
        assert crc == zlib.crc32(kind + body)
        chunks.append((kind, body))
        pos += 12 + length
    return chunks


def _zeroed(rgb: np.ndarray, alpha: np.ndarray) -> np.ndarray:
    out = rgb.copy()
    out[alpha == 0] = 0
    return out


# Minimal ICC v2 profiles, written by hand (ImageCms can only create sRGB, Lab and XYZ ones).


def _s15(value: float) -> bytes:
    return struct.pack(">i", round(value * 65536))


def _icc(color_space: bytes, pcs: bytes, description: str, transform: tuple[bytes, bytes]) -> bytes:
    ascii_text = description.encode() + b"\0"
    desc = b"desc" + bytes(4) + struct.pack(">I", len(ascii_text)) + ascii_text + bytes(4 + 4 + 2 + 1 + 67)
    white = b"XYZ " + bytes(4) + _s15(0.9642) + _s15(1.0) + _s15(0.8249)
    tags = [(b"desc", desc), (b"wtpt", white), transform]
    offset, body, table = 128 + 4 + 12 * len(tags), b"", b""
    for signature, data in tags:
        data += bytes(-len(data) % 4)
        table += struct.pack(">4sII", signature, offset + len(body), len(data))
        body += data
    header = struct.pack(">I4sI4s4s4s", offset + len(body), bytes(4), 0x02100000, b"scnr", color_space, pcs)
    header += struct.pack(">6H", 2000, 1, 1, 0, 0, 0) + b"acsp" + bytes(28)
    header += _s15(0.9642) + _s15(1.0) + _s15(0.8249)
    header += bytes(128 - len(header))
    return header + struct.pack(">I", len(tags)) + table + body


def _cmyk_k_only_profile() -> bytes:
    """CMYK -> Lab where only K matters: K=0 is white (L*=100), K=100% is black; C, M, Y ignored."""
    grid = b"".join(
        struct.pack(">3H", 0xFF00 if k == 0 else 0, 0x8000, 0x8000)  # v2 Lab: L 0xFF00 = 100, a = b = 0
        for _c in (0, 1)
        for _m in (0, 1)
        for _y in (0, 1)
        for k in (0, 1)
    )
    identity = b"".join(_s15(v) for v in (1, 0, 0, 0, 1, 0, 0, 0, 1))
    ramp = struct.pack(">2H", 0, 65535)
    lut = b"mft2" + bytes(4) + bytes([4, 3, 2, 0]) + identity + struct.pack(">HH", 2, 2) + ramp * 4 + grid + ramp * 3
    return _icc(b"CMYK", b"Lab ", "Test CMYK, K only", (b"A2B0", lut))


def _grey_linear_profile() -> bytes:
    """Greyscale with gamma 1.0 (linear light)."""
    curve = b"curv" + bytes(4) + struct.pack(">IH", 1, 0x0100)
    return _icc(b"GRAY", b"XYZ ", "Test linear grey", (b"kTRC", curve))


# -- probe and describe -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fmt", "options"),
    [("PNG", {}), ("TIFF", {}), ("WEBP", {"lossless": True}), ("JPEG", {"quality": 95})],
)
def test_probe_reads_each_format(fmt, options):
    data = _save(Image.fromarray(_random_rgb(20, 30)), fmt, **options)
    info = probe(data)
    assert (info.format, info.width, info.height, info.orientation) == (fmt, 30, 20, 1)
    assert (info.mode, info.bit_depth, info.channels, info.has_alpha, info.icc_description) == (
        "RGB", 8, 3, False, None,
    )


def test_describe_is_json_and_reports_orientation_and_icc():
    image = Image.fromarray(_random_rgb(20, 30))
    data = _save(image, "JPEG", exif=_exif(6), icc_profile=srgb_profile())
    facts = describe(data)
    assert json.loads(json.dumps(facts)) == facts
    assert facts == {
        "format": "JPEG", "width": 20, "height": 30, "orientation": 6, "mode": "RGB", "bit_depth": 8,
        "channels": 3, "has_alpha": False, "icc_description": "sRGB built-in",
    }


def test_probe_reports_alpha_and_palette():
    assert probe(_save(Image.new("RGBA", (4, 3)), "PNG")).has_alpha
    palette = Image.new("P", (4, 3))
    info = probe(_save(palette, "PNG", transparency=0))
    assert (info.mode, info.channels, info.has_alpha) == ("P", 1, True)


def test_image_info_of_array():
    info = codecs.ImageInfo.of_array(np.zeros((20, 30, 4), np.uint8))
    assert (info.width, info.height, info.mode, info.channels, info.has_alpha) == (30, 20, "RGBA", 4, True)
    assert codecs.ImageInfo.of_array(np.zeros((2, 3), np.uint16)).mode == "I;16"
    with pytest.raises(ValueError, match="pixels must be"):
        codecs.ImageInfo.of_array(np.zeros((2, 3, 2), np.uint8))


# -- decode_original: formats, depths, modes ----------------------------------------------------


@pytest.mark.parametrize(("fmt", "options"), [("PNG", {}), ("TIFF", {}), ("WEBP", {"lossless": True})])
def test_decode_original_lossless_round_trip(fmt, options):
    rgb = _random_rgb(21, 34)
    decoded = decode_original(_save(Image.fromarray(rgb), fmt, **options))
    assert decoded.rgb.dtype == np.uint8 and decoded.bit_depth == 8
    np.testing.assert_array_equal(decoded.rgb, rgb)
    assert decoded.icc_profile is None and decoded.info.format == fmt


def test_decode_original_jpeg_matches_libjpeg_within_quantisation():
    yy, xx = np.mgrid[0:48, 0:64]
    rgb = np.dstack([xx * 4, yy * 5, (xx + yy) * 2]).astype(np.uint8)
    data = _save(Image.fromarray(rgb), "JPEG", quality=95)
    decoded = decode_original(data)
    assert decoded.rgb.shape == (48, 64, 3) and decoded.rgb.flags.c_contiguous
    np.testing.assert_array_equal(decoded.rgb, np.asarray(Image.open(io.BytesIO(data))))


def test_decode_original_16_bit_png_and_tiff_keep_16_bits():
    rgb16 = _random_rgb(9, 13, dtype=np.uint16)
    for ext in (".png", ".tiff"):
        ok, encoded = cv2.imencode(ext, rgb16[..., ::-1])
        decoded = decode_original(encoded.tobytes())
        assert decoded.info.bit_depth == 16 and decoded.bit_depth == 16
        assert decoded.rgb.dtype == np.uint16
        np.testing.assert_array_equal(decoded.rgb, rgb16)


def test_decode_original_greyscale_8_and_16_bit_replicated():
    grey = np.random.default_rng(1).integers(0, 256, (7, 9), dtype=np.uint8)
    decoded = decode_original(_save(Image.fromarray(grey), "PNG"))
    np.testing.assert_array_equal(decoded.rgb, np.dstack([grey] * 3))
    grey16 = np.random.default_rng(2).integers(0, 65536, (7, 9), dtype=np.uint16)
    decoded = decode_original(_save(Image.fromarray(grey16), "PNG"))
    assert decoded.info.mode == "I;16" and decoded.info.bit_depth == 16
    np.testing.assert_array_equal(decoded.rgb, np.dstack([grey16] * 3))
    jpeg = decode_original(_save(Image.fromarray(grey), "JPEG", quality=95))
    assert np.array_equal(jpeg.rgb[..., 0], jpeg.rgb[..., 2]) and jpeg.rgb.shape == (7, 9, 3)


def test_decode_original_rgba_drops_alpha_and_keeps_hidden_pixels():
    rgb = _random_rgb(6, 8)
    alpha = np.zeros((6, 8), np.uint8)
    alpha[2:4] = 255
    decoded = decode_original(_save(Image.fromarray(np.dstack([rgb, alpha])), "PNG"))
    np.testing.assert_array_equal(decoded.rgb, rgb)
    assert decoded.info.has_alpha and decoded.info.channels == 4


@pytest.mark.parametrize("transparency", [None, 1])
def test_decode_original_palette(transparency):
    image = Image.new("P", (5, 4))
    image.putpalette([10, 20, 30, 200, 100, 50] + [0] * 762)
    image.putpixel((2, 1), 1)
    options = {} if transparency is None else {"transparency": transparency}
    decoded = decode_original(_save(image, "PNG", **options))
    expected = np.tile(np.uint8([10, 20, 30]), (4, 5, 1))
    expected[1, 2] = (200, 100, 50)
    np.testing.assert_array_equal(decoded.rgb, expected)


def test_decode_original_cmyk_without_profile_is_naive_and_says_srgb():
    cmyk = np.random.default_rng(3).integers(0, 256, (6, 10, 4), dtype=np.uint8)
    data = _save(Image.fromarray(cmyk, "CMYK"), "JPEG", quality=95)
    decoded = decode_original(data)
    naive = np.asarray(Image.open(io.BytesIO(data)).convert("RGB"))
    np.testing.assert_array_equal(decoded.rgb, naive)
    assert decoded.icc_profile == srgb_profile()
    assert decoded.info.mode == "CMYK" and decoded.info.channels == 4


def test_decode_original_cmyk_with_profile_uses_it():
    # Pure cyan, black, 50% K, a mixed colour; the test profile ignores C, M and Y.
    pixels = bytes([255, 0, 0, 0, 0, 0, 0, 255, 0, 0, 0, 128, 30, 200, 90, 0])
    image = Image.frombytes("CMYK", (4, 1), pixels).resize((32, 8), Image.Resampling.NEAREST)
    data = _save(image, "TIFF", icc_profile=_cmyk_k_only_profile())
    decoded = decode_original(data)
    assert decoded.info.icc_description == "Test CMYK, K only"
    row = decoded.rgb[4, 4::8].astype(int)
    expected = [[255] * 3, [0] * 3, [118] * 3, [255] * 3]  # white, black, L*=50 grey, white
    np.testing.assert_allclose(row, expected, atol=2)
    assert decoded.icc_profile == srgb_profile()
    jpeg = decode_original(_save(image, "JPEG", quality=95, icc_profile=_cmyk_k_only_profile()))
    np.testing.assert_allclose(jpeg.rgb[4, 4::8].astype(int), expected, atol=4)


def test_decode_original_grey_profile_converted_to_srgb():
    grey = np.array([[0, 128, 255]], np.uint8)
    decoded = decode_original(_save(Image.fromarray(grey), "PNG", icc_profile=_grey_linear_profile()))
    # Linear 128/255 is sRGB 188.
    np.testing.assert_allclose(decoded.rgb[0].astype(int), [[0] * 3, [188] * 3, [255] * 3], atol=1)
    assert decoded.icc_profile == srgb_profile()


def test_decode_original_keeps_rgb_profile_and_drops_a_mismatched_one():
    rgb = _random_rgb(4, 4)
    kept = decode_original(_save(Image.fromarray(rgb), "PNG", icc_profile=srgb_profile()))
    assert kept.icc_profile == srgb_profile()
    wrong = decode_original(_save(Image.fromarray(rgb), "PNG", icc_profile=_cmyk_k_only_profile()))
    assert wrong.icc_profile is None
    np.testing.assert_array_equal(wrong.rgb, rgb)


def test_srgb_profile_is_stable_and_readable():
    assert srgb_profile() == srgb_profile()
    profile = ImageCms.ImageCmsProfile(io.BytesIO(srgb_profile()))
    assert ImageCms.getProfileDescription(profile).strip() == "sRGB built-in"


# -- EXIF orientation -----------------------------------------------------------------------------

# Where the stored top-left (red) and top-right (green) corners end up after each orientation.
_CORNERS = {1: ("TL", "TR"), 2: ("TR", "TL"), 3: ("BR", "BL"), 4: ("BL", "BR"),
            5: ("TL", "BL"), 6: ("TR", "BR"), 7: ("BR", "TR"), 8: ("BL", "TL")}


def _corner(pixels: np.ndarray, name: str, inset: int) -> np.ndarray:
    row = inset if name[0] == "T" else pixels.shape[0] - 1 - inset
    col = inset if name[1] == "L" else pixels.shape[1] - 1 - inset
    return pixels[row, col]


def _marked(height: int, width: int, block: int) -> np.ndarray:
    rgb = np.full((height, width, 3), 128, np.uint8)
    rgb[:block, :block] = (255, 0, 0)
    rgb[:block, -block:] = (0, 255, 0)
    return rgb


@pytest.mark.parametrize("orientation", range(1, 9))
@pytest.mark.parametrize("fmt", ["PNG", "TIFF", "WEBP", "JPEG"])
def test_decode_original_applies_exif_orientation(fmt, orientation):
    lossy = fmt == "JPEG"
    block = 16 if lossy else 1
    stored = _marked(32 if lossy else 3, 48 if lossy else 5, block)
    image = Image.fromarray(stored)
    if fmt == "TIFF":
        data = _save(image, fmt, tiffinfo={0x0112: orientation})
    else:
        data = _save(image, fmt, exif=_exif(orientation), **({"lossless": True} if fmt == "WEBP" else {}))
    decoded = decode_original(data)
    height, width = stored.shape[:2]
    upright = (height, width) if orientation >= 5 else (width, height)
    assert (decoded.info.width, decoded.info.height) == upright
    assert decoded.rgb.shape == (upright[1], upright[0], 3)
    red_at, green_at = _CORNERS[orientation]
    inset = block // 2
    np.testing.assert_allclose(_corner(decoded.rgb, red_at, inset).astype(int), [255, 0, 0], atol=40)
    np.testing.assert_allclose(_corner(decoded.rgb, green_at, inset).astype(int), [0, 255, 0], atol=40)
    oracle = np.asarray(ImageOps.exif_transpose(Image.open(io.BytesIO(data))).convert("RGB"))
    if lossy:
        assert np.abs(decoded.rgb.astype(int) - oracle).max() <= 3
    else:
        np.testing.assert_array_equal(decoded.rgb, oracle)


def test_decode_original_orientation_16_bit_and_cmyk_tiff():
    rgb16 = np.zeros((3, 5, 3), np.uint16)
    rgb16[0, 0] = (65535, 0, 0)
    # Build the 16-bit file with OpenCV, then set the Orientation tag in place (value at a known spot).
    ok, encoded = cv2.imencode(".tiff", rgb16[..., ::-1])
    data = _with_tiff_orientation(encoded.tobytes(), 6)
    decoded = decode_original(data)
    assert decoded.bit_depth == 16 and decoded.rgb.shape == (5, 3, 3)
    assert decoded.rgb[0, 2].tolist() == [65535, 0, 0] and decoded.rgb.sum() == 65535
    cmyk = Image.new("CMYK", (5, 3), (0, 0, 0, 0))
    cmyk.putpixel((0, 0), (0, 0, 0, 255))
    decoded = decode_original(_save(cmyk, "TIFF", tiffinfo={0x0112: 6}))
    assert decoded.rgb.shape == (5, 3, 3) and decoded.rgb[0, 2].tolist() == [0, 0, 0]
    assert (decoded.rgb == 255).sum() == 14 * 3


def _with_tiff_orientation(data: bytes, orientation: int) -> bytes:
    """Add an Orientation tag to a little-endian single-IFD TIFF by rewriting its first IFD."""
    assert data[:4] == b"II*\x00"
    (ifd,) = struct.unpack_from("<I", data, 4)
    (count,) = struct.unpack_from("<H", data, ifd)
    entries = [data[ifd + 2 + 12 * i : ifd + 14 + 12 * i] for i in range(count)]
    entries.append(struct.pack("<HHIHH", 0x0112, 3, 1, orientation, 0))
    entries.sort(key=lambda entry: struct.unpack_from("<H", entry)[0])
    new_ifd = len(data) + (len(data) % 2)
    out = bytearray(data) + bytes(new_ifd - len(data))
    out += struct.pack("<H", len(entries)) + b"".join(entries) + struct.pack("<I", 0)
    struct.pack_into("<I", out, 4, new_ifd)
    return bytes(out)


def test_decode_ai_result_applies_orientation():
    stored = np.zeros((3, 5), np.uint8)
    stored[0, 0] = 255
    data = _save(Image.fromarray(stored), "PNG", exif=_exif(6))
    alpha = decode_ai_result(data, size=(3, 5))
    assert alpha.shape == (5, 3) and alpha[0, 2] == 255 and alpha.sum() == 255


# -- reduce ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("reduce", [1, 2, 4, 8])
def test_decode_original_reduce_jpeg_uses_ceil_sizes(reduce):
    data = _save(Image.fromarray(_random_rgb(77, 101)), "JPEG", quality=90, exif=_exif(6))
    decoded = decode_original(data, reduce=reduce)
    assert decoded.rgb.shape == (-(-101 // reduce), -(-77 // reduce), 3)
    assert (decoded.info.width, decoded.info.height) == (77, 101)


def test_decode_original_reduce_png_is_area_average():
    rgb = _random_rgb(16, 24)
    decoded = decode_original(_save(Image.fromarray(rgb), "PNG"), reduce=4)
    expected = rgb.reshape(4, 4, 6, 4, 3).mean(axis=(1, 3))
    assert decoded.rgb.shape == (4, 6, 3)
    assert np.abs(decoded.rgb - expected).max() <= 0.5 + 1e-9


def test_decode_original_reduce_cmyk_jpeg():
    data = _save(Image.new("CMYK", (50, 30), (0, 0, 0, 0)), "JPEG")
    assert decode_original(data, reduce=4).rgb.shape == (8, 13, 3)


def test_decode_original_rejects_bad_reduce():
    with pytest.raises(ValueError, match="reduce"):
        decode_original(_save(Image.new("RGB", (4, 4)), "PNG"), reduce=3)


# -- decode_ai_result -----------------------------------------------------------------------------


def test_decode_ai_result_cutout_uses_alpha():
    rgb = _random_rgb(4, 6)
    alpha = np.arange(24, dtype=np.uint8).reshape(4, 6) * 10
    data = _save(Image.fromarray(np.dstack([rgb, alpha])), "PNG")
    np.testing.assert_array_equal(decode_ai_result(data, size=(6, 4)), alpha)


def test_decode_ai_result_grey_and_la_masks():
    mask = np.arange(12, dtype=np.uint8).reshape(3, 4) * 20
    np.testing.assert_array_equal(decode_ai_result(_save(Image.fromarray(mask), "PNG"), size=(4, 3)), mask)
    la = Image.fromarray(np.dstack([np.full_like(mask, 9), mask]), "LA")
    np.testing.assert_array_equal(decode_ai_result(_save(la, "PNG"), size=(4, 3)), mask)


def test_decode_ai_result_16_bit_mask_rounds_to_8_bits():
    values = np.array([[0, 128, 129, 257], [32896, 32895, 65407, 65535]], np.uint16)
    data = _save(Image.fromarray(values), "PNG")
    np.testing.assert_array_equal(decode_ai_result(data, size=(4, 2)), [[0, 0, 1, 1], [128, 128, 255, 255]])
    rgba16 = np.dstack([np.zeros((2, 4, 3), np.uint16), values])
    ok, encoded = cv2.imencode(".png", rgba16)
    expected = [[0, 0, 1, 1], [128, 128, 255, 255]]
    np.testing.assert_array_equal(decode_ai_result(encoded.tobytes(), size=(4, 2)), expected)


def test_decode_ai_result_rgb_mask_grey_and_coloured():
    mask = np.arange(12, dtype=np.uint8).reshape(3, 4) * 20
    grey_rgb = np.dstack([mask] * 3)
    np.testing.assert_array_equal(decode_ai_result(_save(Image.fromarray(grey_rgb), "PNG"), size=(4, 3)), mask)
    coloured = _random_rgb(3, 4, seed=5)
    expected = cv2.cvtColor(coloured, cv2.COLOR_RGB2GRAY)
    np.testing.assert_array_equal(decode_ai_result(_save(Image.fromarray(coloured), "PNG"), size=(4, 3)), expected)


def test_decode_ai_result_palette_with_and_without_transparency():
    image = Image.new("P", (3, 2))
    image.putpalette([0, 0, 0, 255, 255, 255] + [0] * 762)
    image.putpixel((1, 0), 1)
    np.testing.assert_array_equal(decode_ai_result(_save(image, "PNG"), size=(3, 2)), [[0, 255, 0], [0, 0, 0]])
    transparent = decode_ai_result(_save(image, "PNG", transparency=0), size=(3, 2))
    np.testing.assert_array_equal(transparent, [[0, 255, 0], [0, 0, 0]])


def test_decode_ai_result_ignores_a_colour_key_on_grey_or_rgb_masks():
    mask = np.arange(12, dtype=np.uint8).reshape(3, 4) * 20
    keyed = _save(Image.fromarray(mask), "PNG", transparency=0)
    assert probe(keyed).has_alpha
    np.testing.assert_array_equal(decode_ai_result(keyed, size=(4, 3)), mask)
    coloured = _random_rgb(3, 4, seed=5)
    keyed_rgb = _save(Image.fromarray(coloured), "PNG", transparency=tuple(int(v) for v in coloured[0, 0]))
    expected = cv2.cvtColor(coloured, cv2.COLOR_RGB2GRAY)
    np.testing.assert_array_equal(decode_ai_result(keyed_rgb, size=(4, 3)), expected)


def test_decode_ai_result_wrong_size_names_both_sizes():
    data = _save(Image.new("L", (1200, 800)), "PNG")
    with pytest.raises(SizeMismatchError) as caught:
        decode_ai_result(data, size=(800, 1200))
    assert str(caught.value) == "AI mask is 1200x800 but the original is 800x1200 (upright)"


def test_a_mask_at_an_exif_rotated_originals_stored_size_is_told_the_orientation_was_applied():
    """QA L7: "AI mask is 1600x1000 but the original is 1000x1600" did not say why."""
    photo = probe(_save(Image.fromarray(_random_rgb(100, 160, seed=3)), "JPEG", quality=90, exif=_exif(6)))
    assert (photo.width, photo.height) == (100, 160)  # stored 160 x 100, shown upright
    unturned = probe(_save(Image.new("L", (160, 100)), "PNG"))
    assert mask_size_mismatch(unturned, photo) == (
        "AI mask is 160x100 but the original is 100x160: the original's EXIF orientation was applied "
        "(it is shown upright), and the mask has its unrotated size; save the mask upright, at 100x160"
    )
    other = probe(_save(Image.new("L", (90, 90)), "PNG"))
    assert mask_size_mismatch(other, photo) == "AI mask is 90x90 but the original is 100x160"
    assert mask_size_mismatch(probe(_save(Image.new("L", (100, 160)), "PNG")), photo) is None
    plain = probe(_save(Image.new("RGB", (100, 160)), "PNG"))  # no orientation: just the two sizes
    assert mask_size_mismatch(unturned, plain) == "AI mask is 160x100 but the original is 100x160"


def test_decode_inputs_equals_the_two_decodes():
    photo = _save(Image.fromarray(_random_rgb(40, 60, seed=9)), "JPEG", quality=90, exif=_exif(6))
    mask = _save(Image.fromarray(_random_rgb(60, 40, seed=10)[..., 0]), "PNG")
    image, alpha = decode_inputs(photo, mask)
    np.testing.assert_array_equal(image.rgb, decode_original(photo).rgb)
    np.testing.assert_array_equal(alpha, decode_ai_result(mask, size=(40, 60)))
    alone, none = decode_inputs(photo, None)
    assert none is None and alone.rgb.shape == (60, 40, 3)


def test_decode_inputs_reports_the_originals_error_first_then_the_size():
    mask = _save(Image.new("L", (30, 20)), "PNG")
    with pytest.raises(ImageDecodeError):
        decode_inputs(b"not an image at all", mask)
    with pytest.raises(SizeMismatchError, match="AI mask is 30x20 but the original is 20x30"):
        decode_inputs(_save(Image.new("RGB", (20, 30)), "PNG"), mask)


# -- bad input ------------------------------------------------------------------------------------


def _decode_error(data: bytes) -> str:
    with pytest.raises(ImageDecodeError) as caught:
        decode_original(data)
    return str(caught.value)


def test_truncated_jpeg_and_png_are_named():
    jpeg = _save(Image.fromarray(_random_rgb(64, 64)), "JPEG", quality=90)
    assert _decode_error(jpeg[: len(jpeg) // 2]).startswith("truncated JPEG")
    assert _decode_error(jpeg[:200]).startswith("truncated JPEG header")
    png = _save(Image.fromarray(_random_rgb(64, 64)), "PNG")
    assert _decode_error(png[: len(png) // 2]).startswith("truncated PNG")
    assert _decode_error(png[:20]) == "truncated PNG header: no complete IHDR chunk"
    with pytest.raises(ImageDecodeError, match="^truncated PNG"):
        decode_ai_result(png[: len(png) // 2], size=(64, 64))
    assert ImageFile.LOAD_TRUNCATED_IMAGES is False


def test_corrupt_png_is_named():
    png = bytearray(_save(Image.fromarray(_random_rgb(32, 32)), "PNG"))
    png[60:70] = b"0123456789"  # inside IDAT: the CRC no longer matches
    assert _decode_error(bytes(png)).startswith("corrupt PNG")


def test_non_images_are_named():
    assert _decode_error(b"") == "not an image: the data is empty (0 bytes)"
    assert _decode_error(b"name,price\nring,100\n") == "not an image: the data is text"
    assert _decode_error(bytes(range(256))).startswith("not an image: unrecognised data starting with 00 01")
    gif = _save(Image.new("P", (2, 2)), "GIF")
    assert _decode_error(gif) == "unsupported image format GIF (supported: JPEG, PNG, TIFF, WebP)"
    with pytest.raises(ImageDecodeError, match="not an image"):
        probe(b"hello")
    assert _decode_error(b"\x89PN") == "truncated PNG header: the file is only 3 bytes long"
    heic = b"\x00\x00\x00\x18ftypheic" + bytes(20)
    assert _decode_error(heic) == "unsupported image format HEIC (supported: JPEG, PNG, TIFF, WebP)"


@pytest.mark.parametrize(
    ("fmt", "options"),
    [("JPEG", {"quality": 90}), ("PNG", {}), ("TIFF", {"compression": "tiff_lzw"}), ("WEBP", {})],
)
@pytest.mark.filterwarnings("ignore:Corrupt EXIF data:UserWarning", "ignore:Truncated File Read:UserWarning")
def test_damaged_files_raise_only_image_decode_errors(fmt, options):
    # (Pillow warns while parsing damaged TIFF directories; the contract tested is the exceptions.)
    data = _save(Image.fromarray(_random_rgb(24, 32, seed=11)), fmt, **options)
    rng = np.random.default_rng(12)
    damaged = [data[:cut] for cut in range(0, len(data), max(1, len(data) // 40))]
    for position in rng.integers(0, len(data), 40):
        flipped = bytearray(data)
        flipped[position] ^= 0xFF
        damaged.append(bytes(flipped))
    for sample in damaged:
        for decode in (decode_original, lambda d: decode_ai_result(d, size=(32, 24))):
            try:
                decode(sample)
            except (ImageDecodeError, ImageTooLargeError, SizeMismatchError):
                pass


def test_decompression_bomb_refused_from_the_header_before_allocating():
    bomb = _png_header_only(100_000, 100_000)
    assert len(bomb) < 100
    tracemalloc.start()
    try:
        with pytest.raises(ImageTooLargeError) as caught:
            decode_original(bomb)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 1_000_000
    assert str(caught.value) == (
        "image is 100000x100000 = 10,000,000,000 pixels; the limit is 100,000,000 pixels"
    )
    with pytest.raises(ImageTooLargeError):
        decode_ai_result(bomb, size=(100_000, 100_000))
    with pytest.raises(ImageTooLargeError, match="70000x10; the limit is 65,535 pixels per side"):
        probe(_png_header_only(70_000, 10))


def test_large_but_allowed_header_raises_no_pillow_warning():
    # 95 MP: over Pillow's own warning threshold (89.5 MP), under our MAX_PIXELS.
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        info = probe(_png_header_only(10_000, 9_500))
    assert (info.width, info.height) == (10_000, 9_500)


# -- encode_png ------------------------------------------------------------------------------------


def _cutout(height: int, width: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    rgb = rng.integers(0, 256, (height, width, 3), dtype=np.uint8)
    alpha = rng.choice(np.uint8([0, 0, 0, 1, 77, 254, 255, 255]), size=(height, width))
    return rgb, alpha


def test_encode_png_round_trips_through_pillow_and_opencv():
    rgb, alpha = _cutout(37, 53)
    data = encode_png(rgb, alpha)
    expected = np.dstack([_zeroed(rgb, alpha), alpha])
    pil = Image.open(io.BytesIO(data))
    assert pil.mode == "RGBA"
    np.testing.assert_array_equal(np.asarray(pil), expected)
    bgra = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_UNCHANGED)
    np.testing.assert_array_equal(bgra, cv2.cvtColor(expected, cv2.COLOR_RGBA2BGRA))


def test_encode_png_many_bands_single_thread_or_two_give_same_bytes(monkeypatch):
    rgb, alpha = _cutout(61, 47, seed=4)
    monkeypatch.setattr(codecs_png, "BAND_BYTES", 500)  # ~2 rows per band: 31 bands
    two_threads = encode_png(rgb, alpha)
    monkeypatch.setattr(codecs_png, "ENCODER_THREADS", 1)
    assert encode_png(rgb, alpha) == two_threads
    idat = b"".join(body for kind, body in _png_chunks(two_threads) if kind == b"IDAT")
    raw = zlib.decompress(idat)  # checks the zlib header and the combined Adler-32
    assert len(raw) == 61 * (1 + 47 * 4)
    assert set(raw[:: 1 + 47 * 4]) == {2}  # every row uses the Up filter
    decoded = np.asarray(Image.open(io.BytesIO(two_threads)))
    np.testing.assert_array_equal(decoded, np.dstack([_zeroed(rgb, alpha), alpha]))


def test_encode_png_is_deterministic():
    rgb, alpha = _cutout(300, 400, seed=2)
    assert encode_png(rgb, alpha, text={"a": "b"}) == encode_png(rgb.copy(), alpha.copy(), text={"a": "b"})


def test_encode_png_zeroes_rgb_under_transparent_pixels_without_mutating_inputs():
    rgb = np.full((2, 3, 3), 200, np.uint8)
    alpha = np.array([[0, 1, 255], [255, 0, 128]], np.uint8)
    rgb_before, alpha_before = rgb.copy(), alpha.copy()
    decoded = np.asarray(Image.open(io.BytesIO(encode_png(rgb, alpha))))
    np.testing.assert_array_equal(decoded[..., 3], alpha)
    np.testing.assert_array_equal(decoded[..., :3].max(axis=2), [[0, 200, 200], [200, 0, 200]])
    np.testing.assert_array_equal(rgb, rgb_before)
    np.testing.assert_array_equal(alpha, alpha_before)


def test_encode_png_accepts_non_contiguous_views():
    rgb, alpha = _cutout(20, 30, seed=6)
    view_rgb, view_alpha = rgb[::2, 5:25], alpha[::2, 5:25]
    decoded = np.asarray(Image.open(io.BytesIO(encode_png(view_rgb, view_alpha))))
    np.testing.assert_array_equal(decoded, np.dstack([_zeroed(view_rgb, view_alpha), view_alpha]))


def test_encode_png_16_bit_round_trip():
    rgb16 = _random_rgb(11, 17, seed=7, dtype=np.uint16)
    alpha = np.random.default_rng(8).integers(0, 256, (11, 17), dtype=np.uint8)
    alpha[0, :5] = 0
    data = encode_png(rgb16, alpha, bit_depth=16)
    assert _png_chunks(data)[0][1][8:10] == bytes([16, 6])
    bgra = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_UNCHANGED)
    assert bgra.dtype == np.uint16
    np.testing.assert_array_equal(bgra[..., 3], alpha.astype(np.uint16) * 257)
    np.testing.assert_array_equal(bgra[..., 2::-1], _zeroed(rgb16, alpha))
    decoded = decode_original(data)
    assert decoded.bit_depth == 16
    np.testing.assert_array_equal(decoded.rgb, _zeroed(rgb16, alpha))
    alpha16 = alpha.astype(np.uint16) * 257
    assert encode_png(rgb16, alpha16, bit_depth=16) == data


def test_encode_png_icc_and_text_chunks():
    rgb, alpha = _cutout(5, 6)
    text = {"Software": "jewelreview", "recipe": '{"version": 1}', "Title": "Ring \u2013 \u00e9t\u00e9 \u6307\u8f2a"}
    data = encode_png(rgb, alpha, icc_profile=srgb_profile(), text=text)
    image = Image.open(io.BytesIO(data))
    assert image.info["icc_profile"] == srgb_profile()
    assert image.text == text
    kinds = [kind for kind, _ in _png_chunks(data)]
    assert kinds[:5] == [b"IHDR", b"iCCP", b"tEXt", b"tEXt", b"iTXt"] and kinds[-1] == b"IEND"
    assert decode_original(data).icc_profile == srgb_profile()
    assert probe(data).icc_description == "sRGB built-in"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"rgb": np.zeros((2, 2, 3), np.float32)}, "rgb must be"),
        ({"alpha": np.zeros((2, 3), np.uint8)}, "alpha must be"),
        ({"bit_depth": 12}, "bit_depth"),
        ({"text": {"": "x"}}, "text key"),
        ({"text": {"k\u00e9y\u6307": "x"}}, "Latin-1"),
        ({"text": {"key": "a\0b"}}, "NUL"),
    ],
)
def test_encode_png_refuses_bad_arguments(kwargs, message):
    arguments = {"rgb": np.zeros((2, 2, 3), np.uint8), "alpha": np.zeros((2, 2), np.uint8)} | kwargs
    rgb, alpha = arguments.pop("rgb"), arguments.pop("alpha")
    with pytest.raises(ValueError, match=message):
        encode_png(rgb, alpha, **arguments)


# -- previews, resizing, tiles ---------------------------------------------------------------------


def test_resize_rgba_has_no_dark_fringe():
    rgb = np.zeros((4, 4, 3), np.uint8)  # transparent pixels are black
    rgb[:, :2] = (250, 10, 10)
    alpha = np.zeros((4, 4), np.uint8)
    alpha[:, :2] = 255
    small_rgb, small_alpha = resize_rgba(rgb, alpha, (2, 2))
    np.testing.assert_array_equal(small_alpha, [[255, 0], [255, 0]])
    np.testing.assert_array_equal(small_rgb, [[[250, 10, 10], [0, 0, 0]]] * 2)
    alpha[:, 2] = 255  # an opaque black column counts; the transparent black one still does not
    edge_rgb, edge_alpha = resize_rgba(rgb, alpha, (1, 1))
    assert edge_alpha[0, 0] == 191 and edge_rgb[0, 0].tolist() == [167, 7, 7]


def test_resize_rgba_16_bit_and_identity():
    rgb16 = _random_rgb(8, 8, dtype=np.uint16)
    alpha = np.full((8, 8), 255, np.uint8)
    small, small_alpha = resize_rgba(rgb16, alpha, (4, 4))
    assert small.dtype == np.uint16 and (small_alpha == 255).all()
    expected = rgb16.reshape(4, 2, 4, 2, 3).mean(axis=(1, 3))
    assert np.abs(small - expected).max() <= 1
    same, same_alpha = resize_rgba(rgb16, alpha, (8, 8))
    assert same is not rgb16 and np.array_equal(same, rgb16)


def test_encode_preview_limits_the_long_side_and_keeps_alpha():
    rgb, alpha = _cutout(300, 500, seed=9)
    data = encode_preview(rgb, alpha, long_side=100)
    bgra = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_UNCHANGED)
    assert data[8:12] == b"WEBP" and bgra.shape == (60, 100, 4)
    small = encode_preview(rgb[:50, :80], alpha[:50, :80], long_side=100, fmt="png")
    assert Image.open(io.BytesIO(small)).size == (80, 50)  # never enlarged
    with pytest.raises(ValueError, match="preview format"):
        encode_preview(rgb, alpha, fmt="gif")


@pytest.mark.parametrize("fmt", ["webp", "jpeg", "png"])
def test_encode_tile_formats(fmt):
    yy, xx = np.mgrid[0:64, 0:64]
    rgb = np.dstack([xx * 4, yy * 4, np.full_like(xx, 90)]).astype(np.uint8)
    decoded = np.asarray(Image.open(io.BytesIO(encode_tile(rgb, fmt=fmt))).convert("RGB"))
    assert np.abs(decoded.astype(int) - rgb).mean() < 3
    if fmt != "jpeg":
        alpha = np.where(xx < 32, 255, 0).astype(np.uint8)
        with_alpha = np.asarray(Image.open(io.BytesIO(encode_tile(rgb, alpha, fmt=fmt))))
        np.testing.assert_array_equal(with_alpha[..., 3], alpha)


def test_encode_tile_refuses_alpha_in_jpeg():
    with pytest.raises(ValueError, match="JPEG tiles cannot carry alpha"):
        encode_tile(np.zeros((4, 4, 3), np.uint8), np.zeros((4, 4), np.uint8), fmt="jpeg")


def test_to_uint8_is_exact_rounding_for_every_16_bit_value():
    values = np.arange(65536, dtype=np.uint16)
    expected = ((values.astype(np.uint32) + 128) // 257).astype(np.uint8)
    np.testing.assert_array_equal(to_uint8(values), expected)


# -- files ----------------------------------------------------------------------------------------


def test_write_bytes_atomic_writes_and_replaces(tmp_path):
    path = tmp_path / "out.png"
    write_bytes_atomic(path, b"first")
    assert read_bytes(path) == b"first" and (path.stat().st_mode & 0o777) == 0o644
    os.chmod(path, 0o600)
    write_bytes_atomic(str(path), b"second")
    assert read_bytes(path) == b"second" and (path.stat().st_mode & 0o777) == 0o600
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.png"]


def test_write_bytes_atomic_failure_keeps_old_file_and_leaves_no_temp(tmp_path, monkeypatch):
    path = tmp_path / "out.png"
    path.write_bytes(b"old")

    def failing_replace(source, destination):
        raise OSError("disk on fire")

    monkeypatch.setattr(os, "replace", failing_replace)
    with pytest.raises(OSError, match="disk on fire"):
        write_bytes_atomic(path, b"new content")
    assert path.read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.png"]


def test_write_bytes_atomic_missing_directory(tmp_path):
    with pytest.raises(FileNotFoundError):
        write_bytes_atomic(tmp_path / "missing" / "out.png", b"x")
    assert list(tmp_path.iterdir()) == []


def test_codecs_reexports_the_public_api():
    for name in codecs.__all__:
        assert getattr(codecs, name) is not None


def test_check_complete_finds_files_cut_short_whatever_their_headers_say():
    import io

    from PIL import Image

    from core.codecs import check_complete
    from core.errors import ImageDecodeError

    picture = Image.fromarray((np.random.default_rng(3).random((60, 80, 3)) * 255).astype(np.uint8))

    def saved(fmt: str, **options) -> bytes:
        buffer = io.BytesIO()
        picture.save(buffer, fmt, **options)
        return buffer.getvalue()

    thumbnail = io.BytesIO()
    picture.resize((16, 12)).save(thumbnail, "JPEG")
    exif = Image.Exif()
    exif[0x0112] = 1
    whole = {
        "JPEG": saved("JPEG"),
        "progressive JPEG": saved("JPEG", progressive=True),
        "JPEG with EXIF": saved("JPEG", exif=exif),
        "PNG": saved("PNG"),
        "WEBP": saved("WEBP"),
    }
    for data in whole.values():
        check_complete(data)  # whole files pass
        for cut in (len(data) // 3, len(data) - 20):
            with pytest.raises(ImageDecodeError, match="the file ends early"):
                check_complete(data[:cut])
    # After the end marker anything may follow: padding, a phone's appended video, a multi-picture
    # file's next image (even one cut short); after IEND, a PNG's trailing bytes.
    rng = np.random.default_rng(5)
    for trailer in (b"\0" * 500, rng.integers(0, 256, 200_000, dtype=np.uint8).tobytes(), whole["JPEG"][:900]):
        check_complete(whole["JPEG"] + trailer)
        check_complete(whole["progressive JPEG"] + trailer)
    check_complete(whole["PNG"] + rng.integers(0, 256, 5_000, dtype=np.uint8).tobytes())
    # An EXIF thumbnail (a whole JPEG inside an APP1 segment) brings its own end marker; the walk
    # skips the segment by its length, so the main image cut short is still found.
    exif_body = b"Exif\0\0" + thumbnail.getvalue()
    app1 = b"\xff\xe1" + (len(exif_body) + 2).to_bytes(2, "big") + exif_body
    data = whole["JPEG"]
    with_thumbnail = data[:2] + app1 + data[2:]
    check_complete(with_thumbnail)
    with pytest.raises(ImageDecodeError, match="no end-of-image marker"):
        check_complete(with_thumbnail[: len(with_thumbnail) - len(data) // 2])


@pytest.mark.parametrize("kind", [b"zTXt", b"iTXt", b"tEXt"])
def test_a_png_with_a_long_text_chunk_decodes_as_photo_and_as_mask(kind):
    """QA: a valid mask carrying an 8 MB compressed comment was refused as "corrupt PNG header
    (Decompressed data too large for PngImagePlugin.MAX_TEXT_CHUNK)"; text is not read at all."""
    alpha = np.zeros((40, 50), np.uint8)
    alpha[10:30, 10:40] = 255
    ok, encoded = cv2.imencode(".png", alpha)
    assert ok
    png = encoded.tobytes()
    text = b"x" * (8 * 1024 * 1024)
    body = {
        b"zTXt": b"Comment\0\0" + zlib.compress(text),
        b"iTXt": b"Comment\0\1\0\0\0" + zlib.compress(text),
        b"tEXt": b"Comment\0" + text[: 2 * 1024 * 1024],
    }[kind]
    with_note = png[:33] + _png_chunk(kind, body) + png[33:]  # after IHDR, before the pixels
    assert np.array_equal(codecs.decode_ai_result(with_note, size=(50, 40)), alpha)
    assert np.array_equal(codecs.decode_original(with_note).rgb[..., 0], alpha)
