import pytest

from eleves.phones import (
    PhoneError,
    is_foreign,
    is_mobile,
    mobile_parse,
    phone_format,
    phone_mask,
    phone_parse,
)


@pytest.mark.parametrize(
    ("raw", "etranger", "e164"),
    [
        ("06 12 34 56 78", False, "+33612345678"),
        ("06.12.34.56.78", False, "+33612345678"),
        ("01-46-00-00-00", False, "+33146000000"),
        ("+33612345678", False, "+33612345678"),
        ("0033 6 12 34 56 78", False, "+33612345678"),
        ("0692 41 27 83", False, "+262692412783"),  # La Réunion, never +33692…
        ("0262 12 34 56", False, "+262262123456"),
        ("0269 61 12 34", False, "+262269611234"),  # Mayotte
        ("0690 12 34 56", False, "+590690123456"),  # Guadeloupe
        ("0694 12 34 56", False, "+594694123456"),  # Guyane
        ("0696 12 34 56", False, "+596696123456"),  # Martinique
        ("+32 470 12 34 56", True, "+32470123456"),
        ("0032470123456", True, "+32470123456"),
        ("", False, ""),
        ("   ", True, ""),
    ],
)
def test_a_number_is_stored_in_e164(raw, etranger, e164):
    assert phone_parse(raw, etranger=etranger) == e164


@pytest.mark.parametrize(
    ("raw", "etranger", "message"),
    [
        (
            "06 12 34",
            False,
            "« 06 12 34 » n'est pas un numéro français : il faut 10 chiffres commençant par 0.",
        ),
        ("0470123456", True, "Un numéro étranger s'écrit au format international"),
        ("+33 6 92 41 27 83", False, "« +33 6 92 41 27 83 » n'est pas un numéro de téléphone valide."),
        ("abc", False, "« abc » n'est pas un numéro français"),
        ("+999 12", True, "« +999 12 » n'est pas un numéro de téléphone."),
    ],
)
def test_a_bad_number_is_refused_in_french(raw, etranger, message):
    with pytest.raises(PhoneError) as error:
        phone_parse(raw, etranger=etranger)

    assert error.value.message.startswith(message)


def test_a_landline_is_refused_as_a_mobile_with_the_reason():
    with pytest.raises(PhoneError) as error:
        mobile_parse("01 46 00 00 00")

    assert error.value.message == "« 01 46 00 00 00 » n'est pas un numéro de mobile : c'est une ligne fixe."
    assert mobile_parse("0692 41 27 83") == "+262692412783"
    assert mobile_parse("") == ""


@pytest.mark.parametrize(
    ("e164", "shown"),
    [
        ("+33612345678", "06 12 34 56 78"),
        ("+262692412783", "06 92 41 27 83"),
        ("+32470123456", "+32 470 12 34 56"),
        ("", ""),
    ],
)
def test_a_number_is_shown_in_french_format(e164, shown):
    assert phone_format(e164) == shown


@pytest.mark.parametrize(
    ("e164", "mobile", "foreign"),
    [
        ("+33612345678", True, False),
        ("+262692412783", True, False),
        ("+32470123456", True, True),
        ("+33146000000", False, False),
        ("+33692412783", False, False),
        ("0612", False, False),
    ],
)
def test_mobile_and_foreign_checks(e164, mobile, foreign):
    assert (is_mobile(e164), is_foreign(e164)) == (mobile, foreign)


def test_the_journal_sees_a_masked_number():
    assert phone_mask("+33612345678") == "06 •• •• •• 78"
