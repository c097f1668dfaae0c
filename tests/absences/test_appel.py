"""Appel: a whole class recorded with its SMS in a constant number of queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from absences.models import Action, Evenement, EvenementAction, Horaire
from sms.models import OutboundSms
from tests import factories
from tests.sms.conftest import page_text

from .conftest import today_at


def _class_of(etablissement, code: str, size: int):
    division = factories.DivisionFactory(etablissement=etablissement, code=code)
    eleves = factories.EleveFactory.create_batch(size, etablissement=etablissement, division=division)
    for eleve in eleves:
        factories.LienFactory(eleve=eleve)
        factories.LienFactory(eleve=eleve, legal_rank=2, financier=False, lien="10")
    return division, eleves


def _retard_action(etablissement):
    """The default « SMS retard », whose modèle says when the pupil arrived."""
    return Action.objects.get(etablissement=etablissement, libelle_court="SMS retard")


def _appel(client, division, eleves, action, token, *, retards=(), retard_action=None):
    """Posts the appel: ``eleves`` ticked absent (``action``), ``retards`` arrived at 08:45
    (``retard_action``); returns its queries."""
    horaire = Horaire.objects.get(etablissement=division.etablissement, libelle="08:30")
    with CaptureQueriesContext(connection) as queries:
        response = client.post(
            reverse("appel"),
            {
                "division": division.pk,
                "date": today_at(8, 30).date().isoformat(),
                "horaire": horaire.pk,
                "absents": [e.pk for e in eleves],
                **{f"arrivee_{e.pk}": "08:45" for e in retards},
                "action": action.pk if action else "",
                "retard_action": retard_action.pk if retard_action else "",
                "token": token,
            },
        )
    assert response.status_code == 302, response.content.decode()[:2000]
    return len(queries)


def test_a_class_of_35_is_recorded_in_as_many_queries_as_a_class_of_3(
    vie_scolaire_client, etablissement, sms_action, provider
):
    small, small_eleves = _class_of(etablissement, "6A", 3)
    large, large_eleves = _class_of(etablissement, "6B", 35)

    retard_action = _retard_action(etablissement)

    small_queries, large_queries = (
        _appel(
            vie_scolaire_client,
            division,
            eleves[:absents],
            sms_action,
            f"appel-{division.code}",
            retards=eleves[absents:],
            retard_action=retard_action,
        )
        for division, eleves, absents in ((small, small_eleves, 2), (large, large_eleves, 25))
    )

    print(f"appel: 3 élèves {small_queries} requêtes, 35 élèves {large_queries} requêtes")
    # Nothing per pupil: the same queries (SQLite alone splits a large bulk insert, by its limit of
    # parameters per statement, into a couple more batches).
    assert large_queries == small_queries or (
        connection.vendor == "sqlite" and large_queries <= small_queries + 2
    )
    recorded = Evenement.objects.filter(eleve__division=large)
    assert recorded.filter(type="absence", absence_constatee=True).count() == 25
    assert recorded.filter(type="retard", fin=today_at(8, 45)).count() == 10
    from sms.selectors import sms_waiting_list

    waiting = sms_waiting_list(etablissement=etablissement)
    assert waiting.filter(division_label="6B").count() == 70  # Légal 1 and Légal 2 of each pupil
    late = waiting.filter(division_label="6B", event_label__startswith="Retard")
    assert late.count() == 20
    assert all(" est arrivé(e) en retard le " in text for text in late.values_list("text", flat=True))
    assert not waiting.filter(division_label="6B", event_label__startswith="Absence").exclude(
        text__contains=" est en absence le "
    )


def test_the_appel_page_shows_pupils_already_recorded_and_records_the_others(
    vie_scolaire_client, etablissement, courrier_action
):
    division, eleves = _class_of(etablissement, "6C", 2)
    horaire = Horaire.objects.get(etablissement=etablissement, libelle="08:30")
    page = vie_scolaire_client.get(reverse("appel"), {"division": division.pk, "horaire": horaire.pk})
    assert eleves[0].nom in page.content.decode()

    _appel(vie_scolaire_client, division, eleves[:1], courrier_action, "appel-1")
    again = vie_scolaire_client.post(
        reverse("appel"),
        {
            "division": division.pk,
            "date": today_at(8, 30).date().isoformat(),
            "horaire": horaire.pk,
            "absents": [e.pk for e in eleves],
            "token": "appel-2",
        },
    )

    reported = page_text(vie_scolaire_client.get(again.url))
    assert f"division={division.pk}" in again.url  # back on the same class and slot
    assert f'value="{eleves[0].pk}" id="absent-{eleves[0].pk}" checked disabled' in reported
    shown = vie_scolaire_client.get(
        reverse("appel"),
        {"division": division.pk, "date": today_at(8, 30).date().isoformat(), "horaire": horaire.pk},
    ).content.decode()

    assert again.status_code == 302
    assert Evenement.objects.filter(eleve__division=division).count() == 2
    assert f'value="{eleves[0].pk}" id="absent-{eleves[0].pk}" checked disabled' in shown
    assert f'value="{eleves[1].pk}" id="absent-{eleves[1].pk}" checked disabled' in shown
    assert "1 évènement(s) enregistré(s)" in reported
    assert f"Déjà enregistré(s) sur ce créneau, laissé(s) tel(s) quel(s) : {eleves[0].nom}" in reported


def test_a_malformed_slot_in_the_address_shows_the_page(vie_scolaire_client, etablissement):
    division, _ = _class_of(etablissement, "6D", 1)

    for query in ({"division": division.pk, "horaire": "abc"}, {"division": division.pk, "date": "31/02"}):
        assert vie_scolaire_client.get(reverse("appel"), query).status_code == 200


def test_the_page_says_whom_a_courrier_or_a_courriel_goes_to_as_well_as_an_sms(
    vie_scolaire_client, etablissement, courrier_action
):
    """It said « Un SMS va aux responsables légaux… » while a Courrier or a Courriel was offered."""
    division, _ = _class_of(etablissement, "6I", 1)

    page = page_text(vie_scolaire_client.get(reverse("appel"), {"division": division.pk}))

    assert f">{courrier_action.libelle_court}</option>" in page
    assert "un courrier à ceux qui ont une adresse, un courriel à ceux qui en ont un" in page
    assert "Un SMS va aux responsables légaux" not in page


def test_an_appel_whose_pupils_are_all_recorded_already_records_nothing(
    vie_scolaire_client, etablissement, courrier_action
):
    division, eleves = _class_of(etablissement, "6E", 1)
    _appel(vie_scolaire_client, division, eleves, courrier_action, "appel-a")
    journal = etablissement.audit_entries.filter(action="absences.appel_recorded")

    _appel(vie_scolaire_client, division, eleves, courrier_action, "appel-b")

    assert Evenement.objects.filter(eleve__division=division).count() == 1
    assert journal.count() == 1


def test_a_pupil_with_an_arrival_time_is_recorded_as_a_retard_with_the_sms_of_the_retards(
    vie_scolaire_client, etablissement, sms_action, provider
):
    division, (absent, late, present) = _class_of(etablissement, "6F", 3)

    _appel(
        vie_scolaire_client,
        division,
        [absent],
        sms_action,
        "appel-f",
        retards=[late],
        retard_action=_retard_action(etablissement),
    )

    absence, retard = (Evenement.objects.get(eleve=e) for e in (absent, late))
    assert (absence.type, absence.debut, absence.fin) == ("absence", today_at(8, 30), today_at(9, 25))
    assert (retard.type, retard.debut, retard.fin) == ("retard", today_at(8, 30), today_at(8, 45))
    assert not Evenement.objects.filter(eleve=present).exists()
    sms = OutboundSms.objects.filter(event_key=retard.event_key)
    assert sms.count() == 2  # its two responsables légaux
    assert {s.event_label for s in sms} == {f"Retard du {today_at(8, 30):%d/%m/%y} 08:30, arrivée à 08:45"}
    assert {s.text for s in sms} == {
        f"{etablissement.nom} : {late.prenom} {late.nom} (6F) est arrivé(e) en retard le "
        f"{today_at(8, 30):%d/%m/%Y} à 08:45 (cours de 08:30). "
        f"Merci de nous contacter au {etablissement.telephone}."
    }
    assert all(
        " est en absence le " in s.text for s in OutboundSms.objects.filter(event_key=absence.event_key)
    )
    [entry] = etablissement.audit_entries.filter(action="absences.appel_recorded")
    assert entry.summary.endswith(": 1 absent(s), 1 retard(s)")
    horaire = Horaire.objects.get(etablissement=etablissement, libelle="08:30")
    shown = vie_scolaire_client.get(
        reverse("appel"),
        {"division": division.pk, "date": today_at(8, 30).date().isoformat(), "horaire": horaire.pk},
    )
    assert "déjà enregistré : Retard du" in page_text(shown)


def _post_at_0830(client, division, **fields):
    """Posts the appel of ``division`` today at 08:30 with the form's ``fields``."""
    horaire = Horaire.objects.get(etablissement=division.etablissement, libelle="08:30")
    return client.post(
        reverse("appel"),
        {
            "division": division.pk,
            "date": today_at(8, 30).date().isoformat(),
            "horaire": horaire.pk,
            **fields,
        },
    )


