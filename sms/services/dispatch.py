"""Handing released SMS to each établissement's provider, batch after batch.

One call works for one établissement, with its own provider and keys: a school whose provider fails
never holds back another's SMS. No database transaction is held open across a provider request.
"""

import logging
import random
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from etablissements.services import audit_record
from sms.crypto import SecretUnreadable
from sms.encoding import make_gsm_safe
from sms.models import OutboundSms, ProviderSettings
from sms.providers import get_provider_class
from sms.providers.base import OutgoingMessage, Provider, ProviderError, ProviderErrorKind, SendOutcome

from . import outbox
from .outbox import ClaimedSms
from .provider_settings import provider_block, provider_build, provider_label

logger = logging.getLogger(__name__)


@dataclass
class DispatchOutcome:
    submitted: int = 0
    rejected: int = 0
    in_doubt: int = 0
    retry_in: float | None = None  # seconds: call again then (a transient failure)


def retry_delay(attempts: int, retry_after: float | None = None) -> float:
    """Exponential backoff with jitter, never beyond SCONET_SMS_RETRY_MAX_DELAY (which stays well under
    the broker's visibility timeout)."""
    ceiling = settings.SCONET_SMS_RETRY_BASE_DELAY * 2 ** max(0, attempts - 1)
    delay = random.uniform(ceiling / 2, ceiling)
    if retry_after:
        delay = max(delay, retry_after)
    return min(delay, settings.SCONET_SMS_RETRY_MAX_DELAY)


def _outgoing(sms: ClaimedSms, provider: Provider) -> OutgoingMessage:
    text = sms.text
    if sms.encoding != "GSM-7" and not provider.capabilities.accepts_ucs2:
        text = make_gsm_safe(text)
    return OutgoingMessage(
        reference=sms.reference, to=sms.phone, text=text, sender=sms.sender, service_code=sms.service_code
    )


def _transient_failure(token: str, rows: list[ClaimedSms], error: ProviderError) -> float | None:
    attempts = max(sms.attempts for sms in rows)
    exhausted = [sms.pk for sms in rows if sms.attempts >= settings.SCONET_SMS_MAX_ATTEMPTS]
    outbox.sms_fail(
        ids=exhausted,
        where=Q(claim_token=token),
        error_kind=str(error.kind),
        error_message=f"Abandonné après {settings.SCONET_SMS_MAX_ATTEMPTS} tentatives : {error.message_fr}",
    )
    if len(exhausted) == len(rows):
        return None
    delay = retry_delay(attempts, error.retry_after)
    outbox.sms_release_claim(
        ids=[sms.pk for sms in rows],
        where=Q(claim_token=token),
        error_kind=str(error.kind),
        error_message=f"Nouvelle tentative prévue : {error.message_fr}",
        not_before=timezone.now() + timedelta(seconds=delay),
    )
    return delay


def _permanent_failure(
    token: str, rows: list[ClaimedSms], etablissement_id: int, label: str, message: str
) -> None:
    provider_block(etablissement_id=etablissement_id, message=f"{label} : {message}")
    outbox.sms_release_claim(
        ids=[sms.pk for sms in rows],
        where=Q(claim_token=token),
        error_kind="provider",
        error_message=f"En attente, envoi suspendu : {message}",
    )


def _unreadable_answer(
    token: str, rows: list[ClaimedSms], provider: Provider, etablissement_id: int, label: str, message: str
) -> int:
    """The provider answered a send with something unreadable: it may have taken the batch. Sending
    stops for this school until the personne habilitée checks the provider. The batch is given back
    when the provider takes our reference (asking again is then safe); otherwise it stays in doubt,
    never re-sent blindly. Returns how many SMS are in doubt."""
    provider_block(etablissement_id=etablissement_id, message=f"{label} : {message}")
    ids = [sms.pk for sms in rows]
    if provider.capabilities.takes_client_reference:
        outbox.sms_release_claim(
            ids=ids,
            where=Q(claim_token=token),
            error_kind="bad_answer",
            error_message=f"En attente, envoi suspendu : {message}",
        )
        return 0
    reason = f"{outbox.IN_DOUBT_MESSAGE} {message}"
    return len(outbox.sms_record_in_doubt(ids=ids, where=Q(claim_token=token), reason=reason))


