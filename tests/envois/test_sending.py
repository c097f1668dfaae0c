"""The courriels leave through Django's email backend to a REAL SMTP server on loopback, each exactly
once: claimed by a conditional UPDATE; retried (bounded, with backoff) only when surely not sent;
"non confirmé" after an error once DATA began; the sweep takes back a dead worker's claims."""

from datetime import timedelta
from email import policy

import pytest
from django.utils import timezone

from envois.models import Envoi, EnvoiKind, EnvoiState
from envois.services import courriels_release, courriels_send, courriels_sweep
from envois.services.sending import IN_DOUBT_MESSAGE
from tests.loopback.smtp import SmtpMisbehaviour

from .conftest import queue_envois


@pytest.fixture
def released(etablissement, vie_scolaire_user, settings):
    settings.DEFAULT_FROM_EMAIL = "Vie scolaire <ne-pas-repondre@sconet.example>"
    etablissement.courriel = "vie-scolaire@college.example"
    etablissement.save()

    def _released(count=1):
        rows = queue_envois(etablissement, EnvoiKind.COURRIEL, count)
        courriels_release(etablissement=etablissement, user=vie_scolaire_user, ids=[e.pk for e in rows])
        return rows

    return _released


def _sender(message) -> tuple[str, str]:
    """The From of a received message, as a mail client reads it: its display name and address."""
    unfolded = "".join(str(message["From"]).splitlines())
    (address,) = policy.default.header_factory("From", unfolded).addresses
    return address.display_name, address.addr_spec


def _state(envoi) -> Envoi:
    envoi.refresh_from_db()
    return envoi


def test_each_released_email_reaches_the_smtp_server_once_with_from_and_reply_to(
    etablissement, smtp_server, released
):
    rows = released(3)

    outcome = courriels_send(etablissement_id=etablissement.pk)
    again = courriels_send(etablissement_id=etablissement.pk)

    assert (outcome.sent, again.sent) == (3, 0)
    assert sorted(r.recipients[0] for r in smtp_server.received) == sorted(e.email for e in rows)
    first = next(r for r in smtp_server.received if r.recipients == [rows[0].email])
    assert _sender(first.message) == (f"Vie scolaire – {etablissement.nom}", "ne-pas-repondre@sconet.example")
    assert first.message["Reply-To"] == "vie-scolaire@college.example"
    assert first.message["Subject"] == rows[0].subject
    assert first.body.strip() == rows[0].text
    assert all(_state(e).state == EnvoiState.DONE for e in rows)


def test_a_server_saying_try_later_is_tried_again_after_the_backoff(etablissement, smtp_server, released):
    (envoi,) = released()
    smtp_server.misbehave(SmtpMisbehaviour.TRY_LATER)

    first = courriels_send(etablissement_id=etablissement.pk)

    envoi = _state(envoi)
    assert first.retry_in is not None
    assert first.sent == 0
    assert (envoi.state, envoi.claim_token, envoi.attempts) == (EnvoiState.SENDING, "", 1)
    assert envoi.not_before > timezone.now()
    assert "451" in envoi.error_message
    Envoi.objects.filter(pk=envoi.pk).update(not_before=timezone.now())  # the backoff has passed

    assert courriels_send(etablissement_id=etablissement.pk).sent == 1
    assert len(smtp_server.received) == 1
    assert _state(envoi).state == EnvoiState.DONE


def test_retries_are_bounded(etablissement, smtp_server, released, settings):
    settings.SCONET_COURRIEL_MAX_ATTEMPTS = 2
    (envoi,) = released()
    smtp_server.misbehave(SmtpMisbehaviour.TRY_LATER, times=2)

    courriels_send(etablissement_id=etablissement.pk)
    Envoi.objects.filter(pk=envoi.pk).update(not_before=timezone.now())
    last = courriels_send(etablissement_id=etablissement.pk)

    envoi = _state(envoi)
    assert last.retry_in is None
    assert envoi.state == EnvoiState.FAILED
    assert envoi.error_message.startswith("Adresse refusée par le serveur de courriel (451")
    assert envoi.error_message.endswith("(2 tentatives)")


def test_a_refused_address_fails_at_once_with_the_reason(etablissement, smtp_server, released):
    (envoi,) = released()
    smtp_server.misbehave(SmtpMisbehaviour.REFUSED)

    outcome = courriels_send(etablissement_id=etablissement.pk)

    envoi = _state(envoi)
    assert (outcome.failed, outcome.retry_in) == (1, None)
    assert envoi.state == EnvoiState.FAILED
    assert envoi.error_message == "Adresse refusée par le serveur de courriel (550 5.1.1 No such user here)"


def test_an_error_after_data_leaves_it_unconfirmed_and_never_sends_it_again(
    etablissement, smtp_server, released
):
    doubtful, next_one = released(2)
    smtp_server.misbehave(SmtpMisbehaviour.CLOSE_AFTER_DATA)

    outcome = courriels_send(etablissement_id=etablissement.pk)
    courriels_sweep(now=timezone.now() + timedelta(hours=1))
    courriels_send(etablissement_id=etablissement.pk)

    doubtful = _state(doubtful)
    assert (doubtful.state, doubtful.in_doubt, doubtful.error_message) == (
        EnvoiState.FAILED,
        True,
        IN_DOUBT_MESSAGE,
    )
    assert outcome.sent == 1  # the next one goes on a new connection
    assert _state(next_one).state == EnvoiState.DONE
    assert [r.recipients for r in smtp_server.received].count([doubtful.email]) == 1


