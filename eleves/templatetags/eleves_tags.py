from django import template

from eleves.phones import phone_format
from eleves.sms_reach import sms_reach as reach_of

register = template.Library()


@register.filter
def phone(e164: str) -> str:
    """ "+33612345678" → "06 12 34 56 78"."""
    return phone_format(e164)


@register.inclusion_tag("eleves/_sms_reach.html")
def sms_status(responsable):
    """Whether an SMS can reach this responsable and, if not, why: wherever a responsable is shown."""
    return {"reach": reach_of(responsable)}
