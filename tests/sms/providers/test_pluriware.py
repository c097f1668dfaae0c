"""The Pluriware adapter against the loopback XML API: the exact wire format and its answers."""

import pytest
from django.template import Context, Template

from sms.providers.base import (
    DELIVERED,
    SUBMITTED,
    UNDELIVERED,
    Credentials,
    ProviderError,
    ProviderErrorKind,
    SendOutcome,
)
from sms.providers.pluriware import PluriwareProvider, cdata
from tests.loopback import Misbehaviour
from tests.sms.providers.conftest import outgoing


def test_the_request_is_one_multipart_field_data_holding_the_pluriapi_document(pluriware, pluriware_server):
    pluriware.send_batch([outgoing(1, to="+33612345678", text="Léa est absente."), outgoing(2, sender="")])

    [request] = pluriware_server.requests
    assert request.method == "POST"
    assert request.path == "/xmlapi.php"
    assert request.headers["content-type"].startswith("multipart/form-data; boundary=")
    assert request.parsed["fields"] == ["data"]
    assert request.parsed["document"] == (
        '<?xml version="1.0" encoding="UTF-8" ?>\n'
        "<pluriAPI><login>CLE-TEST</login><password>mot-de-passe</password>"
        "<sendMsg><to>+33612345678</to><txt><![CDATA[Léa est absente.]]></txt>"
        "<from>0146000000</from></sendMsg>"
        "<sendMsg><to>+33612340002</to><txt><![CDATA[Absence de l'élève n°2]]></txt></sendMsg>"
        "</pluriAPI>"
    )
    assert pluriware_server.sent_messages() == [
        {"to": "+33612345678", "text": "Léa est absente.", "from": "0146000000", "id": "11188"},
        {"to": "+33612340002", "text": "Absence de l'élève n°2", "from": None, "id": "11189"},
    ]


@pytest.mark.parametrize(
    "text",
    ["Fin ]]> et <b>gras</b> & « guillemets »", "]]>]]>", "a]]", "]]>", "Ligne 1\nLigne 2 ’ œ € \x0b"],
)
def test_any_text_arrives_intact_in_cdata(pluriware, pluriware_server, text):
    [result] = pluriware.send_batch([outgoing(1, text=text)])

    assert result.outcome == SendOutcome.ACCEPTED
    assert pluriware_server.sent_messages()[0]["text"] == text.replace("\x0b", " ")


def test_cdata_splits_its_own_terminator():
    assert cdata("a]]>b") == "<![CDATA[a]]]]><![CDATA[>b]]>"


def test_login_and_password_are_escaped(pluriware_server, short_timeouts):
    pluriware_server.login, pluriware_server.password = "CLÉ<&>", 'p"a]]>ss'
    provider = PluriwareProvider(Credentials(pluriware_server.login, pluriware_server.password))

    [result] = provider.send_batch([outgoing(1)])

    assert result.outcome == SendOutcome.ACCEPTED
    assert pluriware_server.requests[0].parsed["login"] == "CLÉ<&>"
    assert "<login>CLÉ&lt;&amp;&gt;</login>" in pluriware_server.requests[0].parsed["document"]


def test_one_result_per_message_in_order_with_the_provider_ids(pluriware, pluriware_server):
    messages = [outgoing(n) for n in range(100)]

    results = pluriware.send_batch(messages)

    assert [r.reference for r in results] == [m.reference for m in messages]
    assert {r.outcome for r in results} == {SendOutcome.ACCEPTED}
    assert [r.provider_id for r in results] == [str(11188 + n) for n in range(100)]
    assert len(pluriware_server.requests) == 1


def test_more_than_a_hundred_is_refused_before_sending(pluriware, pluriware_server):
    with pytest.raises(ValueError, match="at most 100"):
        pluriware.send_batch([outgoing(n) for n in range(101)])
    assert pluriware_server.requests == []


def test_an_invalid_number_rejects_that_message_alone(pluriware, pluriware_server):
    pluriware_server.reject_number("+33612340001", "Numéro de GSM non valide")

    results = pluriware.send_batch([outgoing(0), outgoing(1), outgoing(2)])

    assert [r.outcome for r in results] == [SendOutcome.ACCEPTED, SendOutcome.REJECTED, SendOutcome.ACCEPTED]
    assert results[1].error == "Refusé par le fournisseur : Numéro de GSM non valide"
    assert results[1].provider_id == ""


