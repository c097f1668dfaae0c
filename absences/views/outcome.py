from django.contrib import messages

from ..services import ActionOutcome


def outcome_report(request, outcome: ActionOutcome) -> None:
    """The confirmation: saved, who gets an SMS, and who does not and why (nothing dropped silently)."""
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
    if outcome.already_recorded:
        messages.warning(
            request,
            "Déjà enregistré(s) sur ce créneau, laissé(s) tel(s) quel(s) : "
            + " ; ".join(outcome.already_recorded),
        )
    if outcome.action is not None:
        if outcome.queued:
            messages.success(
                request,
                f"{len(outcome.queued)} SMS en attente de diffusion (SMS à diffuser) : "
                + " ; ".join(outcome.queued),
            )
        if outcome.not_reached:
            messages.warning(request, "Pas de SMS pour : " + " ; ".join(outcome.not_reached))
        if not outcome.action.sends_sms:
            messages.info(request, f"Action « {outcome.action.libelle_long} » ajoutée à l'historique.")
