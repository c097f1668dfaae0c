"""A Celery worker or a benchmark in another process reaches the loopback server through the
environment, as it would reach the real provider."""

import os
import subprocess
import sys

import pytest

pytestmark = pytest.mark.slow

SEND_FROM_SETTINGS = """
import django
django.setup()
from sms.providers.base import Credentials, OutgoingMessage
from sms.providers.pluriware import PluriwareProvider
[result] = PluriwareProvider(Credentials("CLE-TEST", "mot-de-passe")).send_batch(
    [OutgoingMessage("ref-1", "+33612345678", "Depuis un autre processus", "", "0")]
)
print(result.outcome, result.provider_id)
"""


def test_another_process_sends_to_the_loopback_server_named_in_its_environment(pluriware_server):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "sconet.settings",
        "SCONET_PLURIWARE_URL": pluriware_server.url,
    }

    result = subprocess.run(
        [sys.executable, "-c", SEND_FROM_SETTINGS], env=env, capture_output=True, text=True, timeout=60
    )

    assert result.stdout.strip() == "accepted 11188", result.stderr
    assert pluriware_server.sent_messages()[0]["text"] == "Depuis un autre processus"
