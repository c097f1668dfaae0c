"""Dispatch against the loopback provider servers: an invalid number, transient and permanent failures,
timeouts after sending, one school's failure never holding back another's, polling in bulk."""

from collections import Counter
from datetime import timedelta

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from sms.models import OutboundSms, ProviderSettings, SmsState
from sms.services import sms_dispatch, sms_poll_statuses, sms_release
from tests import factories
from tests.loopback.server import Misbehaviour
from tests.sms.conftest import configure_provider, page_text, queue_sms


@pytest.fixture
def pluriware(etablissement, pluriware_server):
    configure_provider(
        etablissement, code="pluriware", login=pluriware_server.login, password=pluriware_server.password
    )
    return pluriware_server


@pytest.fixture
def digitalmedia(etablissement, digitalmedia_server):
    configure_provider(
        etablissement,
        code="digitalmedia",
        login=digitalmedia_server.login,
        password=digitalmedia_server.password,
    )
    return digitalmedia_server


def _released(etablissement, count):
    rows = queue_sms(etablissement, count)
    sms_release(etablissement=etablissement, user=None, ids=[sms.pk for sms in rows])
    return rows


def _make_due():
    OutboundSms.objects.filter(state=SmsState.SENDING).update(
        not_before=timezone.now() - timedelta(seconds=1)
    )


def _sent_numbers(server) -> Counter:
    return Counter(message["to"] for message in server.sent_messages())


def test_the_wire_carries_each_sms_once_and_ids_come_back(etablissement, pluriware):
    rows = _released(etablissement, 3)

    sms_dispatch(etablissement_id=etablissement.pk)

    assert _sent_numbers(pluriware) == Counter({sms.phone: 1 for sms in rows})
    assert [m["text"] for m in pluriware.sent_messages()] == [sms.text for sms in rows]
    assert sorted(OutboundSms.objects.values_list("provider_id", flat=True)) == ["11188", "11189", "11190"]


def test_an_invalid_number_fails_that_sms_alone_without_retry(etablissement, pluriware):
    first, bad, last = _released(etablissement, 3)
    pluriware.reject_number(bad.phone, "Numéro de téléphone invalide")

    outcome = sms_dispatch(etablissement_id=etablissement.pk)
    _make_due()
    sms_dispatch(etablissement_id=etablissement.pk)

    bad.refresh_from_db()
    assert (bad.state, bad.error_message) == (
        SmsState.INVALID,
        "Refusé par le fournisseur : Numéro de téléphone invalide",
    )
    assert (outcome.submitted, outcome.rejected) == (2, 1)
    assert OutboundSms.objects.filter(state=SmsState.SUBMITTED).count() == 2
    assert len(pluriware.requests) == 1  # nothing retried


@pytest.mark.parametrize("misbehaviour", [Misbehaviour.ERROR_500, Misbehaviour.THROTTLED])
def test_a_transient_failure_is_retried_later_and_then_sent_once(etablissement, pluriware, misbehaviour):
    rows = _released(etablissement, 2)
    pluriware.misbehave(misbehaviour)

    outcome = sms_dispatch(etablissement_id=etablissement.pk)

    assert outcome.retry_in is not None
    if misbehaviour == Misbehaviour.THROTTLED:
        assert outcome.retry_in >= 7  # the server's Retry-After
    waiting = OutboundSms.objects.get(pk=rows[0].pk)
    assert (waiting.state, waiting.attempts, waiting.claim_token) == (SmsState.SENDING, 1, "")
    assert waiting.not_before > timezone.now()
    assert "Nouvelle tentative prévue" in waiting.error_message
    assert sms_dispatch(etablissement_id=etablissement.pk).submitted == 0  # not due yet

    _make_due()
    assert sms_dispatch(etablissement_id=etablissement.pk).submitted == 2
    assert _sent_numbers(pluriware) == Counter({sms.phone: 1 for sms in rows})


def test_retries_are_bounded_then_the_sms_fails_with_the_reason(etablissement, pluriware, settings):
    settings.SCONET_SMS_MAX_ATTEMPTS = 3
    (sms,) = _released(etablissement, 1)
    pluriware.misbehave(Misbehaviour.ERROR_500, times=None)

    outcomes = []
    for _ in range(4):
        outcomes.append(sms_dispatch(etablissement_id=etablissement.pk))
        _make_due()

    sms.refresh_from_db()
    assert sms.state == SmsState.FAILED
    assert sms.attempts == 3
    assert sms.error_message.startswith("Abandonné après 3 tentatives : Le fournisseur (PLURIWARE)")
    assert [o.retry_in is not None for o in outcomes] == [True, True, False, False]
    assert len(pluriware.requests) == 3