def _record_results(token: str, rows: list[ClaimedSms], results, provider: Provider) -> DispatchOutcome:
    by_reference = {sms.reference: sms for sms in rows}
    accepted, rejected, unknown = {}, {}, []
    for result in results:
        sms = by_reference.get(result.reference)
        if sms is None:
            continue
        if result.outcome == SendOutcome.ACCEPTED:
            accepted[sms.pk] = result.provider_id
        elif result.outcome == SendOutcome.REJECTED:
            rejected[sms.pk] = result.error or "Refusé par le fournisseur"
        else:
            unknown.append(sms)
    answered = set(accepted) | set(rejected)
    unknown += [sms for sms in rows if sms.pk not in answered and sms not in unknown]
    outbox.sms_record_accepted(token=token, accepted=accepted)
    outbox.sms_record_rejected(token=token, rejected=rejected)
    in_doubt = unknown
    if provider.capabilities.takes_client_reference:
        # The provider never sends one reference twice: asking again is safe, within the bounds.
        retry = [sms.pk for sms in unknown if sms.attempts < settings.SCONET_SMS_MAX_ATTEMPTS]
        outbox.sms_release_claim(
            ids=retry,
            where=Q(claim_token=token),
            error_kind="unknown",
            error_message="Réponse du fournisseur perdue : nouvelle demande avec la même référence",
            not_before=timezone.now() + timedelta(seconds=retry_delay(1)),
        )
        in_doubt = [sms for sms in unknown if sms.pk not in retry]
    outbox.sms_record_in_doubt(ids=[sms.pk for sms in in_doubt], where=Q(claim_token=token))
    return DispatchOutcome(submitted=len(accepted), rejected=len(rejected), in_doubt=len(in_doubt))


NOTHING_CLAIMED = 0  # SMS ids start at 1


def _send_one_batch(
    provider_settings: ProviderSettings, provider: Provider, outcome: DispatchOutcome, after: int
) -> int | None:
    """Claims (among SMS of an id greater than ``after``), checks consent, sends and records one batch.
    Returns the last id claimed, to go on after it; NOTHING_CLAIMED; or None when a failure says to
    wait (a retry later, or sending suspended). The claim (which marks the request as started) and
    the consent check commit together, before the request; the answers and the audit line commit
    together after it."""
    etablissement_id = provider_settings.etablissement_id
    with transaction.atomic():
        token, claimed = outbox.sms_claim_batch(
            etablissement_id=etablissement_id,
            limit=provider.capabilities.max_batch,
            provider_code=provider_settings.provider_code,
            after=after,
        )
        rows = outbox.sms_recheck_recipients(token=token, rows=claimed)
    if not claimed:
        return NOTHING_CLAIMED
    if not rows:
        return claimed[-1].pk
    label = provider_label(provider_settings.provider_code)
    messages = [_outgoing(sms, provider) for sms in rows]
    try:
        results = provider.send_batch(messages)
    except ProviderError as error:
        if error.kind == ProviderErrorKind.BAD_ANSWER:
            outcome.in_doubt += _unreadable_answer(
                token, rows, provider, etablissement_id, label, error.message_fr
            )
        elif error.retryable:
            outcome.retry_in = _transient_failure(token, rows, error)
        else:
            _permanent_failure(token, rows, etablissement_id, label, error.message_fr)
        logger.warning("SMS batch refused", extra={"provider": label, "kind": str(error.kind)})
        return None
    except Exception:
        # Whatever happened, the request may have left: never re-send blindly.
        logger.exception("SMS batch failed unexpectedly", extra={"provider": label})
        outbox.sms_record_in_doubt(ids=[sms.pk for sms in rows], where=Q(claim_token=token))
        outcome.in_doubt += len(rows)
        return None
    with outbox.answers_transaction():
        batch = _record_results(token, rows, results, provider)
        audit_record(
            etablissement=provider_settings.etablissement,
            user=None,
            action="sms.batch_dispatched",
            summary=(
                f"Lot de {len(rows)} SMS transmis à {label} : {batch.submitted} accepté(s), "
                f"{batch.rejected} refusé(s), {batch.in_doubt} non confirmé(s)"
            ),
            details={"reference_lot": token, "sms": [sms.pk for sms in rows]},
        )
    outcome.submitted += batch.submitted
    outcome.rejected += batch.rejected
    outcome.in_doubt += batch.in_doubt
    return claimed[-1].pk