def test_the_same_number_twice_in_a_batch_keeps_both(pluriware):
    results = pluriware.send_batch([outgoing(1, to="+33612345678"), outgoing(2, to="+33612345678")])

    assert [r.outcome for r in results] == [SendOutcome.ACCEPTED, SendOutcome.ACCEPTED]
    assert results[0].provider_id != results[1].provider_id


def test_wrong_credentials_refuse_the_whole_request(pluriware_server, short_timeouts):
    provider = PluriwareProvider(Credentials(pluriware_server.login, "faux"))

    with pytest.raises(ProviderError) as error:
        provider.send_batch([outgoing(1)])

    assert error.value.kind == ProviderErrorKind.AUTH
    assert not error.value.retryable
    assert "Login ou mot de passe incorrect" in error.value.message_fr
    assert pluriware_server.sent_messages() == []


def test_no_credit_refuses_the_whole_request(pluriware, pluriware_server):
    pluriware_server.misbehave(Misbehaviour.NO_CREDIT)

    with pytest.raises(ProviderError) as error:
        pluriware.send_batch([outgoing(1)])

    assert (error.value.kind, error.value.retryable) == (ProviderErrorKind.NO_CREDIT, False)


def test_a_markup_reason_stays_text(pluriware, pluriware_server):
    pluriware_server.reject_number("+33612340001", '<img src=x onerror="alert(1)"><b>invalide</b>')

    [result] = pluriware.send_batch([outgoing(1)])

    assert result.error == 'Refusé par le fournisseur : <img src=x onerror="alert(1)"><b>invalide</b>'
    rendered = Template("{{ error }}").render(Context({"error": result.error}))
    assert "<img" not in rendered
    assert "&lt;img src=x" in rendered


def test_an_answer_with_entities_is_not_expanded(pluriware, pluriware_server):
    pluriware_server.misbehave(Misbehaviour.INJECTION, times=2)

    with pytest.raises(ProviderError) as to_send:
        pluriware.send_batch([outgoing(1)])
    with pytest.raises(ProviderError) as to_poll:
        pluriware.fetch_statuses(["11188"])

    for error in (to_send, to_poll):
        assert error.value.kind == ProviderErrorKind.BAD_ANSWER
        assert "script" not in error.value.message_fr


def test_statuses_map_pluriware_words_onto_ours(pluriware, pluriware_server):
    ids = [r.provider_id for r in pluriware.send_batch([outgoing(n) for n in range(3)])]
    pluriware_server.mark_delivered([ids[0]])
    pluriware_server.mark_undelivered([ids[1]])

    reports = pluriware.fetch_statuses([*ids, "999999"])

    assert [(r.provider_id, r.state, r.raw) for r in reports] == [
        (ids[0], DELIVERED, "delivre"),
        (ids[1], UNDELIVERED, "non_remis"),
        (ids[2], SUBMITTED, "transit"),
    ]
    assert reports[0].at.isoformat() == "2008-02-15T14:40:00+01:00"
    assert pluriware_server.requests[-1].parsed["status_ids"] == [*ids, "999999"]
    assert "<getStatus><msgId>11188</msgId>" in pluriware_server.requests[-1].parsed["document"]


def test_statuses_are_asked_a_hundred_at_a_time(pluriware, pluriware_server):
    ids = [
        r.provider_id for batch in range(3) for r in pluriware.send_batch([outgoing(n) for n in range(100)])
    ]

    reports = pluriware.fetch_statuses(ids[:250])

    assert len(reports) == 250
    assert [len(r.parsed["status_ids"]) for r in pluriware_server.requests[3:]] == [100, 100, 50]


def test_check_credentials(pluriware, pluriware_server, short_timeouts):
    pluriware.check_credentials()
    with pytest.raises(ProviderError) as error:
        PluriwareProvider(Credentials("CLE-TEST", "faux")).check_credentials()

    assert error.value.kind == ProviderErrorKind.AUTH
    assert pluriware_server.sent_messages() == []
