from django import forms


class EtablissementChoiceForm(forms.Form):
    etablissement = forms.ModelChoiceField(queryset=None, label="Établissement", empty_label=None)

    def __init__(self, *args, etablissements, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["etablissement"].queryset = etablissements
