"""An id typed or tampered with in an address or a form: a page, never an error page. « ² » is a
digit to ``str.isdigit()`` but not to ``int()``, and a 20-digit id overflows the database."""

import pytest
from django.urls import reverse

from absences.services import parametrages_ensure
from sconet.ids import id_or_none, ids_of

ODD_IDS = ["²", "99999999999999999999", "-1", " 1", ""]


@pytest.fixture
def parametrages(etablissement):
    return parametrages_ensure(etablissement=etablissement)


@pytest.mark.parametrize("odd", ODD_IDS)
@pytest.mark.parametrize(
    ("url_name", "field"),
    [
        ("appel", "division"),
        ("appel", "horaire"),
        ("saisie", "division"),
        ("courriers", "envoi"),
        ("courriels", "envoi"),
        ("courriers_impression", "courrier"),
        ("sms_waiting", "sms"),
    ],
)
def test_an_odd_id_in_the_address_shows_the_page(vie_scolaire_client, parametrages, url_name, field, odd):
    response = vie_scolaire_client.get(reverse(url_name), {field: odd}, follow=True)

    assert response.status_code == 200


@pytest.mark.parametrize(("url_name", "field"), [("courriers_edites", "envoi"), ("sms_refresh", "sms")])
def test_an_odd_id_posted_changes_nothing_and_shows_the_page(
    vie_scolaire_client, parametrages, url_name, field
):
    response = vie_scolaire_client.post(reverse(url_name), {field: ODD_IDS}, follow=True)

    assert response.status_code == 200


def test_only_ascii_digits_that_fit_an_id_are_ids():
    assert ids_of(["12", "²", "٣", "1" * 18, "1" * 19, "", None, "0x1"]) == [12, int("1" * 18)]
    assert id_or_none(7) == 7
