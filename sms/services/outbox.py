"""The outbox's state machine: the only code that changes an SMS's state.

States only move forward (``ALLOWED_FROM``). Every change is one conditional UPDATE whose WHERE
clause carries the states it may leave (and, for a worker, its claim token): when two workers race
for a message, one UPDATE finds the row, the other finds nothing, so no SMS is ever sent twice (on
PostgreSQL a worker's claim locks the rows it picks, skipping those another worker holds). Each change
adds a line to the SMS's history, in the same statement on PostgreSQL.

    queued ──Diffuser──▶ sending ──accepted──▶ submitted ──report──▶ delivered | undelivered | invalid
       │                   │  ▲ claim / release         └──72 h without final report──▶ expired
       └──Supprimer──▶ cancelled ◀─┘ (not yet claimed)  sending ──▶ invalid | failed | cancelled (consent)
"""

import json
import uuid
from collections.abc import Callable, Iterable, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import datetime

from django.db import connection, transaction
from django.db.models import BooleanField, Case, CharField, Exists, F, OuterRef, Q, When
from django.db.models.expressions import RawSQL
from django.db.models.sql import UpdateQuery
from django.utils import timezone

from eleves.models import Eleve, Lien, Responsable
from eleves.services import responsable_mobile_correct
from eleves.sms_reach import consent_refused, sms_consent, sms_reach, sms_reach_of
from etablissements.services import audit_record
from sconet.outbox import RecipientUnreachable, requeue_candidates
from sms.encoding import analyse
from sms.models import RESENDABLE_STATES, WAITING, OutboundSms, SmsHistory, SmsState

ALLOWED_FROM: dict[str, tuple[str, ...]] = {
    SmsState.SENDING: (SmsState.QUEUED,),
    SmsState.SUBMITTED: (SmsState.SENDING,),
    SmsState.DELIVERED: (SmsState.SUBMITTED,),
    SmsState.UNDELIVERED: (SmsState.SUBMITTED,),
    SmsState.INVALID: (SmsState.SENDING, SmsState.SUBMITTED),
    SmsState.EXPIRED: (SmsState.SUBMITTED,),
    SmsState.FAILED: (SmsState.SENDING,),
    SmsState.CANCELLED: (SmsState.QUEUED, SmsState.SENDING),
}

# Released to the workers (claimed or not): what the partial index sms_released holds, so that the
# workers' queries read that index only.
RELEASED = Q(state=SmsState.SENDING, released_at__isnull=False)


# The outbox's primary key column, as raw SQL over the table (quoted the same on both databases).
_PK_COLUMN = f'"{OutboundSms._meta.db_table}"."id"'


class SmsRecipientUnreachable(RecipientUnreachable):
    """``sms_enqueue`` refuses a responsable who cannot receive SMS (check ``sms_reach`` first)."""

    def __init__(self, responsable, reason: str):
        super().__init__(responsable, reason, f"{responsable} ne peut pas recevoir de SMS : {reason}")


@dataclass(frozen=True)
class SmsDraft:
    """What the absences app asks to send; ``dedup_key`` is unique forever (the same key queues once)."""

    dedup_key: str
    event_key: str
    eleve: Eleve | None
    responsable: Responsable | None
    phone: str
    recipient_label: str
    text: str
    sender: str
    service_code: str
    eleve_label: str
    division_label: str
    event_label: str
    action_label: str


def _transition(
    ids: Sequence[int],
    to: str,
    *,
    where: Q | None = None,
    note: str | Callable[[int], str] = "",
    at: datetime | None = None,
    **fields,
) -> list[int]:
    """Moves the given SMS to ``to`` with ONE conditional UPDATE; returns the ids that did move.
    The UPDATE and the history rows are written together (one transaction)."""
    if not ids:
        return []
    with transaction.atomic(savepoint=False):
        return _transition_now(ids, to, where=where, note=note, now=at or timezone.now(), fields=fields)