@pytest.mark.parametrize(
    ("ticked", "arrivee", "message"),
    [
        (
            True,
            "08:45",
            "{nom} Pauline est coché(e) absent(e) et a une heure d'arrivée : décochez « Absent »",
        ),
        (False, "09:40", "{nom} Pauline : un retard tient dans son créneau (de 08:30 à 09:25)"),
        (False, "08:30", "{nom} Pauline : l'heure d'arrivée doit être après 08:30, le début du créneau."),
        (False, "8h45", "{nom} Pauline : saisissez une heure d'arrivée (08:45)."),
    ],
)
def test_a_wrong_arrival_is_refused_in_french_and_the_appel_comes_back_as_entered(
    vie_scolaire_client, etablissement, sms_action, provider, ticked, arrivee, message
):
    division, (absent, late) = _class_of(etablissement, "6G", 2)

    response = _post_at_0830(
        vie_scolaire_client,
        division,
        absents=[absent.pk, late.pk] if ticked else [absent.pk],
        **{f"arrivee_{late.pk}": arrivee},
        action=sms_action.pk,
        token="appel-g",
    )

    page = page_text(response)
    assert response.status_code == 400
    assert message.format(nom=late.nom) in page
    assert not Evenement.objects.exists()
    assert not OutboundSms.objects.exists()
    assert f'value="{absent.pk}" id="absent-{absent.pk}" checked' in page
    assert f'name="arrivee_{late.pk}" id="id_arrivee_{late.pk}" value="{arrivee}"' in page
    assert f'<option value="{sms_action.pk}" selected>' in page


