from datetime import date

from django import forms
from django.core.exceptions import ValidationError

from .journal import SYSTEM_USERNAME, operation_choices


class EtablissementChoiceForm(forms.Form):
    etablissement = forms.ModelChoiceField(queryset=None, label="Établissement", empty_label=None)

    def __init__(self, *args, etablissements, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["etablissement"].queryset = etablissements


class DayField(forms.DateField):
    """A day picked in the browser's calendar (or typed 15/02/2008); a year nobody means (0005, 20026:
    a slip of the keyboard) is refused like any malformed date, the message saying which are taken."""

    widget = forms.DateInput(attrs={"type": "date", "class": "form-control"}, format="%Y-%m-%d")
    earliest, latest = date(1900, 1, 1), date(2999, 12, 31)
    default_error_messages = {
        "invalid": f"Saisissez une date valide, entre le {earliest:%d/%m/%Y} et le {latest:%d/%m/%Y}."
    }

    def validate(self, value):
        super().validate(value)
        if value and not self.earliest <= value <= self.latest:
            raise ValidationError(self.error_messages["invalid"], code="invalid")


class DayRangeForm(forms.Form):
    """« Du » and « Au », two days both included: « Au » may not precede « Du »."""

    du = DayField(label="Du", required=False)
    au = DayField(label="Au", required=False)

    def clean(self):
        cleaned = super().clean()
        du, au = cleaned.get("du"), cleaned.get("au")
        if du and au and au < du:
            self.add_error("au", "La date « Au » ne peut pas précéder la date « Du ».")
        return cleaned


class JournalFilterForm(DayRangeForm):
    """The filters of the Journal des opérations."""

    operation = forms.ChoiceField(label="Opération", required=False)
    utilisateur = forms.ChoiceField(label="Utilisateur", required=False)
    field_order = ["operation", "utilisateur", "du", "au"]

    def __init__(self, *args, usernames: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["operation"].choices = [("", "Toutes"), *operation_choices()]
        self.fields["utilisateur"].choices = [
            ("", "Tous"),
            *((name, "Système" if name == SYSTEM_USERNAME else name) for name in usernames if name),
        ]
        for name in ("operation", "utilisateur"):
            self.fields[name].widget.attrs["class"] = "form-select"

    def filters(self) -> dict | None:
        """The journal's filters: none for the page as first opened, ``None`` when the form is wrong."""
        if not self.is_bound:
            return {}
        if not self.is_valid():
            return None
        data = self.cleaned_data
        return {
            "action": data["operation"],
            "username": data["utilisateur"],
            "du": data["du"],
            "au": data["au"],
        }
