"""A loopback provider server in a process of its own, for the benchmarks: neither the benchmark's
loop nor a worker shares its interpreter. The benchmark asks it questions through a pipe."""

import multiprocessing
from contextlib import suppress

from tests.loopback.server import LoopbackServer


def _answer(server: LoopbackServer, command: str, args: tuple):
    if command == "requests":  # requests received (cheap: asked while a benchmark runs)
        return len(server.requests)
    if command == "count":  # (requests received, messages received)
        return len(server.requests), len(server.sent_messages())
    if command == "accepted":  # [(message id, number, text)] of every message the server took
        return [(m["id"], m["to"], m["text"]) for m in server.sent_messages() if "id" in m]
    if command == "deliver_all":
        server.mark_delivered(list(server.states))
        return None
    if command == "register":  # message ids sent before this server started, now en transit here
        return server.adopt(args[0])
    raise ValueError(f"Unknown command {command!r}")


def _serve(server_class: type[LoopbackServer], connection) -> None:
    with server_class() as server:
        connection.send(server.url)
        while (message := connection.recv()) != "stop":
            command, args = message
            connection.send(_answer(server, command, args))


class LoopbackProcess:
    """``LoopbackProcess(PluriwareServer)``: the server runs in a spawned process; ``url`` is its API."""

    def __init__(self, server_class: type[LoopbackServer]):
        self.connection, child = multiprocessing.Pipe()
        self.process = multiprocessing.get_context("spawn").Process(
            target=_serve, args=(server_class, child), daemon=True
        )
        self.process.start()
        self.url = self.connection.recv()

    def ask(self, command: str, *args):
        self.connection.send((command, args))
        return self.connection.recv()

    def stop(self) -> None:
        with suppress(OSError):  # the process is gone already (a Ctrl-C reaches it too)
            self.connection.send("stop")
        self.process.join(timeout=10)
        if self.process.is_alive():
            self.process.kill()
