import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_the_habilitee_finds_her_paramétrage_change_in_the_journal(
    page, login, habilitee_user, etablissement, screenshot
):
    login("habilitee")
    menu = page.get_by_role("navigation", name="Menu principal")
    menu.get_by_role("link", name="Justificatifs").click()
    page.get_by_role("link", name="Ajouter un justificatif").click()
    page.get_by_label("Libellé").fill("Attestation de stage")
    page.get_by_role("button", name="Valider").click()
    expect(page.get_by_role("cell", name="Attestation de stage")).to_be_visible()

    menu.get_by_role("link", name="Journal des opérations").click()

    row = page.get_by_role("row").filter(has_text="Attestation de stage")
    expect(row).to_contain_text("habilitee")
    expect(row).to_contain_text("Paramétrage ajouté")
    expect(row).to_contain_text("Justificatifs : « Attestation de stage » ajouté")
    expect(page.get_by_text("Enregistrement(s) 1 à 1, sur 1 trouvé(s)")).to_be_visible()
    screenshot("journal-des-operations")

    page.get_by_label("Opération").select_option(label="SMS diffusés")
    page.get_by_role("button", name="Rechercher").click()
    expect(page.get_by_text("Aucune opération.")).to_be_visible()
