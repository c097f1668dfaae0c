"""Documents in a real headless Chromium: from the menu, the bilan of a division, printable."""

import re
from datetime import date

import pytest
from playwright.sync_api import expect

from .test_statistiques_browser import march_in_5b_and_5c

pytestmark = pytest.mark.browser


def test_the_cpe_edits_the_bilan_of_a_division_from_the_menu_and_reads_a_pupils_figures(
    page, login, etablissement, vie_scolaire_user, parametrages, screenshot
):
    etablissement.adresse, etablissement.code_postal, etablissement.ville = (
        "12 rue Victor Hugo",
        "69002",
        "Lyon",
    )
    etablissement.save()
    march_in_5b_and_5c(etablissement)

    login("viescolaire")
    page.get_by_role("navigation", name="Menu principal").get_by_role("link", name="Documents").click()
    expect(page.get_by_role("heading", name="Documents", exact=True)).to_be_visible()
    bilan = page.get_by_role("region", name="Bilan des absences")
    bilan.get_by_label("Modèle de bilan").select_option(label="Bilan des absences")
    bilan.get_by_label("Du", exact=True).fill(date(2025, 3, 1).isoformat())
    bilan.get_by_label("Au", exact=True).fill(date(2025, 3, 31).isoformat())
    bilan.get_by_label("Division", exact=True).select_option(label="5B")
    bilan.get_by_role("button", name="Editer").click()

    expect(page.get_by_role("region", name="Bilan de MARTIN Léa")).to_be_visible()
    reiter_page = page.get_by_role("region", name="Bilan de REITER Pauline")
    expect(reiter_page).to_contain_text("Collège Victor Hugo")
    expect(reiter_page).to_contain_text("69002 Lyon")
    expect(reiter_page).to_contain_text("du 01/03/2025 au 31/03/2025")
    # 2 absences, 5 demi-journées (1 justifiée, 4 non), 1 retard.
    expect(reiter_page.get_by_role("table", name="Chiffres de la période").get_by_role("cell")).to_have_text(
        ["2", "5", "1", "4", "1"]
    )
    expect(reiter_page.get_by_role("table", name="Détail des évènements").get_by_role("row")).to_have_count(4)
    expect(reiter_page).to_contain_text("Merci de justifier toute absence auprès de la vie scolaire.")
    expect(page.get_by_text("DURAND")).to_have_count(0)
    screenshot("bilan-des-absences")

    # Printed: no menu, one pupil per page.
    page.emulate_media(media="print")
    expect(page.get_by_role("navigation", name="Menu principal")).to_be_hidden()
    expect(page.get_by_role("button", name="Imprimer")).to_be_hidden()
    break_after = reiter_page.evaluate("element => getComputedStyle(element).breakAfter")
    assert break_after == "auto"  # the last page does not push a blank one
    first = page.get_by_role("region", name="Bilan de MARTIN Léa")
    assert first.evaluate("element => getComputedStyle(element).breakAfter") == "page"
    pdf = page.pdf(format="A4", prefer_css_page_size=True)
    assert len(re.findall(rb"/Type\s*/Page\b", pdf)) == 2  # one A4 page per pupil
