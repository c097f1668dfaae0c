"""The évènements entered by hand (saisie): record, update, delete, and the checks of their dates
(inside the school year, no overlap, a retard inside its slot) that the appel shares."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from eleves.models import Eleve
from envois.services import envois_cancel_waiting, envois_requeue_cancelled
from etablissements.services import audit_record
from sms.services import sms_cancel_waiting, sms_requeue_cancelled

from .. import rendering
from ..models import (
    Action,
    Evenement,
    EvenementAction,
    EvenementType,
    Horaire,
    Justificatif,
    Motif,
    ValeursParDefaut,
)
from ..selectors import Destinataire, destinataires_for_eleves, horaires_for
from .actions import ActionOutcome, actions_apply, actions_rerender
from .parametrages import parametrages_ensure


@dataclass
class EvenementData:
    """The fields of the entry form (Du, Au, Enseignant, ...)."""

    type: str
    debut: datetime
    fin: datetime
    enseignant: str = ""
    discipline: str = ""
    motif: Motif | None = None
    justificatif: Justificatif | None = None
    etablissement_informe: bool = False
    absence_constatee: bool = False
    classe: bool = False
    motif_legitime: bool = False


def check_school_year(*, valeurs: ValeursParDefaut, debut: datetime, fin: datetime) -> None:
    for moment in (debut, fin):
        day = timezone.localtime(moment).date()
        if not valeurs.annee_debut <= day <= valeurs.annee_fin:
            debut_label, fin_label = (
                rendering.date_label(d) for d in (valeurs.annee_debut, valeurs.annee_fin)
            )
            raise ValidationError(
                f"La date du {rendering.date_label(day)} est en dehors de l'année scolaire "
                f"(du {debut_label} au {fin_label})."
            )


def _check_dates(*, etablissement, eleves: Sequence[Eleve], debut, fin, exclude_pk=None) -> None:
    """Au after Du, inside the school year, and no other event of the same pupil at the same time."""
    if fin <= debut:
        raise ValidationError("La fin (Au) doit être postérieure au début (Du).")
    check_school_year(valeurs=parametrages_ensure(etablissement=etablissement), debut=debut, fin=fin)
    overlapping = (
        Evenement.objects.filter(eleve__in=eleves, debut__lt=fin, fin__gt=debut)
        .exclude(pk=exclude_pk)
        .select_related("eleve")
        .first()
    )
    if overlapping is not None:
        raise ValidationError(
            f"{overlapping.eleve.nom} {overlapping.eleve.prenom} a déjà un évènement qui chevauche celui-ci "
            f"({rendering.evenement_label(overlapping)}) : rien n'a été enregistré."
        )


def _check_retard(*, etablissement, debut: datetime, fin: datetime) -> None:
    """A retard is an arrival: it starts with a slot (Du) and ends when the pupil arrives, in that slot.
    Arriving later means the slots before were missed: those are an absence."""
    start = timezone.localtime(debut)
    slot = next(
        (h for h in horaires_for(etablissement=etablissement) if h.debut <= start.time() < h.fin),
        None,
    )
    if slot is None:
        raise ValidationError(
            "Un retard commence au début d'un créneau : choisissez l'heure du créneau (Du)."
        )
    check_arrival(slot=slot, debut=debut, fin=fin)


def check_arrival(*, slot: Horaire, debut: datetime, fin: datetime, who: str = "") -> None:
    """The arrival of a retard in ``slot``: after its start (Du), at its end at the latest, the same
    day. ``who`` names the pupil when several are recorded at once (the appel)."""
    start, end = timezone.localtime(debut), timezone.localtime(fin)
    if end <= start:
        message = f"L'heure d'arrivée doit être après {start:%H:%M}, le début du créneau."
    elif end.date() != start.date() or end.time() > slot.fin:
        message = (
            f"Un retard tient dans son créneau (de {slot.debut:%H:%M} à {slot.fin:%H:%M}) : pour une "
            f"arrivée après {slot.fin:%H:%M}, saisissez une absence sur les créneaux manqués, puis le retard."
        )
    else:
        return
    raise ValidationError(f"{who} : {message[0].lower()}{message[1:]}" if who else message)


def _check_evenement(*, etablissement, eleves: Sequence[Eleve], data: EvenementData, exclude_pk=None) -> None:
    if data.type == EvenementType.RETARD:
        _check_retard(etablissement=etablissement, debut=data.debut, fin=data.fin)
    _check_dates(
        etablissement=etablissement, eleves=eleves, debut=data.debut, fin=data.fin, exclude_pk=exclude_pk
    )


def lock_eleves(eleves: Sequence[Eleve]) -> None:
    """Two entries for the same pupil at once: the second waits, then sees the first (no double event)."""
    list(Eleve.objects.select_for_update().filter(pk__in=[e.pk for e in eleves]).values_list("pk"))


def _chosen_destinataires(eleve: Eleve, keys: Sequence[str]) -> list[Destinataire]:
    available = destinataires_for_eleves(eleves=[eleve]).get(eleve.pk, [])
    return [d for d in available if d.key in keys]


def evenement_record(
    *,
    etablissement,
    user,
    eleve: Eleve,
    data: EvenementData,
    token: str,
    action: Action | None = None,
    destinataires: Sequence[str] = (),
) -> ActionOutcome:
    """Records an absence or a retard and the action chosen with it ("Valider" of the entry form).

    The same ``token`` twice (a double click, a resent form) records once and queues nothing more.
    """
    existing = Evenement.objects.filter(etablissement=etablissement, token=token).first()
    if existing is not None:
        return ActionOutcome(evenements=[existing], already_done=True)
    outcome = ActionOutcome()
    with transaction.atomic():
        lock_eleves([eleve])
        _check_evenement(etablissement=etablissement, eleves=[eleve], data=data)
        evenement = Evenement.objects.create(
            etablissement=etablissement, eleve=eleve, token=token, created_by=user, **vars(data)
        )
        outcome.evenements.append(evenement)
        if action is not None:
            actions_apply(
                etablissement=etablissement,
                user=user,
                action=action,
                chosen=[(evenement, _chosen_destinataires(eleve, destinataires))],
                token=token,
                outcome=outcome,
            )
    return outcome


# The SMS (courriers, courriels) a justification cancelled, found again if the event is no longer justified.
JUSTIFIED = "evenement_justifie"


def evenement_update(
    *,
    etablissement,
    user,
    evenement: Evenement,
    data: EvenementData,
    token: str,
    action: Action | None = None,
    destinataires: Sequence[str] = (),
) -> ActionOutcome:
    """Modifies an event. Its SMS, courriers and courriels still waiting are re-rendered, or cancelled
    if it is now justified (and queued again, as new ones, if it no longer is); one already sent or
    edited never changes. A new action is recorded (once per form token)."""
    outcome = ActionOutcome(evenements=[evenement])
    with transaction.atomic():
        lock_eleves([evenement.eleve])
        _check_evenement(
            etablissement=etablissement, eleves=[evenement.eleve], data=data, exclude_pk=evenement.pk
        )
        was_justified = evenement.justifie
        for name, value in vars(data).items():
            setattr(evenement, name, value)
        evenement.save()
        if evenement.justifie and not was_justified:
            for cancel_waiting in (sms_cancel_waiting, envois_cancel_waiting):
                cancel_waiting(
                    etablissement=etablissement,
                    event_key=evenement.event_key,
                    reason="Évènement justifié avant l'envoi",
                    kind=JUSTIFIED,
                    user=user,
                )
        else:
            if was_justified and not evenement.justifie:
                requeue = {
                    "etablissement": etablissement,
                    "event_key": evenement.event_key,
                    "kind": JUSTIFIED,
                }
                outcome.requeued = len(sms_requeue_cancelled(**requeue, user=user))
                for envoi in envois_requeue_cancelled(**requeue, user=user):
                    outcome.requeued_envois[envoi.kind] = outcome.requeued_envois.get(envoi.kind, 0) + 1
            actions_rerender(etablissement=etablissement, evenement=evenement)
        if action is not None and not EvenementAction.objects.filter(token=token).exists():
            actions_apply(
                etablissement=etablissement,
                user=user,
                action=action,
                chosen=[(evenement, _chosen_destinataires(evenement.eleve, destinataires))],
                token=token,
                outcome=outcome,
            )
    return outcome


def evenement_delete(*, etablissement, user, evenement: Evenement) -> int:
    """Deletes an event; its SMS, courriers and courriels still waiting are cancelled (kept, shown
    annulé). Returns how many SMS."""
    with transaction.atomic():
        cancel = {"etablissement": etablissement, "event_key": evenement.event_key, "user": user}
        cancelled = sms_cancel_waiting(**cancel, reason="Évènement supprimé")
        envois_cancelled = envois_cancel_waiting(**cancel, reason="Évènement supprimé")
        audit_record(
            etablissement=etablissement,
            user=user,
            action="absences.evenement_deleted",
            summary=f"{rendering.evenement_label(evenement)} de {evenement.eleve} supprimée",
            details={"evenement": evenement.pk, "sms_annules": cancelled, "envois_annules": envois_cancelled},
        )
        evenement.delete()
    return cancelled