def test_an_unreachable_server_sends_nothing_and_tries_later(etablissement, released, settings):
    from tests.fixtures.processes import free_port

    settings.EMAIL_BACKEND = "envois.mail.SmtpBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", free_port(), 2
    rows = released(2)

    outcome = courriels_send(etablissement_id=etablissement.pk)

    assert outcome.retry_in is not None
    for envoi in rows:
        envoi = _state(envoi)
        assert (envoi.state, envoi.claim_token, envoi.attempts) == (EnvoiState.SENDING, "", 1)
        assert envoi.error_message == (
            "Nouvelle tentative prévue : Serveur de courriel injoignable (connexion refusée)"
        )


def test_the_sweep_takes_back_a_dead_workers_claims(etablissement, smtp_server, released, settings):
    claimed, started = released(2)
    long_ago = timezone.now() - timedelta(seconds=settings.SCONET_COURRIEL_CLAIM_TIMEOUT + 60)
    Envoi.objects.filter(pk=claimed.pk).update(claim_token="mort", claimed_at=long_ago)
    Envoi.objects.filter(pk=started.pk).update(
        claim_token="mort", claimed_at=long_ago, send_started_at=long_ago
    )

    due = courriels_sweep()
    courriels_send(etablissement_id=etablissement.pk)

    assert due == [etablissement.pk]
    assert _state(claimed).state == EnvoiState.DONE  # never started: sent now, once
    assert (_state(started).state, _state(started).in_doubt) == (EnvoiState.FAILED, True)
    assert [r.recipients for r in smtp_server.received] == [[claimed.email]]


def test_an_email_taken_back_from_a_dead_worker_says_so_in_french(etablissement, released, settings):
    (claimed,) = released()
    long_ago = timezone.now() - timedelta(seconds=settings.SCONET_COURRIEL_CLAIM_TIMEOUT + 60)
    Envoi.objects.filter(pk=claimed.pk).update(claim_token="mort", claimed_at=long_ago)

    courriels_sweep()

    assert _state(claimed).error_message == "Repris après l'arrêt inattendu d'un processus d'envoi"


def test_a_claim_is_won_by_one_worker_only(etablissement, smtp_server, released):
    from envois.services.sending import _claim

    released(3)
    now = timezone.now()

    first_token, first = _claim(etablissement.pk, now)
    second_token, second = _claim(etablissement.pk, now)

    assert len(first) == 3
    assert second == []


def test_an_email_cancelled_while_released_is_not_sent(
    etablissement, smtp_server, released, vie_scolaire_user
):
    from envois.services import envois_cancel_waiting

    (envoi,) = released()
    envois_cancel_waiting(
        etablissement=etablissement,
        event_key=envoi.event_key,
        reason="Évènement supprimé",
        user=vie_scolaire_user,
    )

    courriels_send(etablissement_id=etablissement.pk)

    assert _state(envoi).state == EnvoiState.CANCELLED
    assert smtp_server.received == []


def test_the_sweep_leaves_alone_the_email_a_slow_live_worker_is_sending(
    etablissement, smtp_server, released, settings
):
    """A batch claimed long ago (a slow mail server) is still being sent: the email under way is
    not "non confirmé" because of the batch's age, and the next ones, given back by the sweep, go
    once, through whoever claims them again."""
    from django.core.mail import get_connection

    from envois.services.sending import SendOutcome, _claim, _send_one

    rows = released(2)
    long_ago = timezone.now() - timedelta(seconds=settings.SCONET_COURRIEL_CLAIM_TIMEOUT + 60)
    token, claimed = _claim(etablissement.pk, long_ago)
    backend = get_connection(fail_silently=False)
    send_messages = backend.send_messages

    def send_while_the_sweep_runs(messages):
        courriels_sweep()  # the beat, while this email is on its way
        return send_messages(messages)

    backend.send_messages = send_while_the_sweep_runs
    outcome = SendOutcome()
    try:
        _send_one(backend, claimed[0], token, outcome)
        courriels_send(etablissement_id=etablissement.pk)  # another worker takes the rest
        _send_one(backend, claimed[1], token, outcome)  # the slow worker comes to it at last
    finally:
        backend.close()

    assert outcome.sent == 1
    first, second = (_state(envoi) for envoi in rows)
    assert (first.state, first.in_doubt) == (EnvoiState.DONE, False)
    assert (second.state, second.in_doubt) == (EnvoiState.DONE, False)
    assert sorted(r.recipients[0] for r in smtp_server.received) == sorted(e.email for e in rows)


def test_an_email_that_cannot_be_written_fails_alone_and_the_batch_goes_on(
    etablissement, smtp_server, released
):
    """A line break in the subject (a header smuggled in) is refused before the server is spoken
    to: that email is en échec with the reason, the others leave, the worker does not crash."""
    broken, fine = released(2)
    Envoi.objects.filter(pk=broken.pk).update(subject="Absence\nBcc: intrus@example.org")

    outcome = courriels_send(etablissement_id=etablissement.pk)

    broken = _state(broken)
    assert (outcome.sent, outcome.failed) == (1, 1)
    assert (broken.state, broken.in_doubt) == (EnvoiState.FAILED, False)
    assert broken.error_message == "Courriel impossible à écrire : objet ou adresse invalide"
    assert _state(fine).state == EnvoiState.DONE
    assert [r.recipients for r in smtp_server.received] == [[fine.email]]


def test_the_sender_names_the_school_even_with_a_comma_in_its_name(
    etablissement, smtp_server, released, settings
):
    """Every school's emails came from « Vie scolaire » alone: the families could not tell which."""
    etablissement.nom = "Lycée Jean Moulin, Lyon"
    etablissement.save()
    released(1)
    settings.DEFAULT_FROM_EMAIL = "ne-pas-repondre@sconet.example"

    courriels_send(etablissement_id=etablissement.pk)

    (received,) = smtp_server.received
    assert _sender(received.message) == ("Lycée Jean Moulin, Lyon", "ne-pas-repondre@sconet.example")