def _transition_now(
    ids: Sequence[int],
    to: str,
    *,
    where: Q | None,
    note: str | Callable[[int], str],
    now: datetime,
    fields: dict,
) -> list[int]:
    guard = Q(state__in=ALLOWED_FROM[to]) & (where or Q())
    values = {"state": to, "state_changed_at": now, **fields}
    if connection.vendor == "postgresql":
        movable = OutboundSms.objects.filter(_pk_in_array(ids), guard)
        return _update_with_history(movable, values, ids=ids, to=to, note=note, now=now)
    moved = OutboundSms.objects.filter(guard, pk__in=ids).update(**values)
    if moved == 0:
        return []
    changed = (
        list(ids)
        if moved == len(ids)
        else list(
            OutboundSms.objects.filter(pk__in=ids, state=to, state_changed_at=now).values_list(
                "pk", flat=True
            )
        )
    )
    SmsHistory.objects.bulk_create(
        SmsHistory(sms_id=pk, at=now, state=to, note=(note(pk) if callable(note) else note)[:300])
        for pk in changed
    )
    return changed


def _ids_filter(ids: Sequence[int]) -> Q | RawSQL:
    return _pk_in_array(ids) if connection.vendor == "postgresql" else Q(pk__in=ids)


def _pk_in_array(ids: Sequence[int]) -> RawSQL:
    """PostgreSQL: "id = ANY(%s)" with the ids as ONE array parameter (``pk__in`` makes one
    parameter per id, and Django prepares each of them)."""
    return RawSQL(f"{_PK_COLUMN} = ANY(%s)", [[int(pk) for pk in ids]], output_field=BooleanField())


def _update_with_history(
    movable, values: dict, *, ids: Sequence[int], to: str, note: str | Callable[[int], str], now: datetime
) -> list[int]:
    """PostgreSQL: the conditional UPDATE and the history rows of the SMS it moved, in ONE statement
    (the UPDATE returns the ids it moved, the INSERT reads them): one round trip, whatever the count."""
    query = movable.query.chain(UpdateQuery)
    query.add_update_values(values)
    compiler = query.get_compiler(movable.db)
    compiler.pre_sql_setup()
    update_sql, update_params = compiler.as_sql()
    if callable(note):
        note_sql, note_params = (
            _JSON_VALUE_SQL.format(pk="moved.id"),
            [_json_by_pk({pk: note(pk) for pk in ids})],
        )
    else:
        note_sql, note_params = "%s", [note]
    history_table = SmsHistory._meta.db_table
    statement = (
        f"WITH moved AS ({update_sql} RETURNING {_PK_COLUMN}) "
        f'INSERT INTO "{history_table}" (sms_id, at, state, note, raw) '
        f"SELECT moved.id, %s, %s, LEFT({note_sql}, 300), '' FROM moved RETURNING sms_id"
    )
    with connection.cursor() as cursor:
        cursor.execute(statement, [*update_params, now, to, *note_params])
        return [row[0] for row in cursor.fetchall()]


_JSON_VALUE_SQL = "(%s::jsonb ->> {pk}::text)"


def _json_by_pk(values: dict[int, str]) -> str:
    return json.dumps({str(pk): value for pk, value in values.items()})


def _value_by_pk(values: dict[int, str]) -> RawSQL:
    """Each row's own value, read from ONE JSON parameter ``{pk: value}`` inside the same single
    UPDATE (a ``Case`` with one ``When`` per row says the same, but Django takes ~50 ms to build it
    for a batch of 100)."""
    if connection.vendor == "postgresql":
        sql = _JSON_VALUE_SQL.format(pk=_PK_COLUMN)
    else:  # SQLite's JSON1
        sql = f"json_extract(%s, '$.\"' || {_PK_COLUMN} || '\"')"
    return RawSQL(sql, [_json_by_pk(values)], output_field=CharField())


