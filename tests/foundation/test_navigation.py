import re

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.urls import reverse

from sconet import navigation


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


def _whole_menu():
    """Every entry of the menu and of the top bar, headings and children alike."""
    stack = [*navigation.MENU, *navigation.TOP_BAR]
    while stack:
        entry = stack.pop()
        yield entry
        stack.extend(entry.children)


def test_every_entry_of_the_menu_and_of_the_top_bar_leads_to_a_built_page():
    entries = list(_whole_menu())

    assert len(entries) > 30
    for entry in entries:
        assert entry.url_name or entry.children, entry.slug
        if entry.url_name:
            reverse(entry.url_name)


def test_an_entry_leading_nowhere_cannot_be_made():
    with pytest.raises(ValueError, match="leads nowhere"):
        navigation.MenuEntry("nulle-part", "Nulle part")


def test_every_menu_entry_answers(habilitee_client):
    for entry in (*navigation.visible_menu(habilitee=True), *navigation.TOP_BAR):
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
