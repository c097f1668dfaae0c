"""The workers' side of the courriels: each is sent through Django's email backend exactly once.

A worker claims a batch with one conditional UPDATE (a row another worker claimed is not picked),
marks each email's SMTP transaction as started just before it begins, then records the outcome:

- sent: envoyé;
- refused by the server with a permanent code (5xx), or impossible to write (a line break in its
  subject): en échec, with the reason;
- surely not sent (the server could not be reached, answered "try later" (4xx), or failed before
  the message itself, DATA, began): given back with a growing delay, at most
  SCONET_COURRIEL_MAX_ATTEMPTS tries, then en échec;
- an error once DATA began (a lost connection, a timeout): the server may have taken it, so it is
  en échec "non confirmé", never sent again blindly.

The sweep (celery beat, every minute) gives back the claims of a worker that died before starting
the transaction, marks "non confirmé" those it left after, and wakes the schools with emails due. A
claim is as old as the start of its email's transaction (or its batch's claim, before): the sweep
never takes an email from a live worker in the middle of sending it; one of a slow batch it gives
back is skipped by that worker (its claim is gone) and sent once by whoever claims it again.
"""

import logging
import random
import smtplib
import socket
import ssl
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.headerregistry import Address
from email.utils import make_msgid, parseaddr

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.core.mail.message import sanitize_address
from django.db.models import F, Q
from django.utils import timezone

from envois.mail import data_started
from envois.models import Envoi, EnvoiKind, EnvoiState

logger = logging.getLogger(__name__)

BATCH_SIZE = 20
RELEASED = Q(state=EnvoiState.SENDING, kind=EnvoiKind.COURRIEL)
UNWRITABLE_MESSAGE = "Courriel impossible à écrire : objet ou adresse invalide"
IN_DOUBT_MESSAGE = (
    "Envoi non confirmé : le serveur de courriel a peut-être reçu ce courriel ; il n'est pas renvoyé "
    "automatiquement pour ne pas risquer un doublon."
)


@dataclass
class SendOutcome:
    sent: int = 0
    failed: int = 0
    retry_in: float | None = None  # seconds: call again then (a transient failure)


def _due(now: datetime) -> Q:
    return Q(not_before__isnull=True) | Q(not_before__lte=now)


def retry_delay(attempts: int) -> float:
    """Exponential backoff with jitter, at most SCONET_COURRIEL_RETRY_MAX_DELAY."""
    ceiling = settings.SCONET_COURRIEL_RETRY_BASE_DELAY * 2 ** max(0, attempts - 1)
    return min(random.uniform(ceiling / 2, ceiling), settings.SCONET_COURRIEL_RETRY_MAX_DELAY)


def _claim(etablissement_id: int, now: datetime) -> tuple[str, list[Envoi]]:
    token = uuid.uuid4().hex
    claimable = Envoi.objects.filter(RELEASED, _due(now), etablissement_id=etablissement_id, claim_token="")
    picked = list(claimable.order_by("pk").values_list("pk", flat=True)[:BATCH_SIZE])
    if picked:
        # Conditional: a row another worker claimed in between is no longer claimable, and stays his.
        claimable.filter(pk__in=picked).update(claim_token=token, claimed_at=now, attempts=F("attempts") + 1)
    rows = Envoi.objects.filter(RELEASED, claim_token=token).select_related("etablissement").order_by("pk")
    return token, list(rows)


def _sender(etablissement) -> str:
    """DEFAULT_FROM_EMAIL's address under a name that says which school writes: « Vie scolaire –
    Collège Victor Hugo » (one installation sends for several schools)."""
    name, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    return str(
        Address(
            display_name=f"{name} – {etablissement.nom}" if name else etablissement.nom, addr_spec=address
        )
    )


def _message(envoi: Envoi) -> EmailMessage:
    reply_to = envoi.etablissement.courriel
    return EmailMessage(
        subject=envoi.subject,
        body=envoi.text,
        from_email=_sender(envoi.etablissement),
        to=[envoi.email],
        reply_to=[reply_to] if reply_to else None,
        # The same id on every try: a mail server or a mail client can tell a copy.
        headers={"Message-ID": make_msgid(idstring=f"courriel-{envoi.pk}", domain="sconet")},
    )


def _writable(message: EmailMessage) -> bool:
    """Whether the message can be written at all (no line break in a header, addresses the mail can
    carry): checked before the server is spoken to, so that one such email fails alone, surely unsent,
    instead of stopping the batch."""
    try:
        message.message()
        for address in (message.from_email, *message.recipients()):
            sanitize_address(address, message.encoding or settings.DEFAULT_CHARSET)
    except ValueError:  # BadHeaderError too
        return False
    return True


def _record(envoi: Envoi, token: str, **fields) -> int:
    return Envoi.objects.filter(pk=envoi.pk, claim_token=token, state=EnvoiState.SENDING).update(
        state_changed_at=timezone.now(), **fields
    )


def _fail(envoi: Envoi, token: str, message: str, *, in_doubt: bool = False) -> int:
    return _record(
        envoi,
        token,
        state=EnvoiState.FAILED,
        in_doubt=in_doubt,
        error_kind="in_doubt" if in_doubt else "smtp",
        error_message=message[:300],
    )


def _try_later(envoi: Envoi, token: str, reason: str, now: datetime) -> float | None:
    """Surely not sent: back to the workers after the backoff, or en échec once the tries are spent.
    Returns the delay, or None when it gave up."""
    if envoi.attempts >= settings.SCONET_COURRIEL_MAX_ATTEMPTS:
        _fail(envoi, token, f"{reason} ({envoi.attempts} tentatives)")
        return None
    delay = retry_delay(envoi.attempts)
    Envoi.objects.filter(pk=envoi.pk, claim_token=token, state=EnvoiState.SENDING).update(
        claim_token="",
        claimed_at=None,
        send_started_at=None,
        not_before=now + timedelta(seconds=delay),
        error_message=f"Nouvelle tentative prévue : {reason}"[:300],
    )
    return delay