# --------------------------------------------------------------------------------------------------
# Queueing, and the staff's decisions on waiting SMS


def _masked(phone: str) -> str:
    return f"{phone[:4]}…{phone[-2:]}" if len(phone) > 6 else "…"


@transaction.atomic
def sms_enqueue(*, etablissement, user, drafts: Sequence[SmsDraft]) -> list[OutboundSms]:
    """Puts SMS "en attente de diffusion" (SMS à diffuser). A ``dedup_key`` already used queues nothing
    more and returns the SMS queued the first time. Raises ``SmsRecipientUnreachable`` for a
    responsable who cannot receive SMS: nothing is queued then."""
    for draft in drafts:
        if draft.responsable is not None:
            reach = sms_reach(draft.responsable)
            if not reach.can_receive:
                raise SmsRecipientUnreachable(draft.responsable, reach.reason)
    keys = [d.dedup_key for d in drafts]
    existing = set(
        OutboundSms.objects.filter(etablissement=etablissement, dedup_key__in=keys).values_list(
            "dedup_key", flat=True
        )
    )
    now = timezone.now()
    new_rows = []
    for draft in drafts:
        if draft.dedup_key in existing:
            continue
        existing.add(draft.dedup_key)
        analysis = analyse(draft.text)
        new_rows.append(
            OutboundSms(
                etablissement=etablissement,
                state_changed_at=now,
                encoding=analysis.encoding,
                parts=analysis.parts,
                **{**vars(draft), "service_code": str(draft.service_code)},
            )
        )
    OutboundSms.objects.bulk_create(new_rows, ignore_conflicts=True)
    rows = {
        sms.dedup_key: sms
        for sms in OutboundSms.objects.filter(etablissement=etablissement, dedup_key__in=keys)
    }
    created_keys = {row.dedup_key for row in new_rows}
    SmsHistory.objects.bulk_create(
        SmsHistory(sms=sms, at=sms.state_changed_at, state=SmsState.QUEUED, note=f"Mis en attente par {user}")
        for key, sms in rows.items()
        if key in created_keys and sms.state_changed_at == now
    )
    return [rows[key] for key in dict.fromkeys(keys)]


def sms_cancel_waiting(*, etablissement, event_key: str, reason: str, user, kind: str = "") -> int:
    """The event's SMS still waiting become annulé (kept, with the reason, and ``kind``: a stable code
    to find them by); sent ones are untouched."""
    ids = list(
        OutboundSms.objects.filter(WAITING, etablissement=etablissement, event_key=event_key).values_list(
            "pk", flat=True
        )
    )
    return len(
        _transition(
            ids,
            SmsState.CANCELLED,
            where=WAITING,
            note=f"{reason} ({user})",
            error_kind=kind,
            error_message=reason,
        )
    )


def sms_requeue_cancelled(*, etablissement, event_key: str, kind: str, user) -> list[OutboundSms]:
    """The event's SMS annulé with ``kind`` (see sms_cancel_waiting) wait again in SMS à diffuser, each
    as a new SMS (an annulé SMS stays annulé: states only move forward): e.g. when an event justified
    by mistake no longer is.
    Each goes to its responsable's mobile as it is now; one who can no longer receive SMS gets none.
    Queues each again once. Returns the SMS queued."""
    cancelled = OutboundSms.objects.filter(
        etablissement=etablissement, event_key=event_key, state=SmsState.CANCELLED, error_kind=kind
    ).select_related("responsable", "eleve")
    drafts = [
        _draft_again(
            sms,
            dedup_key=key,
            responsable=sms.responsable,
            phone=sms.responsable.tel_mobile if sms.responsable else sms.phone,
        )
        for key, sms in requeue_candidates(cancelled, etablissement=etablissement).items()
        if sms.responsable is None or sms_reach(sms.responsable).can_receive
    ]
    return sms_enqueue(etablissement=etablissement, user=user, drafts=drafts) if drafts else []


