"""An action Courrier or Courriel on an event: one letter (email) per chosen recipient it can reach,
the others named with why; once per form; cancelled by a justification or a deletion, queued again
when the event is no longer justified; rendered again when the event changes."""

import functools

import pytest
from django.urls import reverse

from absences.models import Justificatif
from absences.services import (
    EvenementData,
    appel_record,
    evenement_delete,
    evenement_record,
    evenement_update,
)
from envois.models import Envoi, EnvoiKind, EnvoiState
from tests.absences.conftest import today_at
from tests.absences.test_saisie import entry

from .conftest import RENDERED, page_text


def _record(etablissement, user, eleve, action, destinataires, token="t", days=0):
    return evenement_record(
        etablissement=etablissement,
        user=user,
        eleve=eleve,
        data=EvenementData(type="absence", debut=today_at(8, 30, days=days), fin=today_at(18, days=days)),
        token=token,
        action=action,
        destinataires=destinataires,
    )


def test_a_courrier_action_queues_a_letter_to_each_recipient_with_a_postal_address(
    vie_scolaire_client, etablissement, eleve, legal1, legal2, courrier_action
):
    response = vie_scolaire_client.post(
        reverse("saisie_eleve", args=[eleve.pk]),
        entry(destinataires=[f"lien:{legal1.pk}", f"lien:{legal2.pk}", "eleve"], action=courrier_action.pk),
        follow=True,
    )

    page = page_text(response)
    assert "1 courrier(s) en attente d'édition (Courriers) : REITER Pauline : Légal 1 - Financier" in page
    assert "Pas de courrier pour : REITER Pauline : Légal 2 (REITER Anne) : pas d'adresse postale" in page
    assert "REITER Pauline : Elève (REITER Pauline) : pas d'adresse postale" in page
    (letter,) = Envoi.objects.all()
    assert letter.kind == EnvoiKind.COURRIER
    assert letter.state == EnvoiState.WAITING
    assert (letter.eleve_label, letter.division_label, letter.recipient_label) == (
        "REITER Pauline",
        "5B",
        "Légal 1 - Financier",
    )
    assert letter.recipient_name == "Monsieur REITER Daniel"
    assert letter.address == ["9, rue Notre-Dame", "Bâtiment B", "69003 LYON"]
    assert letter.event_label.startswith("Absence du ")
    assert letter.subject == f"{letter.event_label} de Pauline REITER"
    assert letter.text.startswith("Madame, Monsieur,\n\nNous vous informons que " + RENDERED)
    assert letter.action_label == "Courrier aux responsables"
    # The Historique des actions lists the letter and its state.
    assert "Courrier – Légal 1 - Financier : en attente" in page


def test_a_courriel_action_queues_an_email_to_each_recipient_with_a_courriel(
    vie_scolaire_client, etablissement, eleve, legal1, legal2, courriel_action
):
    response = vie_scolaire_client.post(
        reverse("saisie_eleve", args=[eleve.pk]),
        entry(destinataires=[f"lien:{legal1.pk}", f"lien:{legal2.pk}"], action=courriel_action.pk),
        follow=True,
    )

    page = page_text(response)
    assert "1 courriel(s) en attente d'envoi (Courriels)" in page
    assert "Pas de courriel pour : REITER Pauline : Légal 2 (REITER Anne) : pas de courriel" in page
    (email,) = Envoi.objects.all()
    assert (email.kind, email.email, email.address_lines) == (
        EnvoiKind.COURRIEL,
        "daniel.reiter@example.org",
        "",
    )


def test_the_entry_form_says_who_a_letter_or_an_email_can_reach(vie_scolaire_client, eleve, legal1, legal2):
    page = page_text(vie_scolaire_client.get(reverse("saisie_eleve", args=[eleve.pk])))

    assert page.count("courrier possible · courriel possible") == 1  # Légal 1
    assert (
        page.count("courrier impossible : pas d'adresse postale · courriel impossible : pas de courriel") == 2
    )


def test_a_courrier_action_without_a_recipient_says_so_and_records_nothing(
    vie_scolaire_client, eleve, legal1, courrier_action
):
    response = vie_scolaire_client.post(
        reverse("saisie_eleve", args=[eleve.pk]), entry(action=courrier_action.pk)
    )

    assert response.status_code == 400
    assert "Cochez au moins un destinataire du courrier." in page_text(response)
    assert not Envoi.objects.exists()


def test_validating_the_same_form_twice_queues_once(vie_scolaire_client, eleve, legal1, courrier_action):
    data = entry(destinataires=[f"lien:{legal1.pk}"], action=courrier_action.pk)

    vie_scolaire_client.post(reverse("saisie_eleve", args=[eleve.pk]), data)
    response = vie_scolaire_client.post(reverse("saisie_eleve", args=[eleve.pk]), data, follow=True)

    assert "déjà été validé" in page_text(response)
    assert Envoi.objects.count() == 1


