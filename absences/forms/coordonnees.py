import re

from django import forms
from django.core.exceptions import ValidationError

from eleves.phones import PhoneError, phone_format, phone_parse
from etablissements.models import Etablissement

CODE_POSTAL = re.compile(r"\d{5}")
# The postal standard (NF Z10-011): 38 characters a line; with the name, the code postal and ville,
# the phone and the courriel, four lines keep the letterhead clear of the envelope's window.
ADRESSE_MAX_LINES, ADRESSE_MAX_CHARS = 4, 38


class CoordonneesForm(forms.ModelForm):
    """The school's address and contact, printed on the courriers and bilans; its phone is also the
    SMS sender when an action names none."""

    class Meta:
        model = Etablissement
        fields = ["adresse", "code_postal", "ville", "telephone", "courriel"]
        widgets = {"adresse": forms.Textarea(attrs={"rows": 3})}
        help_texts = {
            "adresse": (
                f"Numéro, rue et, si besoin, des lignes de plus (BP, lieu-dit) : {ADRESSE_MAX_LINES} lignes "
                f"de {ADRESSE_MAX_CHARS} caractères au plus."
            ),
            "telephone": "Imprimé sur les courriers ; émetteur des SMS d'une action qui n'en indique pas.",
            "courriel": "Adresse de réponse des courriels envoyés aux familles.",
        }

    def clean_adresse(self):
        lines = [line.strip() for line in self.cleaned_data["adresse"].splitlines() if line.strip()]
        if len(lines) > ADRESSE_MAX_LINES:
            raise ValidationError(
                f"L'adresse fait {len(lines)} lignes : {ADRESSE_MAX_LINES} au plus, pour tenir dans "
                "l'en-tête des courriers et des bilans."
            )
        too_long = [line for line in lines if len(line) > ADRESSE_MAX_CHARS]
        if too_long:
            raise ValidationError(
                f"« {too_long[0][:ADRESSE_MAX_CHARS]}… » : une ligne de l'adresse fait "
                f"{ADRESSE_MAX_CHARS} caractères au plus ; passez à la ligne."
            )
        return "\n".join(lines)

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
