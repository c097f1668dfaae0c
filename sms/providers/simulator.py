"""The simulator: an in-process provider for demonstrations and ``make run``; nothing leaves the machine.

It accepts every message, reports it en transit, then délivré ``SCONET_SIMULATOR_DELIVERY_SECONDS``
later (5 by default). It keeps no state: the provider id carries the time of acceptance and the fate
of the message, so any process (web, worker, beat) answers a status poll the same way.

Test numbers: mobiles the Australian regulator (ACMA) sets aside for fiction, so they reach no one,
yet valid mobiles for libphonenumber, so the pages accept them (a responsable "étranger"):
- +61 491 570 156 and +61 491 570 157: refused at sending, invalide;
- +61 491 570 158 and +61 491 570 159: accepted, then non remis.
(ARCEP's French fiction range, 06 39 98 xx xx, is no valid mobile for libphonenumber: it cannot be typed.)
"""

import re
import secrets
import time
from collections.abc import Sequence
from datetime import UTC, datetime

from django.conf import settings

from sms.providers.base import (
    DELIVERED,
    SUBMITTED,
    UNDELIVERED,
    Capabilities,
    OutgoingMessage,
    Provider,
    ProviderError,
    ProviderErrorKind,
    SendOutcome,
    SendResult,
    StatusReport,
)

INVALID_NUMBERS = frozenset({"+61491570156", "+61491570157"})
UNDELIVERED_NUMBERS = frozenset({"+61491570158", "+61491570159"})
FATE_DELIVERED = "d"
FATE_UNDELIVERED = "u"
FINAL_STATES = {FATE_DELIVERED: DELIVERED, FATE_UNDELIVERED: UNDELIVERED}
PROVIDER_ID = re.compile(r"^sim-(?P<accepted_ms>\d{1,15})-(?P<fate>[du])-[0-9a-f]{8}$")


def _now_ms() -> int:
    return time.time_ns() // 1_000_000


def _as_datetime(ms: int) -> datetime:
    return datetime.fromtimestamp(ms / 1000, tz=UTC)


class SimulatorProvider(Provider):
    code = "simulator"
    label = "SIMULATEUR"
    website = "Intégré à sconet : aucun SMS n'est réellement envoyé"
    capabilities = Capabilities(
        max_batch=100,
        takes_client_reference=False,
        polls_status=True,
        accepts_ucs2=True,
        can_check_credentials=True,
    )
    required_credentials = ()  # it sends nothing anywhere: any clé, or none, will do

    def send_batch(self, messages: Sequence[OutgoingMessage]) -> list[SendResult]:
        self._check_batch_size(messages)
        accepted_ms = _now_ms()
        return [self._send_one(message, accepted_ms) for message in messages]

    def _send_one(self, message: OutgoingMessage, accepted_ms: int) -> SendResult:
        if message.to in INVALID_NUMBERS:
            return SendResult(
                message.reference,
                SendOutcome.REJECTED,
                error="Numéro invalide (numéro de test du simulateur).",
            )
        fate = FATE_UNDELIVERED if message.to in UNDELIVERED_NUMBERS else FATE_DELIVERED
        provider_id = f"sim-{accepted_ms}-{fate}-{secrets.token_hex(4)}"
        return SendResult(message.reference, SendOutcome.ACCEPTED, provider_id=provider_id)

    def fetch_statuses(self, provider_ids: Sequence[str]) -> list[StatusReport]:
        delay_ms = int(settings.SCONET_SIMULATOR_DELIVERY_SECONDS * 1000)
        now_ms = _now_ms()
        reports = []
        for provider_id in provider_ids:
            match = PROVIDER_ID.match(provider_id)
            if match is None:
                continue  # not one of ours: the provider knows nothing of it
            accepted_ms = int(match["accepted_ms"])
            if now_ms - accepted_ms >= delay_ms:
                state, at_ms = FINAL_STATES[match["fate"]], accepted_ms + delay_ms
            else:
                state, at_ms = SUBMITTED, accepted_ms
            reports.append(StatusReport(provider_id, state, _as_datetime(at_ms), raw=state))
        return reports

    def check_credentials(self) -> None:
        if not self.credentials.login.strip():
            raise ProviderError(
                ProviderErrorKind.AUTH,
                "Le simulateur attend une clé d'identification (n'importe laquelle).",
                retryable=False,
            )
