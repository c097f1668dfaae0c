"""A worker killed with SIGKILL in the middle of a batch loses no SMS and sends none twice once the
system runs again: a real Celery worker process, the loopback Pluriware server's record as witness."""

import time
from collections import Counter

import pytest
from django.db import connection

from sms.models import OutboundSms, SmsState
from sms.services import sms_release
from sms.tasks import sms_sweep
from tests.loopback.server import Misbehaviour
from tests.sms.conftest import configure_provider, queue_sms

pytestmark = pytest.mark.slow

HANG_SECONDS = 3  # the provider takes each batch, then keeps the worker waiting that long for its answer


def _wait_for(condition, timeout=60, message=""):
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, message
        time.sleep(0.2)


@pytest.mark.parametrize(
    ("lanes", "requests_before_kill"),
    [
        # One lane: the first batch is answered after a while; the worker dies while it waits for the
        # answer to the second, which the provider has already taken; the third was never claimed.
        (1, 2),
        # Three lanes (PostgreSQL only): the three batches leave at once; the worker dies while two
        # of them wait.
        pytest.param(
            3, 3, marks=pytest.mark.skipif(connection.vendor != "postgresql", reason="lanes need PostgreSQL")
        ),
    ],
)
def test_sigkill_mid_batch_loses_no_sms_and_sends_none_twice(
    etablissement, pluriware_server, celery_worker_factory, lanes, requests_before_kill
):
    configure_provider(
        etablissement, code="pluriware", login=pluriware_server.login, password=pluriware_server.password
    )
    rows = queue_sms(etablissement, 250)  # three batches of at most 100
    pluriware_server.misbehave(Misbehaviour.ACCEPT_THEN_HANG, times=2, delay=HANG_SECONDS)
    environment = {
        "SCONET_PLURIWARE_URL": pluriware_server.url,
        "SCONET_SMS_READ_TIMEOUT": "60",
        "SCONET_SMS_DISPATCH_LANES": str(lanes),
    }
    worker = celery_worker_factory(environment)

    sms_release(etablissement=etablissement, user=None, ids=[sms.pk for sms in rows])  # queues the dispatch
    _wait_for(
        lambda: len(pluriware_server.requests) == requests_before_kill,
        message="the batches never reached the server",
    )
    worker.kill()

    in_flight = set(
        OutboundSms.objects.exclude(claim_token="")
        .filter(state=SmsState.SENDING)
        .values_list("pk", flat=True)
    )
    assert len(in_flight) >= 100  # truly mid-batch: at least one batch taken, its answer not recorded

    # The system runs again: a new worker, and the sweep that beat runs every minute.
    celery_worker_factory({**environment, "SCONET_SMS_CLAIM_TIMEOUT": "1"})
    time.sleep(1.5)
    sms_sweep.delay()
    _wait_for(
        lambda: not OutboundSms.objects.filter(state__in=(SmsState.QUEUED, SmsState.SENDING)).exists(),
        message="some SMS were never sent after the restart",
    )

    sent = Counter(message["to"] for message in pluriware_server.sent_messages())
    assert sent == Counter({sms.phone: 1 for sms in rows})  # every SMS reached the provider, exactly once
    assert len(pluriware_server.requests) == 3
    final = OutboundSms.objects.all()
    assert {sms.state for sms in final} == {SmsState.SUBMITTED}
    # The SMS whose answer was lost are marked in doubt and never re-sent; the others have their id.
    assert {sms.pk for sms in final if sms.in_doubt} == in_flight
    assert {sms.pk for sms in final if sms.provider_id} == {sms.pk for sms in rows} - in_flight
