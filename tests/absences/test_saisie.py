"""Saisie d'un évènement: the event and its SMS in one transaction, once; consent; cancel; re-render."""

import functools
import html
from datetime import timedelta

import pytest
from django.urls import reverse

from absences.models import Evenement, EvenementAction, Justificatif, Traitement
from absences.services import (
    EvenementData,
    action_create,
    evenement_delete,
    evenement_record,
    evenement_update,
    modele_create,
)
from sms.selectors import sms_for_event
from tests import factories

from .conftest import today_at

YEAR_MESSAGE = "Saisissez une date valide, entre le 01/01/1900 et le 31/12/2999."


def entry(**overrides) -> dict:
    today = today_at(8, 30).date().isoformat()
    data = {
        "type": "absence",
        "du_date": today,
        "du_heure": "08:30",
        "au_date": today,
        "au_heure": "18:00",
        "enseignant": "",
        "discipline": "",
        "motif": "",
        "justificatif": "",
        "token": "jeton-1",
    }
    return {**data, **overrides}


def sms_of(evenement):
    return list(sms_for_event(etablissement=evenement.etablissement, event_key=evenement.event_key))


@pytest.fixture
def record(etablissement, vie_scolaire_user, eleve, sms_action):
    def _record(*, token="t", destinataires=(), debut=None, fin=None, **fields):
        return evenement_record(
            etablissement=etablissement,
            user=vie_scolaire_user,
            eleve=eleve,
            data=EvenementData(
                type="absence", debut=debut or today_at(8, 30), fin=fin or today_at(18), **fields
            ),
            token=token,
            action=sms_action,
            destinataires=destinataires,
        )

    return _record


def test_valider_queues_one_sms_per_reachable_recipient_and_says_who_not(
    vie_scolaire_client, eleve, legal1, legal2, sms_action, provider
):
    response = vie_scolaire_client.post(
        reverse("saisie_eleve", args=[eleve.pk]),
        entry(action=sms_action.pk, destinataires=[f"lien:{legal1.pk}", f"lien:{legal2.pk}", "eleve"]),
        follow=True,
    )

    html = response.content.decode()
    evenement = Evenement.objects.get(eleve=eleve)
    [sms] = sms_of(evenement)
    assert sms.state == "queued"
    assert sms.responsable == legal1.responsable
    assert sms.recipient_label == "Légal 1 - Financier"
    assert sms.text.startswith("Collège Victor Hugo : Pauline REITER (5B) est en absence le ")
    assert f"le {today_at(8, 30):%d/%m/%Y} à 08:30." in sms.text
    assert "\u00a0" not in sms.text
    assert "\u202f" not in sms.text
    assert sms.sender == "+33146000000"
    assert "1 SMS en attente de diffusion" in html
    assert "Légal 2 (REITER Anne) : n&#x27;accepte pas les SMS" in html
    assert "Elève (REITER Pauline) : l&#x27;élève n&#x27;a pas de numéro de mobile" in html
    assert "Envoi de SMS" in html  # the Historique des actions


def test_the_recipients_show_whether_an_sms_can_reach_them(
    vie_scolaire_client, eleve, legal1, legal2, provider
):
    html = vie_scolaire_client.get(reverse("saisie_eleve", args=[eleve.pk])).content.decode()

    assert "Légal 1 - Financier" in html
    assert "SMS possible" in html
    assert "Légal 2" in html
    assert "SMS impossible : n&#x27;accepte pas les SMS" in html
    assert "Elève" in html


def test_validating_twice_records_and_queues_once(vie_scolaire_client, eleve, legal1, sms_action, provider):
    form = entry(action=sms_action.pk, destinataires=[f"lien:{legal1.pk}"])

    vie_scolaire_client.post(reverse("saisie_eleve", args=[eleve.pk]), form)
    second = vie_scolaire_client.post(reverse("saisie_eleve", args=[eleve.pk]), form, follow=True)

    evenement = Evenement.objects.get(eleve=eleve)
    assert len(sms_of(evenement)) == 1
    assert EvenementAction.objects.count() == 1
    assert "déjà été validé" in second.content.decode()


def test_the_sms_action_is_offered_only_once_a_provider_is_configured(
    vie_scolaire_client, eleve, sms_action, courrier_action
):
    html = vie_scolaire_client.get(reverse("saisie_eleve", args=[eleve.pk])).content.decode()
    assert ">COUR</option>" in html
    assert ">SMS</option>" not in html

    response = vie_scolaire_client.post(
        reverse("saisie_eleve", args=[eleve.pk]), entry(action=sms_action.pk, destinataires=["eleve"])
    )
    assert response.status_code == 400
    assert not Evenement.objects.exists()


