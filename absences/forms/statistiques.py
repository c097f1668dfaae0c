from django import forms

from eleves.forms import DivisionFilterForm

from ..statistiques import EventKind
from .period import PeriodForm


class StatistiquesForm(PeriodForm, DivisionFilterForm):
    """The filters of Statistiques, read from the address (the page can be bookmarked); as first
    opened, ``period`` (the school year up to today), every division, both types."""

    type = forms.ChoiceField(label="Type", choices=EventKind.choices, required=False)
    field_order = ["du", "au", "division", "type"]

    def __init__(self, query, *, etablissement, period):
        if not any(name in query for name in self.base_fields):
            du, au = period
            query = {"du": du.isoformat(), "au": au.isoformat(), "type": EventKind.TOUS}
        super().__init__(query, etablissement=etablissement)
        self.fields["division"].label = "Division"

    def clean_type(self) -> str:
        return self.cleaned_data["type"] or EventKind.TOUS
