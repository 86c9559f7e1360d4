"""Ids typed into URLs and forms: only plain ASCII digits, few enough for a 64-bit column.

``str.isdigit`` is not that check: it accepts "²" (which ``int`` refuses: a 500) and other
scripts' digits, and any length (an overflow in the database: another 500).
"""

from __future__ import annotations

import re

_ID = re.compile(r"[0-9]{1,18}")


def parse_id(text: object) -> int | None:
    """``text`` as an int when it is 1-18 ASCII digits, else None.

    >>> parse_id("42"), parse_id("²"), parse_id("4" * 19), parse_id(" 7"), parse_id(None)
    (42, None, None, None, None)
    """
    return int(text) if isinstance(text, str) and _ID.fullmatch(text) else None
