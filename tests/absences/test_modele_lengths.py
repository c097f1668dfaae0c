"""The length of a modèle de document: the SMS limit binds only a modèle an « Envoi de SMS » action
sends (on the Modèle form and on the Action form); a letter or an email may be long, up to a maximum."""

import html

import pytest
from django.urls import reverse

from absences.models import Action, ModeleDocument, Traitement
from absences.services import action_create, modele_create

LETTER = "Madame, Monsieur, votre enfant [PRENOM] a été absent. " + "x" * 2500  # 17 SMS of GSM text
SIX_SMS = "x" * 900


def _page(response) -> str:
    return html.unescape(response.content.decode())


def _action(etablissement, libelle_court: str, traitement: str, modele: ModeleDocument, actif=True) -> Action:
    return action_create(
        etablissement=etablissement,
        libelle_court=libelle_court,
        libelle_long=f"Action {libelle_court}",
        delai_alerte_jours=2,
        traitement=traitement,
        modele=modele,
        actif=actif,
    )


def _action_form(modele: ModeleDocument, traitement: str, libelle_court: str = "NEW") -> dict:
    return {
        "libelle_court": libelle_court,
        "libelle_long": "Nouvelle action",
        "delai_alerte_jours": "2",
        "traitement": traitement,
        "modele": modele.pk,
        "emetteur": "",
        "code_fournisseur": "0",
    }


def test_a_modele_used_by_no_action_may_be_a_long_letter(habilitee_client, etablissement, parametrages):
    response = habilitee_client.post(
        reverse("parametrages_modeles-de-document_add"), {"nom": "lettre", "texte": LETTER}
    )

    assert response.status_code == 302
    assert ModeleDocument.objects.get(etablissement=etablissement, nom="lettre").texte == LETTER


def test_a_modele_longer_than_the_maximum_is_refused_and_its_text_kept(
    habilitee_client, etablissement, parametrages
):
    texte = "x" * 5001

    response = habilitee_client.post(
        reverse("parametrages_modeles-de-document_add"), {"nom": "roman", "texte": texte}
    )

    assert response.status_code == 200
    page = _page(response)
    assert "Ce texte fait 5001 caractères : 5000 au plus, même pour un courrier ou un courriel." in page
    assert texte in page  # nothing typed is lost
    assert not ModeleDocument.objects.filter(etablissement=etablissement, nom="roman").exists()
    assert (
        habilitee_client.post(
            reverse("parametrages_modeles-de-document_add"), {"nom": "long", "texte": "x" * 5000}
        )
    ).status_code == 302


def test_a_modele_sent_by_courrier_and_courriel_actions_may_grow_long(
    habilitee_client, etablissement, parametrages
):
    modele = modele_create(etablissement=etablissement, nom="lettre", texte="Court.")
    _action(etablissement, "COUR", Traitement.COURRIER, modele)
    _action(etablissement, "MAIL", Traitement.COURRIEL, modele)

    response = habilitee_client.post(
        reverse("parametrages_modeles-de-document_edit", args=[modele.pk]), {"nom": "lettre", "texte": LETTER}
    )

    assert response.status_code == 302
    modele.refresh_from_db()
    assert modele.texte == LETTER


def test_a_modele_sent_by_an_sms_action_cannot_grow_beyond_four_sms(
    habilitee_client, etablissement, parametrages
):
    modele = modele_create(etablissement=etablissement, nom="absence", texte="Absence de [PRENOM].")
    _action(etablissement, "ABS", Traitement.SMS, modele)
    _action(etablissement, "COUR", Traitement.COURRIER, modele)
    url = reverse("parametrages_modeles-de-document_edit", args=[modele.pk])

    refused = habilitee_client.post(url, {"nom": "absence", "texte": SIX_SMS})
    accepted = habilitee_client.post(url, {"nom": "absence", "texte": "x" * 612})

    assert refused.status_code == 200
    assert (
        "Ce texte ferait 6 SMS par destinataire, or l'action « ABS » l'envoie par SMS : 4 SMS au plus, "
        "soit 612 caractères dans l'alphabet GSM, 268 hors de lui. Raccourcissez-le, ou changez d'abord "
        "le modèle ou le traitement de cette action." in _page(refused)
    )
    assert SIX_SMS in _page(refused)
    assert accepted.status_code == 302
    modele.refresh_from_db()
    assert modele.texte == "x" * 612


def test_every_sms_action_of_the_modele_is_named_even_a_retired_one(
    habilitee_client, etablissement, parametrages
):
    modele = modele_create(etablissement=etablissement, nom="absence", texte="Absence de [PRENOM].")
    _action(etablissement, "ABS", Traitement.SMS, modele)
    _action(etablissement, "VIEUX", Traitement.SMS, modele, actif=False)

    response = habilitee_client.post(
        reverse("parametrages_modeles-de-document_edit", args=[modele.pk]),
        {"nom": "absence", "texte": SIX_SMS},
    )

    assert "or les actions « ABS », « VIEUX » l'envoient par SMS" in _page(response)
    assert "le traitement de ces actions." in _page(response)


