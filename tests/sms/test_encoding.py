"""The GSM counter on French text: what forces UCS-2, the escapes that count two, the part limits."""

import pytest

from sms.encoding import GSM_7, UCS_2, analyse, make_gsm_safe


def test_plain_french_with_gsm_accents_stays_gsm():
    analysis = analyse("Élève absent à 8h, prévenez-nous. Ça va où ? Ç é è ù à")

    assert analysis.encoding == GSM_7
    assert analysis.non_gsm_chars == ()
    assert analysis.parts == 1


@pytest.mark.parametrize(
    ("text", "culprits"),
    [
        ("Leçon", ("ç",)),
        ("Cœur", ("œ",)),
        ("L’élève", ("’",)),
        ("Fête", ("ê",)),
        ("12\u202fh", ("\u202f",)),
        ("1\u00a0000", ("\u00a0",)),
        ("« oui »", ("«", "»")),
    ],
)
def test_one_character_outside_gsm_forces_ucs2(text, culprits):
    analysis = analyse(text)

    assert analysis.encoding == UCS_2
    assert analysis.non_gsm_chars == culprits
    assert analysis.units == len(text)


def test_non_gsm_chars_are_listed_in_order_without_repeats():
    assert analyse("ç’ça’œç").non_gsm_chars == ("ç", "’", "œ")


def test_gsm_escapes_count_two():
    analysis = analyse("€[]{}\\^~|")

    assert analysis.encoding == GSM_7
    assert analysis.units == 18


def test_euro_is_gsm_but_counts_two_at_the_single_part_limit():
    assert analyse("a" * 158 + "€").parts == 1
    assert analyse("a" * 159 + "€").parts == 2


@pytest.mark.parametrize(
    ("length", "parts"),
    [(1, 1), (160, 1), (161, 2), (306, 2), (307, 3), (459, 3), (460, 4)],
)
def test_gsm_part_boundaries(length, parts):
    analysis = analyse("é" * length)

    assert (analysis.encoding, analysis.units, analysis.parts) == (GSM_7, length, parts)


@pytest.mark.parametrize(
    ("length", "parts"),
    [(70, 1), (71, 2), (134, 2), (135, 3), (201, 3), (202, 4)],
)
def test_ucs2_part_boundaries(length, parts):
    analysis = analyse("ç" * length)

    assert (analysis.encoding, analysis.units, analysis.parts) == (UCS_2, length, parts)


def test_an_escape_is_never_split_across_two_parts():
    # 152 septets then "€": it does not fit in the first part's last septet, so 153 + 2 + ... moves on.
    text = "a" * 152 + "€" + "a" * 152
    assert analyse(text).units == 306
    assert analyse(text).parts == 3


def test_an_emoji_counts_two_ucs2_units():
    analysis = analyse("Bonjour 🙂")

    assert (analysis.encoding, analysis.units) == (UCS_2, 10)


def test_empty_text_is_one_part():
    assert (analyse("").units, analyse("").parts) == (0, 1)


def test_make_gsm_safe_replaces_french_typography():
    text = "L’élève Françoise a manqué la leçon d’œnologie à 12\u202fh\u00a0: « fête »… — Ç Ê À"

    safe = make_gsm_safe(text)

    assert safe == "L'élève Francoise a manqué la lecon d'oenologie à 12 h : \" fete \"... - Ç E A"
    assert analyse(safe).encoding == GSM_7


def test_make_gsm_safe_keeps_what_has_no_equivalent():
    assert make_gsm_safe("Salam سلام 🙂") == "Salam سلام 🙂"


def test_make_gsm_safe_leaves_gsm_text_untouched():
    text = "Ça é è ù à € [ok] {x} ^~|\\"
    assert make_gsm_safe(text) == text
