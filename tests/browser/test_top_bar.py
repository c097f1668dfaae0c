import pytest

pytestmark = pytest.mark.browser


def test_the_personne_habilitee_finds_her_part_of_the_aide_and_the_informations_pratiques(
    page, login, habilitee_user, screenshot
):
    login("habilitee")
    top_bar = page.get_by_role("navigation", name="Barre du haut")

    top_bar.get_by_role("link", name="Informations pratiques", exact=True).click()
    page.wait_for_url("**/informations-pratiques/")
    contact = page.get_by_role("region", name="Qui contacter")
    assert contact.get_by_text(habilitee_user.get_full_name()).is_visible()
    coordonnees = page.get_by_role("region", name="Coordonnées de l'établissement")
    assert coordonnees.get_by_text("0699990J").is_visible()
    screenshot("informations-pratiques")

    top_bar.get_by_role("link", name="Aide", exact=True).click()
    page.wait_for_url("**/aide/")
    page.get_by_role("navigation", name="Sommaire de l'aide").get_by_role("link", name="Paramétrages").click()
    variables = page.get_by_role("table", name="Variables des modèles de document")
    assert variables.get_by_text("[HEURE ARRIVEE]").is_visible()
    screenshot("aide-personne-habilitee")
    part = page.get_by_role("region", name="8. Pour la personne habilitée")
    part.get_by_role("link", name="Paramétrages > Fournisseur de services").click()
    page.wait_for_url("**/sms/fournisseur/")
    assert page.get_by_role("heading", name="Fournisseur de services", exact=True).is_visible()
