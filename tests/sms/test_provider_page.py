"""Paramétrages > Fournisseur de services: consultation, modification, journal, tests; the secret kept."""

import logging

import pytest
from django.urls import reverse

from sms.crypto import secret_decrypt
from sms.models import ProviderSettings, ProviderSettingsChange
from sms.services import ProviderSettingsInvalid, provider_settings_update, sms_sending_window_set
from tests.sms.conftest import configure_provider, page_text

PASSWORD = "Mot-De-Passe-Tres-Secret-42"


def _edit(client, **values):
    data = {
        "provider_code": "simulator",
        "login": "CLE-0699990J",
        "password": "",
        "option1": "",
        "option2": "",
    }
    return client.post(reverse("sms_provider_edit"), {**data, **values}, follow=True)


def test_consultation_shows_aucun_until_a_provider_is_set(habilitee_client):
    page = page_text(habilitee_client.get(reverse("sms_provider")))

    assert "Consultation des paramètres du fournisseur de service" in page
    assert "Nom du fournisseur de service</th><td>AUCUN" in page
    for label in ("Clé d'identification :", "Option 1 :", "Option 2 :", "Modifier"):
        assert label in page
    assert "Informations concernant les fournisseurs de service" in page
    assert "SIMULATEUR" in page


def test_modification_offers_the_registry_providers_with_annuler_and_valider(habilitee_client):
    page = page_text(habilitee_client.get(reverse("sms_provider_edit")))

    assert "Modification des paramètres du fournisseur de service" in page
    assert '<option value="" selected>Aucun</option>' in page
    assert '<option value="simulator">SIMULATEUR</option>' in page
    for label in ("Clé d'identification", "Mot de passe", "Option 1", "Option 2", "Annuler", "Valider"):
        assert label in page


def test_valider_saves_the_keys_encrypts_the_password_and_journals_the_change(
    habilitee_client, etablissement, caplog
):
    caplog.set_level(logging.DEBUG)

    response = _edit(habilitee_client, password=PASSWORD, option1="X1")

    row = ProviderSettings.objects.get(etablissement=etablissement)
    assert (row.provider_code, row.login, row.option1) == ("simulator", "CLE-0699990J", "X1")
    assert PASSWORD not in row.password_encrypted
    assert secret_decrypt(row.password_encrypted) == PASSWORD
    page = page_text(response)
    assert "Nom du fournisseur de service</th><td>SIMULATEUR" in page
    assert "Nom du fournisseur de service : AUCUN → SIMULATEUR" in page  # the journal, under the form
    assert "Mot de passe" in ProviderSettingsChange.objects.get().summary
    assert etablissement.audit_entries.filter(action="sms.provider_settings_changed").exists()
    assert PASSWORD not in page
    assert PASSWORD not in caplog.text


def test_the_password_is_never_shown_back_and_blank_keeps_it(habilitee_client, etablissement):
    _edit(habilitee_client, password=PASSWORD)

    edit_page = page_text(habilitee_client.get(reverse("sms_provider_edit")))
    _edit(habilitee_client, password="", option2="nouvelle option")
    invalid = habilitee_client.post(
        reverse("sms_provider_edit"), {"provider_code": "nope", "password": PASSWORD}
    )

    assert PASSWORD not in edit_page
    assert "Un mot de passe est enregistré : laissez ce champ vide pour le garder." in edit_page
    row = ProviderSettings.objects.get(etablissement=etablissement)
    assert secret_decrypt(row.password_encrypted) == PASSWORD
    assert row.option2 == "nouvelle option"
    assert PASSWORD not in page_text(invalid)
    assert "Option 2 modifié" in ProviderSettingsChange.objects.first().summary
    for change in ProviderSettingsChange.objects.all():
        assert PASSWORD not in change.summary
        assert PASSWORD not in str(change.fields)
    for entry in etablissement.audit_entries.all():
        assert PASSWORD not in entry.summary
        assert PASSWORD not in str(entry.details)


def test_changing_provider_needs_the_new_provider_s_password_and_changes_nothing_without_it(
    habilitee_client, etablissement
):
    _edit(habilitee_client, password=PASSWORD)

    response = _edit(habilitee_client, provider_code="pluriware", login="CLE-PLURI", password="")

    page = page_text(response)
    assert "Vous changez de fournisseur : saisissez le mot de passe fourni par PLURIWARE" in page
    assert "(celui de SIMULATEUR n'est pas repris)" in page
    row = ProviderSettings.objects.get(etablissement=etablissement)
    assert (row.provider_code, row.login) == ("simulator", "CLE-0699990J")
    assert secret_decrypt(row.password_encrypted) == PASSWORD
    assert ProviderSettingsChange.objects.count() == 1
    assert PASSWORD not in page


def test_a_provider_that_needs_keys_is_refused_without_its_cle(habilitee_client, etablissement):
    response = _edit(habilitee_client, provider_code="pluriware", login="  ", password="mdp-pluri")

    page = page_text(response)
    assert "Saisissez la clé d'identification fournie par PLURIWARE." in page
    assert (
        ProviderSettings.objects.filter(etablissement=etablissement, provider_code="pluriware").count() == 0
    )
    assert not ProviderSettingsChange.objects.exists()


