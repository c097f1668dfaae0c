"""Appel: a whole class recorded with its SMS in a constant number of queries."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from absences.models import Evenement, Horaire
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


def _appel(client, division, eleves, action, token):
    horaire = Horaire.objects.get(etablissement=division.etablissement, libelle="08:30")
    with CaptureQueriesContext(connection) as queries:
        response = client.post(
            reverse("appel"),
            {
                "division": division.pk,
                "date": today_at(8, 30).date().isoformat(),
                "horaire": horaire.pk,
                "absents": [e.pk for e in eleves],
                "action": action.pk,
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

    small_queries = _appel(vie_scolaire_client, small, small_eleves, sms_action, "appel-6a")
    large_queries = _appel(vie_scolaire_client, large, large_eleves, sms_action, "appel-6b")

    print(f"appel: 3 absents {small_queries} requêtes, 35 absents {large_queries} requêtes")
    # Nothing per pupil: the same queries (SQLite alone splits a large bulk insert, by its limit of
    # parameters per statement, into a couple more batches).
    assert large_queries == small_queries or (
        connection.vendor == "sqlite" and large_queries <= small_queries + 2
    )
    assert Evenement.objects.filter(eleve__division=large, absence_constatee=True).count() == 35
    from sms.selectors import sms_waiting_list

    waiting = sms_waiting_list(etablissement=etablissement)
    assert waiting.filter(division_label="6B").count() == 70  # Légal 1 and Légal 2 of each pupil


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


def test_an_appel_whose_pupils_are_all_recorded_already_records_nothing(
    vie_scolaire_client, etablissement, courrier_action
):
    division, eleves = _class_of(etablissement, "6E", 1)
    _appel(vie_scolaire_client, division, eleves, courrier_action, "appel-a")
    journal = etablissement.audit_entries.filter(action="absences.appel_recorded")

    _appel(vie_scolaire_client, division, eleves, courrier_action, "appel-b")

    assert Evenement.objects.filter(eleve__division=division).count() == 1
    assert journal.count() == 1
