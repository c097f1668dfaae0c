"""Celery tasks: each one only calls a service (``envois.services``)."""

from celery import shared_task

from envois import services


@shared_task
def courriels_send(etablissement_id: int) -> int:
    """Sends one établissement's released courriels; after a transient failure, comes back after the
    backoff."""
    outcome = services.courriels_send(etablissement_id=etablissement_id)
    if outcome.retry_in is not None:
        courriels_send.apply_async((etablissement_id,), countdown=outcome.retry_in)
    return outcome.sent


@shared_task
def courriels_sweep() -> list[int]:
    """Beat, every minute: takes back claims of dead workers, and sends what is due, per school."""
    due = services.courriels_sweep()
    for etablissement_id in due:
        courriels_send.delay(etablissement_id)
    return due
