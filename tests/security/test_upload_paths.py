"""Uploads are never stored or served under a path the uploader chose.

Stored names are content-addressed (``originals/ab/<sha256>.jpg``) whatever the file was called;
file routes take a photo or render id plus a word from a fixed list, never a path; MEDIA_URL is
not routed at all (files are streamed by the API after a role check).
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from jewelreview.catalog.models import Photo

pytestmark = pytest.mark.django_db

STORED = re.compile(r"(originals|masks)/[0-9a-f]{2}/[0-9a-f]{64}\.(jpg|png|tif|webp)")
BOUNDARY = "jewelreview-boundary"


def multipart(files: list[tuple[str, bytes]], batch: str = "paths") -> bytes:
    """A multipart body whose filenames are sent exactly as given (test clients strip directories)."""
    parts = [f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="batch"\r\n\r\n{batch}\r\n'.encode()]
    for name, data in files:
        head = (
            f"--{BOUNDARY}\r\n"
            f'Content-Disposition: form-data; name="files"; filename="{name}"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n"
        )
        parts.append(head.encode() + data + b"\r\n")
    parts.append(f"--{BOUNDARY}--\r\n".encode())
    return b"".join(parts)


def all_files(root: Path) -> set[Path]:
    return {p for p in root.rglob("*") if p.is_file()}


@pytest.mark.parametrize(
    ("original", "mask"),
    [
        ("../../RING-7_front.jpg", "../../RING-7_front_cutout.png"),
        ("/etc/RING-7_front.jpg", "/etc/RING-7_front_cutout.png"),
        ("..\\..\\RING-7_front.jpg", "..\\..\\RING-7_front_cutout.png"),
        ("originals/00/RING-7_front.jpg", "masks/00/RING-7_front_cutout.png"),
    ],
)
def test_uploaded_names_never_become_storage_paths(original, mask, api, images, media_storage, tmp_path):
    outside_before = all_files(tmp_path) - all_files(media_storage)
    body = multipart([(original, images.jpeg(64, 48, seed=7)), (mask, images.cutout(64, 48))])

    response = api.manager.post("/api/uploads/", body, content_type=f"multipart/form-data; boundary={BOUNDARY}")

    assert response.status_code == 200, response.content[:300]
    assert [i["sku"] for i in response.json()["imported"]] == ["RING-7"]
    for photo in Photo.objects.all():
        assert STORED.fullmatch(photo.original.name), photo.original.name
        assert STORED.fullmatch(photo.ai_mask.name), photo.ai_mask.name
        assert ".." not in photo.source_name and not photo.source_name.startswith("/")
    # Nothing was written beside the media folder, and everything inside it is a server-made name.
    assert all_files(tmp_path) - all_files(media_storage) == outside_before
    for stored in all_files(media_storage):
        name = stored.relative_to(media_storage).as_posix()
        assert ".." not in name and "RING-7" not in name, name


def test_names_inside_a_zip_do_not_become_storage_paths(api, images):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("shoot/day1/RING-8_front.jpg", images.jpeg(64, 48, seed=8))
        archive.writestr("shoot/day1/RING-8_front_cutout.png", images.cutout(64, 48))
    upload = io.BytesIO(buffer.getvalue())
    upload.name = "launch.zip"

    response = api.manager.post("/api/uploads/", {"batch": "zip", "files": [upload]}, format="multipart")

    assert response.status_code == 200, response.json()
    photo = Photo.objects.get()
    assert STORED.fullmatch(photo.original.name) and STORED.fullmatch(photo.ai_mask.name)


def routed_patterns() -> list[str]:
    def walk(patterns, prefix):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                yield from walk(entry.url_patterns, prefix + str(entry.pattern))
            elif isinstance(entry, URLPattern):
                yield prefix + str(entry.pattern)

    return list(walk(get_resolver().url_patterns, ""))


def test_no_route_takes_a_path():
    routes = [r for r in routed_patterns() if not r.startswith("admin/")]
    assert routes
    assert [r for r in routes if "<path:" in r] == []
    assert not any(r.startswith("media") for r in routes)


def test_file_routes_take_ids_and_words_from_a_fixed_list():
    file_routes = [r for r in routed_patterns() if r.startswith("api/") and re.search(r"files|tiles|\.png|\.zip", r)]
    assert file_routes
    for route in file_routes:
        converters = re.findall(r"<(\w+):(\w+)>", route)
        assert all(kind in ("int", "str") for kind, _ in converters), route
        assert converters == [] or converters[0][0] == "int", route  # a file always hangs off an id


@pytest.mark.parametrize(
    "suffix",
    [
        "files/..%2F..%2Fjewelreview%2Fsettings.py",
        "files/original%00.py",
        "files/ORIGINAL",
        "files/original.jpg",
        "tiles/..%2Foriginal.dzi",
        "tiles/original_files/0/0_0.py",
        "tiles/r0.dzi",
    ],
)
def test_file_routes_refuse_anything_but_their_words(suffix, api, make_photo):
    photo = make_photo()
    response = api.manager.get(f"/api/photos/{photo.pk}/{suffix}")
    assert response.status_code == 404, (suffix, response.status_code)
    assert response["Content-Type"].startswith("application/json")


def test_media_files_are_not_served_from_media_url(make_photo, session_clients):
    photo = make_photo()
    response = session_clients["manager"].get(f"/media/{photo.original.name}")
    assert response.status_code == 404
