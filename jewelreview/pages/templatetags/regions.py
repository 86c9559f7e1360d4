"""Template filters for detection's regions."""

from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def region_letter(counter: int) -> str:
    """The letter of the ``counter``-th region (1-based, as ``forloop.counter``): A, B, ... Z, AA,
    as the viewer labels it and an ``<ol type="A">`` counts (frontend state/pins.js regionLetter).

    >>> [region_letter(n) for n in (1, 26, 27, 53)]
    ['A', 'Z', 'AA', 'BA']
    """
    letters = ""
    n = int(counter)
    while n > 0:
        n, rest = divmod(n - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters
