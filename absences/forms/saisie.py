"""The entry form of an absence or retard ("Du ... à ...", "Au ... à ...", and "Ajouter une action")."""

import uuid
from datetime import datetime

from django import forms
from django.utils import timezone

from etablissements.forms import DayField

from ..models import EvenementType, Justificatif, Motif, Traitement
from ..services import EvenementData

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME = forms.TimeInput(attrs={"type": "time", "class": "form-control"}, format="%H:%M")
DETAILS = ("enseignant", "discipline", "motif", "justificatif")
FLAGS = ("etablissement_informe", "absence_constatee", "classe", "motif_legitime")
# An action that writes to the family needs a recipient: "Cochez au moins un destinataire du SMS."
RECIPIENT_OF = {Traitement.SMS: "SMS", Traitement.COURRIER: "courrier", Traitement.COURRIEL: "courriel"}


def _hours(times, current=None) -> list[tuple[str, str]]:
    values = sorted({t.strftime("%H:%M") for t in times} | ({current} if current else set()))
    return [(v, v) for v in values]


def _active_or_current(model, etablissement, current_id):
    rows = model.objects.filter(etablissement=etablissement)
    return rows.filter(actif=True) | rows.filter(pk=current_id)


def new_token() -> str:
    return uuid.uuid4().hex


class ActionChoiceMixin(forms.Form):
    """ "Ajouter une action": Action (AUCUNE by default) and the form's one-time token."""

    action = forms.ModelChoiceField(label="Action", queryset=None, required=False, empty_label="AUCUNE")
    token = forms.CharField(widget=forms.HiddenInput)

    action_fields = ("action",)

    def set_actions(self, actions) -> None:
        for name in self.action_fields:
            self.fields[name].queryset = actions
            self.fields[name].label_from_instance = lambda a: a.libelle_court


class EvenementForm(ActionChoiceMixin):
    type = forms.ChoiceField(
        label="Type", choices=EvenementType.choices, initial=EvenementType.ABSENCE, widget=forms.RadioSelect
    )
    du_date = DayField(label="Du", widget=DATE)
    du_heure = forms.ChoiceField(label="à")
    au_date = DayField(label="Au", widget=DATE)
    au_heure = forms.ChoiceField(label="à")
    # A retard ends when the pupil arrives (Du is the slot they were late for; Au is not used).
    arrivee = forms.TimeField(label="Heure d'arrivée", required=False, widget=TIME)
    enseignant = forms.CharField(label="Enseignant", required=False, max_length=80)
    discipline = forms.CharField(label="Discipline", required=False, max_length=80)
    motif = forms.ModelChoiceField(label="Motif", queryset=None, required=False, empty_label="AUCUN")
    justificatif = forms.ModelChoiceField(
        label="Justificatif", queryset=None, required=False, empty_label="AUCUN"
    )
    etablissement_informe = forms.BooleanField(label="Etablissement informé", required=False)
    absence_constatee = forms.BooleanField(label="Absence constatée", required=False)
    classe = forms.BooleanField(label="Classé", required=False)
    motif_legitime = forms.BooleanField(label="Motif légitime", required=False)
    destinataires = forms.MultipleChoiceField(
        label="Destinataire(s)", required=False, widget=forms.CheckboxSelectMultiple
    )

    def detail_fields(self):
        return [self[name] for name in DETAILS]

    def flag_fields(self):
        return [self[name] for name in FLAGS]

    def __init__(self, data=None, *, etablissement, horaires, destinataires, actions, evenement=None):
        initial = self._initial_from(evenement, horaires)
        super().__init__(data, initial=initial)
        self.destinataires = destinataires
        self.fields["du_heure"].choices = _hours((h.debut for h in horaires), initial.get("du_heure"))
        self.fields["au_heure"].choices = _hours((h.fin for h in horaires), initial.get("au_heure"))
        self.fields["motif"].queryset = _active_or_current(
            Motif, etablissement, getattr(evenement, "motif_id", None)
        )
        self.fields["justificatif"].queryset = _active_or_current(
            Justificatif, etablissement, getattr(evenement, "justificatif_id", None)
        )
        self.fields["destinataires"].choices = [(d.key, d.label) for d in destinataires]
        self.set_actions(actions)

    @staticmethod
    def _initial_from(evenement, horaires) -> dict:
        if evenement is None:
            today = timezone.localdate()
            return {
                "du_date": today,
                "au_date": today,
                "du_heure": min(h.debut for h in horaires).strftime("%H:%M") if horaires else None,
                "au_heure": max(h.fin for h in horaires if h.kind == "cours").strftime("%H:%M")
                if any(h.kind == "cours" for h in horaires)
                else None,
                "token": new_token(),
            }
        debut, fin = timezone.localtime(evenement.debut), timezone.localtime(evenement.fin)
        return {
            "type": evenement.type,
            "du_date": debut.date(),
            "du_heure": f"{debut:%H:%M}",
            "au_date": fin.date(),
            "au_heure": f"{fin:%H:%M}",
            "arrivee": fin.time() if evenement.type == EvenementType.RETARD else None,
            "enseignant": evenement.enseignant,
            "discipline": evenement.discipline,
            "motif": evenement.motif_id,
            "justificatif": evenement.justificatif_id,
            **{flag: getattr(evenement, flag) for flag in FLAGS},
            "token": new_token(),
        }

    @staticmethod
    def _moment(day, hour: str) -> datetime:
        return datetime.combine(day, datetime.strptime(hour, "%H:%M").time(), timezone.get_current_timezone())

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("du_date") and cleaned.get("du_heure"):
            cleaned["debut"] = self._moment(cleaned["du_date"], cleaned["du_heure"])
            if cleaned.get("type") == EvenementType.RETARD:
                self._clean_arrivee(cleaned)
            elif cleaned.get("au_date") and cleaned.get("au_heure"):
                cleaned["fin"] = self._moment(cleaned["au_date"], cleaned["au_heure"])
                if cleaned["fin"] <= cleaned["debut"]:
                    self.add_error("au_date", "La fin (Au) doit être postérieure au début (Du).")
        action = cleaned.get("action")
        if action is not None and not cleaned.get("destinataires"):
            noun = RECIPIENT_OF.get(action.traitement)
            if noun:
                self.add_error("destinataires", f"Cochez au moins un destinataire du {noun}.")
        return cleaned

    def _clean_arrivee(self, cleaned) -> None:
        """A retard runs from Du (the slot's start) to the arrival, the same day."""
        arrivee = cleaned.get("arrivee")
        if arrivee is None:
            self.add_error("arrivee", "Indiquez l'heure d'arrivée de l'élève en retard.")
            return
        cleaned["fin"] = datetime.combine(cleaned["du_date"], arrivee, timezone.get_current_timezone())
        if cleaned["fin"] <= cleaned["debut"]:
            self.add_error("arrivee", f"L'heure d'arrivée doit être après {cleaned['du_heure']} (Du).")

    def evenement_data(self) -> EvenementData:
        c = self.cleaned_data
        return EvenementData(
            type=c["type"],
            debut=c["debut"],
            fin=c["fin"],
            enseignant=c["enseignant"],
            discipline=c["discipline"],
            motif=c["motif"],
            justificatif=c["justificatif"],
            **{flag: c[flag] for flag in FLAGS},
        )

    def destinataire_rows(self):
        """The checkboxes with each recipient's name and whether an SMS can reach them (and why not)."""
        chosen = set(self["destinataires"].value() or ())
        return [(d, d.key in chosen) for d in self.destinataires]


