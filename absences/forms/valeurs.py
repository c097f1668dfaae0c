import calendar
from datetime import date

from django import forms

from etablissements.forms import DayField
from sms.selectors import sms_sending_window

from ..rendering import date_label
from ..services import parametrages_ensure

# A school year runs from September to early July; its end may fall at most 13 months after its start.
SCHOOL_YEAR_MAX_MONTHS = 13
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def months_after(day: date, months: int) -> date:
    """The same day ``months`` later, or the last day of that month (31/01 + 1 month = 28/02 or 29/02)."""
    year, month = divmod(day.month - 1 + months, 12)
    year, month = day.year + year, month + 1
    if year > date.max.year:
        return date.max
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


class ValeursParDefautForm(forms.Form):
    annee_debut = DayField(label="Début de l'année scolaire", widget=DATE)
    annee_fin = DayField(label="Fin de l'année scolaire", widget=DATE)
    sms_start = forms.TimeField(
        label="Envoi des SMS à partir de", required=False, widget=TIME, help_text="Vide : à toute heure."
    )
    sms_end = forms.TimeField(label="Envoi des SMS jusqu'à", required=False, widget=TIME)

    @staticmethod
    def initial_for(*, etablissement) -> dict:
        valeurs = parametrages_ensure(etablissement=etablissement)
        start, end = sms_sending_window(etablissement=etablissement)
        return {
            "annee_debut": valeurs.annee_debut,
            "annee_fin": valeurs.annee_fin,
            "sms_start": start,
            "sms_end": end,
        }

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("annee_debut") and cleaned.get("annee_fin"):
            self._check_school_year(cleaned["annee_debut"], cleaned["annee_fin"])
        if bool(cleaned.get("sms_start")) != bool(cleaned.get("sms_end")):
            self.add_error("sms_end", "Indiquez le début et la fin de la plage d'envoi, ou aucun des deux.")
        elif cleaned.get("sms_start") and cleaned["sms_end"] <= cleaned["sms_start"]:
            self.add_error("sms_end", "La fin de la plage d'envoi doit être après son début.")
        return cleaned

    def _check_school_year(self, debut: date, fin: date) -> None:
        latest = months_after(debut, SCHOOL_YEAR_MAX_MONTHS)
        if fin <= debut:
            self.add_error("annee_fin", "La fin de l'année scolaire doit être après son début.")
        elif fin > latest:
            self.add_error(
                "annee_fin",
                f"Une année scolaire dure au plus {SCHOOL_YEAR_MAX_MONTHS} mois : "
                f"sa fin doit être au plus tard le {date_label(latest)}.",
            )
