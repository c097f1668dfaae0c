"""The SMS outbox and each établissement's provider settings.

Rows are only ever changed through ``sms.services`` (the outbox's state machine lives in
``sms/services/outbox.py``).
"""

import uuid
from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from eleves.models import Eleve, Responsable
from eleves.sms_reach import SmsReach, sms_consent
from etablissements.models import Etablissement
from sconet.outbox import OutboxSnapshot


class SmsState(models.TextChoices):
    """Our status words (providers.md), as SCONET shows them."""

    QUEUED = "queued", "en attente de diffusion"
    SENDING = "sending", "en cours d'envoi"
    SUBMITTED = "submitted", "en transit"
    DELIVERED = "delivered", "délivré"
    INVALID = "invalid", "invalide"
    UNDELIVERED = "undelivered", "non remis"
    EXPIRED = "expired", "sans accusé de réception"
    FAILED = "failed", "échec"
    CANCELLED = "cancelled", "annulé"


FINAL_STATES = (
    SmsState.DELIVERED,
    SmsState.INVALID,
    SmsState.UNDELIVERED,
    SmsState.EXPIRED,
    SmsState.FAILED,
    SmsState.CANCELLED,
)

# An SMS that did not reach its family for a reason a corrected number may cure: sent again, as a new SMS.
RESENDABLE_STATES = (SmsState.INVALID, SmsState.UNDELIVERED, SmsState.FAILED, SmsState.EXPIRED)

# Still waiting: not dispatched, or released but neither claimed by a worker nor ever handed to a
# provider (e.g. outside the sending hours). Such an SMS may still be cancelled or re-rendered.
WAITING = Q(state=SmsState.QUEUED) | Q(state=SmsState.SENDING, claim_token="", request_started_at=None)


def new_reference() -> str:
    return uuid.uuid4().hex


class ProviderSettings(models.Model):
    """The "Fournisseur de services" of one établissement (each school subscribes on its own)."""

    etablissement = models.OneToOneField(
        Etablissement, on_delete=models.CASCADE, related_name="sms_provider_settings"
    )
    provider_code = models.CharField("Nom du fournisseur de service", max_length=30, blank=True)
    login = models.CharField("Clé d'identification", max_length=120, blank=True)
    # A Fernet token (sms.crypto), never the password itself.
    password_encrypted = models.TextField("mot de passe chiffré", blank=True)
    option1 = models.CharField("Option 1", max_length=120, blank=True)
    option2 = models.CharField("Option 2", max_length=120, blank=True)
    window_start = models.TimeField("envoi des SMS à partir de", null=True, blank=True)
    window_end = models.TimeField("envoi des SMS jusqu'à", null=True, blank=True)
    # A permanent failure (credentials refused, no credit) stops sending until the settings change.
    sending_blocked = models.BooleanField("envoi suspendu", default=False)
    last_failure_at = models.DateTimeField("dernier échec", null=True, blank=True)
    last_failure_message = models.CharField("motif du dernier échec", max_length=300, blank=True)
    updated_at = models.DateTimeField("mis à jour le", auto_now=True)

    class Meta:
        verbose_name = "fournisseur de services"
        verbose_name_plural = "fournisseurs de services"

    def __str__(self) -> str:
        return f"{self.etablissement} : {self.provider_code or 'aucun'}"

    def in_sending_window(self, at: datetime) -> bool:
        """Whether SMS may leave at ``at`` (the optional sending hours, possibly across midnight)."""
        start, end = self.window_start, self.window_end
        if start is None or end is None:
            return True
        local = timezone.localtime(at).time()
        return start <= local < end if start < end else (local >= start or local < end)

    def sending_resumes_at(self, at: datetime) -> datetime | None:
        """When SMS held back by the sending hours at ``at`` leave (the next opening); None within them."""
        if self.in_sending_window(at):
            return None
        local = timezone.localtime(at)
        opening = datetime.combine(local.date(), self.window_start, tzinfo=local.tzinfo)
        return opening if opening > local else opening + timedelta(days=1)


