"""The forms of the Paramétrages lists: one base that scopes every choice to the établissement."""

import re

import phonenumbers
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import UniqueConstraint

from eleves.models import GroupeDivisions
from eleves.search import search_key
from eleves.services import groupe_divisions_save

from .. import rendering
from ..modele_preview import (
    MAX_SMS_PARTS,
    MAX_TEXTE_CHARS,
    action_sms_refusal,
    modele_sms_refusal,
    sms_actions_of,
    texte_too_long_message,
)
from ..models import (
    DELAI_ALERTE_MAX_JOURS,
    Action,
    Couleur,
    Horaire,
    Justificatif,
    ModeleBilan,
    ModeleDocument,
    Motif,
    Traitement,
)

ALPHANUMERIC_SENDER = re.compile(r"^(?=.*[A-Za-z])[A-Za-z0-9 ]{1,11}$")
EMETTEUR_HELP = (
    "Le numéro de téléphone de l'établissement, ou un nom de 11 caractères au plus "
    "(lettres sans accent, chiffres et espaces)."
)


def _libelle_key(text: str) -> str:
    return search_key(text) or text.strip().casefold()


# The empty choice of a list, as the saisie says it (« AUCUN » motif, « AUCUNE » action).
EMPTY_LABELS = {"couleur": "AUCUNE"}


