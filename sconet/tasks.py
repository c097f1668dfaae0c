from celery import shared_task


@shared_task
def ping() -> str:
    """Answers "pong": proves that a worker consumes the broker and reaches the result backend."""
    return "pong"
