"""Dispatch through the in-process simulator: batches, consent at dispatch, sending hours, sweep, polling."""

from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone

from eleves.models import Lien, Responsable
from sms.models import OutboundSms, ProviderSettings, SmsState
from sms.providers.simulator import SimulatorProvider
from sms.services import sms_dispatch, sms_poll_statuses, sms_release, sms_sweep
from sms.services.dispatch import retry_delay, sms_reclaim_stale
from tests.sms.conftest import configure_provider, queue_sms


def _released(etablissement, count, **kwargs):
    rows = queue_sms(etablissement, count, **kwargs)
    sms_release(etablissement=etablissement, user=None, ids=[sms.pk for sms in rows])
    return rows


def test_released_sms_are_sent_in_batches_and_go_en_transit(etablissement, simulator):
    _released(etablissement, 130)

    outcome = sms_dispatch(etablissement_id=etablissement.pk)

    assert outcome.submitted == 130
    assert OutboundSms.objects.filter(state=SmsState.SUBMITTED).exclude(provider_id="").count() == 130
    batches = etablissement.audit_entries.filter(action="sms.batch_dispatched").order_by("pk")
    assert [b.summary for b in batches] == [
        "Lot de 100 SMS transmis à SIMULATEUR : 100 accepté(s), 0 refusé(s), 0 non confirmé(s)",
        "Lot de 30 SMS transmis à SIMULATEUR : 30 accepté(s), 0 refusé(s), 0 non confirmé(s)",
    ]
    sms = OutboundSms.objects.first()
    assert (sms.attempts, sms.provider_code) == (1, "simulator")
    assert list(sms.history.values_list("state", flat=True)) == ["queued", "sending", "submitted"]


def test_sms_released_behind_a_running_dispatch_are_sent_by_it(etablissement, simulator, monkeypatch):
    earlier = queue_sms(etablissement, 30)  # lower ids, released while the dispatch runs
    _released(etablissement, 200)
    send_batch = SimulatorProvider.send_batch

    def colleague_diffuses_meanwhile(provider, messages):
        if OutboundSms.objects.filter(pk=earlier[0].pk, state=SmsState.QUEUED).exists():
            sms_release(etablissement=etablissement, user=None, ids=[sms.pk for sms in earlier])
        return send_batch(provider, messages)

    monkeypatch.setattr(SimulatorProvider, "send_batch", colleague_diffuses_meanwhile)

    assert sms_dispatch(etablissement_id=etablissement.pk).submitted == 230
    assert not OutboundSms.objects.exclude(state=SmsState.SUBMITTED).exists()


def test_a_responsable_no_longer_linked_to_the_pupil_is_sent_nothing(etablissement, simulator):
    kept, unlinked = _released(etablissement, 2)
    Lien.objects.filter(eleve_id=unlinked.eleve_id, responsable_id=unlinked.responsable_id).delete()

    assert sms_dispatch(etablissement_id=etablissement.pk).submitted == 1

    unlinked.refresh_from_db()
    assert (unlinked.state, unlinked.error_message) == (
        SmsState.CANCELLED,
        "Annulé à l'envoi : le responsable n'est plus rattaché à l'élève",
    )
    assert OutboundSms.objects.get(pk=kept.pk).state == SmsState.SUBMITTED


def test_a_mobile_changed_since_queueing_to_a_number_that_is_not_a_mobile_cancels_the_sms(
    etablissement, simulator
):
    (sms,) = _released(etablissement, 1)
    Responsable.objects.filter(pk=sms.responsable_id).update(tel_mobile="+33472000000")  # a landline

    assert sms_dispatch(etablissement_id=etablissement.pk).submitted == 0

    sms.refresh_from_db()
    assert (sms.state, sms.error_message) == (
        SmsState.CANCELLED,
        "Annulé à l'envoi, le responsable ne peut plus le recevoir : numéro de mobile invalide",
    )


def test_a_responsable_whose_mobile_changed_since_queueing_gets_it_at_the_new_number(
    etablissement, simulator, monkeypatch
):
    unchanged, moved = _released(etablissement, 2)
    Responsable.objects.filter(pk=moved.responsable_id).update(tel_mobile="+33611223344")
    sent_to = []
    send_batch = SimulatorProvider.send_batch

    def recording(provider, messages):
        sent_to.extend(message.to for message in messages)
        return send_batch(provider, messages)

    monkeypatch.setattr(SimulatorProvider, "send_batch", recording)

    assert sms_dispatch(etablissement_id=etablissement.pk).submitted == 2

    moved.refresh_from_db()
    assert sorted(sent_to) == sorted([unchanged.phone, "+33611223344"])
    assert (moved.state, moved.phone) == (SmsState.SUBMITTED, "+33611223344")
    assert moved.history.filter(note__startswith="Numéro du responsable modifié").exists()
    assert OutboundSms.objects.get(pk=unchanged.pk).phone == unchanged.phone


def test_waiting_sms_are_never_sent_before_diffuser(etablissement, simulator):
    queue_sms(etablissement, 3)

    assert sms_dispatch(etablissement_id=etablissement.pk).submitted == 0
    assert OutboundSms.objects.filter(state=SmsState.QUEUED).count() == 3


@pytest.mark.parametrize(
    ("change", "reason"),
    [({"accepte_sms": False}, "n'accepte pas les SMS"), ({"tel_mobile": ""}, "pas de numéro de mobile")],
    ids=["consent-withdrawn", "mobile-removed"],
)
def test_a_responsable_who_withdrew_consent_is_sent_nothing(etablissement, simulator, change, reason):
    kept, withdrawn = _released(etablissement, 2)
    Responsable.objects.filter(pk=withdrawn.responsable_id).update(**change)

    sms_dispatch(etablissement_id=etablissement.pk)

    withdrawn.refresh_from_db()
    assert withdrawn.state == SmsState.CANCELLED
    assert withdrawn.error_message == f"Annulé à l'envoi, le responsable ne peut plus le recevoir : {reason}"
    assert withdrawn.provider_id == ""
    assert withdrawn.attempts == 0
    assert OutboundSms.objects.get(pk=kept.pk).state == SmsState.SUBMITTED


