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


def _email_settings(**env) -> dict:
    names = (
        "EMAIL_BACKEND EMAIL_HOST EMAIL_PORT EMAIL_HOST_USER EMAIL_HOST_PASSWORD EMAIL_USE_TLS "
        "EMAIL_FILE_PATH DEFAULT_FROM_EMAIL"
    )
    code = (
        "from django.conf import settings as s; import json; "
        f"print(json.dumps({{k: str(getattr(s, k, '')) for k in {names.split()!r}}}))"
    )
    base = {k: v for k, v in os.environ.items() if k not in ("EMAIL_URL", "DJANGO_ALLOW_ASYNC_UNSAFE")}
    result = _manage("shell", "-c", code, **{**base, **env})
    assert result.returncode == 0, result.stderr
    import json

    return json.loads(result.stdout.strip().splitlines()[-1])


def test_email_url_configures_smtp_and_development_writes_emails_into_the_var_dir(tmp_path):
    smtp = _email_settings(
        EMAIL_URL="smtp+tls://vie.scolaire:mot%40passe@smtp.example.org:587",
        DEFAULT_FROM_EMAIL="Collège <ne-pas-repondre@college.example>",
    )
    development = _email_settings(SCONET_VAR_DIR=str(tmp_path))

    assert smtp["EMAIL_BACKEND"] == "envois.mail.SmtpBackend"
    assert (smtp["EMAIL_HOST"], smtp["EMAIL_PORT"], smtp["EMAIL_USE_TLS"]) == (
        "smtp.example.org",
        "587",
        "True",
    )
    assert (smtp["EMAIL_HOST_USER"], smtp["EMAIL_HOST_PASSWORD"]) == ("vie.scolaire", "mot@passe")
    assert smtp["DEFAULT_FROM_EMAIL"] == "Collège <ne-pas-repondre@college.example>"
    assert development["EMAIL_BACKEND"] == "django.core.mail.backends.filebased.EmailBackend"
    assert development["EMAIL_FILE_PATH"] == str(tmp_path / "courriels")
