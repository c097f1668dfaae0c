import pytest

from eleves.demo import demo_export_files
from eleves.models import Responsable
from eleves.services import siecle_import

pytestmark = pytest.mark.browser


def test_the_vie_scolaire_ticks_accepte_les_sms_on_a_fiche_and_it_is_kept(
    page, login, etablissement, vie_scolaire_user, screenshot
):
    siecle_import(etablissement=etablissement, files=demo_export_files("sample-a"), user=None)
    login("viescolaire")

    page.get_by_role("navigation", name="Menu principal").get_by_role("link", name="Fiches élèves").click()
    page.get_by_label("Nom", exact=True).fill("martin")
    page.get_by_role("button", name="chercher").click()
    page.get_by_role("link", name="MARTIN").click()
    page.get_by_role("link", name="Responsables", exact=True).click()
    julien = page.get_by_role("row").filter(has_text="MARTIN Julien")
    assert "SMS impossible : n'accepte pas les SMS" in julien.inner_text()
    julien.get_by_role("link", name="Modifier").click()

    sms_box = page.get_by_label("accepte les SMS")
    assert not sms_box.is_checked()
    sms_box.check()
    screenshot("fiche-responsable")
    page.get_by_role("button", name="Valider").click()

    assert page.get_by_text("Les modifications du responsable sont enregistrées.").is_visible()
    assert "SMS possible" in page.get_by_role("row").filter(has_text="MARTIN Julien").inner_text()
    page.get_by_role("row").filter(has_text="MARTIN Julien").get_by_role("link", name="Modifier").click()
    assert page.get_by_label("accepte les SMS").is_checked()
    assert page.get_by_role("cell", name="viescolaire").first.is_visible()
    assert Responsable.objects.get(siecle_id="4410002").accepte_sms
