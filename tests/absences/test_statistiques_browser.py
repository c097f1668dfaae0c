"""Statistiques in a real headless Chromium: from the menu, a period and a division, the figures."""

from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from absences.models import Justificatif

from .test_statistiques import MONDAY, absence, retard

pytestmark = pytest.mark.browser


def march_in_5b_and_5c(etablissement):
    """5B: REITER (2 absences, 5 demi-journées of which 1 justifiée, 1 retard) and MARTIN (none);
    5C: DURAND (1 absence). Returns REITER."""
    from tests import factories

    b, c = (factories.DivisionFactory(etablissement=etablissement, code=code) for code in ("5B", "5C"))
    reiter = factories.EleveFactory(etablissement=etablissement, division=b, nom="REITER", prenom="Pauline")
    factories.EleveFactory(etablissement=etablissement, division=b, nom="MARTIN", prenom="Léa")
    durand = factories.EleveFactory(etablissement=etablissement, division=c, nom="DURAND", prenom="Tom")
    absence(reiter, MONDAY, "08:30", "18:00", until=MONDAY + timedelta(1))  # 4 demi-journées
    absence(
        reiter,
        MONDAY + timedelta(3),
        "08:30",
        "09:25",
        justificatif=Justificatif.objects.get(etablissement=etablissement, libelle="Mot des parents"),
    )
    retard(reiter, MONDAY + timedelta(4))
    absence(durand, MONDAY, "08:30", "18:00")
    return reiter


def test_the_cpe_opens_the_statistiques_from_the_menu_and_reads_a_divisions_figures(
    page, login, etablissement, vie_scolaire_user, parametrages, screenshot
):
    reiter = march_in_5b_and_5c(etablissement)

    login("viescolaire")
    page.get_by_role("navigation", name="Menu principal").get_by_role("link", name="Statistiques").click()
    expect(page.get_by_role("heading", name="Statistiques des absences et retards")).to_be_visible()
    page.get_by_label("Du", exact=True).fill(date(2025, 3, 1).isoformat())
    page.get_by_label("Au", exact=True).fill(date(2025, 3, 31).isoformat())
    page.get_by_label("Division", exact=True).select_option(label="5B")
    page.get_by_role("button", name="Afficher").click()

    par_division = page.get_by_role("table", name="Par division")
    # Effectif 2, 2 absences, 5 demi-journées (1 justifiée, 4 non), 1 retard, 5 / (2 × 38) = 6,58 %.
    expect(par_division.get_by_role("row", name="5B").locator("th, td")).to_have_text(
        ["5B", "2", "2", "5", "1", "4", "1", "6,58"]
    )
    expect(par_division).not_to_contain_text("5C")
    signalements = page.get_by_role("table", name="Absentéisme à signaler")
    expect(signalements.get_by_role("row").nth(1).get_by_role("cell")).to_have_text(
        ["REITER", "Pauline", "5B", "mars 2025", "4"]
    )
    screenshot("statistiques")

    signalements.get_by_role("link", name="REITER").click()
    expect(page).to_have_url(f"/absences/saisie/eleve/{reiter.pk}/")
