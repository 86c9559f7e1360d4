"""The render task: full-resolution PNG written atomically, checksum and timings, failure and retry."""

from __future__ import annotations

import hashlib

import cv2
import numpy as np
import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from core.errors import CoreError
from jewelreview import stored_files
from jewelreview.errors import Conflict, NotAllowed
from jewelreview.repairs import rendering
from jewelreview.repairs.models import Render
from jewelreview.repairs.selectors import photo_final_render
from jewelreview.repairs.services import render_retry, revision_create
from jewelreview.repairs.tasks import render_revision

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("core_render")]


@pytest.fixture
def queued_render(users, make_photo, recipe):
    photo = make_photo(status="in_repair", assignee=users.retoucher)
    revision = revision_create(photo=photo, author=users.retoucher, recipe=recipe, base_revision=None)
    return Render.objects.get(revision=revision)


def _decode_rgba(data: bytes) -> np.ndarray:
    bgra = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_UNCHANGED)
    return bgra


def test_render_writes_the_final_png_with_checksum_and_timings(queued_render):
    result = render_revision.call(render_id=queued_render.pk)
    render = Render.objects.get(pk=queued_render.pk)
    assert render.state == "done" and render.attempts == 1 and render.error == ""
    assert result == {"render": render.pk, "final": render.final.name, "checksum": render.checksum}
    data = stored_files.read_bytes(render.final.name)
    assert hashlib.sha256(data).hexdigest() == render.checksum and len(data) == render.final_bytes
    assert render.final.name == f"renders/{render.revision.photo_id}/r1-{render.checksum[:16]}.png"
    rgba = _decode_rgba(data)
    assert rgba.shape == (48, 64, 4)
    # The recipe adds the 10 x 10 square at (5, 5)-(15, 15) to the AI mask: exactly opaque there.
    assert (rgba[5:15, 5:15, 3] == 255).all()
    assert rgba[0, 0, 3] == 0
    assert stored_files.read_bytes(render.preview.name)[:8] == b"\x89PNG\r\n\x1a\n"
    assert {"read_ms", "decode_ms", "render_ms", "encode_final_ms", "store_ms", "total_ms"} <= set(render.timings)
    assert {"core_base_ms", "core_ops_ms", "core_op0_path_ms"} <= set(render.timings)
    assert render.started_at <= render.finished_at
    assert photo_final_render(photo=render.revision.photo) == render


def test_running_the_task_twice_is_harmless(queued_render):
    render_revision.call(render_id=queued_render.pk)
    first = Render.objects.get(pk=queued_render.pk)
    assert render_revision.call(render_id=queued_render.pk) == {"render": first.pk, "skipped": True}
    again = Render.objects.get(pk=queued_render.pk)
    assert (again.attempts, again.final.name, again.finished_at) == (1, first.final.name, first.finished_at)
    files = default_storage.listdir(f"renders/{first.revision.photo_id}")[1]
    assert sorted(files) == sorted([first.final.name.rsplit("/", 1)[1], first.preview.name.rsplit("/", 1)[1]])


def test_same_recipe_renders_to_the_same_bytes(queued_render, users, recipe):
    render_revision.call(render_id=queued_render.pk)
    first = Render.objects.get(pk=queued_render.pk)
    photo = first.revision.photo
    again = revision_create(photo=photo, author=users.retoucher, recipe=recipe, base_revision=first.revision_id)
    second = Render.objects.get(revision=again)
    render_revision.call(render_id=second.pk)
    second.refresh_from_db()
    assert second.checksum == first.checksum


def test_a_failing_render_records_its_error_and_can_be_retried(queued_render, users, monkeypatch):
    real = rendering.render_to_storage

    def broken(**kwargs):
        raise MemoryError("out of memory while rendering")

    monkeypatch.setattr(rendering, "render_to_storage", broken)
    with pytest.raises(MemoryError):
        render_revision.call(render_id=queued_render.pk)
    failed = Render.objects.get(pk=queued_render.pk)
    assert failed.state == "failed" and failed.attempts == 1
    assert failed.error == "the server ran out of memory; retry it, and tell a manager if it fails again."
    assert not failed.final and photo_final_render(photo=failed.revision.photo) is None
    assert not default_storage.exists(f"renders/{failed.revision.photo_id}")

    with pytest.raises(NotAllowed):
        render_retry(render=failed, actor=users.reviewer)
    monkeypatch.setattr(rendering, "render_to_storage", real)
    retried = render_retry(render=failed, actor=users.retoucher)
    assert (retried.state, retried.error) == ("queued", "")  # the old reason is not shown while it is queued again
    render_revision.call(render_id=failed.pk)
    done = Render.objects.get(pk=failed.pk)
    assert (done.state, done.attempts, done.error) == ("done", 2, "")
    with pytest.raises(Conflict, match="only failed renders can be retried"):
        render_retry(render=done, actor=users.retoucher)