def _draft_again(
    sms: OutboundSms, *, dedup_key: str, responsable: Responsable | None, phone: str
) -> SmsDraft:
    """A new SMS with the text and labels of ``sms``."""
    return SmsDraft(
        dedup_key=dedup_key,
        event_key=sms.event_key,
        eleve=sms.eleve,
        responsable=responsable,
        phone=phone,
        recipient_label=sms.recipient_label,
        text=sms.text,
        sender=sms.sender,
        service_code=sms.service_code,
        eleve_label=sms.eleve_label,
        division_label=sms.division_label,
        event_label=sms.event_label,
        action_label=sms.action_label,
    )


def sms_rerender_waiting(
    *, etablissement, event_key: str, event_label: str, text_for: Callable[[OutboundSms], str]
) -> int:
    """Re-renders the event's SMS still waiting; an SMS already handed to a worker is never changed."""
    changed = 0
    for sms in OutboundSms.objects.filter(WAITING, etablissement=etablissement, event_key=event_key):
        text = text_for(sms)
        analysis = analyse(text)
        changed += OutboundSms.objects.filter(WAITING, pk=sms.pk).update(
            text=text, encoding=analysis.encoding, parts=analysis.parts, event_label=event_label
        )
    return changed


@dataclass(frozen=True)
class SmsReleased:
    released: int
    cancelled: int  # the responsable can no longer receive SMS (consent withdrawn, mobile removed)


def sms_release(*, etablissement, user, ids: Iterable[int]) -> SmsReleased:
    """ "Diffuser les SMS sélectionnés": the selected SMS leave the waiting list and go to the workers,
    once this transaction commits. One whose responsable can no longer receive SMS is annulé at once,
    with the reason, rather than released to be cancelled by the worker."""
    from sms.tasks import sms_dispatch  # the task module calls these services: import it late

    ids = list(ids)
    cancelled = _cancel_unreachable_selected(etablissement, ids, user)
    released = _transition(
        [pk for pk in ids if pk not in cancelled],
        SmsState.SENDING,
        where=Q(etablissement=etablissement),
        note=f"Diffusé par {user}",
        released_at=timezone.now(),
        released_by=user,
    )
    if released:
        audit_record(
            etablissement=etablissement,
            user=user,
            action="sms.batch_released",
            summary=f"{len(released)} SMS diffusé(s) depuis « SMS à diffuser »",
            details={"sms": released},
        )
        transaction.on_commit(lambda: sms_dispatch.delay(etablissement.pk))
    return SmsReleased(released=len(released), cancelled=len(cancelled))


def _cancel_unreachable_selected(etablissement, ids: Sequence[int], user) -> set[int]:
    refused = {
        pk: sms_consent(accepte_sms=accepte_sms, tel_mobile=tel_mobile).reason
        for pk, accepte_sms, tel_mobile in OutboundSms.objects.filter(
            _ids_filter(ids),
            consent_refused("responsable"),
            etablissement=etablissement,
            state=SmsState.QUEUED,
        ).values_list("pk", "responsable__accepte_sms", "responsable__tel_mobile")
    }
    reasons = {
        pk: f"Annulé à la diffusion par {user}, le responsable ne peut plus le recevoir : {reason}"
        for pk, reason in refused.items()
    }
    return set(
        _transition(
            list(reasons),
            SmsState.CANCELLED,
            where=Q(state=SmsState.QUEUED),
            note=lambda pk: reasons[pk],
            error_kind="consent",
            error_message=_value_by_pk(reasons),
        )
    )