def test_justifying_cancels_the_waiting_letters_with_the_reason_and_unjustifying_queues_them_again(
    etablissement, vie_scolaire_user, eleve, legal1, courrier_action, courriel_action, parametrages
):
    outcome = _record(etablissement, vie_scolaire_user, eleve, courrier_action, [f"lien:{legal1.pk}"])
    evenement = outcome.evenement
    evenement_update(
        etablissement=etablissement, user=vie_scolaire_user, evenement=evenement,
        data=EvenementData(type="absence", debut=evenement.debut, fin=evenement.fin), token="t-courriel",
        action=courriel_action, destinataires=[f"lien:{legal1.pk}"],
    )  # fmt: skip
    certificat = Justificatif.objects.filter(etablissement=etablissement).first()
    modify = functools.partial(evenement_update, etablissement=etablissement, user=vie_scolaire_user)

    def update(justificatif, token):
        data = EvenementData(
            type="absence", debut=evenement.debut, fin=evenement.fin, justificatif=justificatif
        )
        return modify(evenement=evenement, data=data, token=token)

    update(certificat, "t-justif")
    cancelled = Envoi.objects.get(kind=EnvoiKind.COURRIER)
    assert cancelled.state == EnvoiState.CANCELLED
    assert cancelled.error_message == "Évènement justifié avant l'envoi"
    assert Envoi.objects.get(kind=EnvoiKind.COURRIEL).state == EnvoiState.CANCELLED

    again = update(None, "t-plus-justifie")
    update(certificat, "t-re-justif")
    twice = update(None, "t-plus-justifie-2")

    assert again.requeued_envois == {EnvoiKind.COURRIER: 1, EnvoiKind.COURRIEL: 1}
    waiting = Envoi.objects.filter(state=EnvoiState.WAITING)
    assert sorted(waiting.values_list("kind", flat=True)) == [EnvoiKind.COURRIEL, EnvoiKind.COURRIER]
    assert twice.requeued_envois == {EnvoiKind.COURRIER: 1, EnvoiKind.COURRIEL: 1}
    assert Envoi.objects.filter(state=EnvoiState.CANCELLED).count() == 4


def test_deleting_the_event_cancels_its_waiting_letters_but_not_those_edited(
    etablissement, vie_scolaire_user, eleve, legal1, courrier_action, parametrages
):
    outcome = _record(etablissement, vie_scolaire_user, eleve, courrier_action, [f"lien:{legal1.pk}"])
    edited = _record(
        etablissement, vie_scolaire_user, eleve, courrier_action, [f"lien:{legal1.pk}"], "t2", -1
    )
    Envoi.objects.filter(event_key=edited.evenement.event_key).update(state=EnvoiState.DONE)
    event_key = outcome.evenement.event_key

    evenement_delete(etablissement=etablissement, user=vie_scolaire_user, evenement=outcome.evenement)

    assert Envoi.objects.get(event_key=event_key).state == EnvoiState.CANCELLED
    assert Envoi.objects.get(event_key=event_key).error_message == "Évènement supprimé"
    assert Envoi.objects.get(event_key=edited.evenement.event_key).state == EnvoiState.DONE


def test_a_changed_event_renders_its_waiting_letter_again(
    etablissement, vie_scolaire_user, eleve, legal1, courrier_action, parametrages
):
    outcome = _record(etablissement, vie_scolaire_user, eleve, courrier_action, [f"lien:{legal1.pk}"])

    evenement_update(
        etablissement=etablissement,
        user=vie_scolaire_user,
        evenement=outcome.evenement,
        data=EvenementData(type="absence", debut=today_at(9, 25), fin=today_at(12)),
        token="t-modif",
    )

    letter = Envoi.objects.get()
    assert "09:25" in letter.event_label
    assert letter.subject.startswith(letter.event_label)


@pytest.mark.parametrize("traitement", ["courrier_action", "courriel_action"])
def test_the_appel_writes_to_the_responsables_legaux(
    request, etablissement, vie_scolaire_user, eleve, legal1, legal2, parametrages, traitement
):
    from absences.models import Horaire

    action = request.getfixturevalue(traitement)
    horaire = Horaire.objects.filter(etablissement=etablissement, kind="cours").first()

    outcome = appel_record(
        etablissement=etablissement, user=vie_scolaire_user, eleves=[eleve], horaire=horaire,
        day=today_at(8).date(), token="appel", action=action,
    )  # fmt: skip

    assert len(outcome.queued) == 1
    assert len(outcome.not_reached) == 1
    assert Envoi.objects.count() == 1


def test_the_deletion_page_says_the_waiting_letters_will_be_annulled(
    vie_scolaire_client, etablissement, vie_scolaire_user, eleve, legal1, courrier_action, parametrages
):
    outcome = _record(etablissement, vie_scolaire_user, eleve, courrier_action, [f"lien:{legal1.pk}"])

    page = page_text(vie_scolaire_client.get(reverse("saisie_evenement_delete", args=[outcome.evenement.pk])))

    assert "Ses 1 courrier(s) ou courriel(s) en attente seront annulés." in page