@pytest.mark.parametrize("day", ["0005-11-30", "20026-11-30"])
def test_an_appel_dated_in_a_year_nobody_means_is_refused_in_french(
    vie_scolaire_client, etablissement, courrier_action, day
):
    division, eleves = _class_of(etablissement, "6H", 1)
    horaire = Horaire.objects.get(etablissement=etablissement, libelle="08:30")

    response = vie_scolaire_client.post(
        reverse("appel"),
        {
            "division": division.pk,
            "date": day,
            "horaire": horaire.pk,
            "absents": [eleves[0].pk],
            "token": "y",
        },
    )

    assert response.status_code == 400
    assert "Saisissez une date valide, entre le 01/01/1900 et le 31/12/2999." in page_text(response)
    assert not Evenement.objects.exists()


@pytest.mark.parametrize("aucune", ["absences", "retards"])
def test_aucune_for_the_absences_or_the_retards_leaves_them_without_an_action(
    vie_scolaire_client, etablissement, sms_action, provider, aucune
):
    division, (absent, late) = _class_of(etablissement, "6J", 2)
    actions = {"absences": sms_action, "retards": _retard_action(etablissement)}
    actions[aucune] = None

    _appel(
        vie_scolaire_client,
        division,
        [absent],
        actions["absences"],
        "appel-j",
        retards=[late],
        retard_action=actions["retards"],
    )

    with_action = late if aucune == "absences" else absent
    without = absent if aucune == "absences" else late
    assert Evenement.objects.filter(eleve__division=division).count() == 2
    assert (
        OutboundSms.objects.filter(event_key=Evenement.objects.get(eleve=with_action).event_key).count() == 2
    )
    assert not OutboundSms.objects.filter(event_key=Evenement.objects.get(eleve=without).event_key)
    assert not EvenementAction.objects.filter(evenement__eleve=without)
    reported = page_text(vie_scolaire_client.get(reverse("appel")))
    assert "2 SMS en attente de diffusion (SMS à diffuser)" in reported


def test_two_actions_are_reported_each_by_its_name(
    vie_scolaire_client, etablissement, courrier_action, provider
):
    division, (absent, late) = _class_of(etablissement, "6K", 2)

    _appel(
        vie_scolaire_client,
        division,
        [absent],
        courrier_action,
        "appel-k",
        retards=[late],
        retard_action=_retard_action(etablissement),
    )

    reported = page_text(vie_scolaire_client.get(reverse("appel")))
    assert f"SMS retard : 2 SMS en attente de diffusion (SMS à diffuser) : {late.nom}" in reported
    assert "COUR : " in reported
    assert {a.token for a in EvenementAction.objects.all()} == {f"appel-k:{absent.pk}", f"appel-k:{late.pk}"}


