"""What the outboxes of the families' messages share (``sms.OutboundSms``, ``envois.Envoi``): the
snapshot each row carries of what the Envoi aux familles lists show and sort by (``sconet.lists``), so
that they need no join and stay true after the pupil or the event changed."""

from django.db import models


class OutboxSnapshot(models.Model):
    # Unique per établissement: the same key queues once (validating the same form twice).
    dedup_key = models.CharField("clé d'unicité", max_length=200)
    # How the absences app names the event ("absences.evenement:12"): its justification or deletion
    # finds the event's messages by it.
    event_key = models.CharField("évènement", max_length=120)
    recipient_label = models.CharField("Destinataire", max_length=120)  # "Légal 1 - Financier"
    eleve_label = models.CharField("Nom élève", max_length=220)
    division_label = models.CharField("Division", max_length=40, blank=True)
    event_label = models.CharField("Evènement", max_length=200)
    action_label = models.CharField("Action", max_length=120)

    class Meta:
        abstract = True


def requeue_candidates(cancelled: models.QuerySet, *, etablissement) -> dict:
    """Rows annulé to be queued again as new rows (an annulé row stays annulé: states only move
    forward), each by the dedup key of its new row; those queued again before are left out, so that
    each is queued again once."""
    by_key = {f"{row.dedup_key}:remis:{row.pk}": row for row in cancelled}
    queued_before = set(
        cancelled.model.objects.filter(etablissement=etablissement, dedup_key__in=list(by_key)).values_list(
            "dedup_key", flat=True
        )
    )
    return {key: row for key, row in by_key.items() if key not in queued_before}


class RecipientUnreachable(ValueError):
    """An outbox refuses to queue for a recipient it cannot reach (ask the app's reach rule first)."""

    def __init__(self, responsable, reason: str, message: str):
        super().__init__(message)
        self.responsable = responsable
        self.reason = reason