def test_consent_is_checked_when_queueing_not_when_the_form_was_shown(record, legal1, provider):
    legal1.responsable.accepte_sms = False  # withdrawn between the display and "Valider"
    legal1.responsable.save()

    outcome = record(destinataires=[f"lien:{legal1.pk}"])

    assert sms_of(outcome.evenement) == []
    assert outcome.not_reached == [
        "REITER Pauline : Légal 1 - Financier (REITER Daniel) : n'accepte pas les SMS"
    ]


def test_modifying_an_event_rerenders_its_waiting_sms(record, legal1, vie_scolaire_user, provider):
    evenement = record(destinataires=[f"lien:{legal1.pk}"]).evenement

    evenement_update(
        etablissement=evenement.etablissement,
        user=vie_scolaire_user,
        evenement=evenement,
        data=EvenementData(type="retard", debut=today_at(9, 25), fin=today_at(10, 20)),
        token="t-modif",
    )

    [sms] = sms_of(evenement)
    assert sms.state == "queued"
    assert "est en retard le" in sms.text
    assert "à 09:25." in sms.text
    assert sms.event_label.startswith("Retard du ")


def test_justifying_before_dispatch_cancels_the_waiting_sms(record, legal1, vie_scolaire_user, provider):
    evenement = record(destinataires=[f"lien:{legal1.pk}"]).evenement
    certificat = Justificatif.objects.get(etablissement=evenement.etablissement, libelle="Certificat médical")

    evenement_update(
        etablissement=evenement.etablissement,
        user=vie_scolaire_user,
        evenement=evenement,
        data=EvenementData(type="absence", debut=evenement.debut, fin=evenement.fin, justificatif=certificat),
        token="t-justif",
    )

    [sms] = sms_of(evenement)
    assert sms.state == "cancelled"


def test_deleting_an_event_cancels_its_waiting_sms_and_keeps_it(
    vie_scolaire_client, record, legal1, provider
):
    evenement = record(destinataires=[f"lien:{legal1.pk}"]).evenement

    response = vie_scolaire_client.post(reverse("saisie_evenement_delete", args=[evenement.pk]), follow=True)

    assert not Evenement.objects.filter(pk=evenement.pk).exists()
    [sms] = sms_of(evenement)  # the instance in this test still has its pk
    assert sms.state == "cancelled"
    assert "1 SMS en attente annulé(s)" in response.content.decode()


def test_supprimer_l_evenement_asks_first_and_says_how_many_sms_will_not_be_sent(
    vie_scolaire_client, record, legal1, provider
):
    evenement = record(destinataires=[f"lien:{legal1.pk}"]).evenement
    url = reverse("saisie_evenement_delete", args=[evenement.pk])
    fiche = vie_scolaire_client.get(reverse("saisie_evenement", args=[evenement.pk])).content.decode()

    page = html.unescape(vie_scolaire_client.get(url).content.decode())

    assert f'href="{url}"' in fiche
    assert "confirm(" not in fiche  # no script needed
    assert f"Vous allez supprimer l'évènement « Absence du {today_at(8, 30):%d/%m/%y} 08:30" in page
    assert "Son SMS en attente de diffusion sera annulé : il ne sera pas envoyé." in page
    assert "Confirmer la suppression ?" in page
    assert reverse("saisie_evenement", args=[evenement.pk]) in page  # Annuler
    assert Evenement.objects.filter(pk=evenement.pk).exists()
    assert [sms.state for sms in sms_of(evenement)] == ["queued"]


def test_the_deletion_page_of_an_event_without_waiting_sms_says_so(vie_scolaire_client, eleve):
    evenement = Evenement.objects.create(
        etablissement=eleve.etablissement, eleve=eleve, debut=today_at(8, 30), fin=today_at(9, 25)
    )

    page = html.unescape(
        vie_scolaire_client.get(reverse("saisie_evenement_delete", args=[evenement.pk])).content.decode()
    )

    assert "Aucun SMS de cet évènement n'attend d'être envoyé." in page


