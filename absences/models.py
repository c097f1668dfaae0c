"""Absences et retards: the Paramétrages (motifs, justificatifs, couleurs, horaires, modèles de document,
actions, valeurs par défaut) and the évènements with the actions taken on them."""

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models

from eleves.models import Eleve
from etablissements.models import Etablissement

# How the outbox names an event ("absences.evenement:12"): it groups the event's SMS by this key.
EVENT_KEY_PREFIX = "absences.evenement:"


class Parametre(models.Model):
    """What every item of a Paramétrages list shares: an établissement, and "actif" (an item in use is
    never deleted, only retired: it stays on the events that use it, and is offered no more)."""

    etablissement = models.ForeignKey(Etablissement, on_delete=models.CASCADE, related_name="+")
    actif = models.BooleanField("actif", default=True)

    class Meta:
        abstract = True


class Couleur(Parametre):
    libelle = models.CharField("libellé", max_length=40)
    code = models.CharField("couleur", max_length=7, help_text="Par exemple #f4c542.")

    class Meta:
        ordering = ["libelle"]
        constraints = [models.UniqueConstraint(fields=["etablissement", "libelle"], name="unique_couleur")]

    def __str__(self) -> str:
        return self.libelle


class Motif(Parametre):
    libelle = models.CharField("libellé", max_length=60)
    couleur = models.ForeignKey(
        Couleur,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="motifs",
        verbose_name="couleur",
    )
    legitime = models.BooleanField("motif légitime par défaut", default=False)

    class Meta:
        ordering = ["libelle"]
        constraints = [models.UniqueConstraint(fields=["etablissement", "libelle"], name="unique_motif")]

    def __str__(self) -> str:
        return self.libelle


class Justificatif(Parametre):
    libelle = models.CharField("libellé", max_length=60)

    class Meta:
        ordering = ["libelle"]
        constraints = [
            models.UniqueConstraint(fields=["etablissement", "libelle"], name="unique_justificatif")
        ]

    def __str__(self) -> str:
        return self.libelle


class HoraireKind(models.TextChoices):
    COURS = "cours", "Cours"
    DEMI_PENSION = "demi_pension", "Demi-pension"
    INTERNAT = "internat", "Internat"


class Horaire(Parametre):
    """A slot of the day: "Du" offers the starts, "Au" the ends; the week grid has a row per slot."""

    libelle = models.CharField("libellé", max_length=30)
    kind = models.CharField("type", max_length=12, choices=HoraireKind.choices, default=HoraireKind.COURS)
    debut = models.TimeField("début")
    fin = models.TimeField("fin")

    class Meta:
        ordering = ["debut", "fin"]
        constraints = [models.UniqueConstraint(fields=["etablissement", "libelle"], name="unique_horaire")]

    def __str__(self) -> str:
        return self.libelle


class ModeleDocument(Parametre):
    """The text of a letter, an email or an SMS, with [VARIABLES] filled in from the pupil and the event."""

    nom = models.CharField("nom", max_length=60)
    texte = models.TextField("texte")

    class Meta:
        ordering = ["nom"]
        verbose_name = "modèle de document"
        constraints = [models.UniqueConstraint(fields=["etablissement", "nom"], name="unique_modele")]

    def __str__(self) -> str:
        return self.nom


class ModeleBilan(Parametre):
    """A bilan des absences printed for each pupil (Documents): its title, the figures it shows over the
    period, and a text at the bottom."""

    # The figures it may show, in their order on the document: the field that asks for one, and the
    # count it reads (``counting.Counts``, as in the Statistiques).
    FIGURES = {
        "avec_absences": "absences",
        "avec_demi_journees": "demi_journees",
        "avec_justifiees": "justifiees",
        "avec_non_justifiees": "non_justifiees",
        "avec_retards": "retards",
    }

    nom = models.CharField("nom", max_length=60)
    titre = models.CharField("titre imprimé sur le document", max_length=120)
    avec_absences = models.BooleanField("Absences", default=True)
    avec_demi_journees = models.BooleanField("Demi-journées d'absence", default=True)
    avec_justifiees = models.BooleanField("dont justifiées", default=True)
    avec_non_justifiees = models.BooleanField("dont non justifiées", default=True)
    avec_retards = models.BooleanField("Retards", default=True)
    avec_detail = models.BooleanField(
        "Détail des évènements",
        default=True,
        help_text="Chaque absence et retard de la période : date, heure, motif et justificatif.",
    )
    texte_bas = models.TextField(
        "texte en bas du document",
        blank=True,
        help_text="Par exemple : « Merci de justifier toute absence auprès de la vie scolaire. »",
    )

    class Meta:
        ordering = ["nom"]
        verbose_name = "modèle de bilan"
        verbose_name_plural = "modèles de bilans"
        constraints = [models.UniqueConstraint(fields=["etablissement", "nom"], name="unique_modele_bilan")]

    def __str__(self) -> str:
        return self.nom

    @classmethod
    def label(cls, name: str) -> str:
        return str(cls._meta.get_field(name).verbose_name)

    @property
    def figures(self) -> list[tuple[str, str]]:
        """The figures shown: (label, count read)."""
        return [(self.label(name), count) for name, count in self.FIGURES.items() if getattr(self, name)]

    @property
    def contenu(self) -> str:
        """What the document shows, in words: « Absences, Retards, Détail des évènements »."""
        detail = [self.label("avec_detail")] if self.avec_detail else []
        return ", ".join([label for label, _ in self.figures] + detail)


