"""A real SMTP server on 127.0.0.1 (aiosmtpd), standing in for the school's mail server: it records
every message it takes, and misbehaves on demand."""

import asyncio
import email
import enum
from dataclasses import dataclass
from email.message import Message

from aiosmtpd.controller import Controller

from tests.fixtures.processes import free_port


class SmtpMisbehaviour(enum.StrEnum):
    TRY_LATER = "try_later"  # 451 to RCPT TO: surely not taken, may be tried again
    REFUSED = "refused"  # 550 to RCPT TO: the address does not exist
    CLOSE_AFTER_DATA = "close_after_data"  # takes the message, then closes without an answer


@dataclass
class Received:
    sender: str
    recipients: list[str]
    message: Message

    @property
    def body(self) -> str:
        return self.message.get_payload(decode=True).decode(self.message.get_content_charset() or "utf-8")


class _Handler:
    def __init__(self, server: "SmtpServer"):
        self.server = server

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        misbehaviour = self.server.take_misbehaviour((SmtpMisbehaviour.TRY_LATER, SmtpMisbehaviour.REFUSED))
        if misbehaviour == SmtpMisbehaviour.TRY_LATER:
            return "451 4.3.0 Mailbox busy, try again later"
        if misbehaviour == SmtpMisbehaviour.REFUSED:
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.server.received.append(
            Received(envelope.mail_from, list(envelope.rcpt_tos), email.message_from_bytes(envelope.content))
        )
        if self.server.take_misbehaviour((SmtpMisbehaviour.CLOSE_AFTER_DATA,)):
            server.transport.close()
            await asyncio.sleep(0.1)
        return "250 Message accepted for delivery"


class SmtpServer:
    def __init__(self):
        self.port = free_port()
        self.received: list[Received] = []
        self._misbehaviours: list[SmtpMisbehaviour] = []
        self._controller = Controller(_Handler(self), hostname="127.0.0.1", port=self.port)

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    def misbehave(self, misbehaviour: SmtpMisbehaviour, times: int = 1) -> None:
        self._misbehaviours.extend([misbehaviour] * times)

    def take_misbehaviour(self, kinds) -> SmtpMisbehaviour | None:
        if self._misbehaviours and self._misbehaviours[0] in kinds:
            return self._misbehaviours.pop(0)
        return None

    def __enter__(self) -> "SmtpServer":
        self._controller.start()
        return self

    def __exit__(self, *exc) -> None:
        self._controller.stop()
