"""What both HTTP adapters do alike when the provider fails: retry what is worth it, never re-send
what may have gone through."""

import socket

import pytest

from sms.providers.base import ProviderError, ProviderErrorKind, SendOutcome, session_for
from tests.loopback import Misbehaviour
from tests.sms.providers.conftest import outgoing


def test_a_slow_answer_within_the_timeout_is_fine(provider_and_server):
    provider, server = provider_and_server
    server.misbehave(Misbehaviour.SLOW, delay=0.1)

    [result] = provider.send_batch([outgoing(1)])

    assert result.outcome == SendOutcome.ACCEPTED


@pytest.mark.parametrize(
    ("misbehaviour", "kind", "retry_after"),
    [
        (Misbehaviour.ERROR_500, ProviderErrorKind.UNAVAILABLE, None),
        (Misbehaviour.THROTTLED, ProviderErrorKind.THROTTLED, 7),
    ],
)
def test_server_errors_and_throttling_are_retryable(provider_and_server, misbehaviour, kind, retry_after):
    provider, server = provider_and_server
    server.misbehave(misbehaviour)

    with pytest.raises(ProviderError) as error:
        provider.send_batch([outgoing(1)])

    assert (error.value.kind, error.value.retryable, error.value.retry_after) == (kind, True, retry_after)
    assert provider.send_batch([outgoing(1)])[0].outcome == SendOutcome.ACCEPTED  # the next try goes through


def test_connection_refused_is_retryable(provider_and_server):
    provider, server = provider_and_server
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        provider.base_url = f"http://127.0.0.1:{closed.getsockname()[1]}/xmlapi.php"

    with pytest.raises(ProviderError) as error:
        provider.send_batch([outgoing(1)])

    assert (error.value.kind, error.value.retryable) == (ProviderErrorKind.UNAVAILABLE, True)
    assert "injoignable" in error.value.message_fr


@pytest.mark.parametrize("misbehaviour", [Misbehaviour.ACCEPT_THEN_HANG, Misbehaviour.ACCEPT_THEN_CLOSE])
def test_no_answer_after_the_request_left_leaves_every_message_in_doubt(provider_and_server, misbehaviour):
    provider, server = provider_and_server
    server.misbehave(misbehaviour, delay=0.6)

    results = provider.send_batch([outgoing(1), outgoing(2)])

    assert [r.outcome for r in results] == [SendOutcome.UNKNOWN, SendOutcome.UNKNOWN]
    assert [r.reference for r in results] == ["sconet-1", "sconet-2"]
    assert all("peut-être" in r.error for r in results)
    assert len(server.sent_messages()) == 2  # the provider did take them: re-sending would send twice


def test_garbage_after_a_send_is_a_bad_answer_never_retried(provider_and_server):
    provider, server = provider_and_server
    server.misbehave(Misbehaviour.GARBAGE)

    with pytest.raises(ProviderError) as error:
        provider.send_batch([outgoing(1), outgoing(2)])

    assert (error.value.kind, error.value.retryable) == (ProviderErrorKind.BAD_ANSWER, False)
    assert "incomprise" in error.value.message_fr


def test_garbage_to_a_status_poll_is_a_bad_answer(provider_and_server):
    provider, server = provider_and_server
    server.misbehave(Misbehaviour.GARBAGE)

    with pytest.raises(ProviderError) as error:
        provider.fetch_statuses(["11188"])

    assert (error.value.kind, error.value.retryable) == (ProviderErrorKind.BAD_ANSWER, False)


def test_a_status_poll_timing_out_is_simply_retryable(provider_and_server):
    provider, server = provider_and_server
    server.misbehave(Misbehaviour.ACCEPT_THEN_HANG, delay=0.6)

    with pytest.raises(ProviderError) as error:
        provider.fetch_statuses(["11188"])

    assert (error.value.kind, error.value.retryable) == (ProviderErrorKind.UNAVAILABLE, True)


def test_no_credentials_are_ever_in_an_error(provider_and_server):
    provider, server = provider_and_server
    server.misbehave(Misbehaviour.AUTH_REFUSED)

    with pytest.raises(ProviderError) as error:
        provider.send_batch([outgoing(1)])

    assert provider.credentials.password not in error.value.message_fr


@pytest.mark.parametrize(
    ("no_proxy", "proxied"), [("", True), ("sms.example.fr", False)], ids=["proxy", "no-proxy"]
)
def test_the_proxy_of_the_environment_is_used_for_the_provider(monkeypatch, no_proxy, proxied):
    monkeypatch.setenv("HTTP_PROXY", "http://proxy.academie.fr:3128")
    monkeypatch.setenv("NO_PROXY", no_proxy)

    session = session_for("http://sms.example.fr/xmlapi.php")

    assert (session.proxies.get("http") == "http://proxy.academie.fr:3128") is proxied
