"""A period « Du » « Au » both required, with the French messages of a wrong, silly or missing day: the
Statistiques and the Documents share it."""

from etablissements.forms import DayField, DayRangeForm

DAY_ERRORS = {"required": "Indiquez une date."}  # a wrong or silly day: DayField's own message


class PeriodForm(DayRangeForm):
    du = DayField(label="Du", error_messages=DAY_ERRORS)
    au = DayField(label="Au", error_messages=DAY_ERRORS)
