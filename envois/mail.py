"""Django's SMTP backend, told whether the message itself went to the server.

An SMTP failure before DATA (connection refused, sender or recipient refused, a timeout at MAIL
FROM) surely sent nothing: the email may be tried again. Once DATA has begun, a lost connection or
a timeout may come after the server took the message: the email is then "non confirmé" and never
sent again blindly. ``data_started`` tells the two apart; a refusal the server answered (an SMTP
code) is never in doubt.
"""

import smtplib

from django.core.mail.backends.smtp import EmailBackend


class _TrackedSMTP(smtplib.SMTP):
    data_started = False

    def mail(self, *args, **kwargs):
        self.data_started = False  # each message's transaction starts here
        return super().mail(*args, **kwargs)

    def data(self, msg):
        self.data_started = True
        return super().data(msg)


class _TrackedSMTPSSL(_TrackedSMTP, smtplib.SMTP_SSL):
    pass


class SmtpBackend(EmailBackend):
    @property
    def connection_class(self):
        return _TrackedSMTPSSL if self.use_ssl else _TrackedSMTP


def data_started(backend) -> bool | None:
    """Whether the last message's DATA began on ``backend``'s connection; None when the backend
    cannot say (not SMTP, or not connected)."""
    return getattr(getattr(backend, "connection", None), "data_started", None)