def _reason(error: Exception) -> str:
    """The server's answer in French, with its own words (never a password: smtplib puts none here)."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        code, answer = next(iter(error.recipients.values()))
        return f"Adresse refusée par le serveur de courriel ({code} {answer.decode(errors='replace')})"
    if isinstance(error, smtplib.SMTPResponseException):
        answer = error.smtp_error.decode(errors="replace") if isinstance(error.smtp_error, bytes) else ""
        return f"Refusé par le serveur de courriel ({error.smtp_code} {answer})".strip()
    return f"Serveur de courriel injoignable ({_connection_failure(error)})"


# How the connection failed, in French: the staff read it in Courriels en échec.
CONNECTION_FAILURES = (
    (ConnectionRefusedError, "connexion refusée"),
    (TimeoutError, "pas de réponse dans le délai"),
    (socket.gaierror, "nom du serveur inconnu"),
    (ssl.SSLError, "échec du chiffrement TLS"),
    (smtplib.SMTPServerDisconnected, "connexion interrompue"),
)


def _connection_failure(error: Exception) -> str:
    return next(
        (words for kind, words in CONNECTION_FAILURES if isinstance(error, kind)), "connexion impossible"
    )


def _refusal_code(error: Exception) -> int | None:
    """The SMTP code the server answered, if it answered one: then the message was surely not taken."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return next(iter(error.recipients.values()))[0]
    if isinstance(error, smtplib.SMTPResponseException):
        return error.smtp_code
    return None


def _retry_or_fail(envoi: Envoi, token: str, reason: str, now: datetime, outcome: SendOutcome) -> None:
    delay = _try_later(envoi, token, reason, now)
    outcome.failed += delay is None
    if delay is not None:
        outcome.retry_in = min(delay, outcome.retry_in or delay)


def _send_one(backend, envoi: Envoi, token: str, outcome: SendOutcome) -> None:
    message = _message(envoi)
    if not _writable(message):
        outcome.failed += _fail(envoi, token, UNWRITABLE_MESSAGE)
        return
    now = timezone.now()
    # The claim is renewed with the start: the sweep judges this email by when its sending began,
    # not by the age of its batch (a slow server may take minutes over the batch's first emails).
    if not Envoi.objects.filter(pk=envoi.pk, claim_token=token, state=EnvoiState.SENDING).update(
        send_started_at=now, claimed_at=now
    ):
        return  # cancelled meanwhile (the staff deleted the event), or taken back by the sweep
    try:
        backend.send_messages([message])
    except (smtplib.SMTPException, OSError) as error:
        started = data_started(backend)
        backend.close()  # the next email opens a fresh connection
        code = _refusal_code(error)
        if code is not None and code >= 500:
            outcome.failed += _fail(envoi, token, _reason(error))
        elif code is not None or started is False:
            _retry_or_fail(envoi, token, _reason(error), now, outcome)
        else:
            logger.warning("Courriel in doubt", extra={"envoi": envoi.pk, "error": type(error).__name__})
            outcome.failed += _fail(envoi, token, IN_DOUBT_MESSAGE, in_doubt=True)
        return
    outcome.sent += _record(envoi, token, state=EnvoiState.DONE, error_kind="", error_message="")


def _open(backend) -> Exception | None:
    """Connects to the mail server unless connected; the error when it cannot (nothing was sent)."""
    try:
        backend.open()
    except (smtplib.SMTPException, OSError) as error:
        backend.close()
        return error
    return None


def courriels_send(*, etablissement_id: int) -> SendOutcome:
    """Sends the établissement's released emails that are due, batch after batch."""
    outcome = SendOutcome()
    backend = get_connection(fail_silently=False)
    try:
        while True:
            token, rows = _claim(etablissement_id, timezone.now())
            if not rows:
                return outcome
            for index, envoi in enumerate(rows):
                error = _open(backend)
                if error is not None:  # the server cannot be reached: the batch's rest tries later
                    now = timezone.now()
                    for waiting in rows[index:]:
                        _retry_or_fail(waiting, token, _reason(error), now, outcome)
                    return outcome
                _send_one(backend, envoi, token, outcome)
    finally:
        backend.close()


def courriels_sweep(*, now: datetime | None = None) -> list[int]:
    """Beat: the claims of a dead worker are given back (no transaction started) or marked "non
    confirmé" (one had started); returns the établissements with released emails due."""
    now = now or timezone.now()
    stale = (
        RELEASED
        & ~Q(claim_token="")
        & Q(claimed_at__lt=now - timedelta(seconds=settings.SCONET_COURRIEL_CLAIM_TIMEOUT))
    )
    Envoi.objects.filter(stale, send_started_at__isnull=True).update(
        claim_token="", claimed_at=None, error_message="Repris après l'arrêt inattendu d'un processus d'envoi"
    )
    Envoi.objects.filter(stale, send_started_at__isnull=False).update(
        state=EnvoiState.FAILED,
        state_changed_at=now,
        in_doubt=True,
        error_kind="in_doubt",
        error_message=IN_DOUBT_MESSAGE,
    )
    return list(
        Envoi.objects.filter(RELEASED, _due(now), claim_token="")
        .values_list("etablissement_id", flat=True)
        .distinct()
        .order_by()
    )