def sms_cancel_selected(*, etablissement, user, ids: Iterable[int]) -> int:
    """ "Supprimer" in SMS à diffuser: the SMS become annulé and stay on record. Only those still in
    SMS à diffuser: one a colleague diffused since the page was shown is left to go, as "Diffuser"
    leaves alone one a colleague deleted."""
    reason = f"Supprimé par {user} dans « SMS à diffuser »"
    in_list = Q(state=SmsState.QUEUED, etablissement=etablissement)
    candidates = list(OutboundSms.objects.filter(in_list, pk__in=list(ids)).values_list("pk", flat=True))
    cancelled = _transition(
        candidates,
        SmsState.CANCELLED,
        where=in_list,
        note=reason,
        error_message=reason,
    )
    if cancelled:
        audit_record(
            etablissement=etablissement,
            user=user,
            action="sms.cancelled",
            summary=f"{len(cancelled)} SMS supprimé(s) de « SMS à diffuser »",
            details={"sms": cancelled},
        )
    return len(cancelled)


@transaction.atomic
def sms_resend(*, etablissement, user, sms: OutboundSms, phone: str) -> OutboundSms:
    """Sends again, as a NEW SMS, an SMS that was invalide or non remis, to the corrected number.
    The new SMS waits in "SMS à diffuser"; the old one keeps its record and points to the new one."""
    if sms.state not in RESENDABLE_STATES:
        raise ValueError("Seul un SMS invalide, non remis ou en échec peut être renvoyé.")
    if sms.resent is not None:
        return sms.resent
    previous = sms.resent_as  # deleted from SMS à diffuser before it left, if any
    if sms.responsable is not None and not sms.responsable.accepte_sms:
        raise SmsRecipientUnreachable(sms.responsable, "n'accepte pas les SMS")
    if sms.responsable is not None:
        # Corrected for the responsable, not for this SMS only: the next SMS goes there too, and
        # the dispatch sends to the responsable's mobile as it is then.
        responsable_mobile_correct(responsable=sms.responsable, user=user, tel_mobile=phone)
    draft = _draft_again(
        sms,
        # Once per SMS, or once more after each resend deleted from SMS à diffuser.
        dedup_key=f"sms.renvoi:{sms.reference}" + (f":{previous.pk}" if previous else ""),
        responsable=None,  # the responsable is set below: sms_reach would read the old number
        phone=phone,
    )
    (new_sms,) = sms_enqueue(etablissement=etablissement, user=user, drafts=[draft])
    if sms.responsable_id:
        OutboundSms.objects.filter(pk=new_sms.pk).update(responsable=sms.responsable)
    OutboundSms.objects.filter(pk=sms.pk, resent_as=previous).update(resent_as=new_sms)
    audit_record(
        etablissement=etablissement,
        user=user,
        action="sms.resent",
        summary=f"SMS {sms.pk} renvoyé au {_masked(phone)} (nouveau SMS {new_sms.pk})",
        details={"sms": sms.pk, "nouveau": new_sms.pk},
    )
    return new_sms


# --------------------------------------------------------------------------------------------------
# The workers' side: claim, hand over, record the answer


@dataclass(frozen=True, slots=True)
class ClaimedSms:
    """What a worker needs of an SMS it claimed (no model instance: a batch is built and sent fast)."""

    pk: int
    reference: str
    phone: str
    text: str
    encoding: str
    sender: str
    service_code: str
    attempts: int  # counting the attempt this claim starts
    responsable_id: int | None
    # The responsable as they are at the claim (asked again at dispatch): consent, mobile, and
    # whether they are still a responsable of the pupil (None when the SMS names no pupil).
    accepte_sms: bool | None
    tel_mobile: str | None
    still_linked: bool | None


_RESPONSABLE_FIELDS = ("accepte_sms", "tel_mobile")
_SMS_FIELDS = tuple(
    field for field in ClaimedSms.__dataclass_fields__ if field not in (*_RESPONSABLE_FIELDS, "still_linked")
)
_CLAIMED_COLUMNS = ", ".join(
    [f"sms.{'id' if field == 'pk' else field}" for field in _SMS_FIELDS]
    + [
        f"(SELECT {field} FROM eleves_responsable WHERE eleves_responsable.id = sms.responsable_id)"
        for field in _RESPONSABLE_FIELDS
    ]
    + [
        "CASE WHEN sms.eleve_id IS NULL THEN NULL ELSE EXISTS (SELECT 1 FROM eleves_lien WHERE "
        "eleves_lien.eleve_id = sms.eleve_id AND eleves_lien.responsable_id = sms.responsable_id) END"
    ]
)

