"""Phone numbers as the staff type them and as SIECLE exports them, stored in E.164.

A "français" number may be typed nationally (``06 12 34 56 78``): the overseas departments share the
French trunk prefix ``0`` but have their own country codes, so ``0692 41 27 83`` (La Réunion) becomes
``+262692412783``, never a naive ``+33692412783`` (which is no number at all). An "étranger" number
must be typed in international form (``+32 470 12 34 56`` or ``0032 470 12 34 56``).
"""

import re

import phonenumbers
from phonenumbers import PhoneNumberFormat, PhoneNumberType

# National prefixes of the overseas departments (libphonenumber metadata); anything else is metropolitan.
OVERSEAS_PREFIXES = {
    "0262": "RE",
    "0263": "RE",
    "0692": "RE",
    "0693": "RE",
    "0269": "YT",
    "0639": "YT",
    "0590": "GP",
    "0690": "GP",
    "0691": "GP",
    "0594": "GF",
    "0694": "GF",
    "0596": "MQ",
    "0696": "MQ",
    "0697": "MQ",
}
# Country codes dialled from France with the trunk prefix 0: shown nationally ("06 92 41 27 83").
FRENCH_COUNTRY_CODES = {33, 262, 590, 594, 596}

MOBILE_TYPES = (PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE_OR_MOBILE)
NOT_MOBILE_REASONS = {
    PhoneNumberType.FIXED_LINE: "c'est une ligne fixe",
    PhoneNumberType.TOLL_FREE: "c'est un numéro vert",
    PhoneNumberType.PREMIUM_RATE: "c'est un numéro surtaxé",
    PhoneNumberType.SHARED_COST: "c'est un numéro à coût partagé",
    PhoneNumberType.VOIP: "c'est un numéro de téléphonie par internet",
    PhoneNumberType.PAGER: "c'est un numéro de bipeur",
    PhoneNumberType.UAN: "c'est un numéro d'entreprise",
    PhoneNumberType.VOICEMAIL: "c'est un numéro de messagerie vocale",
}


class PhoneError(ValueError):
    """A number that cannot be kept; ``message`` says why, in French, for the staff."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _clean(raw: str) -> str:
    """Keeps digits and a leading "+"; "00" (international call prefix) becomes "+"."""
    cleaned = re.sub(r"[^\d+]", "", raw)
    if cleaned.startswith("00"):
        cleaned = "+" + cleaned[2:]
    return cleaned


def _parse(raw: str, *, etranger: bool) -> phonenumbers.PhoneNumber:
    cleaned = _clean(raw)
    if not cleaned.startswith("+"):
        if etranger:
            raise PhoneError(
                "Un numéro étranger s'écrit au format international, avec l'indicatif du pays "
                "(par exemple +32 470 12 34 56)."
            )
        if not (len(cleaned) == 10 and cleaned.startswith("0")):
            raise PhoneError(
                f"« {raw.strip()} » n'est pas un numéro français : il faut 10 chiffres commençant par 0."
            )
    region = OVERSEAS_PREFIXES.get(cleaned[:4], "FR")
    try:
        number = phonenumbers.parse(cleaned, None if cleaned.startswith("+") else region)
    except phonenumbers.NumberParseException:
        raise PhoneError(f"« {raw.strip()} » n'est pas un numéro de téléphone.") from None
    if not phonenumbers.is_valid_number(number):
        raise PhoneError(f"« {raw.strip()} » n'est pas un numéro de téléphone valide.")
    return number


def _e164(number: phonenumbers.PhoneNumber) -> str:
    return phonenumbers.format_number(number, PhoneNumberFormat.E164)


def phone_parse(raw: str, *, etranger: bool = False) -> str:
    """The E.164 form of a typed or exported number, "" for a blank one; raises PhoneError."""
    if not raw or not raw.strip():
        return ""
    return _e164(_parse(raw, etranger=etranger))


def mobile_parse(raw: str, *, etranger: bool = False) -> str:
    """As ``phone_parse``, and the number must be a mobile (an SMS must be able to reach it)."""
    if not raw or not raw.strip():
        return ""
    number = _parse(raw, etranger=etranger)
    kind = phonenumbers.number_type(number)
    if kind not in MOBILE_TYPES:
        reason = NOT_MOBILE_REASONS.get(kind, "ce n'est pas un numéro de mobile")
        raise PhoneError(f"« {raw.strip()} » n'est pas un numéro de mobile : {reason}.")
    return _e164(number)


def is_mobile(e164: str) -> bool:
    """A valid mobile number in E.164 form."""
    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return False
    return phonenumbers.is_valid_number(number) and phonenumbers.number_type(number) in MOBILE_TYPES


def is_foreign(e164: str) -> bool:
    """A number (E.164) outside the French numbering, metropolitan or overseas: typed as "étranger"."""
    return e164.startswith("+") and not e164.startswith(tuple(f"+{code}" for code in FRENCH_COUNTRY_CODES))


def phone_format(e164: str) -> str:
    """French display: "06 12 34 56 78", "06 92 41 27 83" for La Réunion, "+32 470 12 34 56" abroad."""
    if not e164:
        return ""
    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return e164
    if number.country_code in FRENCH_COUNTRY_CODES:
        digits = "0" + phonenumbers.national_significant_number(number)
        if len(digits) == 10:
            return " ".join(digits[i : i + 2] for i in range(0, 10, 2))
    return phonenumbers.format_number(number, PhoneNumberFormat.INTERNATIONAL)


def phone_mask(e164: str) -> str:
    """A number with its middle hidden, for the audit journal (never a family's full number)."""
    shown = phone_format(e164)
    if len(shown) < 6:
        return "•" * len(shown)
    return shown[:2] + re.sub(r"\d", "•", shown[2:-2]) + shown[-2:]