class ProviderSettingsChange(models.Model):
    """The journal of the Fournisseur de services page: who changed which fields, when (never a secret)."""

    etablissement = models.ForeignKey(
        Etablissement, on_delete=models.CASCADE, related_name="sms_provider_changes"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    username = models.CharField("utilisateur", max_length=150)
    at = models.DateTimeField("date", auto_now_add=True)
    fields = models.JSONField("champs modifiés", default=list)
    summary = models.CharField("description", max_length=300)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = "modification du fournisseur de services"

    def __str__(self) -> str:
        return f"{self.at:%d/%m/%Y %H:%M} {self.username} : {self.summary}"


class OutboundSms(OutboxSnapshot):
    """One SMS to one recipient: the outbox row.

    It carries a snapshot of what the pages show (pupil, division, event, action), so that the
    lists need no join and stay true after the pupil or the event changed.
    """

    # The foreign keys below have no index of their own: every index of the outbox that is searched
    # leads with the établissement (see Meta), and no page or worker looks an SMS up by pupil,
    # responsable or user (only a rare deletion nulls them). Each index costs every state change.
    etablissement = models.ForeignKey(
        Etablissement, on_delete=models.CASCADE, related_name="sms", db_index=False
    )
    reference = models.CharField("référence", max_length=40, default=new_reference)
    eleve = models.ForeignKey(
        Eleve, on_delete=models.SET_NULL, null=True, blank=True, related_name="sms", db_index=False
    )
    responsable = models.ForeignKey(
        Responsable, on_delete=models.SET_NULL, null=True, blank=True, related_name="sms", db_index=False
    )
    phone = models.CharField("numéro", max_length=20)
    text = models.TextField("texte")
    encoding = models.CharField("codage", max_length=8)
    parts = models.PositiveSmallIntegerField("nombre de SMS", default=1)
    sender = models.CharField("émetteur", max_length=30, blank=True)
    service_code = models.CharField("code fournisseur de service", max_length=20, default="0")

    state = models.CharField("état", max_length=12, choices=SmsState.choices, default=SmsState.QUEUED)
    state_changed_at = models.DateTimeField("date de l'état")
    created_at = models.DateTimeField("créé le", auto_now_add=True)
    released_at = models.DateTimeField("diffusé le", null=True, blank=True)
    # Who clicked "Diffuser". No database constraint: a release writes this on thousands of rows at
    # once, and PostgreSQL would check the user again for each of them; the user is the request's own,
    # and a deletion still nulls it (Django's on_delete).
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    # The worker's claim: set by one conditional UPDATE, so that only one worker holds a message.
    claim_token = models.CharField(max_length=32, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    # Set just before the request leaves: a claim taken back after this is "in doubt", never re-sent blindly.
    request_started_at = models.DateTimeField(null=True, blank=True)
    not_before = models.DateTimeField("prochaine tentative", null=True, blank=True)
    attempts = models.PositiveSmallIntegerField("tentatives", default=0)
    provider_code = models.CharField("fournisseur", max_length=30, blank=True)
    provider_id = models.CharField("identifiant chez le fournisseur", max_length=80, blank=True)
    submitted_at = models.DateTimeField("transmis le", null=True, blank=True)
    in_doubt = models.BooleanField("envoi non confirmé", default=False)
    error_kind = models.CharField("type d'erreur", max_length=30, blank=True)
    error_message = models.CharField("motif", max_length=300, blank=True)
    # Sent again as that new SMS (at most once: a partial unique constraint, see Meta).
    resent_as = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", db_index=False
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "SMS"
        verbose_name_plural = "SMS"
        constraints = [
            models.UniqueConstraint(fields=["reference"], name="unique_sms_reference"),
            models.UniqueConstraint(
                fields=["resent_as"], condition=Q(resent_as__isnull=False), name="unique_sms_resent_as"
            ),
            models.UniqueConstraint(fields=["etablissement", "dedup_key"], name="unique_sms_dedup_key"),
            # The workers only look among released SMS (the index sms_released).
            models.CheckConstraint(
                condition=~Q(state=SmsState.SENDING) | Q(released_at__isnull=False),
                name="sms_sending_is_released",
            ),
        ]
        # The lists filter by school and state and sort by date: each reads one index range in order.
        indexes = [
            models.Index(
                fields=["etablissement", "state", "state_changed_at", "id"], name="sms_etab_state_changed"
            ),
            models.Index(
                fields=["etablissement", "created_at", "id"],
                condition=Q(state=SmsState.QUEUED),
                name="sms_waiting",
            ),
            models.Index(
                fields=["etablissement", "submitted_at"],
                condition=Q(submitted_at__isnull=False),
                name="sms_etab_submitted",
            ),
            models.Index(fields=["etablissement", "event_key"], name="sms_etab_event"),
            # The workers' working sets, each small whatever the size of the table: the SMS released
            # to the workers (claimed from here, by school and in order; the sweep finds dead
            # workers' claims here), those en transit with a provider id (polled from here), and
            # those en transit since a known time (expired from here). Each predicate says more than
            # "state = X": a state change, guarded by "state = X" and addressed by primary key, can
            # never pick one of these on the strength of statistics that still describe the table
            # before a large release. No claim column is indexed, so that a worker's claim rewrites
            # its rows in place (a HOT update, with room kept in each page by the fillfactor).
            models.Index(
                fields=["etablissement", "id"],
                condition=Q(state=SmsState.SENDING, released_at__isnull=False),
                name="sms_released",
            ),
            models.Index(
                fields=["etablissement", "id"],
                condition=Q(state=SmsState.SUBMITTED) & ~Q(provider_id=""),
                name="sms_polled",
            ),
            models.Index(
                fields=["submitted_at"],
                condition=Q(state=SmsState.SUBMITTED, submitted_at__isnull=False),
                name="sms_unreported",
            ),
        ]

    def __str__(self) -> str:
        return f"SMS {self.pk} à {self.recipient_label} ({self.status_display})"

    @property
    def resent(self) -> "OutboundSms | None":
        """The new SMS this one was sent again as, unless that one was deleted before leaving."""
        if self.resent_as_id is None or self.resent_as.state == SmsState.CANCELLED:
            return None
        return self.resent_as

    @property
    def can_be_resent(self) -> bool:
        return self.state in RESENDABLE_STATES and self.resent is None and self.responsable_accepts_sms

    @property
    def responsable_accepts_sms(self) -> bool:
        return self.responsable is None or self.responsable.accepte_sms

    @property
    def recipient_consent(self) -> SmsReach:
        """Whether the responsable can still receive it, as the dispatch will ask."""
        if self.responsable is None:
            return SmsReach(True)
        return sms_consent(accepte_sms=self.responsable.accepte_sms, tel_mobile=self.responsable.tel_mobile)

    @property
    def awaiting_worker(self) -> bool:
        """Released, and no worker holds it yet: outside the sending hours, awaiting a retry, or while
        sending is suspended."""
        return self.state == SmsState.SENDING and not self.claim_token

    @property
    def status_display(self) -> str:
        """The state as the staff read it. "En cours d'envoi" means that a worker holds the SMS and
        its request may be under way (providers.md); one awaiting a worker is "en attente d'envoi"."""
        return "en attente d'envoi" if self.awaiting_worker else self.get_state_display()

    @property
    def state_label(self) -> str:
        """ "Msg 11188 - en transit - 15/02/2008 à 14:40", as SCONET's Etat de diffusion."""
        at = timezone.localtime(self.state_changed_at)
        number = f"Msg {self.provider_id} - " if self.provider_id else ""
        return f"{number}{self.status_display} - {at:%d/%m/%Y} à {at:%H:%M}"


class SmsHistory(models.Model):
    """Every change of an SMS's state, and every status report received from the provider."""

    # No database constraint: history lines are only written by the state machine, in the statement
    # that moved their SMS (from the ids its UPDATE returned), and PostgreSQL would check each line
    # against the outbox again, at every commit of every batch. Deleting an SMS still deletes its
    # history (Django's on_delete).
    sms = models.ForeignKey(
        OutboundSms, on_delete=models.CASCADE, related_name="history", db_constraint=False
    )
    at = models.DateTimeField("date")
    state = models.CharField("état", max_length=12, choices=SmsState.choices)
    note = models.CharField("détail", max_length=300, blank=True)
    raw = models.CharField("réponse du fournisseur", max_length=300, blank=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = "historique d'un SMS"

    def __str__(self) -> str:
        return f"{self.sms_id} {self.state} {self.at:%d/%m/%Y %H:%M}"

    @property
    def state_display(self) -> str:
        """A line in "sending" records the Diffuser (or what happened while a worker held the SMS):
        "diffusé", since "en cours d'envoi" alone would say a request is under way."""
        return "diffusé" if self.state == SmsState.SENDING else self.get_state_display()