# PostgreSQL: one statement picks the due rows (skipping those another worker is claiming right now),
# claims them, counts the attempt, marks the request as started and returns them with the
# responsable's consent. The pick locks each row it keeps after checking it is still released and
# unclaimed, and holds the lock until the commit: no other worker can claim it meanwhile, so a row is
# never claimed twice. The pick runs once (a CTE: as an IN (subquery) its LIMIT may be applied more
# than once); the UPDATE reaches the picked rows, and the consent its responsable, by primary key only,
# whatever the tables' statistics say (a bulk import leaves them stale).
_CLAIM_SQL = f"""
WITH picked AS MATERIALIZED (
    SELECT id FROM sms_outboundsms
    WHERE etablissement_id = %(etablissement_id)s AND state = %(sending)s AND released_at IS NOT NULL
        AND id > %(after)s AND claim_token = '' AND (not_before IS NULL OR not_before <= %(now)s)
    ORDER BY id LIMIT %(limit)s FOR UPDATE SKIP LOCKED
)
UPDATE sms_outboundsms AS sms
SET claim_token = %(token)s, claimed_at = %(now)s, request_started_at = %(now)s,
    attempts = sms.attempts + 1, provider_code = %(provider_code)s
FROM picked
WHERE sms.id = picked.id
RETURNING {_CLAIMED_COLUMNS}
"""


def sms_claim_batch(
    *, etablissement_id: int, limit: int, provider_code: str, after: int = 0, now: datetime | None = None
) -> tuple[str, list[ClaimedSms]]:
    """Claims up to ``limit`` released SMS that are due, with one conditional UPDATE, and marks their
    request as started: from the commit on, a lost answer leaves them in doubt. Returns the claim
    token and the rows won, in order (another worker's claim makes a row lost to this one).

    ``after``: only SMS of a greater id. A worker going through a large release passes the last id it
    claimed, so that each claim starts where the previous one ended instead of walking again past
    every SMS already claimed (those are still released, until their answer is recorded)."""
    now = now or timezone.now()
    params = {
        "token": uuid.uuid4().hex,
        "now": now,
        "etablissement_id": etablissement_id,
        "sending": SmsState.SENDING.value,
        "limit": limit,
        "provider_code": provider_code,
        "after": after,
    }
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(_CLAIM_SQL, params)
            rows = [ClaimedSms(*row) for row in cursor.fetchall()]
    else:
        rows = _claim_portable(**params)
    return params["token"], sorted(rows, key=lambda sms: sms.pk)


def _claim_portable(
    *,
    token: str,
    now: datetime,
    etablissement_id: int,
    sending: str,
    limit: int,
    provider_code: str,
    after: int,
) -> list[ClaimedSms]:
    due = Q(not_before__isnull=True) | Q(not_before__lte=now)
    claimable = OutboundSms.objects.filter(
        RELEASED, due, etablissement_id=etablissement_id, claim_token="", pk__gt=after
    )
    candidates = list(claimable.order_by("pk").values_list("pk", flat=True)[:limit])
    if not candidates:
        return []
    claimable.filter(pk__in=candidates).update(
        claim_token=token,
        claimed_at=now,
        request_started_at=now,
        attempts=F("attempts") + 1,
        provider_code=provider_code,
    )
    linked = Lien.objects.filter(eleve_id=OuterRef("eleve_id"), responsable_id=OuterRef("responsable_id"))
    claimed = (
        OutboundSms.objects.filter(claim_token=token, state=sending)
        .annotate(
            still_linked=Case(
                When(eleve_id__isnull=True, then=None), default=Exists(linked), output_field=BooleanField()
            )
        )
        .values_list(
            *_SMS_FIELDS, *(f"responsable__{field}" for field in _RESPONSABLE_FIELDS), "still_linked"
        )
    )
    return [ClaimedSms(*row) for row in claimed]