class ParametrageForm(forms.ModelForm):
    """Every list item belongs to the current établissement; its choices come from it alone, and its
    libellé is unique in it (checked here, so that a duplicate gets a message, not an error page)."""

    def __init__(self, *args, etablissement, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.etablissement = etablissement
        for name, form_field in self.fields.items():
            if isinstance(form_field, forms.ModelChoiceField):
                queryset = form_field.queryset.filter(etablissement=etablissement)
                if any(f.name == "actif" for f in queryset.model._meta.fields):
                    current = getattr(self.instance, f"{name}_id", None)
                    queryset = queryset.filter(actif=True) | queryset.filter(pk=current)
                form_field.queryset = queryset
                if form_field.empty_label is not None:  # "---------" is Django's, not a word
                    form_field.empty_label = EMPTY_LABELS.get(name, "AUCUN")

    def clean(self):
        cleaned = super().clean()
        for constraint in self._meta.model._meta.constraints:
            if not isinstance(constraint, UniqueConstraint):
                continue
            names = [n for n in constraint.fields if n != "etablissement"]
            if all(cleaned.get(n) for n in names) and (duplicate := self._duplicate(names)):
                self.add_error(names[0], f"Ce libellé existe déjà : « {duplicate} ».")
        return cleaned

    def _duplicate(self, names: list[str]) -> str | None:
        """The existing value this one repeats; a single text is compared ignoring case, accents,
        spaces and punctuation ("maladie" repeats "Maladie"), as a user would read them."""
        others = self._meta.model.objects.filter(etablissement=self.instance.etablissement).exclude(
            pk=self.instance.pk
        )
        value = self.cleaned_data[names[0]]
        if len(names) == 1 and isinstance(value, str):
            key = _libelle_key(value)
            return next((o for o in others.values_list(names[0], flat=True) if _libelle_key(o) == key), None)
        found = others.filter(**{n: self.cleaned_data[n] for n in names}).first()
        return None if found is None else str(found)


class CouleurForm(ParametrageForm):
    class Meta:
        model = Couleur
        fields = ["libelle", "code"]
        widgets = {"code": forms.TextInput(attrs={"type": "color"})}

    def clean_code(self):
        code = self.cleaned_data["code"].lower()
        if not re.fullmatch(r"#[0-9a-f]{6}", code):
            raise ValidationError("Choisissez une couleur (de la forme #f4c542).")
        return code


class MotifForm(ParametrageForm):
    class Meta:
        model = Motif
        fields = ["libelle", "couleur", "legitime"]


class JustificatifForm(ParametrageForm):
    class Meta:
        model = Justificatif
        fields = ["libelle"]


class HoraireForm(ParametrageForm):
    class Meta:
        model = Horaire
        fields = ["libelle", "kind", "debut", "fin"]
        widgets = {
            "debut": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "fin": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        }

    def clean(self):
        cleaned = super().clean()
        debut, fin = cleaned.get("debut"), cleaned.get("fin")
        if debut and fin and fin <= debut:
            self.add_error("fin", "L'heure de fin doit être après l'heure de début.")
        elif (
            debut
            and fin
            and cleaned.get("kind")
            and (other := self._overlapping(debut, fin, cleaned["kind"]))
        ):
            self.add_error(
                "debut",
                f"Cet horaire chevauche l'horaire « {other.libelle} » "
                f"({other.debut:%H:%M} – {other.fin:%H:%M}) du même type : "
                "changez ses heures, ou retirez d'abord l'autre.",
            )
        return cleaned

    def _overlapping(self, debut, fin, kind) -> Horaire | None:
        """An active horaire of the same kind sharing some time with this one (touching is fine)."""
        return (
            Horaire.objects.filter(
                etablissement=self.instance.etablissement, kind=kind, actif=True, debut__lt=fin, fin__gt=debut
            )
            .exclude(pk=self.instance.pk)
            .first()
        )


class ModeleDocumentForm(ParametrageForm):
    max_sms_parts = MAX_SMS_PARTS
    max_texte_chars = MAX_TEXTE_CHARS

    class Meta:
        model = ModeleDocument
        fields = ["nom", "texte"]
        widgets = {"texte": forms.Textarea(attrs={"rows": 6})}

    def clean_texte(self):
        texte = self.cleaned_data["texte"]
        if unknown := rendering.unknown_variables(texte):
            raise ValidationError(
                "Variable inconnue : %(names)s. Insérez les variables depuis la liste.",
                params={"names": ", ".join(unknown)},
            )
        if refusal := texte_too_long_message(texte) or modele_sms_refusal(modele=self.instance, texte=texte):
            raise ValidationError(refusal)
        return texte

    @property
    def sms_actions(self) -> list[str]:
        """The « Envoi de SMS » actions sending this modèle: the editor warns that they bind its length."""
        return sms_actions_of(self.instance)


# A few lines under the figures: each pupil's bilan is one A4 page.
TEXTE_BAS_MAX_CHARS = 500


class ModeleBilanForm(ParametrageForm):
    class Meta:
        model = ModeleBilan
        fields = ["nom", "titre", *ModeleBilan.FIGURES, "avec_detail", "texte_bas"]
        widgets = {"texte_bas": forms.Textarea(attrs={"rows": 3})}

    def clean_texte_bas(self):
        texte = self.cleaned_data["texte_bas"]
        if len(texte) > TEXTE_BAS_MAX_CHARS:
            raise ValidationError(
                f"Ce texte fait {len(texte)} caractères : {TEXTE_BAS_MAX_CHARS} au plus, pour que le bilan "
                "de chaque élève tienne sur sa page A4. Raccourcissez-le."
            )
        return texte

    def clean(self):
        cleaned = super().clean()
        if not any(cleaned.get(name) for name in (*ModeleBilan.FIGURES, "avec_detail")):
            raise ValidationError(
                "Cochez au moins un chiffre ou le détail des évènements : le bilan serait vide."
            )
        return cleaned


def normalise_emetteur(value: str) -> str:
    """The school's phone number (stored E.164), or an alphanumeric sender of at most 11 characters."""
    value = value.strip()
    if not value or ALPHANUMERIC_SENDER.fullmatch(value):
        return value
    try:
        number = phonenumbers.parse(value, "FR")
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        raise ValidationError(EMETTEUR_HELP)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


class ActionForm(ParametrageForm):
    class Meta:
        model = Action
        fields = [
            "libelle_court",
            "libelle_long",
            "delai_alerte_jours",
            "traitement",
            "modele",
            "emetteur",
            "code_fournisseur",
        ]
        help_texts = {"emetteur": EMETTEUR_HELP, "delai_alerte_jours": "Jour(s)"}

    def __init__(self, *args, etablissement, **kwargs):
        super().__init__(*args, etablissement=etablissement, **kwargs)
        if not self.instance.pk:
            self.initial.setdefault("emetteur", etablissement.telephone)
        self.fields["delai_alerte_jours"].required = True
        self.fields["delai_alerte_jours"].widget.attrs["max"] = DELAI_ALERTE_MAX_JOURS

    def clean_emetteur(self):
        return normalise_emetteur(self.cleaned_data["emetteur"])

    def clean_code_fournisseur(self):
        code = self.cleaned_data["code_fournisseur"].strip() or "0"
        if not code.isalnum():
            raise ValidationError("Le code fournisseur de service est fait de chiffres ou de lettres.")
        return code

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("traitement") == Traitement.SMS:
            if not cleaned.get("modele"):
                self.add_error("modele", "Un envoi de SMS a besoin d'un modèle de document.")
            elif refusal := action_sms_refusal(modele=cleaned["modele"]):
                self.add_error("modele", refusal)
            if not cleaned.get("emetteur") and not self.instance.etablissement.telephone:
                self.add_error("emetteur", "Indiquez l'émetteur des SMS.")
        return cleaned


class GroupeDivisionsForm(ParametrageForm):
    class Meta:
        model = GroupeDivisions
        fields = ["nom", "divisions"]
        widgets = {"divisions": forms.CheckboxSelectMultiple}

    def save(self, commit=True):
        return groupe_divisions_save(
            etablissement=self.instance.etablissement,
            nom=self.cleaned_data["nom"],
            divisions=list(self.cleaned_data["divisions"]),
            groupe=self.instance if self.instance.pk else None,
        )
