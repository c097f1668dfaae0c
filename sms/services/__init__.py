"""The SMS app's writes. Other apps import from here only (``from sms.services import sms_enqueue``).

- ``outbox``: the state machine of an SMS (the only code that changes one's state);
- ``dispatch``: batches handed to each établissement's provider, retries, permanent failures;
- ``tracking``: delivery reports polled from the providers, and the periodic sweep;
- ``provider_settings``: the Fournisseur de services page and the sending hours.
"""

from .dispatch import DispatchOutcome, sms_dispatch
from .outbox import (
    SmsDraft,
    SmsRecipientUnreachable,
    sms_cancel_selected,
    sms_cancel_waiting,
    sms_enqueue,
    sms_release,
    sms_requeue_cancelled,
    sms_rerender_waiting,
    sms_resend,
)
from .provider_settings import (
    ProviderAnswer,
    ProviderSettingsInvalid,
    provider_connection_test,
    provider_settings_update,
    provider_test_sms,
    sms_sending_window_set,
)
from .tracking import sms_poll_statuses, sms_polled_etablissements, sms_sweep

__all__ = [
    "DispatchOutcome",
    "ProviderAnswer",
    "ProviderSettingsInvalid",
    "SmsDraft",
    "SmsRecipientUnreachable",
    "provider_connection_test",
    "provider_settings_update",
    "provider_test_sms",
    "sms_cancel_selected",
    "sms_cancel_waiting",
    "sms_dispatch",
    "sms_enqueue",
    "sms_poll_statuses",
    "sms_polled_etablissements",
    "sms_release",
    "sms_requeue_cancelled",
    "sms_rerender_waiting",
    "sms_resend",
    "sms_sending_window_set",
    "sms_sweep",
]