NO_LONGER_LINKED = "n'est plus rattaché à l'élève"


def sms_recheck_recipients(*, token: str, rows: Sequence[ClaimedSms]) -> list[ClaimedSms]:
    """The responsable is asked again at dispatch. One who withdrew consent (or lost their mobile), or
    is no longer a responsable of the pupil (a SIECLE import removed the link), is sent nothing: the
    SMS becomes annulé with the reason. One whose mobile changed since the SMS was
    queued gets it at the new number, which the SMS records (the old one may be given up, even be a
    stranger's now). Returns the rows to send, with the number to send to."""
    refused, moved = {}, {}
    for sms in rows:
        if sms.responsable_id is None:
            continue
        changed = sms.tel_mobile != sms.phone  # a new number was not checked when the SMS was queued
        reach = (sms_reach_of if changed else sms_consent)(
            accepte_sms=sms.accepte_sms, tel_mobile=sms.tel_mobile
        )
        if sms.still_linked is False:
            refused[sms.pk] = f"Annulé à l'envoi : le responsable {NO_LONGER_LINKED}"
        elif not reach.can_receive:
            refused[sms.pk] = f"Annulé à l'envoi, le responsable ne peut plus le recevoir : {reach.reason}"
        elif changed:
            moved[sms.pk] = sms.tel_mobile
    if refused:
        _transition(
            list(refused),
            SmsState.CANCELLED,
            where=Q(claim_token=token),
            note=lambda pk: refused[pk],
            error_kind="consent",
            error_message=_value_by_pk(refused),
            # The claim counted an attempt and a request that never happened.
            attempts=F("attempts") - 1,
            request_started_at=None,
        )
    if moved:
        _follow_changed_mobiles(token, moved)
    return [replace(sms, phone=moved.get(sms.pk, sms.phone)) for sms in rows if sms.pk not in refused]


def _follow_changed_mobiles(token: str, phones: dict[int, str]) -> None:
    OutboundSms.objects.filter(pk__in=list(phones), claim_token=token).update(phone=_value_by_pk(phones))
    now = timezone.now()
    SmsHistory.objects.bulk_create(
        SmsHistory(
            sms_id=pk,
            at=now,
            state=SmsState.SENDING,
            note=f"Numéro du responsable modifié depuis la mise en attente : envoyé au {_masked(phone)}",
        )
        for pk, phone in phones.items()
    )


