"""The seed's whole procedure, as a new school lives it, on the stack it deploys: gunicorn on the
database, a real Celery worker and beat on the broker (PostgreSQL and Redis in CI), and the Pluriware
adapter pointed at a loopback Pluriware server. Each main page is photographed for the README."""

import re
import time

import pytest
from playwright.sync_api import expect

from eleves.demo import demo_export_files
from eleves.services import siecle_import
from sms.models import OutboundSms, SmsState
from tests import factories
from tests.fixtures.browser import log_in
from tests.loopback.pluriware import PluriwareServer

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CLE, MOT_DE_PASSE = PluriwareServer.login, PluriwareServer.password
BONNET_FREDERIC = "+33677889900"  # Légal 1 of BONNET Théo (3C): no consent in the SIECLE export
MARTIN_JULIEN = "+33698765432"  # Légal 2 of MARTIN Léa (5B): no consent, and it stays so
MODELE = "Bonjour, [NOM] [PRENOM] ([DIVISION]) : [TYPE] du [DATE DEBUT] [HEURE DEBUT]. [ETABLISSEMENT]"


@pytest.fixture
def fast_password_hashing():
    """gunicorn checks passwords with the real hashers: keep them."""


@pytest.fixture
def pluriware():
    with PluriwareServer() as server:
        yield server


@pytest.fixture
def stack_env(pluriware):
    return {"SCONET_PLURIWARE_URL": pluriware.url}


@pytest.fixture
def school(etablissement):
    siecle_import(etablissement=etablissement, files=demo_export_files("sample-a"), user=None)
    factories.habilitee(etablissement, username="habilitee", first_name="Claire", last_name="Martin")
    factories.vie_scolaire(etablissement, username="viescolaire", first_name="Karim", last_name="Benali")
    return etablissement


def _menu(page, name):
    page.get_by_role("navigation", name="Menu principal").get_by_role("link", name=name, exact=True).click()


def _wait_until(predicate, what, timeout=30):
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, f"attendu : {what}"
        time.sleep(0.3)