def test_an_sms_already_sent_never_changes(record, legal1, vie_scolaire_user, provider):
    from sms.services import sms_dispatch, sms_release

    evenement = record(destinataires=[f"lien:{legal1.pk}"]).evenement
    [queued] = sms_of(evenement)
    sms_release(etablissement=evenement.etablissement, user=vie_scolaire_user, ids=[queued.pk])
    sms_dispatch(etablissement_id=evenement.etablissement.pk)
    [sent] = sms_of(evenement)
    assert sent.state not in ("queued", "cancelled")

    evenement_update(
        etablissement=evenement.etablissement,
        user=vie_scolaire_user,
        evenement=evenement,
        data=EvenementData(type="retard", debut=today_at(9, 25), fin=today_at(10, 20)),
        token="t-modif",
    )
    event_key = evenement.event_key
    evenement_delete(etablissement=evenement.etablissement, user=vie_scolaire_user, evenement=evenement)

    [after] = sms_for_event(etablissement=evenement.etablissement, event_key=event_key)
    assert (after.state, after.text) == (sent.state, sent.text)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"du_heure": "10:40", "au_heure": "09:25"}, "La fin (Au) doit être postérieure au début (Du)."),
        ({"du_date": "2001-02-15", "au_date": "2001-02-15"}, "est en dehors de l&#x27;année scolaire"),
        ({"du_date": "0005-01-01"}, YEAR_MESSAGE),
        ({"au_date": "0005-01-01"}, YEAR_MESSAGE),
        ({"du_date": "20026-01-01"}, YEAR_MESSAGE),
        ({"au_date": "20026-01-01"}, YEAR_MESSAGE),
        ({"type": "retard", "arrivee": "08:45", "du_date": "0005-01-01"}, YEAR_MESSAGE),
    ],
)
def test_bad_dates_are_refused_in_french_and_nothing_is_saved(
    vie_scolaire_client, eleve, legal1, sms_action, provider, overrides, message
):
    response = vie_scolaire_client.post(
        reverse("saisie_eleve", args=[eleve.pk]),
        entry(action=sms_action.pk, destinataires=[f"lien:{legal1.pk}"], **overrides),
    )

    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Evenement.objects.exists()


def test_an_overlapping_event_is_refused_and_queues_nothing(
    vie_scolaire_client, record, eleve, legal1, sms_action, provider
):
    first = record(debut=today_at(8, 30), fin=today_at(12, 30)).evenement

    response = vie_scolaire_client.post(
        reverse("saisie_eleve", args=[eleve.pk]),
        entry(du_heure="11:35", au_heure="14:55", action=sms_action.pk, destinataires=[f"lien:{legal1.pk}"]),
    )

    assert response.status_code == 400
    assert "a déjà un évènement qui chevauche celui-ci" in response.content.decode()
    assert list(Evenement.objects.all()) == [first]


def test_the_week_grid_shows_the_event_in_its_motifs_colour(vie_scolaire_client, record, maladie):
    evenement = record(debut=today_at(10, 40), fin=today_at(12, 30), motif=maladie).evenement

    html = vie_scolaire_client.get(reverse("saisie_evenement", args=[evenement.pk])).content.decode()

    assert html.count(f'style="background: {maladie.couleur.code}"') == 2  # 10:40 and 11:35
    for row in ("08:30", "17:05", "Demi-pension", "Internat"):
        assert f'<th scope="row">{row}</th>' in html
    monday = today_at(0).date() - timedelta(days=today_at(0).weekday())
    assert f"?semaine={monday - timedelta(days=7):%Y-%m-%d}" in html
    assert f"?semaine={monday + timedelta(days=7):%Y-%m-%d}" in html


def test_choose_the_pupil_by_name_or_division(vie_scolaire_client, eleve):
    by_name = vie_scolaire_client.get(reverse("saisie"), {"q": "reit"}).content.decode()
    by_division = vie_scolaire_client.get(reverse("saisie"), {"division": eleve.division_id}).content.decode()

    assert reverse("saisie_eleve", args=[eleve.pk]) in by_name
    assert reverse("saisie_eleve", args=[eleve.pk]) in by_division


def test_chercher_without_criteria_says_what_to_fill_in(vie_scolaire_client, eleve):
    first_visit = vie_scolaire_client.get(reverse("saisie")).content.decode()
    without_criteria = vie_scolaire_client.get(reverse("saisie"), {"q": " ", "division": ""}).content.decode()

    hint = "Saisissez un nom ou un prénom, ou choisissez une division"
    assert hint not in first_visit
    assert hint in without_criteria
    assert reverse("saisie_eleve", args=[eleve.pk]) not in without_criteria


def test_the_entry_form_has_one_motif_field_and_keeps_the_chosen_motif(vie_scolaire_client, record, maladie):
    evenement = record(debut=today_at(8, 30), fin=today_at(9, 25), motif=maladie).evenement

    html = vie_scolaire_client.get(reverse("saisie_evenement", args=[evenement.pk])).content.decode()

    assert html.count('name="motif"') == 1
    assert html.count('type="checkbox" class="form-check-input" name="motif_legitime"') == 1
    assert f'<option value="{maladie.pk}" selected>' in html


def test_legal_1_is_listed_before_legal_2_and_contacts(vie_scolaire_client, eleve, legal1, legal2):
    factories.LienFactory(eleve=eleve, legal_rank=0, financier=False, lien="38", responsable__nom="GRAND")

    html = vie_scolaire_client.get(reverse("saisie_eleve", args=[eleve.pk])).content.decode()

    assert html.index("Légal 1") < html.index("Légal 2") < html.index("GRAND")