def test_a_bad_input_failure_keeps_cores_message(queued_render):
    photo = queued_render.revision.photo
    default_storage.delete(photo.ai_mask.name)
    default_storage.save(photo.ai_mask.name, ContentFile(b"not an image at all"))
    with pytest.raises(CoreError):
        render_revision.call(render_id=queued_render.pk)
    failed = Render.objects.get(pk=queued_render.pk)
    assert failed.state == "failed"
    assert "not" in failed.error.lower() and "Traceback" not in failed.error


@pytest.mark.parametrize(("field", "what"), [("original", "original"), ("ai_mask", "AI mask")])
def test_a_missing_stored_file_is_said_in_a_sentence_and_its_path_only_logged(queued_render, field, what, caplog):
    photo = queued_render.revision.photo
    name = getattr(photo, field).name
    default_storage.delete(name)
    with pytest.raises(FileNotFoundError):
        render_revision.call(render_id=queued_render.pk)
    failed = Render.objects.get(pk=queued_render.pk)
    assert failed.error == f"the photo's stored {what} is missing; ask a manager to re-import it."
    assert name in caplog.text and "Traceback" in caplog.text  # the detail is for the server's log


def test_an_unexpected_failure_shows_no_path_or_source_location(queued_render, monkeypatch, caplog):
    def broken(**kwargs):
        raise RuntimeError("boom in /srv/app/secret/place.py")

    monkeypatch.setattr(rendering, "render_to_storage", broken)
    with pytest.raises(RuntimeError):
        render_revision.call(render_id=queued_render.pk)
    failed = Render.objects.get(pk=queued_render.pk)
    assert failed.error == (
        "something unexpected went wrong on the server; retry it, and tell a manager if it fails again."
    )
    assert "/srv/app/secret/place.py" in caplog.text


def test_a_crash_while_writing_leaves_no_file_under_the_final_name(queued_render, monkeypatch, media_storage):
    """The final PNG appears whole or not at all: a write that dies midway leaves nothing visible."""

    class DyingContent(ContentFile):
        def chunks(self, chunk_size=None):
            yield self.read(10)
            raise OSError("disk unplugged")

    real_save = stored_files.save_new

    def dying_save(name, data):
        if name.endswith(".png"):
            stored_files.storage().save(name, DyingContent(data))
        return real_save(name, data)

    monkeypatch.setattr(stored_files, "save_new", dying_save)
    with pytest.raises(OSError, match="disk unplugged"):
        render_revision.call(render_id=queued_render.pk)
    render = Render.objects.get(pk=queued_render.pk)
    assert render.state == "failed" and not render.final
    assert render.error == (
        "something unexpected went wrong on the server; retry it, and tell a manager if it fails again."
    )
    folder = media_storage / "renders" / str(render.revision.photo_id)
    assert not folder.exists() or sorted(p.name for p in folder.iterdir()) == []


def test_the_queue_being_down_marks_the_render_failed_not_stuck(
    users, make_photo, recipe, monkeypatch, django_capture_on_commit_callbacks
):
    photo = make_photo(status="in_repair", assignee=users.retoucher)

    from jewelreview.repairs import tasks

    class DownTask:
        def enqueue(self, **kwargs):
            raise ConnectionError("Redis is down")

    monkeypatch.setattr(tasks, "render_revision", DownTask())
    with django_capture_on_commit_callbacks(execute=True):
        revision = revision_create(photo=photo, author=users.retoucher, recipe=recipe, base_revision=None)
    render = Render.objects.get(revision=revision)
    assert render.state == "failed"
    assert render.error == (
        "could not enqueue the render: the task queue did not answer; it is queued again once the queue is back."
    )