def test_another_schools_sms_action_does_not_bind_this_modele(
    habilitee_client, etablissement, other_etablissement, parametrages
):
    modele = modele_create(etablissement=etablissement, nom="lettre", texte="Court.")
    other = modele_create(etablissement=other_etablissement, nom="lettre", texte="Court.")
    _action(other_etablissement, "ABS", Traitement.SMS, other)

    response = habilitee_client.post(
        reverse("parametrages_modeles-de-document_edit", args=[modele.pk]), {"nom": "lettre", "texte": LETTER}
    )

    assert response.status_code == 302


@pytest.mark.parametrize("traitement", [Traitement.COURRIER, Traitement.COURRIEL])
def test_a_courrier_or_courriel_action_may_send_a_long_modele(
    habilitee_client, etablissement, parametrages, traitement
):
    modele = modele_create(etablissement=etablissement, nom="lettre", texte=LETTER)

    response = habilitee_client.post(reverse("parametrages_actions_add"), _action_form(modele, traitement))

    assert response.status_code == 302
    assert Action.objects.get(etablissement=etablissement, libelle_court="NEW").modele == modele


def test_an_sms_action_refuses_a_modele_longer_than_four_sms(habilitee_client, etablissement, parametrages):
    modele = modele_create(etablissement=etablissement, nom="lettre", texte=LETTER)

    response = habilitee_client.post(
        reverse("parametrages_actions_add"), _action_form(modele, Traitement.SMS)
    )

    assert response.status_code == 200
    assert (
        "Le modèle « lettre » ferait 17 SMS par destinataire : une action « Envoi de SMS » en envoie 4 SMS "
        "au plus, soit 612 caractères dans l'alphabet GSM, 268 hors de lui. Choisissez un modèle plus court, "
        "ou raccourcissez d'abord celui-ci." in _page(response)
    )
    assert not Action.objects.filter(etablissement=etablissement, libelle_court="NEW").exists()


def test_a_courrier_action_cannot_become_an_sms_one_with_its_long_letter(
    habilitee_client, etablissement, parametrages
):
    modele = modele_create(etablissement=etablissement, nom="lettre", texte=LETTER)
    action = _action(etablissement, "COUR", Traitement.COURRIER, modele)

    response = habilitee_client.post(
        reverse("parametrages_actions_edit", args=[action.pk]), _action_form(modele, Traitement.SMS, "COUR")
    )

    assert "Le modèle « lettre » ferait 17 SMS par destinataire" in _page(response)
    action.refresh_from_db()
    assert action.traitement == Traitement.COURRIER


def test_the_preview_counts_the_sms_as_information_and_refuses_only_beyond_the_maximum(
    habilitee_client, parametrages
):
    url = reverse("parametrages_modele_preview")
    long = habilitee_client.post(url, {"texte": "x" * 5000}).json()
    too_long = habilitee_client.post(url, {"texte": "x" * 5001}).json()
    short = habilitee_client.post(url, {"texte": "x" * 612}).json()

    assert long["parts"] == 33
    assert long["sms_too_long"] == (
        "Ce texte ferait 33 SMS par destinataire : trop long pour une action « Envoi de SMS » (4 SMS au "
        "plus, soit 612 caractères dans l'alphabet GSM, 268 hors de lui). Un courrier ou un courriel peut "
        "être plus long."
    )
    assert long["too_long"] is None
    assert too_long["too_long"].startswith("Ce texte fait 5001 caractères : 5000 au plus")
    assert (short["parts"], short["sms_too_long"], short["too_long"]) == (4, None, None)


def test_the_editor_says_whether_the_sms_limit_binds_this_modele(
    habilitee_client, etablissement, parametrages
):
    free = modele_create(etablissement=etablissement, nom="lettre", texte="Court.")
    bound = modele_create(etablissement=etablissement, nom="absence", texte="Court.")
    _action(etablissement, "ABS", Traitement.SMS, bound)

    free_page = _page(habilitee_client.get(reverse("parametrages_modeles-de-document_edit", args=[free.pk])))
    bound_page = _page(
        habilitee_client.get(reverse("parametrages_modeles-de-document_edit", args=[bound.pk]))
    )

    assert "la limite de 4 SMS ne compte que pour les actions « Envoi de SMS »" in free_page
    assert "Un courrier ou un courriel peut faire jusqu'à 5000 caractères." in free_page
    assert "Ce modèle est envoyé par SMS (ABS) : il ne peut pas dépasser 4 SMS." in bound_page
    assert 'data-sms="1"' in bound_page
    assert 'data-sms="1"' not in free_page
