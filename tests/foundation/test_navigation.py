import re

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.urls import reverse

from sconet import navigation


def unbuilt_entries(*, habilitee: bool) -> list[navigation.MenuEntry]:
    """The entries of the menu and of the top bar whose page is not built yet, that a user sees."""
    entries = [*navigation.visible_menu(habilitee=habilitee), *navigation.TOP_BAR]
    return [
        e for e in (*entries, *(c for e in entries for c in e.children)) if not e.url_name and not e.children
    ]


def test_the_shell_shows_the_sconet_top_bar_and_menu(habilitee_client):
    html = habilitee_client.get(reverse("home")).content.decode()

    for label in ("Accueil", "Aide", "Quoi de neuf", "Informations pratiques", "Quitter"):
        assert label in html
    for label in (
        "Saisie et Modification",
        "Suivi",
        "Envoi aux familles",
        "SMS à diffuser",
        "Suivi des SMS",
        "Statistiques",
        "Documents",
        "Paramétrages",
        "Fournisseur de services",
        "Import/Export",
        "Fiches élèves",
    ):
        assert label in html


def test_entries_for_the_personne_habilitee_are_hidden_from_the_vie_scolaire(vie_scolaire_client):
    html = vie_scolaire_client.get(reverse("home")).content.decode()

    assert "Envoi aux familles" in html
    assert "Paramétrages" not in html
    assert "Fournisseur de services" not in html
    assert "Import/Export" not in html


def test_an_entry_not_built_yet_says_so_with_its_breadcrumb(habilitee_client):
    unbuilt = unbuilt_entries(habilitee=True)[0]

    response = habilitee_client.get(unbuilt.url)

    html = response.content.decode()
    assert response.status_code == 200
    assert "pas encore disponible" in html
    assert unbuilt.label in html


def test_an_unknown_entry_is_a_404(habilitee_client):
    assert habilitee_client.get(reverse("coming_soon", args=["inconnu"])).status_code == 404


def test_every_menu_entry_answers(habilitee_client):
    for entry in navigation.visible_menu(habilitee=True):
        for item in (entry, *entry.children):
            assert habilitee_client.get(item.url).status_code == 200, item.slug


@pytest.mark.parametrize("habilitee", [True, False])
def test_the_envoi_aux_familles_heading_leads_to_sms_a_diffuser_as_the_procedure_says(habilitee):
    menu = navigation.visible_menu(habilitee=habilitee)

    heading = next(e for e in menu if e.slug == "envoi-aux-familles")

    assert heading.url == reverse("sms_waiting")


def test_the_pages_name_their_icon_so_that_browsers_ask_for_no_missing_favicon(vie_scolaire_client):
    page = vie_scolaire_client.get(reverse("home")).content.decode()

    href = re.search(r'<link rel="icon" href="([^"]+)"', page)[1]
    assert finders.find(href.removeprefix(settings.STATIC_URL)) is not None
