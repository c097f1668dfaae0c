from django import forms

from sms.selectors import sms_sending_window

from ..services import parametrages_ensure

TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ValeursParDefautForm(forms.Form):
    annee_debut = forms.DateField(label="Début de l'année scolaire", widget=DATE)
    annee_fin = forms.DateField(label="Fin de l'année scolaire", widget=DATE)
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
        if (
            cleaned.get("annee_debut")
            and cleaned.get("annee_fin")
            and cleaned["annee_fin"] <= cleaned["annee_debut"]
        ):
            self.add_error("annee_fin", "La fin de l'année scolaire doit être après son début.")
        if bool(cleaned.get("sms_start")) != bool(cleaned.get("sms_end")):
            self.add_error("sms_end", "Indiquez le début et la fin de la plage d'envoi, ou aucun des deux.")
        elif cleaned.get("sms_start") and cleaned["sms_end"] <= cleaned["sms_start"]:
            self.add_error("sms_end", "La fin de la plage d'envoi doit être après son début.")
        return cleaned
