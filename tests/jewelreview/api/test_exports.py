"""Exports: per-SKU status CSV and the ZIP of approved finals, both streamed; managers only."""

from __future__ import annotations

import csv
import hashlib
import io
import zipfile

import pytest
from django.core.files.storage import default_storage
from django.http import StreamingHttpResponse

from jewelreview.api.streams import ZipMember, spreadsheet_safe, zip_stream
from jewelreview.catalog.models import Photo, Sku

pytestmark = pytest.mark.django_db


def rows_of(response) -> list[list[str]]:
    assert isinstance(response, StreamingHttpResponse)
    text = b"".join(response.streaming_content).decode()
    return list(csv.reader(io.StringIO(text)))


def test_status_csv(api, make_photo):
    make_photo(sku="RING-1", view="front", status="approved", batch="spring")
    make_photo(sku="RING-1", view="side", status="approved", batch="spring")
    make_photo(sku="RING-2", view="front", status="flagged", batch="spring")
    make_photo(sku="=HYPERLINK(1)", view="front", status="reshoot", batch="summer")
    Sku.objects.filter(code="RING-1").update(title="Gold ring, 2 mm")
    response = api.manager.get("/api/exports/status.csv")
    assert response.status_code == 200 and response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="all-status.csv"'
    assert rows_of(response) == [
        ["sku", "title", "status", "photos", "new", "needs_review", "approved", "flagged", "in_repair", "reopened",
         "reshoot"],
        ["'=HYPERLINK(1)", "", "reshoot", "1", "0", "0", "0", "0", "0", "0", "1"],
        ["RING-1", "Gold ring, 2 mm", "done", "2", "0", "0", "2", "0", "0", "0", "0"],
        ["RING-2", "", "needs_repair", "1", "0", "0", "0", "1", "0", "0", "0"],
    ]
    spring = Photo.objects.filter(batch__name="spring").first().batch_id
    only_spring = api.manager.get(f"/api/exports/status.csv?batch={spring}")
    assert only_spring["Content-Disposition"] == f'attachment; filename="batch-{spring}-status.csv"'
    assert [row[0] for row in rows_of(only_spring)] == ["sku", "RING-1", "RING-2"]


def test_exports_refuse_unknown_or_bad_batches(api):
    missing = api.manager.get("/api/exports/status.csv?batch=4242")
    assert missing.status_code == 404 and missing.json()["code"] == "batch_not_found"
    bad = api.manager.get("/api/exports/approved.zip?batch=x")
    assert bad.status_code == 400 and bad.json()["details"]["field"] == "batch"
    for path in ("status.csv", "approved.zip"):  # two batches: one of them was exported, silently
        twice = api.manager.get(f"/api/exports/{path}?batch=1&batch=2")
        assert twice.status_code == 400
        assert twice.json()["message"] == "batch: Give batch once: it takes one value, and 2 were given."


def test_approved_zip(api, users, make_photo, scenes):
    first = make_photo(sku="RING/1", view="front", status="in_repair", assignee=users.retoucher, batch="spring")
    render_first = scenes.done_render(first, users.retoucher)
    second = make_photo(sku="RING-2", view="../side", status="in_repair", assignee=users.retoucher, batch="spring")
    render_second = scenes.done_render(second, users.retoucher)
    Photo.objects.filter(pk__in=[first.pk, second.pk]).update(status="approved")
    as_delivered = make_photo(sku="RING-3", view="top", status="approved", batch="spring")
    make_photo(sku="RING-4", view="top", status="needs_review", batch="spring")  # not approved: not exported
    other_batch = make_photo(sku="RING-5", view="top", status="in_repair", assignee=users.retoucher, batch="summer")
    scenes.done_render(other_batch, users.retoucher)
    Photo.objects.filter(pk=other_batch.pk).update(status="approved")

    response = api.manager.get(f"/api/exports/approved.zip?batch={first.batch_id}")
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    assert isinstance(response, StreamingHttpResponse)
    data = b"".join(response.streaming_content)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.testzip() is None
        # By SKU code ("RING-2" sorts before "RING/1"); names reduced to safe characters.
        assert archive.namelist() == ["RING-2/RING-2_side.png", "RING_1/RING_1_front.png", "manifest.csv"]
        for name, render in [("RING_1/RING_1_front.png", render_first), ("RING-2/RING-2_side.png", render_second)]:
            content = archive.read(name)
            assert content == default_storage.open(render.final.name).read()
            assert hashlib.sha256(content).hexdigest() == render.checksum
        manifest = list(csv.reader(io.StringIO(archive.read("manifest.csv").decode())))
    assert manifest == [
        ["sku", "view", "photo_id", "file", "revision", "sha256", "missing"],
        ["RING-2", "../side", str(second.pk), "RING-2/RING-2_side.png", "1", render_second.checksum, ""],
        ["RING-3", "top", str(as_delivered.pk), "", "", "",
         "approved without a finished render of its current revision"],
        ["RING/1", "front", str(first.pk), "RING_1/RING_1_front.png", "1", render_first.checksum, ""],
    ]


