"""Every page requires login; Paramétrages are for the personne habilitée; a user works in their school."""

import pytest
from django.urls import reverse

from sconet import navigation
from tests import factories
from tests.urls import all_routes, example_path

# What answers without login: the login page itself and the health probe for the orchestrator.
PUBLIC_URL_NAMES = {"login", "healthz"}


def _routes():
    return sorted({route for route, name in all_routes() if name not in PUBLIC_URL_NAMES})


@pytest.mark.parametrize("route", _routes())
def test_anonymous_visitor_is_sent_to_the_login_page(client, db, route):
    response = client.get(example_path(route))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_the_login_page_is_in_french(client, db):
    response = client.get(reverse("login"))

    assert response.status_code == 200
    assert '<html lang="fr">' in response.content.decode()
    assert "Connexion" in response.content.decode()
    assert "Mot de passe" in response.content.decode()


def test_a_wrong_password_is_refused_in_french(client, vie_scolaire_user):
    response = client.post(reverse("login"), {"username": "viescolaire", "password": "faux"})

    assert response.status_code == 200
    assert "Saisissez un nom d’utilisateur et un mot de passe valides" in response.content.decode()


def _parametrages_entries():
    parametrages = next(e for e in navigation.MENU if e.slug == "parametrages")
    return [*parametrages.children, next(e for e in navigation.MENU if e.slug == "import-export")]


@pytest.mark.parametrize("entry", _parametrages_entries(), ids=lambda e: e.slug)
def test_vie_scolaire_is_refused_the_parametrages(vie_scolaire_client, entry):
    response = vie_scolaire_client.get(entry.url)

    assert response.status_code == 403


@pytest.mark.parametrize("entry", _parametrages_entries(), ids=lambda e: e.slug)
def test_personne_habilitee_is_let_into_the_parametrages(habilitee_client, entry):
    response = habilitee_client.get(entry.url)

    assert response.status_code == 200


def test_a_user_without_a_role_is_refused_the_pages(client, etablissement):
    client.force_login(factories.UserFactory(etablissements=[etablissement]))

    assert client.get(reverse("home")).status_code == 200
    for entry in navigation.visible_menu(habilitee=False):
        for item in entry.children or (entry,):
            assert client.get(item.url).status_code == 403, item.slug
