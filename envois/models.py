"""The outbox of letters (courriers) and emails (courriels) to the families.

One row is one letter or one email to one recipient. Like the SMS outbox it carries a snapshot of
what the pages show (pupil, division, event, action, recipient and their address), and the subject
and text rendered when it was queued: the lists need no join, and a letter printed again reads as
the first time. Rows are only ever changed through ``envois.services``.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from eleves.models import Eleve, Responsable
from etablissements.models import Etablissement
from sconet.outbox import OutboxSnapshot


class EnvoiKind(models.TextChoices):
    COURRIER = "courrier", "Courrier"
    COURRIEL = "courriel", "Courriel"

    @property
    def noun(self) -> str:
        """« courrier » or « courriel », as the pages and their messages say it."""
        return self.label.lower()


class EnvoiState(models.TextChoices):
    """A letter goes from en attente to édité; an email from en attente to envoyé (or en échec),
    through "en cours d'envoi" once released to the workers. Either may be annulé while it waits."""

    WAITING = "waiting", "en attente"
    SENDING = "sending", "en cours d'envoi"
    DONE = "done", "édité ou envoyé"
    FAILED = "failed", "en échec"
    CANCELLED = "cancelled", "annulé"


# Still waiting: not released, or an email released but not yet claimed by a worker. Such a row may
# still be cancelled or rendered again.
WAITING = Q(state=EnvoiState.WAITING) | Q(state=EnvoiState.SENDING, claim_token="")


class Envoi(OutboxSnapshot):
    # No index on the foreign keys: every searched index leads with the établissement (see Meta).
    etablissement = models.ForeignKey(
        Etablissement, on_delete=models.CASCADE, related_name="envois", db_index=False
    )
    kind = models.CharField("type", max_length=8, choices=EnvoiKind.choices)
    eleve = models.ForeignKey(
        Eleve, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", db_index=False
    )
    responsable = models.ForeignKey(
        Responsable, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", db_index=False
    )
    recipient_name = models.CharField("nom du destinataire", max_length=220)  # "Monsieur REITER Daniel"
    address_lines = models.TextField("adresse postale", blank=True)  # one line each, "69003 LYON" last
    email = models.EmailField("courriel", blank=True)
    subject = models.CharField("objet", max_length=250)
    text = models.TextField("texte")

    state = models.CharField("état", max_length=10, choices=EnvoiState.choices, default=EnvoiState.WAITING)
    state_changed_at = models.DateTimeField("date de l'état", default=timezone.now)
    created_at = models.DateTimeField("créé le", auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        db_index=False,
    )  # fmt: skip
    # Who edited the letter, or released the email ("Envoyer"), or deleted either.
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        db_index=False,
    )  # fmt: skip
    # The click (Editer, Envoyer, Supprimer) that last moved the row: the letters of one "Editer" are
    # read by it for that click's printable page.
    batch = models.CharField(max_length=32, blank=True)
    # The workers' claim of an email (one conditional UPDATE); the start of its SMTP transaction,
    # set just before: a claim taken back after it is "non confirmé", never sent again blindly.
    claim_token = models.CharField(max_length=32, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    send_started_at = models.DateTimeField(null=True, blank=True)
    not_before = models.DateTimeField("prochaine tentative", null=True, blank=True)
    attempts = models.PositiveSmallIntegerField("tentatives", default=0)
    in_doubt = models.BooleanField("envoi non confirmé", default=False)
    # A stable code to find rows by (e.g. those a justification cancelled), and the reason in French.
    error_kind = models.CharField("type d'erreur", max_length=30, blank=True)
    error_message = models.CharField("motif", max_length=300, blank=True)

    class Meta:
        ordering = ["-state_changed_at", "-pk"]
        verbose_name = "courrier ou courriel"
        verbose_name_plural = "courriers et courriels"
        constraints = [
            models.UniqueConstraint(fields=["etablissement", "dedup_key"], name="unique_envoi_dedup_key"),
        ]
        indexes = [
            # Every list (en attente, édités, envoyés, en échec, annulés) is one school, one kind and
            # one state, by date: it reads one range of this index, in order, in either direction.
            models.Index(
                fields=["etablissement", "kind", "state", "state_changed_at", "id"], name="envoi_list"
            ),
            models.Index(fields=["etablissement", "event_key"], name="envoi_event"),
            models.Index(fields=["batch"], condition=~Q(batch=""), name="envoi_batch"),
            # The workers' working set: the emails released to them, small whatever the table's size.
            models.Index(fields=["etablissement", "id"], condition=Q(state="sending"), name="envoi_sending"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.pk} à {self.recipient_name} ({self.status_display})"

    @property
    def is_courrier(self) -> bool:
        return self.kind == EnvoiKind.COURRIER

    @property
    def status_display(self) -> str:
        if self.state == EnvoiState.DONE:
            return "édité" if self.is_courrier else "envoyé"
        if self.state == EnvoiState.FAILED and self.in_doubt:
            return "envoi non confirmé"
        return self.get_state_display()

    @property
    def address(self) -> list[str]:
        return self.address_lines.splitlines()
