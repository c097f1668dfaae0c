"""Log hygiene: a family's phone number, a session id or a secret never reaches the logs."""

import logging
import re

# +33612345678, 0612345678, 06 12 34 56 78, 33612345678: all but the last two digits are masked.
PHONE_NUMBER = re.compile(r"(?<![\w/])(\+?\d[\d .-]{7,16})(\d{2})(?!\w)")
SECRET_ASSIGNMENT = re.compile(
    r"(?i)\b(password|mot_de_passe|passwd|secret|token|sessionid|csrftoken|api_key)(['\"]?\s*[:=]\s*['\"]?)([^\s'\",;&]+)"
)


def redact(text: str) -> str:
    text = SECRET_ASSIGNMENT.sub(lambda m: f"{m.group(1)}{m.group(2)}***", text)
    return PHONE_NUMBER.sub(lambda m: re.sub(r"\d", "*", m.group(1)) + m.group(2), text)


class RedactingFilter(logging.Filter):
    """Rewrites each record's message with phone numbers and secrets masked."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = redact(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        return True
