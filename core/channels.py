"""draft v0"""
from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

CHANNEL_INDEX = {"r": 0, "g": 1, "b": 2}


@dataclass(frozen=True)
class ChannelParams:
    channel: str
    black: float
    white: float
    gamma: float
    invert: bool


def _stats_mask(region):
    m = region >= 128
    if not m.any():
        m = region > 0
    return m.astype(np.uint8)


def _hist(rgb, k, mask):
    return cv2.calcHist([rgb], [k], mask, [256], [0, 256]).ravel().astype(np.float64)


def _otsu(h):
    n = h.sum()
    if n <= 0:
        return 128, 0.0, 0.0, 0.0
    p = h / n
    i = np.arange(256, dtype=np.float64)
    w0 = np.cumsum(p)
    s0 = np.cumsum(p * i)
    mt = s0[-1]
    w1 = 1 - w0
    with np.errstate(divide="ignore", invalid="ignore"):
        between = (mt * w0 - s0) ** 2 / (w0 * w1)
    between[~np.isfinite(between)] = -1
    between[-1] = -1
    t = int(np.argmax(between))
    m0 = s0[t] / max(w0[t], 1e-12)
    m1 = (mt - s0[t]) / max(w1[t], 1e-12)
    v0 = (p[: t + 1] * (i[: t + 1] - m0) ** 2).sum()
    v1 = (p[t + 1 :] * (i[t + 1 :] - m1) ** 2).sum()
    return t, m0, m1, v0 + v1


def channel_scores(rgb, region):
    mask = _stats_mask(region)
    out = {}
    for name, k in CHANNEL_INDEX.items():
        h = _hist(rgb, k, mask)
        t, m0, m1, within = _otsu(h)
        out[name] = float(abs(m1 - m0) / np.sqrt(within + 1.0))
    return out


def _mode(h):
    hs = np.convolve(h, np.ones(5) / 5, mode="same")
    return int(np.argmax(hs))


def resolve_channel_params(rgb, region, ai_alpha, *, channel="auto", black=None, white=None, gamma=1.0, invert=None):
    mask = _stats_mask(region)
    if channel == "auto":
        s = channel_scores(rgb, region)
        channel = max(s, key=s.get)
    k = CHANNEL_INDEX[channel]
    h = _hist(rgb, k, mask)
    bgmask = (mask > 0) & (ai_alpha <= 8)
    if bgmask.sum() < 16:
        er = cv2.erode(mask, np.ones((3, 3), np.uint8), borderType=cv2.BORDER_CONSTANT, borderValue=0)
        bgmask = (mask > 0) & (er == 0)
    hb = _hist(rgb, k, bgmask.astype(np.uint8))
    mode = _mode(hb)
    t, m0, m1, _ = _otsu(h)
    obj_dark = mode > t
    if invert is None:
        invert = bool(obj_dark)
    i = np.arange(256)
    if obj_dark:
        side = hb[mode + 1 :]; d = i[mode + 1 :] - mode
        obj = m0
    else:
        side = hb[:mode]; d = mode - i[:mode]
        obj = m1
    sigma = np.sqrt((side * d * d).sum() / max(side.sum(), 1)) if side.sum() > 0 else 2.0
    sigma = max(sigma, 1.0)
    K = 4.0
    if obj_dark:
        w_ = mode - K * sigma
        b_ = min(obj, w_ - 4)
    else:
        b_ = mode + K * sigma
        w_ = max(obj, b_ + 4)
    if black is None:
        black = float(np.clip(b_, 0, 254))
    if white is None:
        white = float(np.clip(w_, black + 1, 255))
    return ChannelParams(channel, float(black), float(white), float(gamma), bool(invert))


def _lut(p):
    v = np.arange(256, dtype=np.float64)
    x = np.clip((v - p.black) / (p.white - p.black), 0, 1) ** (1.0 / p.gamma)
    if p.invert:
        x = 1 - x
    return np.round(x * 255).astype(np.uint8)


def channel_alpha(rgb, region, params):
    k = CHANNEL_INDEX[params.channel]
    ch = np.ascontiguousarray(rgb[..., k])
    a = cv2.LUT(ch, _lut(params))
    return cv2.multiply(a, region, scale=1 / 255)


def apply_channel(alpha, channel_alpha, region, mode):
    a = alpha.astype(np.float32) / 255
    c = channel_alpha.astype(np.float32) / 255
    r = region.astype(np.float32) / 255
    if mode == "replace":
        out = a * (1 - r) + c
    elif mode == "add":
        out = np.maximum(a, c)
    else:
        out = a * (1 - c)
    return np.clip(np.round(out * 255), 0, 255).astype(np.uint8)
