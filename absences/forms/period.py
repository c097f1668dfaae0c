"""A period « Du » « Au » both required, with the French messages of a wrong, silly or missing day: the
Statistiques and the Documents share it."""

from etablissements.forms import DayField, DayRangeForm

DAY_ERRORS = {
    "required": "Indiquez une date.",
    "invalid": "Saisissez une date valide, entre le 01/01/1900 et le 31/12/2999.",
}


class PeriodForm(DayRangeForm):
    du = DayField(label="Du", error_messages=DAY_ERRORS)
    au = DayField(label="Au", error_messages=DAY_ERRORS)