def test_outside_the_sending_hours_sms_wait(etablissement, simulator):
    noon = timezone.make_aware(datetime.combine(timezone.localdate(), time(12, 0)))
    ProviderSettings.objects.filter(pk=simulator.pk).update(window_start=time(13, 0), window_end=time(14, 0))
    _released(etablissement, 2)

    assert sms_dispatch(etablissement_id=etablissement.pk, now=noon).submitted == 0
    assert OutboundSms.objects.filter(state=SmsState.SENDING).count() == 2

    ProviderSettings.objects.filter(pk=simulator.pk).update(window_start=time(11, 55), window_end=time(12, 5))
    assert sms_dispatch(etablissement_id=etablissement.pk, now=noon).submitted == 2


def test_sending_window_across_midnight(simulator):
    simulator.window_start, simulator.window_end = time(22, 0), time(6, 0)
    at = lambda h, m: timezone.make_aware(timezone.datetime(2025, 3, 3, h, m))  # noqa: E731

    assert simulator.in_sending_window(at(23, 0))
    assert simulator.in_sending_window(at(5, 59))
    assert not simulator.in_sending_window(at(12, 0))


def test_one_school_without_provider_never_holds_back_another(etablissement, other_etablissement, simulator):
    _released(etablissement, 2)
    theirs = queue_sms(other_etablissement, 2)
    OutboundSms.objects.filter(pk__in=[s.pk for s in theirs]).update(
        state=SmsState.SENDING, released_at=timezone.now()
    )
    ProviderSettings.objects.filter(pk=simulator.pk).update(sending_blocked=True, last_failure_message="x")
    configure_provider(other_etablissement)

    assert sms_sweep() == [other_etablissement.pk]  # the suspended school is not even tried
    assert sms_dispatch(etablissement_id=etablissement.pk).submitted == 0
    assert sms_dispatch(etablissement_id=other_etablissement.pk).submitted == 2
    assert OutboundSms.objects.filter(etablissement=etablissement, state=SmsState.SENDING).count() == 2


def test_the_sweep_gives_back_a_dead_workers_claims_only_to_a_provider_that_takes_our_reference(
    etablissement, simulator
):
    by_simulator, by_digitalmedia = _released(etablissement, 2)
    long_ago = timezone.now() - timedelta(hours=1)
    for sms, provider_code in ((by_simulator, "simulator"), (by_digitalmedia, "digitalmedia")):
        OutboundSms.objects.filter(pk=sms.pk).update(
            claim_token="dead",
            claimed_at=long_ago,
            request_started_at=long_ago,
            provider_code=provider_code,
            attempts=1,
        )

    assert sms_reclaim_stale() == 2

    by_simulator.refresh_from_db()
    by_digitalmedia.refresh_from_db()
    assert (by_simulator.state, by_simulator.in_doubt) == (SmsState.SUBMITTED, True)  # never re-sent
    assert (by_digitalmedia.state, by_digitalmedia.claim_token) == (SmsState.SENDING, "")
    assert sms_dispatch(etablissement_id=etablissement.pk).submitted == 1
    assert OutboundSms.objects.get(pk=by_simulator.pk).attempts == 1


def test_a_fresh_claim_is_left_alone_by_the_sweep(etablissement, simulator):
    (sms,) = _released(etablissement, 1)
    OutboundSms.objects.filter(pk=sms.pk).update(claim_token="alive", claimed_at=timezone.now())

    assert sms_reclaim_stale() == 0
    assert OutboundSms.objects.get(pk=sms.pk).claim_token == "alive"


def test_polling_moves_en_transit_to_delivered_in_bulk(
    etablissement, simulator, settings, django_assert_max_num_queries
):
    settings.SCONET_SIMULATOR_DELIVERY_SECONDS = 0
    _released(etablissement, 120)
    sms_dispatch(etablissement_id=etablissement.pk)

    with django_assert_max_num_queries(12):
        changed = sms_poll_statuses(etablissement_id=etablissement.pk, chunk_size=50)

    assert changed == 120
    assert OutboundSms.objects.filter(state=SmsState.DELIVERED).count() == 120


def test_polling_before_the_report_leaves_them_en_transit(etablissement, simulator, settings):
    settings.SCONET_SIMULATOR_DELIVERY_SECONDS = 3600
    _released(etablissement, 3)
    sms_dispatch(etablissement_id=etablissement.pk)

    assert sms_poll_statuses(etablissement_id=etablissement.pk) == 0
    assert OutboundSms.objects.filter(state=SmsState.SUBMITTED).count() == 3


def test_retry_delays_grow_with_jitter_and_stay_well_under_the_visibility_timeout(settings):
    delays = [[retry_delay(attempt) for _ in range(50)] for attempt in range(1, 12)]

    assert max(delays[0]) <= settings.SCONET_SMS_RETRY_BASE_DELAY
    assert min(delays[2]) >= 2 * settings.SCONET_SMS_RETRY_BASE_DELAY  # exponential
    assert len(set(delays[1])) > 1  # jitter
    visibility_timeout = settings.CELERY_BROKER_TRANSPORT_OPTIONS.get("visibility_timeout", 3600)
    assert max(max(d) for d in delays) <= settings.SCONET_SMS_RETRY_MAX_DELAY <= visibility_timeout / 4
    assert retry_delay(1, retry_after=42) >= 42