def sms_dispatch(*, etablissement_id: int, now: datetime | None = None) -> DispatchOutcome:
    """Sends what the établissement released and is due, until nothing is left or it must wait.
    On PostgreSQL, SCONET_SMS_DISPATCH_LANES batches are under way at once (one thread and one
    database connection each): while one waits for the provider, another is claimed or recorded.
    Lanes claim with SKIP LOCKED, so no two of them ever hold the same SMS."""
    provider_settings = (
        ProviderSettings.objects.select_related("etablissement")
        .filter(etablissement_id=etablissement_id)
        .first()
    )
    if provider_settings is None or not provider_settings.provider_code or provider_settings.sending_blocked:
        return DispatchOutcome()
    if not provider_settings.in_sending_window(now or timezone.now()):
        return DispatchOutcome()  # the sweep comes back once the window opens
    try:
        provider = provider_build(provider_settings)
    except (SecretUnreadable, LookupError) as error:
        provider_block(etablissement_id=etablissement_id, message=str(error))
        return DispatchOutcome()
    stop = threading.Event()
    lanes = _lane_count()
    if lanes == 1:
        return _lane(provider_settings, provider, stop)
    with ThreadPoolExecutor(max_workers=lanes, thread_name_prefix="sms-lane") as pool:
        outcomes = list(pool.map(_lane_in_thread, [provider_settings] * lanes, [stop] * lanes))
    retries = [outcome.retry_in for outcome in outcomes if outcome.retry_in is not None]
    return DispatchOutcome(
        submitted=sum(outcome.submitted for outcome in outcomes),
        rejected=sum(outcome.rejected for outcome in outcomes),
        in_doubt=sum(outcome.in_doubt for outcome in outcomes),
        retry_in=max(retries, default=None),
    )


def _lane_count() -> int:
    """One lane on SQLite (one writer at a time), and inside a transaction: the other lanes' own
    connections could not see what the caller has not committed yet."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return 1
    return max(1, settings.SCONET_SMS_DISPATCH_LANES)


def _lane(provider_settings: ProviderSettings, provider: Provider, stop: threading.Event) -> DispatchOutcome:
    """Batch after batch, in the order of the ids, until nothing is left, a failure says to wait, or
    another lane stopped. Each claim starts after the lane's previous one; when nothing is left after
    it, the lane looks once more from the start, for SMS that became claimable behind it (released by
    another "Diffuser" meanwhile, or held by another transaction when the lane went past them)."""
    outcome, cursor = DispatchOutcome(), NOTHING_CLAIMED
    try:
        while not stop.is_set():
            last_claimed = _send_one_batch(provider_settings, provider, outcome, after=cursor)
            if last_claimed is None or last_claimed == cursor == NOTHING_CLAIMED:
                break
            cursor = last_claimed
    finally:
        stop.set()  # whatever ended this lane (even an error) ends the others after their batch
    return outcome


def _lane_in_thread(provider_settings: ProviderSettings, stop: threading.Event) -> DispatchOutcome:
    try:
        return _lane(provider_settings, provider_build(provider_settings), stop)  # its own HTTP session
    finally:
        connection.close()  # this thread's own connection


def sms_reclaim_stale(*, now: datetime | None = None) -> int:
    """SMS left claimed by a worker that died. The claim marked their request as started, so each may
    have left: given back only when the provider takes our reference (asking again is then safe),
    otherwise counted en transit and marked in doubt, never re-sent blindly."""
    now = now or timezone.now()
    cutoff = now - timedelta(seconds=settings.SCONET_SMS_CLAIM_TIMEOUT)
    stale = outbox.RELEASED & Q(claimed_at__lt=cutoff) & ~Q(claim_token="")
    retry, doubt = [], []
    for pk, provider_code in OutboundSms.objects.filter(stale).values_list("pk", "provider_code"):
        (retry if _takes_client_reference(provider_code) else doubt).append(pk)
    given_back = outbox.sms_release_claim(
        ids=retry, where=stale, error_kind="", error_message="Repris après l'arrêt d'un worker"
    )
    return given_back + len(outbox.sms_record_in_doubt(ids=doubt, where=stale))


def _takes_client_reference(provider_code: str) -> bool:
    try:
        return get_provider_class(provider_code).capabilities.takes_client_reference
    except LookupError:
        return False


def sms_due_etablissements(*, now: datetime | None = None) -> list[int]:
    """The établissements with released SMS waiting for a worker (not suspended by a permanent failure)."""
    now = now or timezone.now()
    return list(
        OutboundSms.objects.filter(outbox.RELEASED, claim_token="")
        .filter(Q(not_before__isnull=True) | Q(not_before__lte=now))
        .exclude(etablissement__sms_provider_settings__sending_blocked=True)
        .values_list("etablissement_id", flat=True)
        .distinct()
        .order_by()
    )
