"""The Digital Média adapter against the loopback JSON API (all of it assumed, see providers.md)."""

import base64
import json

import pytest

from sms.providers.base import (
    DELIVERED,
    INVALID,
    SUBMITTED,
    Credentials,
    ProviderError,
    ProviderErrorKind,
    SendOutcome,
)
from sms.providers.digitalmedia import DigitalMediaProvider
from tests.loopback import Misbehaviour
from tests.sms.providers.conftest import outgoing


def test_the_request_is_json_with_basic_authentication(digitalmedia, digitalmedia_server):
    digitalmedia.send_batch([outgoing(1, to="+262692123456", text="Absence ’ç’")])

    [request] = digitalmedia_server.requests
    assert (request.method, request.path) == ("POST", "/api/v1/messages")
    assert request.headers["content-type"] == "application/json"
    assert request.headers["authorization"] == "Basic " + base64.b64encode(b"CLE-DM:secret-dm").decode()
    assert json.loads(request.body) == {
        "sender": "0146000000",
        "service_code": "0",
        "messages": [{"reference": "sconet-1", "to": "+262692123456", "text": "Absence ’ç’"}],
    }


def test_results_follow_the_references_and_a_bad_number_is_rejected_alone(digitalmedia, digitalmedia_server):
    digitalmedia_server.reject_number("+33612340001", "invalid number")

    results = digitalmedia.send_batch([outgoing(0), outgoing(1), outgoing(2)])

    assert [(r.reference, r.outcome) for r in results] == [
        ("sconet-0", SendOutcome.ACCEPTED),
        ("sconet-1", SendOutcome.REJECTED),
        ("sconet-2", SendOutcome.ACCEPTED),
    ]
    assert results[1].error == "Refusé par le fournisseur : invalid number"


def test_a_batch_resent_after_a_doubt_is_not_sent_twice(digitalmedia, digitalmedia_server):
    digitalmedia_server.misbehave(Misbehaviour.ACCEPT_THEN_HANG, delay=0.6)
    messages = [outgoing(1), outgoing(2)]

    in_doubt = digitalmedia.send_batch(messages)
    again = digitalmedia.send_batch(messages)

    assert {r.outcome for r in in_doubt} == {SendOutcome.UNKNOWN}
    assert [r.outcome for r in again] == [SendOutcome.ACCEPTED, SendOutcome.ACCEPTED]
    assert [m.get("repeated", False) for m in digitalmedia_server.sent_messages()] == [
        False,
        False,
        True,
        True,
    ]
    assert len(digitalmedia_server.states) == 2


def test_each_sender_gets_its_own_request_and_results_keep_the_order(digitalmedia, digitalmedia_server):
    messages = [outgoing(1, sender="0146000000"), outgoing(2, sender="0299000000"), outgoing(3)]

    results = digitalmedia.send_batch(messages)

    assert [r.reference for r in results] == ["sconet-1", "sconet-2", "sconet-3"]
    assert {r.outcome for r in results} == {SendOutcome.ACCEPTED}
    senders = sorted((r.parsed["sender"], len(r.parsed["messages"])) for r in digitalmedia_server.requests)
    assert senders == [("0146000000", 2), ("0299000000", 1)]


@pytest.mark.parametrize(
    ("misbehaviour", "kind", "retryable"),
    [
        (Misbehaviour.AUTH_REFUSED, ProviderErrorKind.AUTH, False),
        (Misbehaviour.NO_CREDIT, ProviderErrorKind.NO_CREDIT, False),
    ],
)
def test_http_statuses_refuse_the_whole_request(
    digitalmedia, digitalmedia_server, misbehaviour, kind, retryable
):
    digitalmedia_server.misbehave(misbehaviour)

    with pytest.raises(ProviderError) as error:
        digitalmedia.send_batch([outgoing(1)])

    assert (error.value.kind, error.value.retryable) == (kind, retryable)


def test_an_accepted_id_that_is_not_an_id_is_not_understood(digitalmedia, digitalmedia_server):
    digitalmedia_server.misbehave(Misbehaviour.INJECTION)

    [result] = digitalmedia.send_batch([outgoing(1)])

    assert result.outcome == SendOutcome.UNKNOWN
    assert result.provider_id == ""


def test_statuses_map_digitalmedia_words_onto_ours(digitalmedia, digitalmedia_server):
    ids = [r.provider_id for r in digitalmedia.send_batch([outgoing(n) for n in range(3)])]
    digitalmedia_server.mark_delivered([ids[0]])
    digitalmedia_server.mark([ids[1]], "invalid")

    reports = digitalmedia.fetch_statuses(ids)

    assert [(r.provider_id, r.state) for r in reports] == [
        (ids[0], DELIVERED),
        (ids[1], INVALID),
        (ids[2], SUBMITTED),
    ]
    assert (
        digitalmedia_server.requests[-1].path == f"/api/v1/messages/status?ids={ids[0]}%2C{ids[1]}%2C{ids[2]}"
    )


def test_check_credentials(digitalmedia, digitalmedia_server, short_timeouts):
    digitalmedia.check_credentials()
    with pytest.raises(ProviderError) as error:
        DigitalMediaProvider(Credentials("CLE-DM", "faux")).check_credentials()

    assert error.value.kind == ProviderErrorKind.AUTH
