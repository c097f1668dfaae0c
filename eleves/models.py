import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q

from etablissements.models import Etablissement

from .search import search_key


class Division(models.Model):
    """A class, such as "5B" or "301" (SIECLE's CODE_STRUCTURE of type D)."""

    etablissement = models.ForeignKey(Etablissement, on_delete=models.CASCADE, related_name="divisions")
    code = models.CharField("code", max_length=8)
    libelle = models.CharField("libellé", max_length=40, blank=True)
    niveau = models.CharField("niveau", max_length=20, blank=True)

    class Meta:
        ordering = ["code"]
        constraints = [models.UniqueConstraint(fields=["etablissement", "code"], name="unique_division_code")]

    def __str__(self) -> str:
        return self.code


class GroupeDivisions(models.Model):
    """A named set of divisions ("Tous les 3e"), chosen in Paramétrages > Groupes de divisions.

    A group in use is never deleted, only retired (``actif=False``): what was recorded with it keeps
    its meaning, and it is no longer offered.
    """

    etablissement = models.ForeignKey(
        Etablissement, on_delete=models.CASCADE, related_name="groupes_divisions"
    )
    nom = models.CharField("nom", max_length=60)
    divisions = models.ManyToManyField(Division, related_name="groupes", verbose_name="divisions", blank=True)
    actif = models.BooleanField("actif", default=True)

    class Meta:
        ordering = ["nom"]
        verbose_name = "groupe de divisions"
        verbose_name_plural = "groupes de divisions"
        constraints = [
            models.UniqueConstraint(fields=["etablissement", "nom"], name="unique_groupe_divisions_nom")
        ]

    def __str__(self) -> str:
        return self.nom


class EleveQuerySet(models.QuerySet):
    def present(self, on: datetime.date | None = None):
        """Pupils still in the school on that day (today by default): no date de sortie, or a later one."""
        on = on or datetime.date.today()
        return self.filter(Q(date_sortie__isnull=True) | Q(date_sortie__gt=on))


class Eleve(models.Model):
    etablissement = models.ForeignKey(Etablissement, on_delete=models.CASCADE, related_name="eleves")
    siecle_id = models.CharField("ELEVE_ID", max_length=20, null=True, blank=True)
    elenoet = models.CharField("numéro élève (ELENOET)", max_length=10, blank=True)
    ine = models.CharField("INE", max_length=11, blank=True)
    nom = models.CharField("nom", max_length=100)
    nom_de_famille = models.CharField("nom de famille", max_length=100, blank=True)
    prenom = models.CharField("prénom", max_length=100)
    # Lower case, without accents nor punctuation: what "Fiches individuelles" matches the start of.
    nom_recherche = models.CharField(max_length=100, editable=False, default="")
    prenom_recherche = models.CharField(max_length=100, editable=False, default="")
    date_naissance = models.DateField("date de naissance", null=True, blank=True)
    division = models.ForeignKey(
        Division,
        on_delete=models.PROTECT,
        related_name="eleves",
        null=True,
        blank=True,
        verbose_name="division",
    )
    date_sortie = models.DateField("date de sortie", null=True, blank=True)
    updated_at = models.DateTimeField("mis à jour le", auto_now=True)

    objects = EleveQuerySet.as_manager()

    class Meta:
        ordering = ["nom", "prenom"]
        verbose_name = "élève"
        indexes = [models.Index(fields=["etablissement", "nom_recherche", "prenom_recherche"])]
        constraints = [
            models.UniqueConstraint(
                fields=["etablissement", "siecle_id"],
                condition=models.Q(siecle_id__isnull=False),
                name="unique_eleve_siecle_id",
            )
        ]

    def __str__(self) -> str:
        return f"{self.nom} {self.prenom}"

    def save(self, *args, **kwargs):
        self.set_search_keys()
        super().save(*args, **kwargs)

    def set_search_keys(self) -> None:
        self.nom_recherche = search_key(self.nom)
        self.prenom_recherche = search_key(self.prenom)

    @property
    def is_left(self) -> bool:
        return self.date_sortie is not None and self.date_sortie <= datetime.date.today()


class Civilite(models.TextChoices):
    MONSIEUR = "M.", "Monsieur"
    MADAME = "MME", "Madame"


