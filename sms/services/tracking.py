"""Delivery tracking: polling the providers for SMS en transit, and the periodic sweep."""

import logging
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

from sms.crypto import SecretUnreadable
from sms.models import OutboundSms, ProviderSettings, SmsState
from sms.providers.base import ProviderError

from . import outbox
from .dispatch import sms_due_etablissements, sms_reclaim_stale
from .provider_settings import provider_build

logger = logging.getLogger(__name__)

POLL_CHUNK_SIZE = 500


def sms_poll_statuses(
    *, etablissement_id: int, sms_ids: Iterable[int] | None = None, chunk_size: int = POLL_CHUNK_SIZE
) -> int:
    """Asks the établissement's provider about its SMS en transit (all, or ``sms_ids``), by chunks,
    and applies the answers in bulk. Returns how many SMS changed state."""
    provider_settings = ProviderSettings.objects.filter(etablissement_id=etablissement_id).first()
    if provider_settings is None or not provider_settings.provider_code:
        return 0
    try:
        provider = provider_build(provider_settings)
    except (SecretUnreadable, LookupError):
        return 0
    if not provider.capabilities.polls_status:
        return 0
    pending = OutboundSms.objects.filter(
        etablissement_id=etablissement_id,
        state=SmsState.SUBMITTED,
        provider_code=provider_settings.provider_code,
    ).exclude(provider_id="")
    if sms_ids is not None:
        pending = pending.filter(pk__in=list(sms_ids))
    changed, last_pk = 0, 0
    while True:
        chunk = list(
            pending.filter(pk__gt=last_pk).order_by("pk").values_list("pk", "provider_id")[:chunk_size]
        )
        if not chunk:
            return changed
        last_pk = chunk[-1][0]
        try:
            reports = provider.fetch_statuses([provider_id for _, provider_id in chunk])
        except ProviderError as error:
            logger.warning("SMS status poll refused", extra={"kind": str(error.kind)})
            return changed
        changed += outbox.sms_apply_reports(rows={pid: pk for pk, pid in chunk}, reports=reports)


def sms_polled_etablissements() -> list[int]:
    return list(
        OutboundSms.objects.filter(state=SmsState.SUBMITTED)
        .exclude(provider_id="")
        .values_list("etablissement_id", flat=True)
        .distinct()
        .order_by()
    )


def sms_sweep(*, now: datetime | None = None) -> list[int]:
    """The periodic sweep: takes back SMS left claimed by a dead worker, marks those without a final
    report after SCONET_SMS_FINAL_REPORT_HOURS, and returns the établissements with SMS due."""
    now = now or timezone.now()
    sms_reclaim_stale(now=now)
    outbox.sms_expire_unreported(before=now - timedelta(hours=settings.SCONET_SMS_FINAL_REPORT_HOURS))
    return sms_due_etablissements(now=now)
