"""The letters and emails outbox: queueing, and the staff's decisions on what waits.

Every change of state is one conditional UPDATE whose WHERE clause carries the state it may leave:
two colleagues clicking "Editer" (or "Envoyer", or "Supprimer") on the same rows at once change
each row once, and each is told how many were already done.

    waiting ──Editer──▶ done (édité)                       courrier
    waiting ──Envoyer──▶ sending ──worker──▶ done (envoyé) | failed (en échec, non confirmé)
       └──Supprimer, justification, deletion──▶ cancelled (kept, with the reason)
"""

import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from eleves.models import Eleve, Responsable
from envois.models import WAITING, Envoi, EnvoiKind, EnvoiState
from envois.reach import envoi_reach, postal_address
from etablissements.services import audit_record
from sconet.outbox import RecipientUnreachable, requeue_candidates


class EnvoiRecipientUnreachable(RecipientUnreachable):
    """``envois_enqueue`` refuses a recipient with no postal address (a letter) or no courriel (an
    email): check ``envoi_reach`` first."""

    def __init__(self, responsable, reason: str):
        super().__init__(responsable, reason, f"{responsable or 'Elève'} : {reason}")


@dataclass(frozen=True)
class EnvoiDraft:
    """What the absences app asks to send; ``dedup_key`` is unique forever (the same key queues once).
    The recipient's name and address (or courriel) are read from ``responsable`` when it is queued."""

    kind: str
    dedup_key: str
    event_key: str
    eleve: Eleve | None
    responsable: Responsable
    recipient_label: str
    subject: str
    text: str
    eleve_label: str
    division_label: str
    event_label: str
    action_label: str


def _row(etablissement, user, draft: EnvoiDraft, now) -> Envoi:
    responsable = draft.responsable
    reach = envoi_reach(draft.kind, responsable)
    if not reach.can_receive:
        raise EnvoiRecipientUnreachable(responsable, reach.reason)
    return Envoi(
        etablissement=etablissement,
        state_changed_at=now,
        created_by=user if user is not None and user.is_authenticated else None,
        recipient_name=str(responsable),
        address_lines="\n".join(postal_address(responsable)) if draft.kind == EnvoiKind.COURRIER else "",
        email=responsable.courriel if draft.kind == EnvoiKind.COURRIEL else "",
        **vars(draft),
    )


@transaction.atomic
def envois_enqueue(*, etablissement, user, drafts: Sequence[EnvoiDraft]) -> list[Envoi]:
    """Puts letters "en attente d'édition" (Courriers) and emails "en attente d'envoi" (Courriels).
    A ``dedup_key`` already used queues nothing more and returns the row queued the first time.
    Raises ``EnvoiRecipientUnreachable`` for a recipient it cannot reach: nothing is queued then."""
    now = timezone.now()
    new_rows = [_row(etablissement, user, draft, now) for draft in drafts]
    keys = [draft.dedup_key for draft in drafts]
    existing = set(
        Envoi.objects.filter(etablissement=etablissement, dedup_key__in=keys).values_list(
            "dedup_key", flat=True
        )
    )
    Envoi.objects.bulk_create(
        [row for row in new_rows if row.dedup_key not in existing], ignore_conflicts=True
    )
    rows = {
        row.dedup_key: row for row in Envoi.objects.filter(etablissement=etablissement, dedup_key__in=keys)
    }
    return [rows[key] for key in dict.fromkeys(keys)]


def envois_cancel_waiting(*, etablissement, event_key: str, reason: str, user, kind: str = "") -> int:
    """The event's letters and emails still waiting become annulé (kept, with the reason, and
    ``kind``: a stable code to find them by); those edited or sent are untouched."""
    return Envoi.objects.filter(WAITING, etablissement=etablissement, event_key=event_key).update(
        state=EnvoiState.CANCELLED,
        state_changed_at=timezone.now(),
        changed_by=user if user is not None and user.is_authenticated else None,
        error_kind=kind,
        error_message=reason[:300],
    )


