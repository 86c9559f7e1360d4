"""The address of a photo's thumbnail, with the ``?v=`` that lets browsers keep it for good."""

from __future__ import annotations

from django import template
from django.urls import reverse

from jewelreview.repairs.thumbnails import photo_thumbnail_version

register = template.Library()


@register.filter
def thumbnail_src(photo) -> str:
    """``/api/photos/{id}/thumb.webp?v=...`` for a photo of a list annotated with ``final_render_id``
    (``catalog.selectors.with_final_render``): the one rule the API checks ``v`` against."""
    version = photo_thumbnail_version(photo, final_render_id=getattr(photo, "final_render_id", None))
    return f"{reverse('api:photo-thumbnail', kwargs={'photo_id': photo.pk})}?v={version}"
