from django.contrib import messages

from envois.models import EnvoiKind

from ..models import Traitement
from ..services import ActionApplied, ActionOutcome

# What an action queued, and who it could not reach: in the words of the page that lists them.
QUEUED = {
    Traitement.SMS: ("SMS en attente de diffusion (SMS à diffuser)", "Pas de SMS pour : "),
    Traitement.COURRIER: ("courrier(s) en attente d'édition (Courriers)", "Pas de courrier pour : "),
    Traitement.COURRIEL: ("courriel(s) en attente d'envoi (Courriels)", "Pas de courriel pour : "),
}


def outcome_report(request, outcome: ActionOutcome) -> None:
    """The confirmation: saved, who gets an SMS (a letter, an email), and who does not and why
    (nothing dropped silently)."""
    if outcome.already_done:
        messages.info(
            request, "Ce formulaire avait déjà été validé : rien n'a été enregistré une seconde fois."
        )
        return
    messages.success(request, f"{len(outcome.evenements)} évènement(s) enregistré(s).")
    if outcome.requeued:
        messages.info(
            request,
            f"{outcome.requeued} SMS annulé(s) par la justification remis en attente de diffusion "
            "(SMS à diffuser) : l'évènement n'est plus justifié.",
        )
    for kind, count in outcome.requeued_envois.items():
        messages.info(
            request,
            f"{count} {EnvoiKind(kind).noun}(s) annulé(s) par la justification remis en attente "
            f"({kind.capitalize()}s) : l'évènement n'est plus justifié.",
        )
    if outcome.already_recorded:
        messages.warning(
            request,
            "Déjà enregistré(s) sur ce créneau, laissé(s) tel(s) quel(s) : "
            + " ; ".join(outcome.already_recorded),
        )
    for applied in outcome.applied:
        _applied_report(request, applied, named=len(outcome.applied) > 1)


def _applied_report(request, applied: ActionApplied, *, named: bool) -> None:
    """One action's report; named when an appel applied two (one for its absences, one for its
    retards)."""
    action = applied.action
    words = QUEUED.get(action.traitement)
    if words is None:
        messages.info(request, f"Action « {action.libelle_long} » ajoutée à l'historique.")
        return
    queued, not_reached = words
    prefix = f"{action.libelle_court} : " if named else ""
    if applied.queued:
        messages.success(request, f"{prefix}{len(applied.queued)} {queued} : " + " ; ".join(applied.queued))
    if applied.not_reached:
        messages.warning(request, prefix + not_reached + " ; ".join(applied.not_reached))