class Responsable(models.Model):
    """A pupil's guardian or contact; may be linked to several pupils (siblings)."""

    etablissement = models.ForeignKey(Etablissement, on_delete=models.CASCADE, related_name="responsables")
    siecle_id = models.CharField("PERSONNE_ID", max_length=20, null=True, blank=True)
    civilite = models.CharField("civilité", max_length=5, choices=Civilite.choices, blank=True)
    nom = models.CharField("nom", max_length=100)
    nom_de_famille = models.CharField("nom de famille", max_length=100, blank=True)
    prenom = models.CharField("prénom", max_length=100)
    adresse = models.TextField("adresse", blank=True)
    code_postal = models.CharField("code postal", max_length=10, blank=True)
    commune = models.CharField("commune", max_length=80, blank=True)
    pays = models.CharField("pays", max_length=60, blank=True)
    courriel = models.EmailField("courriel", blank=True)
    # Phones are stored in E.164 ("+33612345678"); "étranger" says the number was typed in international form.
    tel_domicile = models.CharField("Tél. Domicile", max_length=20, blank=True)
    tel_domicile_etranger = models.BooleanField("Tél. Domicile étranger", default=False)
    tel_travail = models.CharField("Tél. Travail", max_length=20, blank=True)
    tel_travail_etranger = models.BooleanField("Tél. Travail étranger", default=False)
    tel_mobile = models.CharField("Tél. Mobile", max_length=20, blank=True)
    tel_mobile_etranger = models.BooleanField("Tél. Mobile étranger", default=False)
    accepte_sms = models.BooleanField("accepte les SMS", default=False)
    autorise_communication = models.BooleanField("autorise à communiquer ses coordonnées", default=False)
    # The consent and mobile as the last SIECLE import gave them: a value the staff typed since then
    # differs from these, and a re-import does not overwrite it silently.
    siecle_accepte_sms = models.BooleanField(null=True, editable=False)
    siecle_tel_mobile = models.CharField(max_length=20, blank=True, editable=False)
    updated_at = models.DateTimeField("mis à jour le", auto_now=True)

    class Meta:
        ordering = ["nom", "prenom"]
        constraints = [
            models.UniqueConstraint(
                fields=["etablissement", "siecle_id"],
                condition=models.Q(siecle_id__isnull=False),
                name="unique_responsable_siecle_id",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_civilite_display()} {self.nom} {self.prenom}".strip()


class LienParente(models.TextChoices):
    """SIECLE's CODE_PARENTE."""

    MERE = "10", "Mère"
    PERE = "20", "Père"
    FRATRIE = "37", "Fratrie"
    ASCENDANT = "38", "Ascendant"
    AUTRE_MEMBRE_FAMILLE = "39", "Autre membre de la famille"
    EDUCATEUR = "41", "Éducateur"
    ASSISTANT_FAMILIAL = "42", "Assistant familial"
    TUTEUR = "50", "Tuteur"
    ASE = "51", "Aide sociale à l'enfance"
    ELEVE = "70", "Élève lui-même"
    AUTRE = "90", "Autre lien"


class Lien(models.Model):
    """The link between a pupil and a responsable: the lien and its qualités."""

    eleve = models.ForeignKey(Eleve, on_delete=models.CASCADE, related_name="liens")
    responsable = models.ForeignKey(Responsable, on_delete=models.CASCADE, related_name="liens")
    lien = models.CharField("lien", max_length=2, choices=LienParente.choices, default=LienParente.AUTRE)
    legal_rank = models.PositiveSmallIntegerField(
        "représentant légal", choices=[(0, "—"), (1, "Légal 1"), (2, "Légal 2")], default=0
    )
    financier = models.BooleanField("Financier", default=False)
    correspondant = models.BooleanField("Correspondant", default=False)
    niveau_responsabilite = models.PositiveSmallIntegerField(
        "niveau de responsabilité", null=True, blank=True
    )

    class Meta:
        # Légal 1, Légal 2, then the other responsables (rank 0).
        ordering = [
            models.Case(
                models.When(legal_rank=0, then=models.Value(9)),
                default="legal_rank",
                output_field=models.PositiveSmallIntegerField(),
            ),
            "pk",
        ]
        constraints = [models.UniqueConstraint(fields=["eleve", "responsable"], name="unique_lien")]

    def __str__(self) -> str:
        return f"{self.responsable} ({self.qualites_label or self.get_lien_display()}) de {self.eleve}"

    @property
    def qualites(self) -> list[str]:
        """The qualités as SCONET names them: Légal 1, Légal 2, Financier, Correspondant."""
        names = [f"Légal {self.legal_rank}"] if self.legal_rank in (1, 2) else []
        if self.financier:
            names.append("Financier")
        if self.correspondant:
            names.append("Correspondant")
        return names

    @property
    def qualites_label(self) -> str:
        """ "Légal 1 - Financier": how a recipient is named in "Ajouter une action" and the SMS lists."""
        return " - ".join(self.qualites)


class ConsentChange(models.Model):
    """The legal record of a responsable's SMS consent and mobile number: every change, who, when."""

    class Field(models.TextChoices):
        ACCEPTE_SMS = "accepte_sms", "accepte les SMS"
        TEL_MOBILE = "tel_mobile", "Tél. Mobile"

    class Source(models.TextChoices):
        SAISIE = "saisie", "saisie"
        IMPORT = "import", "import SIECLE"
        RENVOI = "renvoi", "correction pour renvoyer un SMS"

    responsable = models.ForeignKey(Responsable, on_delete=models.CASCADE, related_name="consent_changes")
    at = models.DateTimeField("le", auto_now_add=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    username = models.CharField("par", max_length=150)
    source = models.CharField("origine", max_length=10, choices=Source.choices)
    field = models.CharField("donnée", max_length=20, choices=Field.choices)
    old_value = models.CharField("ancienne valeur", max_length=20, blank=True)
    new_value = models.CharField("nouvelle valeur", max_length=20, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = "changement de consentement"

    def __str__(self) -> str:
        return f"{self.responsable} : {self.get_field_display()} {self.old_value!r} → {self.new_value!r}"


class SiecleImport(models.Model):
    """One successful SIECLE import and its report (a failed one changes nothing and leaves no row)."""

    etablissement = models.ForeignKey(Etablissement, on_delete=models.CASCADE, related_name="siecle_imports")
    at = models.DateTimeField("le", auto_now_add=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    username = models.CharField("par", max_length=150)
    file_names = models.CharField("fichiers", max_length=300)
    annee_scolaire = models.CharField("année scolaire", max_length=4)
    date_export = models.DateField("date de l'export")
    report = models.JSONField("compte rendu", default=dict)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = "import SIECLE"

    def __str__(self) -> str:
        return f"Import du {self.at:%d/%m/%Y %H:%M} ({self.file_names})"
