"""Provider passwords encrypted at rest (Fernet, from the ``cryptography`` library).

The key comes from the environment (``SCONET_SECRETS_KEY``: one or several Fernet keys separated by
commas, the first one encrypts, all of them decrypt, so that a key can be rotated). In development
only, when it is not set, a key is derived from SECRET_KEY; production refuses to use a secret
without it, and ``manage.py check --deploy`` reports it missing (``sms.checks``).
"""

import base64
import hashlib
from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


class SecretUnreadable(Exception):
    """The stored secret cannot be decrypted with the configured keys (the key changed)."""


def _development_key() -> bytes:
    digest = hashlib.sha256(f"sconet-secrets:{settings.SECRET_KEY}".encode()).digest()
    return base64.urlsafe_b64encode(digest)


@cache
def _fernet(keys: str) -> MultiFernet:
    parts = [k.strip().encode() for k in keys.split(",") if k.strip()]
    if not parts:
        if settings.PRODUCTION:
            raise ImproperlyConfigured("SCONET_ENV=production requires SCONET_SECRETS_KEY (a Fernet key).")
        parts = [_development_key()]
    return MultiFernet([Fernet(key) for key in parts])


def secret_encrypt(plain: str) -> str:
    if not plain:
        return ""
    return _fernet(settings.SCONET_SECRETS_KEY).encrypt(plain.encode()).decode()


def secret_decrypt(token: str) -> str:
    if not token:
        return ""
    try:
        return _fernet(settings.SCONET_SECRETS_KEY).decrypt(token.encode()).decode()
    except InvalidToken as error:
        raise SecretUnreadable(
            "Le mot de passe enregistré ne peut pas être déchiffré (la clé SCONET_SECRETS_KEY a changé) : "
            "saisissez-le à nouveau."
        ) from error
