"""The appel: one évènement per pupil ticked on a slot, absent or late, and the actions for all."""

from collections.abc import Mapping, Sequence
from datetime import date, datetime, time

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from eleves.models import Eleve
from etablissements.services import audit_record

from .. import rendering
from ..models import Action, AppelActions, Evenement, EvenementType, Horaire
from ..selectors import appel_already_recorded, destinataires_for_eleves
from .actions import ActionOutcome, actions_apply
from .evenements import check_arrival, check_school_year, lock_eleves
from .parametrages import parametrages_ensure


def _appel_actions_apply(
    *, etablissement, user, actions: Mapping[str, Action | None], token: str, outcome: ActionOutcome
) -> None:
    """Each type of évènement of the appel gets its action (none for AUCUNE), to the responsables
    légaux of each pupil; the recipients of all are found at once."""
    evenements = [e for e in outcome.evenements if actions[e.type] is not None]
    if not evenements:
        return
    recipients = destinataires_for_eleves(eleves=[evenement.eleve for evenement in evenements])
    for type_, action in actions.items():
        chosen = [
            (evenement, [d for d in recipients[evenement.eleve_id] if d.legal])
            for evenement in evenements
            if evenement.type == type_
        ]
        if chosen:
            actions_apply(
                etablissement=etablissement,
                user=user,
                action=action,
                chosen=chosen,
                token=token,
                outcome=outcome,
                per_eleve=True,
            )


def appel_record(
    *,
    etablissement,
    user,
    eleves: Sequence[Eleve],
    horaire: Horaire,
    day: date,
    token: str,
    action: Action | None = None,
    retard_action: Action | None = None,
    arrivals: Mapping[int, time] | None = None,
) -> ActionOutcome:
    """The roll call: one event per pupil on the slot, ``action`` once for all the absences and
    ``retard_action`` once for all the retards (an SMS action goes to each pupil's responsables
    légaux). A pupil with an arrival time (``arrivals``, by pupil id) is a retard from the slot's start
    to the arrival, inside the slot as in the saisie; the others are absent. A pupil who already has an
    event on the slot (an earlier appel, an entry by hand) is left as recorded and named in the
    outcome; the others are recorded all the same. A constant number of queries."""
    tz = timezone.get_current_timezone()
    debut, fin = datetime.combine(day, horaire.debut, tz), datetime.combine(day, horaire.fin, tz)
    arrivals = {pk: datetime.combine(day, arrival, tz) for pk, arrival in (arrivals or {}).items()}
    errors = []  # every wrong arrival of the class at once, not the first one alone
    for eleve in eleves:
        if eleve.pk in arrivals:
            try:
                check_arrival(
                    slot=horaire, debut=debut, fin=arrivals[eleve.pk], who=f"{eleve.nom} {eleve.prenom}"
                )
            except ValidationError as error:
                errors.extend(error.messages)
    if errors:
        raise ValidationError(errors)
    if Evenement.objects.filter(etablissement=etablissement, token__startswith=f"{token}:").exists():
        return ActionOutcome(already_done=True)
    outcome = ActionOutcome()
    with transaction.atomic():
        lock_eleves(eleves)
        recorded = appel_already_recorded(eleves=eleves, day=day, horaire=horaire)
        outcome.already_recorded = [
            f"{eleve.nom} {eleve.prenom} ({rendering.evenement_label(recorded[eleve.pk])})"
            for eleve in eleves
            if eleve.pk in recorded
        ]
        eleves = [eleve for eleve in eleves if eleve.pk not in recorded]
        if not eleves:
            return outcome
        # No overlap is left to look for: those ticked are locked, and those recorded set aside.
        check_school_year(valeurs=parametrages_ensure(etablissement=etablissement), debut=debut, fin=fin)
        outcome.evenements = Evenement.objects.bulk_create(
            Evenement(
                etablissement=etablissement,
                eleve=eleve,
                type=EvenementType.RETARD if eleve.pk in arrivals else EvenementType.ABSENCE,
                debut=debut,
                fin=arrivals.get(eleve.pk, fin),
                absence_constatee=eleve.pk not in arrivals,
                token=f"{token}:{eleve.pk}",
                created_by=user,
            )
            for eleve in eleves
        )
        _appel_actions_apply(
            etablissement=etablissement,
            user=user,
            actions={EvenementType.ABSENCE: action, EvenementType.RETARD: retard_action},
            token=token,
            outcome=outcome,
        )
        retards = sum(1 for eleve in eleves if eleve.pk in arrivals)
        audit_record(
            etablissement=etablissement,
            user=user,
            action="absences.appel_recorded",
            summary=(
                f"Appel du {day:%d/%m/%Y} {horaire.libelle} : {len(eleves) - retards} absent(s)"
                + (f", {retards} retard(s)" if retards else "")
            ),
            details={
                "horaire": horaire.pk,
                "absents": len(eleves) - retards,
                "retards": retards,
                "sms": len(outcome.queued),
            },
        )
    return outcome


def appel_actions_remember(
    *, etablissement, user, action: Action | None, retard_action: Action | None
) -> None:
    """The actions of the user's last appel, for their next one (kept in the database: a session
    ends after two idle hours, and the next morning's appel would start again from AUCUNE)."""
    AppelActions.objects.bulk_create(  # one upsert: the appel's queries stay the same, first time or not
        [AppelActions(etablissement=etablissement, user=user, action=action, retard_action=retard_action)],
        update_conflicts=True,
        unique_fields=["etablissement", "user"],
        update_fields=["action", "retard_action"],
    )
