"""Pytest fixtures: a loopback provider server per test, and the adapters' timeouts kept short."""

import pytest

from tests.loopback.digitalmedia import DigitalMediaServer
from tests.loopback.pluriware import PluriwareServer


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
