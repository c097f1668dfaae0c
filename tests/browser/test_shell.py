import pytest

pytestmark = pytest.mark.browser


def test_a_vie_scolaire_user_logs_in_and_finds_the_sconet_menu(page, login, vie_scolaire_user, screenshot):
    login("viescolaire")

    menu = page.get_by_role("navigation", name="Menu principal")
    assert menu.get_by_role("link", name="SMS à diffuser").is_visible()
    assert menu.get_by_role("link", name="Paramétrages").count() == 0
    assert page.get_by_text("Collège Victor Hugo").first.is_visible()
    screenshot("accueil")

    page.get_by_role("navigation", name="Barre du haut").get_by_role("link", name="Aide", exact=True).click()
    page.wait_for_url("**/aide/")
    assert page.get_by_role("heading", name="Aide", exact=True).is_visible()
    assert page.get_by_role("heading", name="8. Pour la personne habilitée").count() == 0
    page.get_by_role("navigation", name="Sommaire de l'aide").get_by_role("link", name="L'Appel").click()
    page.wait_for_url("**/aide/#appel")
    section = page.get_by_role("region", name="2. L'Appel")
    section.get_by_role("link", name="Saisie et Modification > Appel").click()
    page.wait_for_url("**/absences/appel/")
    assert page.get_by_role("heading", name="Appel", exact=True).is_visible()

    page.get_by_role("button", name="Quitter").click()
    page.wait_for_url("**/connexion/")
    assert page.get_by_role("button", name="Se connecter").is_visible()
