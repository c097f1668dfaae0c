import pytest

from sconet.tasks import ping

pytestmark = pytest.mark.slow


def test_a_real_worker_runs_a_task_and_its_result_is_seen(celery_worker_process):
    result = ping.delay()

    assert result.get(timeout=60) == "pong"
    assert "sconet.tasks.ping" in celery_worker_process.log
