"""Suivi > Alertes: events still not justified N days (the action's délai) after their SMS was délivré."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from absences.models import Justificatif
from absences.services import EvenementData, evenement_record
from sms.providers.base import StatusReport
from sms.selectors import sms_for_event
from sms.services import sms_dispatch, sms_release
from sms.services.outbox import sms_apply_reports

from .conftest import today_at


@pytest.fixture
def delivered(etablissement, vie_scolaire_user, sms_action, provider):
    """Records an absence of ``eleve`` at ``hour``, sends its SMS and has it délivré ``days_ago``."""

    def _delivered(lien, *, hour: int, days_ago: float):
        evenement = evenement_record(
            etablissement=etablissement,
            user=vie_scolaire_user,
            eleve=lien.eleve,
            data=EvenementData(type="absence", debut=today_at(hour), fin=today_at(hour, 55)),
            token=f"t-{hour}",
            action=sms_action,
            destinataires=[f"lien:{lien.pk}"],
        ).evenement
        [sms] = sms_for_event(etablissement=etablissement, event_key=evenement.event_key)
        sms_release(etablissement=etablissement, user=vie_scolaire_user, ids=[sms.pk])
        sms_dispatch(etablissement_id=etablissement.pk)
        sms.refresh_from_db()
        at = timezone.now() - timedelta(days=days_ago)
        sms_apply_reports(
            rows={sms.provider_id: sms.pk},
            reports=[StatusReport(provider_id=sms.provider_id, state="delivered", at=at, raw="delivered")],
            now=at,
        )
        return evenement

    return _delivered


def test_an_unjustified_event_past_its_delai_is_listed_and_leaves_once_justified(
    vie_scolaire_client, legal1, delivered, django_assert_max_num_queries
):
    late = delivered(legal1, hour=8, days_ago=3)  # délai of the action: 2 days
    recent = delivered(legal1, hour=10, days_ago=1)

    with django_assert_max_num_queries(10):
        html = vie_scolaire_client.get(reverse("suivi_alertes")).content.decode()

    assert reverse("saisie_evenement", args=[late.pk]) in html
    assert reverse("saisie_evenement", args=[recent.pk]) not in html

    late.justificatif = Justificatif.objects.get(etablissement=late.etablissement, libelle="Mot des parents")
    late.save()
    html = vie_scolaire_client.get(reverse("suivi_alertes")).content.decode()
    assert reverse("saisie_evenement", args=[late.pk]) not in html
    assert "Aucune alerte." in html


def test_only_events_whose_sms_was_delivered_long_enough_ago_are_alerts(
    etablissement, vie_scolaire_user, legal1, sms_action, delivered
):
    from absences.selectors import alertes

    late = delivered(legal1, hour=8, days_ago=5)
    delivered(legal1, hour=10, days_ago=1.5)  # délai of 2 days not over yet
    never_sent = evenement_record(
        etablissement=etablissement,
        user=vie_scolaire_user,
        eleve=legal1.eleve,
        data=EvenementData(type="absence", debut=today_at(14), fin=today_at(14, 55)),
        token="t-queued",
        action=sms_action,
        destinataires=[f"lien:{legal1.pk}"],
    ).evenement

    found = alertes(etablissement=etablissement, now=timezone.now())

    assert [a.evenement for a in found] == [late]
    assert never_sent not in [a.evenement for a in found]
    assert found[0].due == found[0].delivered_at + timedelta(days=sms_action.delai_alerte_jours)


def test_a_delai_stored_beyond_the_maximum_counts_as_a_year_and_never_breaks_the_page(
    vie_scolaire_client, legal1, sms_action, delivered
):
    from absences.models import Action

    # A délai typed before the maximum existed (SQLite kept 99999999999999; PostgreSQL keeps 32767).
    Action.objects.filter(pk=sms_action.pk).update(delai_alerte_jours=32767)
    year_ago = delivered(legal1, hour=8, days_ago=366)
    recent = delivered(legal1, hour=10, days_ago=30)

    response = vie_scolaire_client.get(reverse("suivi_alertes"))

    assert response.status_code == 200
    html = response.content.decode()
    assert reverse("saisie_evenement", args=[year_ago.pk]) in html
    assert reverse("saisie_evenement", args=[recent.pk]) not in html


def test_the_alert_delai_never_overflows_a_date():
    from absences.selectors import alerte_delai

    assert timezone.now() + alerte_delai(99999999999999) == pytest.approx(
        timezone.now() + timedelta(days=365), abs=timedelta(seconds=5)
    )
    assert alerte_delai(2) == timedelta(days=2)
