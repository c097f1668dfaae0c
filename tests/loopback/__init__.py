"""Real HTTP servers on 127.0.0.1 standing in for the SMS providers, for tests and benchmarks."""

from tests.loopback.digitalmedia import DigitalMediaServer
from tests.loopback.pluriware import PluriwareServer
from tests.loopback.server import Misbehaviour

__all__ = ["DigitalMediaServer", "Misbehaviour", "PluriwareServer"]