@pytest.mark.parametrize(
    ("misbehaviour", "reason"),
    [
        (Misbehaviour.AUTH_REFUSED, "Login ou mot de passe incorrect"),
        (Misbehaviour.NO_CREDIT, "Crédit SMS insuffisant"),
    ],
)
def test_a_permanent_failure_stops_sending_keeps_the_sms_waiting_and_says_why(
    etablissement, pluriware, habilitee_client, misbehaviour, reason
):
    rows = _released(etablissement, 3)
    pluriware.misbehave(misbehaviour)

    sms_dispatch(etablissement_id=etablissement.pk)
    sms_dispatch(etablissement_id=etablissement.pk)

    assert len(pluriware.requests) == 1  # sending stopped for this provider
    provider_settings = ProviderSettings.objects.get(etablissement=etablissement)
    assert provider_settings.sending_blocked
    assert reason in provider_settings.last_failure_message
    for sms in OutboundSms.objects.all():
        assert (sms.state, sms.claim_token) == (SmsState.SENDING, "")
        assert sms.error_message.startswith("En attente, envoi suspendu")
    assert reason in page_text(habilitee_client.get(reverse("sms_provider")))
    assert "L'envoi des SMS est suspendu" in page_text(habilitee_client.get(reverse("sms_tracking")))

    # The personne habilitée corrects the keys, or has the credit topped up, and validates: sending resumes.
    habilitee_client.post(
        reverse("sms_provider_edit"), {"provider_code": "pluriware", "login": pluriware.login, "password": ""}
    )
    assert not ProviderSettings.objects.get(etablissement=etablissement).sending_blocked
    assert "envoi des SMS repris" in page_text(habilitee_client.get(reverse("sms_provider")))
    assert sms_dispatch(etablissement_id=etablissement.pk).submitted == 3
    assert _sent_numbers(pluriware) == Counter({sms.phone: 1 for sms in rows})


def test_a_timeout_after_sending_leaves_pluriware_sms_in_doubt_never_resent(
    etablissement, pluriware, settings
):
    settings.SCONET_SMS_READ_TIMEOUT = 0.3
    _released(etablissement, 2)
    pluriware.misbehave(Misbehaviour.ACCEPT_THEN_HANG, delay=1.5)

    outcome = sms_dispatch(etablissement_id=etablissement.pk)
    _make_due()
    sms_dispatch(etablissement_id=etablissement.pk)

    assert outcome.in_doubt == 2
    for sms in OutboundSms.objects.all():
        assert (sms.state, sms.in_doubt, sms.provider_id) == (SmsState.SUBMITTED, True, "")
        assert "Envoi non confirmé" in sms.error_message
    assert len(pluriware.sent_messages()) == 2  # the server took them once; nobody asked again


def test_a_timeout_after_sending_is_reconciled_by_the_client_reference(etablissement, digitalmedia, settings):
    settings.SCONET_SMS_READ_TIMEOUT = 0.3
    rows = _released(etablissement, 2)
    digitalmedia.misbehave(Misbehaviour.ACCEPT_THEN_HANG, delay=1.5)

    first = sms_dispatch(etablissement_id=etablissement.pk)
    _make_due()
    second = sms_dispatch(etablissement_id=etablissement.pk)

    assert (first.submitted, second.submitted) == (0, 2)
    assert len(digitalmedia.ids_by_reference) == 2  # the same references: the provider sent each once
    for sms in OutboundSms.objects.all():
        assert sms.provider_id == digitalmedia.ids_by_reference[sms.reference]
        assert not sms.in_doubt
    assert {sms.reference for sms in rows} == set(digitalmedia.ids_by_reference)


def test_garbage_to_a_send_suspends_sending_and_leaves_pluriware_sms_in_doubt(
    etablissement, pluriware, habilitee_client
):
    _released(etablissement, 150)  # two batches: the second is never asked for
    pluriware.misbehave(Misbehaviour.GARBAGE)

    outcome = sms_dispatch(etablissement_id=etablissement.pk)
    sms_dispatch(etablissement_id=etablissement.pk)

    assert (outcome.in_doubt, len(pluriware.requests)) == (100, 1)
    assert ProviderSettings.objects.get(etablissement=etablissement).sending_blocked
    doubtful = OutboundSms.objects.filter(in_doubt=True)
    assert doubtful.count() == 100
    assert all("incomprise" in sms.error_message for sms in doubtful)
    assert OutboundSms.objects.filter(state=SmsState.SENDING, claim_token="").count() == 50
    assert "incomprise" in page_text(habilitee_client.get(reverse("sms_provider")))


