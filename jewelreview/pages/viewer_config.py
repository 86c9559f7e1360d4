"""What the deep-zoom viewer of the review screen and the editor is told about a photo's images."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.urls import reverse

from jewelreview.catalog.models import Photo


def tiles_url(photo_id: int, pyramid: str) -> str:
    """The DZI descriptor URL of one of the photo's pyramids (``original``, ``cutout``, ``r<N>``)."""
    return reverse("api:photo-tiles", kwargs={"photo_id": photo_id, "pyramid": pyramid})


def viewer_images(photo: Photo, layers: Iterable[Any]) -> dict[str, Any]:
    """``original`` and ``layers`` of the viewer config: each result layer by its tiles, or by its
    final PNG when the render has no pyramid (renders made before pyramids existed)."""
    return {
        "original": tiles_url(photo.pk, "original") if photo.tiles_original else None,
        "layers": [
            {
                "key": layer.key,
                "label": layer.label,
                "tiles": tiles_url(photo.pk, layer.key) if layer.has_tiles else None,
                "image": reverse("api:render-final", kwargs={"render_id": layer.render_id})
                if layer.render_id and not layer.has_tiles
                else None,
            }
            for layer in layers
        ],
    }