def test_in_process_backend_renders_right_after_commit(users, make_photo, recipe, django_capture_on_commit_callbacks):
    photo = make_photo(status="in_repair", assignee=users.retoucher)
    with django_capture_on_commit_callbacks(execute=True):
        revision = revision_create(photo=photo, author=users.retoucher, recipe=recipe, base_revision=None)
    render = Render.objects.get(revision=revision)
    assert render.state == "done" and render.task_id


def _taken_over_while_rendering(monkeypatch, render_id: int, *, outcome):
    """While the first worker renders, the sweeper requeues the render and a second worker claims it."""
    from datetime import timedelta

    from django.utils import timezone

    from jewelreview.repairs.services import render_claim, renders_requeue_stale

    real = rendering.render_to_storage

    def slow_worker(*, render, watch):
        Render.objects.filter(pk=render_id).update(started_at=timezone.now() - timedelta(days=1))
        assert renders_requeue_stale()["stale"] == [render_id]
        second = render_claim(render_id=render_id)
        assert second is not None and second.attempts == 2
        return outcome(real, render=render, watch=watch)

    monkeypatch.setattr(rendering, "render_to_storage", slow_worker)


def test_a_slow_workers_completion_does_not_overwrite_the_attempt_that_took_over(queued_render, monkeypatch, caplog):
    _taken_over_while_rendering(monkeypatch, queued_render.pk, outcome=lambda real, **kw: real(**kw))
    render_revision.call(render_id=queued_render.pk)
    render = Render.objects.get(pk=queued_render.pk)
    assert (render.state, render.attempts, render.final.name, render.checksum) == ("running", 2, "", "")
    assert "ignored complete from attempt 1" in caplog.text


def test_a_slow_workers_failure_does_not_fail_the_attempt_that_took_over(queued_render, monkeypatch, caplog):
    def crash(real, **kw):
        raise RuntimeError("out of memory")

    _taken_over_while_rendering(monkeypatch, queued_render.pk, outcome=crash)
    with pytest.raises(RuntimeError):
        render_revision.call(render_id=queued_render.pk)
    render = Render.objects.get(pk=queued_render.pk)
    assert (render.state, render.attempts, render.error) == ("running", 2, "")
    assert "ignored fail from attempt 1" in caplog.text


# Saved before the edge-row budget existed (c28b24c): 700 strokes 8,000 px tall, 5,600,000 rows.
HEAVY_RECIPE = {"version": 1, "base": "ai", "ops": [{"op": "path", "d": "M 0 0" + " l 1 8000 l 1 -8000" * 350}]}


def test_a_revision_stored_before_the_edge_row_budget_renders_and_its_failed_render_can_be_retried(users, make_photo):
    from core.recipe import Recipe

    from jewelreview.repairs.models import RenderState, Revision
    from jewelreview.repairs.services import render_enqueue

    photo = make_photo(status="in_repair", assignee=users.retoucher)
    stored = Recipe.from_dict(HEAVY_RECIPE, edge_row_budget=False)
    revision = Revision.objects.create(
        photo=photo, number=1, author=users.retoucher, recipe=stored.to_dict(), recipe_sha256=stored.sha256()
    )
    photo.current_revision = revision
    photo.save()
    # its render as the budget left it: failed on "paths cross 5,600,000 pixel rows", retry or not
    failed = render_enqueue(revision=revision)
    Render.objects.filter(pk=failed.pk).update(
        state=RenderState.FAILED, attempts=1, error="InvalidRecipeError: ops: paths cross 5,600,000 pixel rows ..."
    )
    render_retry(render=Render.objects.get(pk=failed.pk), actor=users.retoucher)
    render_revision.call(render_id=failed.pk)
    render = Render.objects.get(pk=failed.pk)
    assert (render.state, render.error) == ("done", "")
    assert photo_final_render(photo=photo) == render
    alpha = _decode_rgba(stored_files.read_bytes(render.final.name))[..., 3]
    # the strokes' thin triangles leave gaps of 2 * y / 8000 px between them: nearly opaque
    assert alpha.shape == (48, 64) and alpha.min() >= 250