def test_garbage_to_a_send_gives_digitalmedia_sms_back_to_send_once_sending_resumes(
    etablissement, digitalmedia, habilitee_client
):
    rows = _released(etablissement, 2)
    digitalmedia.misbehave(Misbehaviour.GARBAGE)

    assert sms_dispatch(etablissement_id=etablissement.pk).in_doubt == 0
    assert ProviderSettings.objects.get(etablissement=etablissement).sending_blocked
    for sms in OutboundSms.objects.all():
        assert (sms.state, sms.claim_token, sms.in_doubt) == (SmsState.SENDING, "", False)

    habilitee_client.post(
        reverse("sms_provider_edit"),
        {"provider_code": "digitalmedia", "login": digitalmedia.login, "password": ""},
    )
    assert sms_dispatch(etablissement_id=etablissement.pk).submitted == 2
    assert {sms.reference for sms in rows} == set(digitalmedia.ids_by_reference)


def test_one_schools_failing_provider_never_holds_back_anothers(
    etablissement, other_etablissement, pluriware, digitalmedia_server
):
    configure_provider(
        other_etablissement,
        code="digitalmedia",
        login=digitalmedia_server.login,
        password=digitalmedia_server.password,
    )
    _released(etablissement, 2)
    _released(other_etablissement, 2)
    pluriware.misbehave(Misbehaviour.AUTH_REFUSED, times=None)

    sms_dispatch(etablissement_id=etablissement.pk)
    sms_dispatch(etablissement_id=other_etablissement.pk)

    assert (
        OutboundSms.objects.filter(etablissement=other_etablissement, state=SmsState.SUBMITTED).count() == 2
    )
    assert OutboundSms.objects.filter(etablissement=etablissement, state=SmsState.SENDING).count() == 2


def test_polling_pluriware_updates_hundreds_in_bulk_with_few_queries(
    etablissement, pluriware, django_assert_max_num_queries
):
    _released(etablissement, 250)
    sms_dispatch(etablissement_id=etablissement.pk)
    ids = list(OutboundSms.objects.order_by("pk").values_list("provider_id", flat=True))
    pluriware.mark_delivered(ids[:200])
    pluriware.mark_undelivered(ids[200:210])

    with django_assert_max_num_queries(16):
        changed = sms_poll_statuses(etablissement_id=etablissement.pk)
    again = sms_poll_statuses(etablissement_id=etablissement.pk)  # repeated reports change nothing

    assert (changed, again) == (210, 0)
    counts = Counter(OutboundSms.objects.values_list("state", flat=True))
    assert counts == {SmsState.DELIVERED: 200, SmsState.UNDELIVERED: 10, SmsState.SUBMITTED: 40}


def test_markup_in_a_provider_answer_reaches_the_pages_as_text(etablissement, pluriware, vie_scolaire_client):
    [sms] = _released(etablissement, 1)
    pluriware.reject_number(sms.phone, '<img src=x onerror="alert(1)"><b>invalide</b>')

    sms_dispatch(etablissement_id=etablissement.pk)
    pages = [
        vie_scolaire_client.get(reverse("sms_tracking_failed")).content.decode(),
        vie_scolaire_client.get(reverse("sms_detail", args=[sms.pk])).content.decode(),
    ]

    for html in pages:
        assert "<img src=x" not in html
        assert "<b>invalide</b>" not in html
        assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;&lt;b&gt;invalide&lt;/b&gt;" in html


@pytest.mark.skipif(connection.vendor != "postgresql", reason="lanes need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_lanes_keep_batches_under_way_at_once_and_send_each_sms_once(pluriware_server, settings):
    settings.SCONET_SMS_DISPATCH_LANES = 3
    etablissement = factories.EtablissementFactory()
    configure_provider(
        etablissement, code="pluriware", login=pluriware_server.login, password=pluriware_server.password
    )
    rows = _released(etablissement, 350)
    pluriware_server.misbehave(Misbehaviour.SLOW, times=None, delay=0.3)  # each answer takes a while

    outcome = sms_dispatch(etablissement_id=etablissement.pk)

    assert outcome.submitted == 350
    assert pluriware_server.most_in_flight >= 2  # batches were under way at once
    assert _sent_numbers(pluriware_server) == Counter({sms.phone: 1 for sms in rows})
    assert all(len(request.parsed["messages"]) <= 100 for request in pluriware_server.requests)
    assert not OutboundSms.objects.exclude(state=SmsState.SUBMITTED).exists()
