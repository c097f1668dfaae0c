from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from .journal import SYSTEM_USERNAME, operation_label

UAI_KEY_LETTERS = "ABCDEFGHJKLMNPRSTUVWXYZ"


def validate_uai(value: str) -> None:
    """A UAI is 7 digits and a check letter: "ABCDEFGHJKLMNPRSTUVWXYZ"[int(digits) % 23]."""
    if len(value) != 8 or not value[:7].isdigit() or value[7] != UAI_KEY_LETTERS[int(value[:7]) % 23]:
        raise ValidationError("« %(uai)s » n'est pas un numéro UAI valide.", params={"uai": value})


class Etablissement(models.Model):
    """One school. Every pupil, setting, action, provider key and SMS belongs to one."""

    uai = models.CharField("UAI", max_length=8, unique=True, validators=[validate_uai])
    nom = models.CharField("nom", max_length=120)
    telephone = models.CharField("téléphone", max_length=30, blank=True)
    courriel = models.EmailField("courriel", blank=True)
    # The letterhead of the courriers (and the Reply-To of the courriels: ``courriel``).
    adresse = models.TextField("adresse", blank=True)
    code_postal = models.CharField("code postal", max_length=10, blank=True)
    ville = models.CharField("ville", max_length=80, blank=True)

    class Meta:
        ordering = ["nom"]
        verbose_name = "établissement"

    def __str__(self) -> str:
        return f"{self.nom} ({self.uai})"


class Membership(models.Model):
    """A user works in the établissements they are attached to."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    etablissement = models.ForeignKey(Etablissement, on_delete=models.CASCADE, related_name="memberships")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "etablissement"], name="unique_membership")]
        verbose_name = "rattachement"

    def __str__(self) -> str:
        return f"{self.user} → {self.etablissement}"


class AuditEntry(models.Model):
    """The audit journal: who did what, when, in which établissement (never a secret, never a full number)."""

    etablissement = models.ForeignKey(
        Etablissement, on_delete=models.CASCADE, related_name="audit_entries", null=True, blank=True
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    username = models.CharField("utilisateur", max_length=150, blank=True)
    at = models.DateTimeField("date", auto_now_add=True, db_index=True)
    action = models.CharField("action", max_length=60, db_index=True)
    summary = models.CharField("description", max_length=300)
    details = models.JSONField("détails", default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        # Journal des opérations: one school's entries, newest first.
        indexes = [models.Index(fields=["etablissement", "-at", "-id"], name="audit_etab_at_idx")]
        verbose_name = "entrée du journal"
        verbose_name_plural = "journal"

    def __str__(self) -> str:
        return f"{self.at:%d/%m/%Y %H:%M} {self.username} : {self.summary}"

    @property
    def operation(self) -> str:
        return operation_label(self.action)

    @property
    def author(self) -> str:
        """Who did it, for the staff: the account's name then, or "Système" (a worker, a command)."""
        if self.user_id is None and self.username in ("", SYSTEM_USERNAME):
            return "Système"
        return self.username