def envois_requeue_cancelled(*, etablissement, event_key: str, kind: str, user) -> list[Envoi]:
    """The event's letters and emails annulé with ``kind`` (see envois_cancel_waiting) wait again, each
    as a new row (an annulé one stays annulé): e.g. when an event justified by mistake no longer is.
    Each goes to its responsable's address or courriel as it is now; one who can no longer be reached
    gets none. Queues each again once. Returns the rows queued."""
    cancelled = Envoi.objects.filter(
        etablissement=etablissement, event_key=event_key, state=EnvoiState.CANCELLED, error_kind=kind
    ).select_related("responsable", "eleve")
    drafts = [
        EnvoiDraft(
            **{**{name: getattr(envoi, name) for name in EnvoiDraft.__dataclass_fields__}, "dedup_key": key}
        )
        for key, envoi in requeue_candidates(cancelled, etablissement=etablissement).items()
        if envoi_reach(envoi.kind, envoi.responsable).can_receive
    ]
    return envois_enqueue(etablissement=etablissement, user=user, drafts=drafts) if drafts else []


def envois_rerender_waiting(
    *, etablissement, event_key: str, event_label: str, subject: str, text_for: Callable[[Envoi], str]
) -> int:
    """Renders again the event's letters and emails still waiting (the event changed); one edited,
    sent or held by a worker is never changed."""
    changed = 0
    for envoi in Envoi.objects.filter(WAITING, etablissement=etablissement, event_key=event_key):
        changed += Envoi.objects.filter(WAITING, pk=envoi.pk).update(
            text=text_for(envoi), subject=subject, event_label=event_label
        )
    return changed


def _move_waiting(*, etablissement, kind: str, ids: Iterable[int], user, **fields) -> tuple[str, list[int]]:
    """The selected rows still waiting move with ONE conditional UPDATE, stamped with a new batch token
    (one a colleague edited, sent or deleted a moment before is left alone). Returns the token and the
    ids it moved."""
    ids, batch = list(ids), uuid.uuid4().hex
    Envoi.objects.filter(etablissement=etablissement, kind=kind, state=EnvoiState.WAITING, pk__in=ids).update(
        batch=batch, changed_by=user, state_changed_at=timezone.now(), **fields
    )
    return batch, list(Envoi.objects.filter(pk__in=ids, batch=batch).values_list("pk", flat=True))


def _journal(etablissement, user, operation: str, summary: str, **details) -> None:
    audit_record(
        etablissement=etablissement, user=user, action=f"envois.{operation}", summary=summary, details=details
    )


@dataclass(frozen=True)
class Edition:
    token: str
    edited: int


@transaction.atomic
def courriers_edit(*, etablissement, user, ids: Iterable[int]) -> Edition:
    """ "Editer les courriers sélectionnés": the letters still waiting become édités, in ONE conditional
    UPDATE that stamps them with this edition's batch token (its printable page). A letter a colleague
    edited a moment before is not edited again."""
    token, moved = _move_waiting(
        etablissement=etablissement, kind=EnvoiKind.COURRIER, ids=ids, user=user, state=EnvoiState.DONE
    )
    edited = len(moved)
    if edited:
        _journal(
            etablissement,
            user,
            "courriers_edited",
            f"{edited} courrier(s) édité(s) depuis « Courriers »",
            edition=token,
            courriers=edited,
        )
    return Edition(token=token, edited=edited)


@transaction.atomic
def envois_cancel_selected(*, etablissement, user, kind: str, ids: Iterable[int]) -> int:
    """ "Supprimer": the selected letters or emails still waiting become annulé and stay on record."""
    page = "Courriers" if kind == EnvoiKind.COURRIER else "Courriels"
    reason = f"Supprimé par {user} dans « {page} »"
    _, cancelled = _move_waiting(
        etablissement=etablissement, kind=kind, ids=ids, user=user,
        state=EnvoiState.CANCELLED, error_kind="", error_message=reason,
    )  # fmt: skip
    count = len(cancelled)
    if count:
        _journal(
            etablissement,
            user,
            "cancelled",
            f"{count} {EnvoiKind(kind).noun}(s) supprimé(s) de « {page} »",
            kind=kind,
            envois=cancelled,
        )
    return count


@transaction.atomic
def courriels_release(*, etablissement, user, ids: Iterable[int]) -> int:
    """ "Envoyer les courriels sélectionnés": those still waiting go to the workers once this
    transaction commits (the page answers at once). Returns how many."""
    from envois.tasks import courriels_send  # the task module calls these services: import it late

    _, released = _move_waiting(
        etablissement=etablissement, kind=EnvoiKind.COURRIEL, ids=ids, user=user, state=EnvoiState.SENDING
    )
    count = len(released)
    if count:
        _journal(
            etablissement,
            user,
            "courriels_released",
            f"{count} courriel(s) envoyé(s) depuis « Courriels »",
            courriels=released,
        )
        transaction.on_commit(lambda: courriels_send.delay(etablissement.pk))
    return count
