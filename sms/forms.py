from django import forms

from eleves.phones import PhoneError, mobile_parse
from sms.models import OutboundSms
from sms.providers import provider_choices


class SmsSelectionForm(forms.Form):
    """The boxes ticked in "SMS à diffuser": any of this school's SMS. One a colleague dispatched or
    deleted since the page was shown is no error: the services only act on those still waiting."""

    sms = forms.ModelMultipleChoiceField(
        queryset=OutboundSms.objects.none(),
        error_messages={"required": "Cochez au moins un SMS."},
    )

    def __init__(self, *args, etablissement, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sms"].queryset = OutboundSms.objects.filter(etablissement=etablissement).only("pk")


class ProviderSettingsForm(forms.Form):
    """ "Modification des paramètres du fournisseur de service"."""

    provider_code = forms.ChoiceField(label="Nom du fournisseur de service", required=False)
    login = forms.CharField(label="Clé d'identification", max_length=120, required=False)
    password = forms.CharField(
        label="Mot de passe",
        max_length=200,
        required=False,
        strip=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
    )
    option1 = forms.CharField(label="Option 1", max_length=120, required=False)
    option2 = forms.CharField(label="Option 2", max_length=120, required=False)

    def __init__(self, *args, password_is_set: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["provider_code"].choices = [("", "Aucun"), *provider_choices()]
        self.fields["password"].help_text = (
            "Un mot de passe est enregistré : laissez ce champ vide pour le garder. "
            "Si vous changez de fournisseur, saisissez le mot de passe du nouveau fournisseur."
            if password_is_set
            else "Le mot de passe fourni par l'opérateur."
        )


class PhoneForm(forms.Form):
    """A mobile number typed by the staff: the test SMS, or the corrected number of an SMS to resend."""

    phone = forms.CharField(label="Numéro de mobile", max_length=30)

    def clean_phone(self) -> str:
        raw = self.cleaned_data["phone"]
        try:
            return mobile_parse(raw, etranger=raw.strip().startswith(("+", "00")))
        except PhoneError as error:
            raise forms.ValidationError(error.message) from None
