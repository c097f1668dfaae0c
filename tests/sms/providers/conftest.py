import pytest

from sms.providers.base import Credentials, OutgoingMessage
from sms.providers.digitalmedia import DigitalMediaProvider
from sms.providers.pluriware import PluriwareProvider


def outgoing(n: int, *, to: str = "", text: str = "", sender: str = "0146000000") -> OutgoingMessage:
    return OutgoingMessage(
        reference=f"sconet-{n}",
        to=to or f"+3361234{n:04d}",
        text=text or f"Absence de l'élève n°{n}",
        sender=sender,
        service_code="0",
    )


@pytest.fixture
def short_timeouts(settings):
    settings.SCONET_SMS_CONNECT_TIMEOUT = 0.5
    settings.SCONET_SMS_READ_TIMEOUT = 0.3
    return settings


@pytest.fixture
def pluriware(pluriware_server, short_timeouts):
    return PluriwareProvider(Credentials(pluriware_server.login, pluriware_server.password))


@pytest.fixture
def digitalmedia(digitalmedia_server, short_timeouts):
    return DigitalMediaProvider(Credentials(digitalmedia_server.login, digitalmedia_server.password))


@pytest.fixture(params=["pluriware", "digitalmedia"])
def provider_and_server(request):
    """Each HTTP adapter with its loopback server, for what both must do alike."""
    return request.getfixturevalue(request.param), request.getfixturevalue(f"{request.param}_server")