class AppelForm(ActionChoiceMixin):
    """The class's pupils: each ticked absent, or late with an arrival time (``arrivee_<id>``); an
    action for the absences and one for the retards."""

    action = forms.ModelChoiceField(
        label="Action pour les absences", queryset=None, required=False, empty_label="AUCUNE"
    )
    retard_action = forms.ModelChoiceField(
        label="Action pour les retards", queryset=None, required=False, empty_label="AUCUNE"
    )
    action_fields = ("action", "retard_action")
    division = forms.ModelChoiceField(label="Division", queryset=None, empty_label="Choisir une division")
    date = DayField(label="Date", widget=DATE)
    horaire = forms.ModelChoiceField(label="Créneau", queryset=None, empty_label=None)
    absents = forms.MultipleChoiceField(label="Absents", required=False, widget=forms.CheckboxSelectMultiple)

    def __init__(self, data=None, *, divisions, horaires, actions, eleves=(), initial=None):
        super().__init__(
            data, initial={"date": timezone.localdate(), "token": new_token(), **(initial or {})}
        )
        self.eleves = eleves
        self.fields["division"].queryset = divisions
        self.fields["horaire"].queryset = horaires
        self.fields["horaire"].label_from_instance = lambda h: h.libelle
        self.fields["absents"].choices = [(str(e.pk), f"{e.nom} {e.prenom}") for e in eleves]
        for eleve in eleves:
            self.fields[self.arrival_name(eleve)] = forms.TimeField(
                label=f"Heure d'arrivée de {eleve.nom} {eleve.prenom}",
                required=False,
                widget=forms.TimeInput(attrs={"type": "time", "class": "form-control form-control-sm"}),
                error_messages={
                    "invalid": f"{eleve.nom} {eleve.prenom} : saisissez une heure d'arrivée (08:45)."
                },
            )
        self.set_actions(actions)

    @staticmethod
    def arrival_name(eleve) -> str:
        return f"arrivee_{eleve.pk}"

    def arrival_field(self, eleve):
        return self[self.arrival_name(eleve)]

    def clean(self):
        cleaned = super().clean()
        absents = set(cleaned.get("absents") or ())
        for eleve in self.eleves:
            if str(eleve.pk) in absents and cleaned.get(self.arrival_name(eleve)):
                self.add_error(
                    self.arrival_name(eleve),
                    f"{eleve.nom} {eleve.prenom} est coché(e) absent(e) et a une heure d'arrivée : "
                    "décochez « Absent » pour un retard, ou effacez l'heure pour une absence.",
                )
        return cleaned

    def recorded(self) -> tuple[list, dict]:
        """The pupils to record (ticked absent or late), and the arrival time of those late."""
        absents = set(self.cleaned_data["absents"])
        arrivals = {
            eleve.pk: self.cleaned_data[self.arrival_name(eleve)]
            for eleve in self.eleves
            if self.cleaned_data.get(self.arrival_name(eleve))
        }
        return [e for e in self.eleves if str(e.pk) in absents or e.pk in arrivals], arrivals
