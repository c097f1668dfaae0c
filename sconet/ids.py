"""Ids read from an address or a form: ASCII digits that fit a database id, nothing else. A check
with ``str.isdigit()`` lets through « ² » (a digit to Unicode, not to ``int``) and a 20-digit
number no database id holds: both were an error page."""

import re
from collections.abc import Iterable

ID = re.compile(r"[0-9]{1,18}")


def id_or_none(value) -> int | None:
    text = str(value or "")
    return int(text) if ID.fullmatch(text) else None


def ids_of(values: Iterable) -> list[int]:
    return [pk for pk in map(id_or_none, values) if pk is not None]