class Traitement(models.TextChoices):
    AUCUN = "aucun", "Aucun"
    COURRIER = "courrier", "Courrier"
    COURRIEL = "courriel", "Courriel"
    SMS = "sms", "Envoi de SMS"


# "Délai de réponse du responsable avant alerte", in days: a school year at most.
DELAI_ALERTE_MAX_JOURS = 365


class Action(Parametre):
    libelle_court = models.CharField("Libellé court", max_length=20)
    libelle_long = models.CharField("Libellé long", max_length=80)
    delai_alerte_jours = models.PositiveSmallIntegerField(
        "Délai de réponse du responsable avant alerte",
        validators=[
            MaxValueValidator(
                DELAI_ALERTE_MAX_JOURS,
                message=f"Le délai de réponse est de 0 à {DELAI_ALERTE_MAX_JOURS} jours.",
            )
        ],
    )
    traitement = models.CharField(
        "Traitement", max_length=10, choices=Traitement.choices, default=Traitement.AUCUN
    )
    modele = models.ForeignKey(
        ModeleDocument,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="actions",
        verbose_name="Modèle de document",
    )
    emetteur = models.CharField("Emetteur", max_length=20, blank=True)
    code_fournisseur = models.CharField("Code Fournisseur de Service", max_length=10, default="0")

    class Meta:
        ordering = ["libelle_court"]
        constraints = [
            models.UniqueConstraint(fields=["etablissement", "libelle_court"], name="unique_action")
        ]

    def __str__(self) -> str:
        return self.libelle_court

    @property
    def sends_sms(self) -> bool:
        return self.traitement == Traitement.SMS


class ValeursParDefaut(models.Model):
    """One per établissement; created with the école's default lists (see services.parametrages_ensure)."""

    etablissement = models.OneToOneField(Etablissement, on_delete=models.CASCADE, related_name="+")
    annee_debut = models.DateField("début de l'année scolaire")
    annee_fin = models.DateField("fin de l'année scolaire")

    class Meta:
        verbose_name = "valeurs par défaut"
        verbose_name_plural = "valeurs par défaut"

    def __str__(self) -> str:
        return f"Valeurs par défaut de {self.etablissement}"


class EvenementType(models.TextChoices):
    ABSENCE = "absence", "Absence"
    RETARD = "retard", "Retard"


class Evenement(models.Model):
    """An absence or a retard of one pupil, from "Du" to "Au"."""

    etablissement = models.ForeignKey(Etablissement, on_delete=models.CASCADE, related_name="+")
    eleve = models.ForeignKey(Eleve, on_delete=models.CASCADE, related_name="evenements")
    type = models.CharField(
        "type", max_length=8, choices=EvenementType.choices, default=EvenementType.ABSENCE
    )
    debut = models.DateTimeField("Du")
    fin = models.DateTimeField("Au")
    enseignant = models.CharField("Enseignant", max_length=80, blank=True)
    discipline = models.CharField("Discipline", max_length=80, blank=True)
    motif = models.ForeignKey(
        Motif,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="evenements",
        verbose_name="Motif",
    )
    justificatif = models.ForeignKey(
        Justificatif,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="evenements",
        verbose_name="Justificatif",
    )
    etablissement_informe = models.BooleanField("Etablissement informé", default=False)
    absence_constatee = models.BooleanField("Absence constatée", default=False)
    classe = models.BooleanField("Classé", default=False)
    motif_legitime = models.BooleanField("Motif légitime", default=False)
    # The entry form's one-time token: validating the same form twice records the event once.
    token = models.CharField(max_length=80, unique=True, null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-debut"]
        verbose_name = "évènement"
        indexes = [models.Index(fields=["eleve", "debut"])]

    def __str__(self) -> str:
        return f"{self.get_type_display()} de {self.eleve}"

    @property
    def event_key(self) -> str:
        """How the outbox groups this event's SMS (cancel, re-render, Historique des actions)."""
        return f"{EVENT_KEY_PREFIX}{self.pk}"

    @property
    def justifie(self) -> bool:
        return self.justificatif_id is not None


class EvenementAction(models.Model):
    """One "Ajouter une action" validated on an event: the Historique des actions."""

    evenement = models.ForeignKey(Evenement, on_delete=models.CASCADE, related_name="actions")
    action = models.ForeignKey(Action, on_delete=models.PROTECT, related_name="evenement_actions")
    destinataires = models.CharField("destinataire(s)", max_length=200, blank=True)
    # The form's one-time token: validating the same form twice records (and queues) once.
    token = models.CharField(max_length=80, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = "action sur un évènement"

    def __str__(self) -> str:
        return f"{self.action} le {self.created_at:%d/%m/%Y}"


class AppelActions(models.Model):
    """The actions a user chose at their last appel in an établissement (none: AUCUNE): their next
    appel starts with them, the next day too (a session ends after two idle hours)."""

    etablissement = models.ForeignKey(Etablissement, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    action = models.ForeignKey(Action, on_delete=models.SET_NULL, null=True, related_name="+")
    retard_action = models.ForeignKey(Action, on_delete=models.SET_NULL, null=True, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["etablissement", "user"], name="appel_actions_one_per_user")
        ]
        verbose_name = "actions de l'appel retenues"

    def __str__(self) -> str:
        return f"Appel de {self.user} : {self.action or 'AUCUNE'} / {self.retard_action or 'AUCUNE'}"
