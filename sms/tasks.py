"""Celery tasks: each one only calls a service (``sms.services``)."""

from celery import shared_task

from sms import services


@shared_task
def sms_dispatch(etablissement_id: int) -> int:
    """Sends one établissement's released SMS; after a transient failure, comes back after the backoff."""
    outcome = services.sms_dispatch(etablissement_id=etablissement_id)
    if outcome.retry_in is not None:
        sms_dispatch.apply_async((etablissement_id,), countdown=outcome.retry_in)
    return outcome.submitted


@shared_task
def sms_sweep() -> list[int]:
    """Beat, every minute: takes back claims of dead workers, and dispatches what is due, per school."""
    due = services.sms_sweep()
    for etablissement_id in due:
        sms_dispatch.delay(etablissement_id)
    return due


@shared_task
def sms_poll_statuses() -> int:
    """Beat: asks each provider about the SMS en transit, one task per établissement."""
    etablissement_ids = services.sms_polled_etablissements()
    for etablissement_id in etablissement_ids:
        sms_poll_etablissement.delay(etablissement_id)
    return len(etablissement_ids)


@shared_task
def sms_poll_etablissement(etablissement_id: int) -> int:
    return services.sms_poll_statuses(etablissement_id=etablissement_id)
