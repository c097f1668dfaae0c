"""How many SMS a text costs: GSM 03.38 (7-bit) or UCS-2, characters counted and parts.

One character outside the GSM alphabet (ç, ê, œ, the typographic apostrophe ’, the non-breaking
spaces French formatting inserts) turns the whole message into UCS-2: 70 characters per SMS instead
of 160, so roughly twice the price. ``make_gsm_safe`` replaces those characters by their closest
GSM equivalents.
"""

import unicodedata
from dataclasses import dataclass

GSM_7 = "GSM-7"
UCS_2 = "UCS-2"

# The GSM 03.38 default alphabet (one septet each).
GSM_BASIC_CHARS = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
# The extension table: reached through an escape septet, so each counts two.
GSM_EXTENDED_CHARS = frozenset("\f^{}\\[~]|€")

SINGLE_PART_UNITS = {GSM_7: 160, UCS_2: 70}
MULTI_PART_UNITS = {GSM_7: 153, UCS_2: 67}

# Replacements tried before the generic one (dropping accents): typography and ligatures.
GSM_REPLACEMENTS = {
    "\u00a0": " ",  # no-break space
    "\u202f": " ",  # narrow no-break space (French "12 h", "« oui »")
    "\u2009": " ",  # thin space
    "\u2007": " ",  # figure space
    "\u2019": "'",  # ’
    "\u2018": "'",  # ‘
    "\u02bc": "'",  # ʼ
    "\u201c": '"',  # “
    "\u201d": '"',  # ”
    "«": '"',
    "»": '"',
    "\u2026": "...",  # …
    "\u2013": "-",  # –
    "\u2014": "-",  # —
    "\u2010": "-",  # ‐
    "\u2011": "-",  # non-breaking hyphen
    "œ": "oe",
    "Œ": "OE",
    "\t": " ",
}


@dataclass(frozen=True)
class SmsAnalysis:
    encoding: str  # GSM_7 or UCS_2
    units: int  # septets in GSM-7 (escapes count two), UTF-16 code units in UCS-2
    parts: int  # SMS billed: 160/153 per part in GSM-7, 70/67 in UCS-2
    non_gsm_chars: tuple[str, ...]  # what forces UCS-2, in order of appearance, no repeats


def _gsm_cost(char: str) -> int | None:
    if char in GSM_BASIC_CHARS:
        return 1
    if char in GSM_EXTENDED_CHARS:
        return 2
    return None


def _ucs2_cost(char: str) -> int:
    return len(char.encode("utf-16-le")) // 2  # characters beyond the BMP take a surrogate pair


def _count_parts(costs: list[int], encoding: str) -> int:
    """A character is never split across two parts (neither a GSM escape nor a surrogate pair),
    so the parts are filled one character at a time, as a phone does."""
    if sum(costs) <= SINGLE_PART_UNITS[encoding]:
        return 1
    capacity = MULTI_PART_UNITS[encoding]
    parts, used = 1, 0
    for cost in costs:
        if used + cost > capacity:
            parts, used = parts + 1, 0
        used += cost
    return parts


def analyse(text: str) -> SmsAnalysis:
    """An empty text is counted as one part: the provider would bill one SMS for it."""
    gsm_costs = [_gsm_cost(char) for char in text]
    non_gsm = tuple(dict.fromkeys(char for char, cost in zip(text, gsm_costs, strict=True) if cost is None))
    if non_gsm:
        costs = [_ucs2_cost(char) for char in text]
        encoding = UCS_2
    else:
        costs = gsm_costs
        encoding = GSM_7
    return SmsAnalysis(
        encoding=encoding,
        units=sum(costs),
        parts=_count_parts(costs, encoding),
        non_gsm_chars=non_gsm,
    )


def _gsm_safe_char(char: str) -> str:
    if _gsm_cost(char) is not None:
        return char
    if char in GSM_REPLACEMENTS:
        return GSM_REPLACEMENTS[char]
    # ç → c, ê → e, À → A, ï → i...: the letter without its accent, when that is in the alphabet.
    base = unicodedata.normalize("NFD", char)[0]
    if _gsm_cost(base) is not None:
        return base
    return char


def make_gsm_safe(text: str) -> str:
    """The text with every character that has a close GSM equivalent replaced by it. Characters
    with none (Arabic, emoji...) stay: such a text is still sent, in UCS-2."""
    return "".join(_gsm_safe_char(char) for char in text)
