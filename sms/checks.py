from django.conf import settings
from django.core.checks import Error, Tags, register


@register(Tags.security, deploy=True)
def secrets_key_check(app_configs, **kwargs):
    """Production encrypts the providers' passwords with a key of its own, not one derived from SECRET_KEY."""
    if settings.SCONET_SECRETS_KEY:
        return []
    return [
        Error(
            "SCONET_SECRETS_KEY is not set: the SMS providers' passwords cannot be encrypted.",
            hint='python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"',
            id="sms.E001",
        )
    ]