@contextmanager
def answers_transaction():
    """The transaction that records a provider's answers. It commits without waiting for the disk:
    should a database crash lose it, the SMS stay claimed with their request started, and the sweep
    counts them in doubt (never re-sent blindly) — nothing is lost or sent twice, and each batch
    saves a disk flush."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit TO OFF")
        yield


def sms_record_accepted(*, token: str, accepted: dict[int, str], now: datetime | None = None) -> list[int]:
    """The provider took them: en transit, with its message id (pk → provider id)."""
    now = now or timezone.now()
    return _transition(
        list(accepted),
        SmsState.SUBMITTED,
        where=Q(claim_token=token),
        at=now,
        note="Accepté par le fournisseur",
        submitted_at=now,
        provider_id=_value_by_pk(accepted),
        error_kind="",
        error_message="",
    )


def sms_record_rejected(*, token: str, rejected: dict[int, str]) -> list[int]:
    """Refused for itself (bad number, content): invalide, never retried (pk → reason in French)."""
    return _transition(
        list(rejected),
        SmsState.INVALID,
        where=Q(claim_token=token),
        note=lambda pk: rejected[pk],
        error_kind="rejected",
        error_message=_value_by_pk({pk: reason[:300] for pk, reason in rejected.items()}),
    )


IN_DOUBT_MESSAGE = (
    "Envoi non confirmé : le fournisseur a peut-être reçu ce SMS ; il n'est pas renvoyé "
    "automatiquement pour ne pas risquer un doublon."
)


def sms_record_in_doubt(*, ids: Sequence[int], where: Q, reason: str = IN_DOUBT_MESSAGE) -> list[int]:
    """The request may have gone through and its answer is lost: the SMS is counted en transit,
    marked in doubt, and never re-sent blindly (a status report, if one comes, settles it)."""
    return _transition(
        list(ids),
        SmsState.SUBMITTED,
        where=where,
        note=reason,
        in_doubt=True,
        submitted_at=timezone.now(),
        error_kind="in_doubt",
        error_message=reason[:300],
    )


def sms_release_claim(
    *, ids: Sequence[int], where: Q, error_kind: str, error_message: str, not_before: datetime | None = None
) -> int:
    """Gives claimed SMS back to the queue after a failure where the request surely did not go
    through (or the provider takes our reference, so that a re-send is never a duplicate)."""
    if not ids:
        return 0
    return OutboundSms.objects.filter(where, pk__in=list(ids), state=SmsState.SENDING).update(
        claim_token="",
        claimed_at=None,
        request_started_at=None,
        not_before=not_before,
        error_kind=error_kind,
        error_message=error_message[:300],
    )


def sms_fail(*, ids: Sequence[int], where: Q, error_kind: str, error_message: str) -> list[int]:
    """Our side gives up (retries exhausted): échec, with the reason."""
    return _transition(
        list(ids),
        SmsState.FAILED,
        where=where,
        note=error_message,
        error_kind=error_kind,
        error_message=error_message[:300],
    )


# --------------------------------------------------------------------------------------------------
# Delivery reports


def sms_apply_reports(*, rows: dict[str, int], reports: Iterable, now: datetime | None = None) -> int:
    """Applies the provider's status reports to SMS en transit (``rows``: provider id → pk), one
    UPDATE per final state. A report that would move an SMS back, or repeats one already applied,
    changes nothing."""
    by_state: dict[str, dict[int, object]] = {}
    for report in reports:
        pk = rows.get(report.provider_id)
        if pk is not None and report.state in (SmsState.DELIVERED, SmsState.UNDELIVERED, SmsState.INVALID):
            by_state.setdefault(report.state, {})[pk] = report
    changed = 0
    for state, reports_by_pk in by_state.items():
        changed += len(
            _transition(
                list(reports_by_pk),
                state,
                where=Q(state=SmsState.SUBMITTED),
                at=now,
                note=lambda pk, r=reports_by_pk: _report_note(r[pk]),
                error_kind="report" if state != SmsState.DELIVERED else "",
                error_message=(
                    ""
                    if state == SmsState.DELIVERED
                    else "Le réseau n'a pas pu remettre le SMS (téléphone éteint, numéro hors service)"
                    if state == SmsState.UNDELIVERED
                    else "Numéro refusé par le fournisseur"
                ),
            )
        )
    return changed


def _report_note(report) -> str:
    """ "Accusé du fournisseur : délivré", with the provider's own words when it gave some."""
    note = f"Accusé du fournisseur : {SmsState(report.state).label}"
    return f"{note} (réponse « {report.raw} »)" if report.raw else note


def sms_expire_unreported(*, before: datetime) -> int:
    """En transit since before ``before`` with no final report: marked so (never "délivré")."""
    ids = list(
        OutboundSms.objects.filter(state=SmsState.SUBMITTED, submitted_at__lt=before).values_list(
            "pk", flat=True
        )
    )
    message = "Aucun accusé de réception final du fournisseur"
    return len(
        _transition(
            ids, SmsState.EXPIRED, where=Q(submitted_at__lt=before), note=message, error_message=message
        )
    )
