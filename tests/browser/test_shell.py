import pytest

from tests.foundation.test_navigation import unbuilt_entries

pytestmark = pytest.mark.browser


def test_a_vie_scolaire_user_logs_in_and_finds_the_sconet_menu(page, login, vie_scolaire_user, screenshot):
    login("viescolaire")

    menu = page.get_by_role("navigation", name="Menu principal")
    assert menu.get_by_role("link", name="SMS à diffuser").is_visible()
    assert menu.get_by_role("link", name="Paramétrages").count() == 0
    assert page.get_by_text("Collège Victor Hugo").first.is_visible()
    screenshot("accueil")

    page.get_by_role("navigation", name="Barre du haut").get_by_role(
        "link", name=unbuilt_entries(habilitee=False)[0].label, exact=True
    ).click()
    assert page.get_by_text("Cette fonctionnalité n'est pas encore disponible.").is_visible()

    page.get_by_role("button", name="Quitter").click()
    page.wait_for_url("**/connexion/")
    assert page.get_by_role("button", name="Se connecter").is_visible()
