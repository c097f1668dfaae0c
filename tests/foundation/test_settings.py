"""Production mode refuses to start unsafe, and passes Django's deployment checklist."""

import os
import subprocess
import sys

PRODUCTION_ENV = {
    "SCONET_ENV": "production",
    "SECRET_KEY": "a-real-production-secret-key-with-enough-entropy-0123456789abcdef",
    "ALLOWED_HOSTS": "absences.example.org",
    "DEBUG": "off",
    "SCONET_SECRETS_KEY": "c2NvbmV0LXRlc3Qta2V5LTMyLWJ5dGVzLWxvbmctMDA=",
}


def _manage(*args, **env):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        env={**{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_refuses_the_development_secret_key():
    result = _manage("check", **{**PRODUCTION_ENV, "SECRET_KEY": ""})

    assert result.returncode != 0
    assert "requires a real SECRET_KEY" in result.stderr


def test_production_refuses_debug():
    result = _manage("check", **{**PRODUCTION_ENV, "DEBUG": "on"})

    assert result.returncode != 0
    assert "refuses DEBUG=on" in result.stderr


def test_production_passes_the_deployment_checklist():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION_ENV)

    assert result.returncode == 0, result.stdout + result.stderr


def test_production_deployment_check_requires_the_secrets_key():
    result = _manage("check", "--deploy", **{**PRODUCTION_ENV, "SCONET_SECRETS_KEY": ""})

    assert result.returncode != 0
    assert "sms.E001" in result.stdout + result.stderr
