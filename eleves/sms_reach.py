"""Who can receive an SMS: one rule, in one place.

A responsable can receive an SMS when they accept SMS *and* have a valid mobile number. Every screen
that shows a possible recipient, and the outbox at queue and dispatch time, asks this module.
"""

from dataclasses import dataclass

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
    if not responsable.accepte_sms:
        return SmsReach(False, NO_CONSENT)
    if not responsable.tel_mobile:
        return SmsReach(False, NO_MOBILE)
    if not is_mobile(responsable.tel_mobile):
        return SmsReach(False, INVALID_MOBILE)
    return SmsReach(True)
