"""Who can receive an SMS: one rule, in one place.

A responsable can receive an SMS when they accept SMS *and* have a valid mobile number. Every screen
that shows a possible recipient, and the outbox at queue and dispatch time, asks this module.
"""

from dataclasses import dataclass

from django.db.models import Q

from eleves.phones import is_mobile


@dataclass(frozen=True)
class SmsReach:
    can_receive: bool
    reason: str = ""  # why not, in French, for the staff; empty when the SMS can go

    @property
    def label(self) -> str:
        return "SMS possible" if self.can_receive else f"SMS impossible : {self.reason}"


NO_CONSENT = "n'accepte pas les SMS"
NO_MOBILE = "pas de numéro de mobile"
INVALID_MOBILE = "numéro de mobile invalide"


def sms_reach(responsable) -> SmsReach:
    return sms_reach_of(accepte_sms=responsable.accepte_sms, tel_mobile=responsable.tel_mobile)


def sms_reach_of(*, accepte_sms: bool, tel_mobile: str) -> SmsReach:
    """The whole rule, from the values alone (the number is parsed: ask ``sms_consent`` when it was
    checked already)."""
    reach = sms_consent(accepte_sms=accepte_sms, tel_mobile=tel_mobile)
    if reach.can_receive and not is_mobile(tel_mobile):
        return SmsReach(False, INVALID_MOBILE)
    return reach


def sms_consent(*, accepte_sms: bool, tel_mobile: str) -> SmsReach:
    """The part of the rule that can change once an SMS is queued: consent, and a mobile on file.
    The outbox asks it again at dispatch; the number itself was checked when it was saved (form or
    SIECLE import) and by ``sms_reach`` when the SMS was queued."""
    if not accepte_sms:
        return SmsReach(False, NO_CONSENT)
    if not tel_mobile:
        return SmsReach(False, NO_MOBILE)
    return SmsReach(True)


def consent_refused(responsable: str) -> Q:
    """``sms_consent`` as a filter, on the responsable reached through the relation ``responsable``:
    those it refuses."""
    return Q(**{f"{responsable}__accepte_sms": False}) | Q(**{f"{responsable}__tel_mobile": ""})
