from django import forms

from .models import Envoi


class EnvoiSelectionForm(forms.Form):
    """The boxes ticked in Courriers or Courriels: any of this school's letters (or emails). One a
    colleague edited, sent or deleted since the page was shown is no error: the services only act on
    those still waiting."""

    envoi = forms.ModelMultipleChoiceField(queryset=Envoi.objects.none())

    def __init__(self, *args, etablissement, kind: str, noun: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["envoi"].queryset = Envoi.objects.filter(etablissement=etablissement, kind=kind).only(
            "pk"
        )
        self.fields["envoi"].error_messages["required"] = f"Cochez au moins un {noun}."
