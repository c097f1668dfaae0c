import logging

import pytest

from sconet.logging import RedactingFilter, redact


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("SMS envoyé au +33612345678", "SMS envoyé au +*********78"),
        ("numéro 06 12 34 56 78 invalide", "numéro ** ** ** ** 78 invalide"),
        ("Réunion +262692412783.", "Réunion +**********83."),
        ("password=s3cr3t&login=cle", "password=***&login=cle"),
        ("{'mot_de_passe': 'hunter2'}", "{'mot_de_passe': '***'}"),
        ("Cookie: sessionid=abcdef123456", "Cookie: sessionid=***"),
        ("Msg 11188 - en transit", "Msg 11188 - en transit"),
        ("le 15/02/2008 à 14:40", "le 15/02/2008 à 14:40"),
        ("élève 100123 en 5B", "élève 100123 en 5B"),
    ],
)
def test_phone_numbers_and_secrets_are_masked(text, expected):
    assert redact(text) == expected


def test_the_filter_rewrites_the_formatted_message():
    record = logging.LogRecord("sms", logging.INFO, __file__, 1, "envoi à %s", ("+33612345678",), None)

    RedactingFilter().filter(record)

    assert record.getMessage() == "envoi à +*********78"
