"""The simulator: in process, stateless, with documented test numbers and timing."""

import time
from datetime import timedelta

import pytest

from eleves.models import Responsable
from eleves.phones import mobile_parse
from eleves.sms_reach import sms_reach
from sms.providers.base import (
    DELIVERED,
    SUBMITTED,
    UNDELIVERED,
    Credentials,
    OutgoingMessage,
    ProviderError,
    ProviderErrorKind,
    SendOutcome,
)
from sms.providers.simulator import INVALID_NUMBERS, UNDELIVERED_NUMBERS, SimulatorProvider

CREDENTIALS = Credentials("demo", "demo")


def _message(reference, to):
    return OutgoingMessage(reference=reference, to=to, text="Absence de Léa", sender="0146000000")


@pytest.fixture
def quick_delivery(settings):
    settings.SCONET_SIMULATOR_DELIVERY_SECONDS = 0.3
    return settings


def test_accepts_then_reports_in_transit_then_delivered(quick_delivery):
    [result] = SimulatorProvider(CREDENTIALS).send_batch([_message("r1", "+33612345678")])

    assert result.outcome == SendOutcome.ACCEPTED
    assert result.reference == "r1"
    [report] = SimulatorProvider(CREDENTIALS).fetch_statuses([result.provider_id])
    assert report.state == SUBMITTED

    time.sleep(0.35)
    [report] = SimulatorProvider(CREDENTIALS).fetch_statuses([result.provider_id])  # any instance answers
    assert report.state == DELIVERED
    assert report.provider_id == result.provider_id


def test_test_numbers_give_invalid_and_undelivered(quick_delivery):
    messages = [
        _message("ok", "+33612345678"),
        _message("invalid-low", "+61491570156"),
        _message("invalid-high", "+61491570157"),
        _message("undelivered", "+61491570159"),
        _message("just-after", "+61491570160"),
    ]

    results = SimulatorProvider(CREDENTIALS).send_batch(messages)

    assert [r.reference for r in results] == [
        "ok",
        "invalid-low",
        "invalid-high",
        "undelivered",
        "just-after",
    ]
    assert [r.outcome for r in results] == [
        SendOutcome.ACCEPTED,
        SendOutcome.REJECTED,
        SendOutcome.REJECTED,
        SendOutcome.ACCEPTED,
        SendOutcome.ACCEPTED,
    ]
    assert "invalide" in results[1].error.lower()
    time.sleep(0.35)
    ids = [results[0].provider_id, results[3].provider_id, results[4].provider_id]
    states = {r.provider_id: r.state for r in SimulatorProvider(CREDENTIALS).fetch_statuses(ids)}
    assert states == {ids[0]: DELIVERED, ids[1]: UNDELIVERED, ids[2]: DELIVERED}


@pytest.mark.parametrize("number", sorted(INVALID_NUMBERS | UNDELIVERED_NUMBERS))
def test_test_numbers_are_mobiles_the_pages_accept(number):
    responsable = Responsable(accepte_sms=True, tel_mobile=mobile_parse(number, etranger=True))

    assert sms_reach(responsable).can_receive


def test_final_report_is_dated_delivery_seconds_after_acceptance(quick_delivery):
    [result] = SimulatorProvider(CREDENTIALS).send_batch([_message("r1", "+33612345678")])
    [in_transit] = SimulatorProvider(CREDENTIALS).fetch_statuses([result.provider_id])
    time.sleep(0.35)

    [delivered] = SimulatorProvider(CREDENTIALS).fetch_statuses([result.provider_id])

    assert delivered.at - in_transit.at == timedelta(seconds=0.3)


def test_ids_are_unique_and_unknown_ids_get_no_report():
    results = SimulatorProvider(CREDENTIALS).send_batch(
        [_message(str(n), "+33612345678") for n in range(100)]
    )

    assert len({r.provider_id for r in results}) == 100
    assert SimulatorProvider(CREDENTIALS).fetch_statuses(["11188", "sim-garbage"]) == []


def test_batches_are_bounded():
    with pytest.raises(ValueError, match="at most 100"):
        SimulatorProvider(CREDENTIALS).send_batch([_message(str(n), "+33612345678") for n in range(101)])


def test_credentials_need_a_login():
    SimulatorProvider(CREDENTIALS).check_credentials()

    with pytest.raises(ProviderError) as error:
        SimulatorProvider(Credentials("", "")).check_credentials()
    assert error.value.kind == ProviderErrorKind.AUTH
    assert not error.value.retryable