def test_zip_stream_writes_entries_as_they_are_read():
    """Chunks come out while the archive is being written: it is never built whole in memory."""
    big = bytes(range(256)) * 12_000  # ~3 MB, read 1 MiB at a time
    members = [ZipMember(name=f"f{i}.bin", open=lambda: io.BytesIO(big), size=len(big)) for i in range(3)]
    chunks = list(zip_stream(members))
    assert len(chunks) >= 9 and max(len(c) for c in chunks) <= 1024 * 1024 + 200
    with zipfile.ZipFile(io.BytesIO(b"".join(chunks))) as archive:
        assert archive.namelist() == ["f0.bin", "f1.bin", "f2.bin"]
        assert all(archive.read(name) == big for name in archive.namelist())


def test_spreadsheet_formulas_are_made_inert():
    assert [spreadsheet_safe(v) for v in ["=1+1", "+x", "-2", "@A1", "RING-1", 3]] == [
        "'=1+1", "'+x", "'-2", "'@A1", "RING-1", 3
    ]


def _manifest_of(response) -> list[list[str]]:
    with zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content))) as archive:
        return list(csv.reader(io.StringIO(archive.read("manifest.csv").decode())))


def test_a_selection_of_only_unknown_photos_is_404_naming_them(api):
    response = api.manager.get("/api/exports/approved.zip?photo=99999&photo=99998")
    assert response.status_code == 404
    assert response.json() == {
        "code": "photo_not_found",
        "message": "No photo has the id 99998 or 99999: there is nothing to export.",
        "details": {"photo_ids": [99998, 99999]},
    }


def test_a_selection_none_of_which_can_be_exported_is_409_saying_why_for_each(api, users, make_photo, scenes):
    waiting = make_photo(sku="RING-1", view="top", status="needs_review", batch="spring")
    elsewhere = make_photo(sku="RING-2", view="top", status="in_repair", assignee=users.retoucher, batch="summer")
    scenes.done_render(elsewhere, users.retoucher)
    Photo.objects.filter(pk=elsewhere.pk).update(status="approved")
    query = f"batch={waiting.batch_id}&photo={waiting.pk}&photo={elsewhere.pk}&photo=99999"
    response = api.manager.get(f"/api/exports/approved.zip?{query}")
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "nothing_to_export"
    assert body["message"] == (
        f"None of the requested photos can be exported: photo {waiting.pk}: not approved: it is waiting for review; "
        f"photo {elsewhere.pk}: not in batch {waiting.batch_id}; photo 99999: no such photo."
    )
    assert body["details"] == {
        "left_out": [
            {"photo_id": waiting.pk, "reason": "not approved: it is waiting for review"},
            {"photo_id": elsewhere.pk, "reason": f"not in batch {waiting.batch_id}"},
            {"photo_id": 99999, "reason": "no such photo"},
        ]
    }


def test_a_selection_partly_exportable_names_the_rest_in_the_manifest(api, users, make_photo, scenes):
    approved = make_photo(sku="RING-1", view="front", status="in_repair", assignee=users.retoucher, batch="spring")
    render = scenes.done_render(approved, users.retoucher)
    Photo.objects.filter(pk=approved.pk).update(status="approved")
    waiting = make_photo(sku="RING-2", view="top", status="needs_review", batch="spring")
    response = api.manager.get(f"/api/exports/approved.zip?photo={approved.pk}&photo={waiting.pk}&photo=99999")
    assert response.status_code == 200
    assert _manifest_of(response) == [
        ["sku", "view", "photo_id", "file", "revision", "sha256", "missing"],
        ["RING-1", "front", str(approved.pk), "RING-1/RING-1_front.png", "1", render.checksum, ""],
        ["RING-2", "top", str(waiting.pk), "", "", "", "not approved: it is waiting for review"],
        ["", "", "99999", "", "", "", "no such photo"],
    ]
