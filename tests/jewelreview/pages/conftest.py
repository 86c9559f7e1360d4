"""Page fixtures: a clean cache (failed-login counts live there), signed-in clients per role, tiny images."""

from __future__ import annotations

import io
from types import SimpleNamespace

import numpy as np
import pytest
from django.core.cache import cache
from django.test import Client
from PIL import Image


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()
    yield
    cache.clear()


def signed_in(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def browsers(users):
    """``browsers.manager`` etc.: Django test clients with a signed-in session (CSRF not enforced)."""
    return SimpleNamespace(
        anonymous=signed_in(None),
        reviewer=signed_in(users.reviewer),
        retoucher=signed_in(users.retoucher),
        manager=signed_in(users.manager),
        nobody=signed_in(users.nobody),
    )


def ring_jpeg(width: int = 40, height: int = 30, seed: int = 7) -> bytes:
    """A grey JPEG with a gold ring, built with numpy and Pillow."""
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:height, 0:width]
    rgb = np.full((height, width, 3), (205, 200, 200), np.uint8)
    ring = np.abs(np.hypot(xx - width / 2, yy - height / 2) - min(width, height) / 4) < 2.5
    rgb[ring] = (212, 170, 50)
    rgb = np.clip(rgb.astype(np.int16) + rng.integers(-3, 4, rgb.shape), 0, 255).astype(np.uint8)
    buffer = io.BytesIO()
    Image.fromarray(rgb, "RGB").save(buffer, format="JPEG", quality=95)
    return buffer.getvalue()


def ring_mask_png(width: int = 40, height: int = 30) -> bytes:
    """The AI remover's grey-level mask of that ring (255 on the ring, 0 elsewhere)."""
    yy, xx = np.mgrid[0:height, 0:width]
    ring = np.abs(np.hypot(xx - width / 2, yy - height / 2) - min(width, height) / 4) < 3.5
    buffer = io.BytesIO()
    Image.fromarray(np.where(ring, 255, 0).astype(np.uint8), "L").save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.fixture
def ring():
    """``ring.jpeg(w, h, seed)`` and ``ring.mask(w, h)``: a tiny original and its AI mask, as file bytes."""
    return SimpleNamespace(jpeg=ring_jpeg, mask=ring_mask_png)
