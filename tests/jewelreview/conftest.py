"""Django fixtures for the service tests: isolated media, users per role, tiny images, photos."""

from __future__ import annotations

import hashlib
from types import SimpleNamespace

import cv2
import numpy as np
import pytest
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

WIDTH, HEIGHT = 64, 48


@pytest.fixture(autouse=True)
def media_storage(settings, tmp_path):
    """Each test gets its own media folder (never var/media) and fast password hashing."""
    media = tmp_path / "media"
    settings.MEDIA_ROOT = media
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "jewelreview.storages.AtomicFileSystemStorage", "OPTIONS": {"location": str(media)}},
    }
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return media


@pytest.fixture
def in_memory_storage(settings):
    """Swap the default storage for Django's InMemoryStorage (a non-filesystem backend)."""
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"}}
    return default_storage


def _jpeg(width: int, height: int, seed: int) -> bytes:
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:height, 0:width]
    bgr = np.zeros((height, width, 3), np.uint8)
    bgr[...] = (200, 200, 205)
    ring = np.abs(np.hypot(xx - width / 2, yy - height / 2) - min(width, height) / 4) < 3
    bgr[ring] = (40, 160, 210)  # gold-ish in BGR
    bgr = np.clip(bgr.astype(int) + rng.integers(-3, 4, bgr.shape), 0, 255).astype(np.uint8)
    ok, data = cv2.imencode(".jpg", bgr, [cv2.IMWRITE_JPEG_QUALITY, 95])
    assert ok
    return data.tobytes()


def _mask_png(width: int, height: int, seed: int = 0) -> bytes:
    yy, xx = np.mgrid[0:height, 0:width]
    alpha = np.where(np.abs(np.hypot(xx - width / 2, yy - height / 2) - min(width, height) / 4) < 4, 255, 0)
    ok, data = cv2.imencode(".png", alpha.astype(np.uint8))
    assert ok
    return data.tobytes()


def _cutout_png(width: int, height: int) -> bytes:
    yy, xx = np.mgrid[0:height, 0:width]
    bgra = np.zeros((height, width, 4), np.uint8)
    bgra[..., :3] = (40, 160, 210)
    bgra[..., 3] = np.where(np.hypot(xx - width / 2, yy - height / 2) < min(width, height) / 3, 255, 0)
    ok, data = cv2.imencode(".png", bgra)
    assert ok
    return data.tobytes()


@pytest.fixture
def images():
    """Builders of tiny image files: ``images.jpeg(w, h, seed)``, ``images.mask(w, h)``, ``images.cutout(w, h)``."""
    return SimpleNamespace(jpeg=_jpeg, mask=_mask_png, cutout=_cutout_png)


@pytest.fixture
def users(db, django_user_model):
    from jewelreview.accounts.services import user_set_roles

    def make(name: str, *roles: str):
        user = django_user_model.objects.create_user(username=name, password="pw")
        return user_set_roles(user=user, roles=roles)

    return SimpleNamespace(
        reviewer=make("rita", "reviewer"),
        retoucher=make("tom", "retoucher"),
        retoucher2=make("tess", "retoucher"),
        manager=make("mona", "manager"),
        nobody=make("nick"),
    )


@pytest.fixture
def make_photo(db, images):
    """Create a photo directly (bypassing ingest) in any status, with real tiny files in storage."""
    from jewelreview.catalog.models import Batch, Photo, Sku

    counter = {"n": 0}

    def make(
        *,
        status: str = "needs_review",
        assignee=None,
        width: int = WIDTH,
        height: int = HEIGHT,
        sku: str = "SKU-1",
        view: str | None = None,
        batch: str = "test-batch",
    ):
        counter["n"] += 1
        n = counter["n"]
        original = images.jpeg(width, height, seed=n)
        mask = images.mask(width, height)
        sha = hashlib.sha256(original).hexdigest()
        original_name = default_storage.save(f"originals/{sha[:2]}/{sha}.jpg", ContentFile(original))
        mask_sha = hashlib.sha256(mask).hexdigest()
        mask_name = f"masks/{mask_sha[:2]}/{mask_sha}.png"
        if not default_storage.exists(mask_name):
            default_storage.save(mask_name, ContentFile(mask))
        return Photo.objects.create(
            batch=Batch.objects.get_or_create(name=batch)[0],
            sku=Sku.objects.get_or_create(code=sku)[0],
            view=view or f"view{n}",
            source_name=f"{sku}_view{n}.jpg",
            original=original_name,
            original_sha256=sha,
            original_bytes=len(original),
            ai_mask=mask_name,
            ai_mask_sha256=mask_sha,
            width=width,
            height=height,
            status=status,
            assignee=assignee,
        )

    return make


