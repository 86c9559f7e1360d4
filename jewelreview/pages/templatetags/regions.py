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


@register.filter
def extent_percent(extent: float | None) -> str:
    """``Photo.damage_extent`` (0..1) as the percentage a reviewer reads: whole percents from 10 %,
    one decimal below, and "< 0.1 %" for what one decimal would show as nothing. Rounded to one
    decimal first, then the format chosen, so 9.96 % reads "10 %", not "10.0 %".

    >>> [extent_percent(x) for x in (0, 0.0004, 0.024, 0.0996, 0.1234, 1)]
    ['0 %', '< 0.1 %', '2.4 %', '10 %', '12 %', '100 %']
    """
    if extent is None:
        return ""
    percent = float(extent) * 100
    if percent == 0:
        return "0 %"
    one_decimal = f"{percent:.1f}"
    if float(one_decimal) == 0:
        return "< 0.1 %"
    return f"{percent:.0f} %" if float(one_decimal) >= 10 else f"{one_decimal} %"