@pytest.mark.parametrize("code", ["pluriware", "digitalmedia"])
def test_a_first_provider_that_needs_keys_is_refused_without_its_password(habilitee_client, code):
    page = page_text(_edit(habilitee_client, provider_code=code, login="CLE", password=""))

    assert "Saisissez le mot de passe fourni par" in page
    assert not ProviderSettings.objects.filter(provider_code=code).exists()


def test_changing_provider_with_its_keys_replaces_the_password_and_blank_keeps_it_afterwards(
    habilitee_client, etablissement
):
    _edit(habilitee_client, password=PASSWORD)
    _edit(habilitee_client, provider_code="pluriware", login="CLE-PLURI", password="mdp-pluri")
    _edit(habilitee_client, provider_code="pluriware", login="CLE-PLURI", password="", option1="X")

    row = ProviderSettings.objects.get(etablissement=etablissement)
    assert (row.provider_code, row.login, row.option1) == ("pluriware", "CLE-PLURI", "X")
    assert secret_decrypt(row.password_encrypted) == "mdp-pluri"


def test_changing_to_the_simulator_needs_no_keys_and_drops_the_previous_password(
    habilitee_client, etablissement
):
    configure_provider(etablissement, code="pluriware", login="CLE-PLURI", password="mdp-pluri")

    response = _edit(habilitee_client, provider_code="simulator", login="", password="")

    assert "Nom du fournisseur de service</th><td>SIMULATEUR" in page_text(response)
    row = ProviderSettings.objects.get(etablissement=etablissement)
    assert (row.provider_code, row.login, row.password_encrypted) == ("simulator", "", "")
    assert "Mot de passe" in ProviderSettingsChange.objects.first().fields


def test_the_service_itself_refuses_a_provider_without_its_keys(etablissement, habilitee_user):
    configure_provider(etablissement, password=PASSWORD)

    with pytest.raises(ProviderSettingsInvalid) as refused:
        provider_settings_update(
            etablissement=etablissement,
            user=habilitee_user,
            provider_code="digitalmedia",
            login="",
            password="",
            option1="",
            option2="",
        )

    assert set(refused.value.errors) == {"login", "password"}
    row = ProviderSettings.objects.get(etablissement=etablissement)
    assert row.provider_code == "simulator"
    assert secret_decrypt(row.password_encrypted) == PASSWORD


def test_tester_la_connexion_reports_the_provider_answer_in_french(habilitee_client, etablissement):
    configure_provider(etablissement, login="")
    refused = page_text(habilitee_client.post(reverse("sms_provider_test"), follow=True))
    configure_provider(etablissement, login="demo")
    accepted = page_text(habilitee_client.post(reverse("sms_provider_test"), follow=True))

    assert "SIMULATEUR a répondu : Le simulateur attend une clé d'identification" in refused
    assert "Connexion réussie : SIMULATEUR accepte la clé d'identification et le mot de passe." in accepted


def test_envoyer_un_sms_de_test_reports_the_answer(habilitee_client, etablissement):
    configure_provider(etablissement)

    accepted = page_text(
        habilitee_client.post(reverse("sms_provider_test_sms"), {"phone": "06 12 34 56 78"}, follow=True)
    )
    malformed = page_text(
        habilitee_client.post(reverse("sms_provider_test_sms"), {"phone": "12"}, follow=True)
    )

    assert "SIMULATEUR a accepté le SMS de test (message sim-" in accepted
    assert "n'est pas un numéro français" in malformed
    entry = etablissement.audit_entries.filter(action="sms.test_sent").first()
    assert "+33612345678" not in entry.summary


@pytest.mark.parametrize(
    ("method", "url_name"),
    [
        ("get", "sms_provider"),
        ("get", "sms_provider_edit"),
        ("post", "sms_provider_edit"),
        ("post", "sms_provider_test"),
        ("post", "sms_provider_test_sms"),
    ],
)
def test_only_the_personne_habilitee_reaches_the_provider_settings(
    vie_scolaire_client, etablissement, method, url_name
):
    response = getattr(vie_scolaire_client, method)(
        reverse(url_name), {"provider_code": "simulator", "phone": "0612345678"}
    )

    assert response.status_code == 403
    assert not ProviderSettings.objects.exists()


def test_each_school_has_its_own_provider(habilitee_client, etablissement, other_etablissement):
    configure_provider(other_etablissement, code="simulator", login="LYCEE")

    page = page_text(habilitee_client.get(reverse("sms_provider")))

    assert "LYCEE" not in page
    assert "Nom du fournisseur de service</th><td>AUCUN" in page


def test_the_sending_window_is_journaled_and_checked(etablissement, habilitee_user):
    from datetime import time

    sms_sending_window_set(
        etablissement=etablissement, user=habilitee_user, start=time(7, 30), end=time(20, 0)
    )

    row = ProviderSettings.objects.get(etablissement=etablissement)
    assert (row.window_start, row.window_end) == (time(7, 30), time(20, 0))
    assert (
        ProviderSettingsChange.objects.get().summary == "Plage d'envoi des SMS : à toute heure → 07:30–20:00"
    )
    with pytest.raises(ValueError, match="l'heure de début et l'heure de fin"):
        sms_sending_window_set(etablissement=etablissement, user=habilitee_user, start=time(7, 30), end=None)
