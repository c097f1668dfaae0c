"""Fixtures shared by every test: two établissements, one account of each role, a real browser,
and a real Celery worker process."""

import os

import pytest

from tests import factories

# Playwright's sync API keeps an event loop in the test thread; the ORM calls made beside it are safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytest_plugins = [
    "tests.fixtures.browser",
    "tests.fixtures.celery_worker",
    "tests.fixtures.stack",
    "tests.loopback.fixtures",
]


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Hashing passwords at production strength costs seconds per login; tests do not need it."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def etablissement(db):
    return factories.EtablissementFactory(uai="0699990J", nom="Collège Victor Hugo")


@pytest.fixture
def other_etablissement(db):
    return factories.EtablissementFactory(uai="0699991K", nom="Lycée Jean Moulin")


@pytest.fixture
def vie_scolaire_user(etablissement):
    return factories.vie_scolaire(etablissement, username="viescolaire")


@pytest.fixture
def habilitee_user(etablissement):
    return factories.habilitee(etablissement, username="habilitee")


@pytest.fixture
def vie_scolaire_client(client, vie_scolaire_user):
    client.force_login(vie_scolaire_user)
    return client


@pytest.fixture
def habilitee_client(client, habilitee_user):
    client.force_login(habilitee_user)
    return client