def test_the_appel_proposes_aucune_for_the_absences_and_the_sms_retard_for_the_retards(
    vie_scolaire_client, etablissement, sms_action, provider
):
    division, _ = _class_of(etablissement, "6L", 1)
    retard_action = _retard_action(etablissement)

    page = vie_scolaire_client.get(reverse("appel"), {"division": division.pk}).content.decode()

    assert '<label class="col-auto col-form-label" for="id_action">Action pour les absences</label>' in page
    assert 'for="id_retard_action">Action pour les retards</label>' in page
    assert '<select name="action" id="id_action">\n  <option value="" selected>AUCUNE</option>' in page
    assert f'<option value="{retard_action.pk}" selected>SMS retard</option>' in page


def test_without_a_provider_the_retards_are_proposed_no_sms_action(
    vie_scolaire_client, etablissement, parametrages
):
    division, _ = _class_of(etablissement, "6M", 1)

    page = vie_scolaire_client.get(reverse("appel"), {"division": division.pk}).content.decode()

    assert "SMS retard" not in page
    assert (
        '<select name="retard_action" id="id_retard_action">\n  <option value="" selected>AUCUNE</option>'
        in page
    )


@pytest.mark.parametrize("logged_in_again", [False, True])
def test_the_next_appel_starts_with_the_actions_chosen_at_the_last_one(
    vie_scolaire_client, vie_scolaire_user, etablissement, sms_action, provider, logged_in_again
):
    """Logged in again too: the actions were kept in the session, gone after two idle hours or the
    browser closed, so the next morning's appel started again from AUCUNE."""
    division, (absent,) = _class_of(etablissement, "6N", 1)
    other, _ = _class_of(etablissement, "6P", 1)

    _appel(vie_scolaire_client, division, [absent], sms_action, "appel-n", retard_action=None)
    if logged_in_again:
        vie_scolaire_client.logout()
        vie_scolaire_client.force_login(vie_scolaire_user)

    page = vie_scolaire_client.get(reverse("appel"), {"division": other.pk}).content.decode()
    assert f'<option value="{sms_action.pk}" selected>' in page
    assert (
        '<select name="retard_action" id="id_retard_action">\n  <option value="" selected>AUCUNE</option>'
        in page
    )


def test_each_user_starts_with_the_actions_of_their_own_last_appel(
    client, vie_scolaire_client, etablissement, sms_action, provider
):
    division, (absent,) = _class_of(etablissement, "6S", 1)
    _appel(vie_scolaire_client, division, [absent], sms_action, "appel-s")

    client.force_login(factories.vie_scolaire(etablissement, username="collegue"))
    page = client.get(reverse("appel"), {"division": division.pk}).content.decode()

    assert '<select name="action" id="id_action">\n  <option value="" selected>AUCUNE</option>' in page


def test_an_action_retired_since_the_last_appel_is_no_longer_proposed(
    vie_scolaire_client, etablissement, sms_action, provider
):
    division, (absent,) = _class_of(etablissement, "6Q", 1)
    _appel(vie_scolaire_client, division, [absent], sms_action, "appel-q")
    sms_action.actif = False
    sms_action.save()

    page = vie_scolaire_client.get(reverse("appel"), {"division": division.pk}).content.decode()

    assert '<select name="action" id="id_action">\n  <option value="" selected>AUCUNE</option>' in page


def test_every_wrong_arrival_of_the_class_is_named_at_once(
    vie_scolaire_client, etablissement, sms_action, provider
):
    """The appel named the first wrong arrival only: the next one came up after correcting it."""
    division, (early, late) = _class_of(etablissement, "6H", 2)

    response = _post_at_0830(
        vie_scolaire_client,
        division,
        **{f"arrivee_{early.pk}": "07:00", f"arrivee_{late.pk}": "12:00"},
        token="appel-h",
    )

    page = page_text(response)
    assert response.status_code == 400
    assert f"{early.nom} {early.prenom} : l'heure d'arrivée doit être après 08:30" in page
    assert f"{late.nom} {late.prenom} : un retard tient dans son créneau (de 08:30 à 09:25)" in page
    assert not Evenement.objects.exists()
