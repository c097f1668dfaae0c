import re

from django import forms
from django.core.exceptions import ValidationError

from eleves.phones import PhoneError, phone_format, phone_parse
from etablissements.models import Etablissement

CODE_POSTAL = re.compile(r"\d{5}")


class CoordonneesForm(forms.ModelForm):
    """The school's address and contact, printed on the courriers and bilans; its phone is also the
    SMS sender when an action names none."""

    class Meta:
        model = Etablissement
        fields = ["adresse", "code_postal", "ville", "telephone", "courriel"]
        widgets = {"adresse": forms.Textarea(attrs={"rows": 3})}
        help_texts = {
            "adresse": "Numéro, rue et, si besoin, une ligne de plus (BP, lieu-dit).",
            "telephone": "Imprimé sur les courriers ; émetteur des SMS d'une action qui n'en indique pas.",
            "courriel": "Adresse de réponse des courriels envoyés aux familles.",
        }

    def clean_code_postal(self):
        code = self.cleaned_data["code_postal"].replace(" ", "")
        if code and not CODE_POSTAL.fullmatch(code):
            raise ValidationError("Un code postal s'écrit avec 5 chiffres (par exemple 69003).")
        return code

    def clean_ville(self):
        return self.cleaned_data["ville"].strip().upper()

    def clean_telephone(self):
        try:
            return phone_format(phone_parse(self.cleaned_data["telephone"]))
        except PhoneError as error:
            raise ValidationError(error.message) from None
