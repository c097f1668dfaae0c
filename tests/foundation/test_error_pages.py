"""Error pages in French, as production shows them (DEBUG off): never Django's English ones."""

from django.test import Client, RequestFactory, override_settings
from django.views.defaults import bad_request, server_error

ENGLISH = ("Forbidden", "Not Found", "Server Error", "Bad Request")


def _assert_french(response, status: int, title: str) -> str:
    page = response.content.decode()
    assert response.status_code == status
    assert title in page
    assert '<html lang="fr">' in page
    for word in ENGLISH:
        assert word not in page
    return page


@override_settings(DEBUG=False)
def test_a_page_reserved_to_the_personne_habilitee_is_refused_in_french(vie_scolaire_client):
    response = vie_scolaire_client.get("/sms/fournisseur/")

    page = _assert_french(response, 403, "Accès refusé")
    assert "réservées à la personne habilitée" in page
    assert "Retour à l'accueil" in page
    assert "sconet-menu" in page  # the site's layout, with the menu the user may use


@override_settings(DEBUG=False)
def test_an_unknown_page_is_said_in_french(vie_scolaire_client):
    response = vie_scolaire_client.get("/sms/page-qui-n-existe-pas/")

    page = _assert_french(response, 404, "Page introuvable")
    assert "sconet-menu" in page


@override_settings(DEBUG=False, ROOT_URLCONF="tests.foundation.error_urls")
def test_a_server_error_is_said_in_french(db):
    client = Client(raise_request_exception=False)

    response = client.get("/erreur-de-test/")

    page = _assert_french(response, 500, "Erreur du serveur")
    assert "vérifiez si votre saisie a été enregistrée" in page


@override_settings(DEBUG=False)
def test_the_500_and_400_pages_need_neither_a_request_context_nor_the_database():
    # No `db` fixture: any database query here would fail the test.
    request = RequestFactory().get("/")

    _assert_french(server_error(request), 500, "Erreur du serveur")
    _assert_french(bad_request(request, exception=None), 400, "Requête incorrecte")