def test_each_waiting_sms_is_rerendered_from_the_model_of_its_own_action(
    record, etablissement, legal1, vie_scolaire_user, sms_action, provider
):
    evenement = record(destinataires=[f"lien:{legal1.pk}"]).evenement
    relance = action_create(
        etablissement=etablissement,
        libelle_court="RELANCE",
        libelle_long=sms_action.libelle_long,  # the same label: the label cannot tell them apart
        delai_alerte_jours=2,
        traitement=Traitement.SMS,
        modele=modele_create(
            etablissement=etablissement, nom="relance", texte="Relance : [TYPE] de [PRENOM]."
        ),
    )
    modify = functools.partial(
        evenement_update, etablissement=etablissement, user=vie_scolaire_user, evenement=evenement
    )
    modify(
        data=EvenementData(type="absence", debut=evenement.debut, fin=evenement.fin),
        token="t-relance",
        action=relance,
        destinataires=[f"lien:{legal1.pk}"],
    )

    modify(data=EvenementData(type="retard", debut=today_at(8, 30), fin=today_at(8, 45)), token="t-modif")

    first, second = sms_of(evenement)
    assert first.text.startswith("Collège Victor Hugo : Pauline REITER (5B) est en retard le ")
    assert second.text == "Relance : retard de Pauline."


def test_a_retard_is_entered_by_its_arrival_time_and_reads_so(
    vie_scolaire_client, eleve, legal1, sms_action, provider
):
    response = vie_scolaire_client.post(
        reverse("saisie_eleve", args=[eleve.pk]),
        entry(type="retard", arrivee="08:45", action=sms_action.pk, destinataires=[f"lien:{legal1.pk}"]),
    )

    assert response.status_code == 302
    retard = Evenement.objects.get()
    assert (retard.type, retard.debut, retard.fin) == ("retard", today_at(8, 30), today_at(8, 45))
    [sms] = sms_of(retard)
    assert sms.event_label == f"Retard du {today_at(8, 30):%d/%m/%y} 08:30, arrivée à 08:45"
    assert "est en retard le" in sms.text
    page = vie_scolaire_client.get(reverse("saisie_evenement", args=[retard.pk])).content.decode()
    assert 'name="arrivee" value="08:45"' in page


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({}, "Indiquez l&#x27;heure d&#x27;arrivée de l&#x27;élève en retard."),
        ({"arrivee": "08:15"}, "L&#x27;heure d&#x27;arrivée doit être après 08:30 (Du)."),
        ({"arrivee": "10:00"}, "Un retard tient dans son créneau (de 08:30 à 09:25)"),
    ],
)
def test_a_retard_without_a_sensible_arrival_is_refused_in_french(
    vie_scolaire_client, eleve, parametrages, overrides, message
):
    response = vie_scolaire_client.post(
        reverse("saisie_eleve", args=[eleve.pk]), entry(type="retard", **overrides)
    )

    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Evenement.objects.exists()


def test_the_service_refuses_a_retard_longer_than_its_slot(
    etablissement, vie_scolaire_user, eleve, parametrages
):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="Un retard tient dans son créneau"):
        evenement_record(
            etablissement=etablissement,
            user=vie_scolaire_user,
            eleve=eleve,
            data=EvenementData(type="retard", debut=today_at(8, 30), fin=today_at(18)),
            token="t-retard",
        )
    assert not Evenement.objects.exists()


def test_an_absence_still_reads_from_du_to_au(record):
    from absences.rendering import evenement_label

    absence = record().evenement

    assert (
        evenement_label(absence)
        == f"Absence du {today_at(8, 30):%d/%m/%y} 08:30 au {today_at(18):%d/%m/%y} 18:00"
    )


def test_an_event_no_longer_justified_queues_again_the_sms_its_justification_cancelled(
    record, legal1, vie_scolaire_user, provider
):
    evenement = record(destinataires=[f"lien:{legal1.pk}"]).evenement
    certificat = Justificatif.objects.get(etablissement=evenement.etablissement, libelle="Certificat médical")

    def update(justificatif, token):
        return evenement_update(
            etablissement=evenement.etablissement,
            user=vie_scolaire_user,
            evenement=evenement,
            data=EvenementData(
                type="absence", debut=evenement.debut, fin=evenement.fin, justificatif=justificatif
            ),
            token=token,
        )

    update(certificat, "t-justif")
    unjustified = update(None, "t-plus-justif")
    update(certificat, "t-justif-2")
    again = update(None, "t-plus-justif-2")

    states = [sms.state for sms in sms_of(evenement)]
    assert (unjustified.requeued, again.requeued) == (1, 1)
    assert sorted(states) == ["cancelled", "cancelled", "queued"]  # one SMS waiting, never two
