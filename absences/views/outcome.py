from django.contrib import messages

from envois.models import EnvoiKind

from ..models import Traitement
from ..services import ActionOutcome

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
    if outcome.action is not None:
        words = QUEUED.get(outcome.action.traitement)
        if words is None:
            messages.info(request, f"Action « {outcome.action.libelle_long} » ajoutée à l'historique.")
            return
        queued, not_reached = words
        if outcome.queued:
            messages.success(request, f"{len(outcome.queued)} {queued} : " + " ; ".join(outcome.queued))
        if outcome.not_reached:
            messages.warning(request, not_reached + " ; ".join(outcome.not_reached))
