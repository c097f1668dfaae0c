"""Pytest fixtures: a loopback provider server per test, and the adapters' timeouts kept short; a
loopback SMTP server for the courriels."""

import pytest

from tests.loopback.digitalmedia import DigitalMediaServer
from tests.loopback.pluriware import PluriwareServer
from tests.loopback.smtp import SmtpServer


@pytest.fixture
def pluriware_server(settings):
    """A Pluriware XML API on 127.0.0.1; the adapter's endpoint setting points at it."""
    with PluriwareServer() as server:
        settings.SCONET_PLURIWARE_URL = server.url
        yield server


@pytest.fixture
def digitalmedia_server(settings):
    """A Digital Média JSON API on 127.0.0.1; the adapter's endpoint setting points at it."""
    with DigitalMediaServer() as server:
        settings.SCONET_DIGITALMEDIA_URL = server.url
        yield server


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server on 127.0.0.1; this process's email backend sends to it (as EMAIL_URL would)."""
    with SmtpServer() as server:
        settings.EMAIL_BACKEND = "envois.mail.SmtpBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.port
        settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
        settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
        settings.EMAIL_TIMEOUT = 5
        yield server