def test_the_whole_procedure_from_the_provider_keys_to_the_synthese(
    stack_page, production_stack, pluriware, school, screenshot
):
    page = stack_page

    # 1. The personne habilitée types in the provider's keys.
    log_in(page, "habilitee")
    _menu(page, "Fournisseur de services")
    expect(page.get_by_role("cell", name="AUCUN", exact=True)).to_be_visible()
    screenshot("fournisseur-de-services-consultation", page)
    page.get_by_role("link", name="Modifier").click()
    page.get_by_label("Nom du fournisseur de service").select_option(label="PLURIWARE")
    page.get_by_label("Clé d'identification").fill(CLE)
    page.get_by_label("Mot de passe").fill(MOT_DE_PASSE)
    screenshot("fournisseur-de-services-modification", page)
    page.get_by_role("button", name="Valider").click()
    expect(page.get_by_text("PLURIWARE").first).to_be_visible()
    expect(page.get_by_text(CLE).first).to_be_visible()
    assert MOT_DE_PASSE not in page.content()

    # 2. A model and the "SMS" action.
    _menu(page, "Modèles de document")
    page.get_by_role("link", name="Ajouter un modèle").click()
    page.get_by_label("Nom").fill("absence")
    page.get_by_label("Texte").fill(MODELE)
    page.get_by_role("button", name="Valider").click()
    _menu(page, "Actions")
    page.get_by_role("link", name="Ajouter une action").click()
    page.get_by_label("Libellé court").fill("SMS")
    page.get_by_label("Libellé long").fill("Envoi de SMS")
    page.get_by_label("Délai de réponse du responsable avant alerte").fill("2")
    page.get_by_label("Traitement").select_option(label="Envoi de SMS")
    page.get_by_label("Modèle de document").select_option(label="absence")
    page.get_by_label("Emetteur").fill("0472000000")
    expect(page.get_by_label("Code Fournisseur de Service")).to_have_value("0")
    screenshot("ajouter-une-action", page)
    page.get_by_role("button", name="Valider").click()
    expect(page.get_by_role("cell", name="Envoi de SMS", exact=True).first).to_be_visible()

    # 3. Fiches élèves: the father of BONNET Théo now accepts SMS.
    _menu(page, "Fiches élèves")
    page.get_by_label("Nom", exact=True).fill("bonnet")
    page.get_by_label("Classe").select_option(label="3C")
    page.get_by_role("button", name="chercher").click()
    screenshot("fiches-individuelles", page)
    page.get_by_role("link", name=re.compile("BONNET")).first.click()
    page.get_by_role("link", name="Responsables", exact=True).click()
    screenshot("fiche-responsables", page)
    page.get_by_role("link", name=re.compile("Modifier .*BONNET Frédéric")).click()
    expect(page.get_by_label("Tél. Mobile", exact=True)).to_have_value(re.compile("06 77 88 99 00"))
    page.get_by_label("accepte les SMS").check()
    screenshot("responsable-accepte-les-sms", page)
    page.get_by_role("button", name="Valider").click()
    expect(page.get_by_text("SMS possible").first).to_be_visible()
    page.get_by_role("button", name="Quitter").click()

    # 4. The vie scolaire enters the absence with the action SMS for Légal 1 (and tries MARTIN Léa's
    # Légal 2, who never consented).
    log_in(page, "viescolaire")
    _menu(page, "Absences et retards")
    page.get_by_label("Nom ou prénom").fill("BONNET")
    page.get_by_role("button", name="Chercher").click()
    page.get_by_role("link", name=re.compile("BONNET")).first.click()
    page.get_by_label(re.compile("^Légal 1")).check()
    page.get_by_label("Action").select_option(label="SMS")
    screenshot("saisie-absence", page)
    page.get_by_role("button", name="Valider").click()
    expect(page.get_by_text(re.compile("1 SMS en attente de diffusion"))).to_be_visible()

    _menu(page, "Absences et retards")
    page.get_by_label("Nom ou prénom").fill("MARTIN")
    page.get_by_role("button", name="Chercher").click()
    page.get_by_role("link", name=re.compile("MARTIN")).first.click()
    expect(page.get_by_text("SMS impossible : n'accepte pas les SMS").first).to_be_visible()

    # 5. SMS à diffuser: listed; tout sélectionner, Diffuser les SMS sélectionnés.
    _menu(page, "SMS à diffuser")
    expect(page.get_by_text("Il y a actuellement 1 SMS en attente de diffusion")).to_be_visible()
    row = page.get_by_role("row").filter(has_text="BONNET")
    expect(row).to_contain_text("Envoi de SMS")
    expect(row).to_contain_text("3C")
    expect(row).to_contain_text("Légal 1")
    page.wait_for_load_state()  # "tout sélectionner" works once the page's script has run
    page.get_by_label("tout sélectionner").check()
    expect(row.get_by_role("checkbox")).to_be_checked()
    screenshot("sms-a-diffuser", page)
    page.get_by_role("button", name="Diffuser les SMS sélectionnés").click()

    # 6. The loopback server received exactly one well-formed request with that number and text.
    _wait_until(lambda: pluriware.sent_messages(), "la requête d'envoi au fournisseur")
    sends = [r for r in pluriware.requests if "messages" in r.parsed]
    assert len(sends) == 1
    request = sends[0].parsed
    assert request["form_encoding"] == "multipart/form-data"
    assert (request["login"], request["password"]) == (CLE, MOT_DE_PASSE)
    [message] = request["messages"]
    assert message["to"] == BONNET_FREDERIC
    assert message["text"].startswith("Bonjour, BONNET Théo (3C) : absence du ")
    assert message["text"].endswith("Collège Victor Hugo")
    assert "\u202f" not in message["text"]
    assert "\xa0" not in message["text"]

    # 7. Suivi des SMS: en transit; delivered once the provider says so; counted in the Synthèse.
    sms = OutboundSms.objects.get()
    _wait_until(lambda: OutboundSms.objects.get().state == SmsState.SUBMITTED, "l'état en transit")
    _menu(page, "Suivi des SMS")
    expect(
        page.get_by_text(re.compile(r"Msg \S+ - en transit - \d\d/\d\d/\d{4} à \d\d:\d\d"))
    ).to_be_visible()
    screenshot("suivi-des-sms", page)
    pluriware.mark_delivered([OutboundSms.objects.get(pk=sms.pk).provider_id])
    page.get_by_role("button", name="Mettre à jour").click()
    page.get_by_role("link", name="SMS délivrés").click()
    expect(page.get_by_text(re.compile(r"Msg \S+ - délivré - "))).to_be_visible()
    page.get_by_role("link", name="Synthèse SMS").click()
    expect(page.get_by_role("row", name=re.compile("Total Annuel")).get_by_role("cell")).to_have_text(
        ["", "Total Annuel", "1", "1"]
    )
    screenshot("synthese-sms", page)

    # Nobody without consent was ever sent anything.
    received = {m["to"] for m in pluriware.sent_messages()}
    assert received == {BONNET_FREDERIC}
    assert MARTIN_JULIEN not in received
    assert OutboundSms.objects.count() == 1

    # What the stack logged carries no secret, no session id, no family's full number.
    logs = production_stack.logs
    assert MOT_DE_PASSE not in logs
    assert BONNET_FREDERIC not in logs
    assert "677889900" not in logs
    for cookie in page.context.cookies():
        if cookie["name"] == "sessionid":
            assert cookie["value"] not in logs