@pytest.fixture
def recipe():
    """A valid recipe: the AI mask plus a 10 x 10 square added by a pen path."""
    return {"version": 1, "base": "ai", "ops": [{"op": "path", "d": "M 5 5 H 15 V 15 H 5 Z", "mode": "add"}]}


@pytest.fixture
def core_render():
    """Skip (only) while core.render cannot be imported yet: it is being written in parallel."""
    try:
        import core.render  # noqa: F401
    except ImportError as exc:
        pytest.skip(f"core.render is not importable yet ({exc})")


def _prong_scene_files(seed: int = 0, *, prong: bool = True) -> tuple[bytes, bytes]:
    """A gold bar on a light sweep whose 2 px prong (x 79-80, y 60-99) the AI mask dropped:
    (JPEG original, PNG mask), 160 x 160. ``seed`` shifts the sweep's grey so originals differ
    (they are unique by sha256)."""
    rgb = np.full((160, 160, 3), 235 - seed % 8, np.uint8)
    alpha = np.zeros((160, 160), np.uint8)
    rgb[100:130, 40:120] = (200, 150, 50)
    alpha[100:130, 40:120] = 255
    if prong:
        rgb[60:100, 79:81] = (200, 150, 50)
    ok, original = cv2.imencode(".jpg", np.ascontiguousarray(rgb[..., ::-1]), [cv2.IMWRITE_JPEG_QUALITY, 95])
    ok2, mask = cv2.imencode(".png", alpha)
    assert ok and ok2
    return original.tobytes(), mask.tobytes()


@pytest.fixture
def prong_scene_files():
    """``prong_scene_files(seed=0, prong=True) -> (jpeg, png)``: the scene core.detect finds a prong in."""
    return _prong_scene_files


@pytest.fixture
def scene_photo(make_photo):
    """``scene_photo(prong=True, risk=None, files=None, **make_photo_kwargs)``: a photo showing the
    prong scene (or ``files`` = (original bytes, mask bytes)), stored under sha256 names like ingest."""
    from jewelreview.catalog.models import Photo

    def make(*, prong: bool = True, risk: float | None = None, files: tuple[bytes, bytes] | None = None, **kwargs):
        photo = make_photo(**kwargs)
        original, mask = files or _prong_scene_files(seed=photo.pk, prong=prong)
        names = {}
        for kind, data, ext in (("original", original, "jpg"), ("ai_mask", mask, "png")):
            sha = hashlib.sha256(data).hexdigest()
            name = f"{kind}s/{sha[:2]}/{sha}.{ext}"
            if not default_storage.exists(name):
                default_storage.save(name, ContentFile(data))
            names[kind] = (name, sha)
        Photo.objects.filter(pk=photo.pk).update(
            original=names["original"][0],
            original_sha256=names["original"][1],
            original_bytes=len(original),
            ai_mask=names["ai_mask"][0],
            ai_mask_sha256=names["ai_mask"][1],
            width=160,
            height=160,
            risk=risk,
        )
        photo.refresh_from_db()
        return photo

    return make


@pytest.fixture(autouse=True)
def fresh_throttles():
    """Throttle counters live in the cache; every test starts with none."""
    cache.clear()
    yield
    cache.clear()


def token_client(user) -> APIClient:
    """An API client signed in by token as ``user`` (None: anonymous)."""
    client = APIClient()
    if user is not None:
        token, _ = Token.objects.get_or_create(user=user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


@pytest.fixture
def api(users):
    """``api.reviewer``, ``api.retoucher``, ``api.manager``, ``api.nobody``, ``api.anonymous``: token clients."""
    return SimpleNamespace(
        anonymous=token_client(None),
        reviewer=token_client(users.reviewer),
        retoucher=token_client(users.retoucher),
        retoucher2=token_client(users.retoucher2),
        manager=token_client(users.manager),
        nobody=token_client(users.nobody),
    )


@pytest.fixture
def migrate(transactional_db):
    """``migrate(("app", "migration"), ...) -> apps``: move the test database's schema to those
    migrations (applying or unapplying what it takes, as ``manage.py migrate app migration``
    does; other apps stay as they are) and return the models of the migrations then applied. The
    test's end migrates to the latest again.

    For a data migration's test against the schema and models it was written for, not today's."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor
    from django.db.migrations.recorder import MigrationRecorder

    def to(*targets: tuple[str, str]):
        executor = MigrationExecutor(connection)
        executor.migrate(list(targets))
        graph = executor.loader.graph
        applied = [key for key in MigrationRecorder(connection).applied_migrations() if key in graph.nodes]
        return executor.loader.project_state(applied).apps

    yield to
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
