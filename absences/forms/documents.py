"""The forms of Documents: the bilan des absences (a modèle, a period, a division or a pupil) and the
liste des absents du jour (a day). Both are read from the address: a document can be bookmarked."""

from django import forms
from django.utils import timezone

from eleves.forms import DivisionFilterForm
from etablissements.forms import DayField

from ..models import ModeleBilan
from .period import DAY_ERRORS, PeriodForm


class BilanForm(PeriodForm, DivisionFilterForm):
    modele = forms.ModelChoiceField(
        label="Modèle de bilan",
        queryset=ModeleBilan.objects.none(),
        empty_label=None,
        error_messages={
            "required": "Choisissez un modèle de bilan.",
            "invalid_choice": "Choisissez un modèle de bilan de la liste.",
        },
    )
    eleve = forms.CharField(label="ou élève (nom, prénom)", required=False, max_length=100)
    field_order = ["modele", "du", "au", "division", "eleve"]

    def __init__(self, *args, etablissement, **kwargs):
        super().__init__(*args, etablissement=etablissement, **kwargs)
        self.fields["modele"].queryset = ModeleBilan.objects.filter(etablissement=etablissement, actif=True)
        self.fields["division"].label = "Division"
        self.fields["division"].empty_label = "—"

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("division") and not cleaned.get("eleve") and "division" not in self.errors:
            self.add_error("division", "Choisissez une division, ou tapez le nom d'un élève.")
        return cleaned


class AbsentsForm(forms.Form):
    """The day of the liste des absents: today unless another is asked for."""

    jour = DayField(label="Date", error_messages=DAY_ERRORS)

    def __init__(self, query):
        super().__init__(query if "jour" in query else {"jour": timezone.localdate().isoformat()})
