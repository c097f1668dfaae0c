"""The seed's steps through the pages, in a real headless Chromium."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from absences.models import Action, ModeleDocument
from absences.services import modele_create

from .conftest import MODELE_TEXTE

pytestmark = pytest.mark.browser


def test_the_model_editor_counts_tricky_french_text_and_replaces_what_forces_ucs2(
    page, login, habilitee_user, eleve, screenshot
):
    login("habilitee")
    page.get_by_role("navigation", name="Menu principal").get_by_role(
        "link", name="Modèles de document"
    ).click()
    page.get_by_role("link", name="Ajouter un modèle").click()
    page.get_by_label("Nom").fill("retard")
    texte = page.get_by_label("Texte")
    texte.fill("Garçon, œuvre l’après-midi : 5\u202f€ ")
    page.get_by_role("button", name="Insérer").click()  # [NOM] at the cursor
    preview = page.locator("#apercu")

    expect(page.locator("#apercu-texte")).to_have_text("Garçon, œuvre l’après-midi : 5\u202f€ REITER")
    expect(preview).to_contain_text("hors alphabet GSM (UCS-2)")
    expect(page.locator("#apercu-caracteres-ucs2")).to_contain_text("« ç » (U+00E7)")
    expect(page.locator("#apercu-caracteres-ucs2")).to_contain_text("(U+202F)")
    expect(page.locator("#apercu-caracteres")).to_have_text("39")
    screenshot("modele-de-document-ucs2")

    page.get_by_role("button", name="Remplacer ces caractères").click()

    expect(texte).to_have_value("Garcon, oeuvre l'après-midi : 5 € [NOM]")
    expect(preview).to_contain_text("alphabet GSM")
    expect(page.locator("#apercu-sms")).to_have_text("1 SMS")
    expect(page.locator("#apercu-ucs2")).to_be_hidden()
    page.get_by_role("button", name="Valider").click()
    expect(page.get_by_role("cell", name="retard", exact=True)).to_be_visible()
    assert ModeleDocument.objects.get(nom="retard").texte == "Garcon, oeuvre l'après-midi : 5 € [NOM]"


def test_the_model_editor_counts_a_long_letter_in_sms_as_information_and_saves_it(
    page, login, habilitee_user, eleve, live_server
):
    lettre = "Madame, Monsieur,\n" + ("Votre enfant a manqué les cours. " * 30).strip()
    login("habilitee")
    page.goto(live_server.url + reverse("parametrages_modeles-de-document_list"))
    page.get_by_role("link", name="Ajouter un modèle").click()
    page.get_by_label("Nom").fill("lettre")
    page.get_by_label("Texte").fill(lettre)

    note = page.locator("#apercu-sms-trop-long")
    expect(page.locator("#apercu-sms")).to_have_text("7 SMS")
    expect(note).to_contain_text(
        "Ce texte ferait 7 SMS par destinataire : trop long pour une action « Envoi de SMS »"
    )
    expect(note).to_have_class(re.compile("alert-info"))
    expect(page.locator("#apercu-limite")).to_contain_text(
        "la limite de 4 SMS ne compte que pour les actions « Envoi de SMS »"
    )
    page.get_by_role("button", name="Valider").click()

    expect(page.get_by_role("cell", name="lettre", exact=True)).to_be_visible()
    assert ModeleDocument.objects.get(nom="lettre").texte.replace("\r", "") == lettre


def test_seed_steps_add_the_sms_action_then_enter_an_absence_for_legal_1(
    page, login, etablissement, habilitee_user, vie_scolaire_user, eleve, legal1, legal2, provider, screenshot
):
    from sms.selectors import sms_waiting_list

    modele_create(etablissement=etablissement, nom="absence demi-pension", texte=MODELE_TEXTE)

    # 3. As the personne habilitée: Paramétrages > Actions > "Ajouter une action".
    login("habilitee")
    page.get_by_role("navigation", name="Menu principal").get_by_role("link", name="Actions").click()
    page.get_by_role("link", name="Ajouter une action").click()
    page.get_by_label("Libellé court").fill("SMS")
    page.get_by_label("Libellé long").fill("Envoi de SMS")
    page.get_by_label("Délai de réponse du responsable avant alerte").fill("2")
    page.get_by_label("Traitement").select_option(label="Envoi de SMS")
    page.get_by_label("Modèle de document").select_option(label="absence demi-pension")
    page.get_by_label("Emetteur").fill("0146000000")
    expect(page.get_by_label("Code Fournisseur de Service")).to_have_value("0")
    expect(page.get_by_text("champs obligatoires")).to_be_visible()
    screenshot("ajouter-une-action")
    page.get_by_role("button", name="Valider").click()
    expect(page.get_by_role("cell", name="Envoi de SMS", exact=True).first).to_be_visible()
    page.get_by_role("button", name="Quitter").click()

    # Saisie d'un évènement: as the vie scolaire, the absence with the action "SMS" for Légal 1.
    login("viescolaire")
    page.get_by_role("navigation", name="Menu principal").get_by_role(
        "link", name="Absences et retards"
    ).click()
    page.get_by_label("Nom ou prénom").fill("REITER")
    page.get_by_role("button", name="Chercher").click()
    page.get_by_role("link", name="REITER").click()
    expect(page.get_by_text("SMS impossible : n'accepte pas les SMS")).to_be_visible()
    page.get_by_label("Légal 1 - Financier").check()
    page.get_by_label("Action").select_option(label="SMS")
    page.get_by_role("button", name="Valider").click()

    expect(page.get_by_text(re.compile("1 SMS en attente de diffusion"))).to_be_visible()
    expect(page.get_by_text("Historique des actions")).to_be_visible()
    screenshot("saisie-absence-sms")
    page.get_by_role("navigation", name="Menu principal").get_by_role("link", name="SMS à diffuser").click()
    row = page.get_by_role("row").filter(has_text="REITER Pauline")
    expect(row).to_contain_text("Envoi de SMS")
    expect(row).to_contain_text("5B")
    expect(row).to_contain_text("Légal 1 - Financier")
    expect(page.get_by_text("Il y a actuellement 1 SMS en attente de diffusion")).to_be_visible()
    [sms] = sms_waiting_list(etablissement=etablissement)
    assert (sms.eleve_label, sms.division_label, sms.recipient_label) == (
        "REITER Pauline",
        "5B",
        "Légal 1 - Financier",
    )
    assert sms.action_label == "Envoi de SMS"
    assert sms.event_label.startswith("Absence du ")


def test_choosing_retard_asks_for_the_arrival_time_instead_of_au(
    page, live_server, login, vie_scolaire_user, eleve, parametrages
):
    from django.utils import timezone

    from absences.models import Evenement

    login("viescolaire")
    page.goto(live_server.url + reverse("saisie_eleve", args=[eleve.pk]))
    expect(page.get_by_label("Heure d'arrivée")).to_be_hidden()

    page.get_by_label("Retard").check()
    expect(page.get_by_label("Heure de fin")).to_be_hidden()
    page.get_by_label("Heure d'arrivée").fill("08:45")
    page.get_by_role("button", name="Valider").click()

    expect(page.get_by_label("Heure d'arrivée")).to_have_value("08:45")
    retard = Evenement.objects.get()
    assert (retard.type, f"{timezone.localtime(retard.fin):%H:%M}") == ("retard", "08:45")


def test_supprimer_l_evenement_says_its_sms_will_not_be_sent_then_deletes_on_confirmer(
    page, live_server, login, vie_scolaire_user, etablissement, eleve, legal1, sms_action, provider
):

    from absences.models import Evenement
    from absences.services import EvenementData, evenement_record
    from sms.models import OutboundSms

    from .conftest import today_at

    evenement = evenement_record(
        etablissement=etablissement,
        user=vie_scolaire_user,
        eleve=eleve,
        data=EvenementData(type="absence", debut=today_at(8, 30), fin=today_at(9, 25)),
        token="t",
        action=sms_action,
        destinataires=[f"lien:{legal1.pk}"],
    ).evenement
    login("viescolaire")
    page.goto(live_server.url + reverse("saisie_evenement", args=[evenement.pk]))

    page.get_by_role("link", name="Supprimer l'évènement").click()
    expect(
        page.get_by_text("Son SMS en attente de diffusion sera annulé : il ne sera pas envoyé.")
    ).to_be_visible()
    page.get_by_role("link", name="Annuler").click()
    expect(page.get_by_text("Modification de l'évènement")).to_be_visible()
    assert Evenement.objects.filter(pk=evenement.pk).exists()
    page.get_by_role("link", name="Supprimer l'évènement").click()
    page.get_by_role("button", name="Confirmer").click()

    expect(page.get_by_text("Évènement supprimé. 1 SMS en attente annulé(s).")).to_be_visible()
    assert not Evenement.objects.filter(pk=evenement.pk).exists()
    assert list(OutboundSms.objects.values_list("state", flat=True)) == ["cancelled"]


def test_the_appel_records_a_retard_by_its_arrival_time_and_refuses_a_pupil_both_absent_and_late(
    page, login, screenshot, vie_scolaire_user, etablissement, eleve, legal1, sms_action, provider
):
    from absences.models import Evenement
    from sms.models import OutboundSms
    from tests import factories

    from .conftest import today_at

    absent = factories.EleveFactory(
        etablissement=etablissement, division=eleve.division, nom="ABEL", prenom="Léa"
    )
    login("viescolaire")
    page.get_by_role("navigation", name="Menu principal").get_by_role("link", name="Appel").click()
    page.get_by_label("Division").select_option(label="5B")
    page.get_by_label("Créneau").select_option(label="08:30")
    page.get_by_role("button", name="Afficher la classe").click()

    page.get_by_role("checkbox", name="ABEL").check()
    page.get_by_role("checkbox", name="REITER").check()
    page.get_by_label("Heure d'arrivée de REITER Pauline").fill("08:45")
    expect(page.get_by_label("Action pour les retards")).to_have_value(
        str(Action.objects.get(libelle_court="SMS retard").pk)
    )
    page.get_by_label("Action pour les absences").select_option(label="SMS")
    page.get_by_role("button", name="Valider").click()

    expect(page.get_by_role("alert")).to_contain_text(
        "REITER Pauline est coché(e) absent(e) et a une heure d'arrivée"
    )
    expect(page.get_by_role("checkbox", name="ABEL")).to_be_checked()
    expect(page.get_by_label("Heure d'arrivée de REITER Pauline")).to_have_value("08:45")
    assert not Evenement.objects.exists()
    page.get_by_role("checkbox", name="REITER").uncheck()
    page.get_by_role("button", name="Valider").click()

    expect(page.get_by_text("2 évènement(s) enregistré(s).")).to_be_visible()
    expect(
        page.get_by_text(re.compile(r"déjà enregistré : Retard du .* 08:30, arrivée à 08:45"))
    ).to_be_visible()
    expect(page.get_by_label("Heure d'arrivée de REITER Pauline")).to_be_disabled()
    expect(page.get_by_label("Heure d'arrivée de REITER Pauline")).to_have_value("08:45")
    expect(page.get_by_role("checkbox", name="REITER")).not_to_be_checked()
    expect(page.get_by_role("checkbox", name="ABEL")).to_be_checked()
    screenshot("appel-retard")
    retard = Evenement.objects.get(eleve=eleve)
    assert (retard.type, retard.debut, retard.fin) == ("retard", today_at(8, 30), today_at(8, 45))
    assert Evenement.objects.get(eleve=absent).type == "absence"
    [sms] = OutboundSms.objects.filter(event_key=retard.event_key)
    assert f" est arrivé(e) en retard le {today_at(8, 30):%d/%m/%Y} à 08:45 (cours de 08:30)." in sms.text
    expect(page.get_by_text("SMS retard : 1 SMS en attente de diffusion")).to_be_visible()
