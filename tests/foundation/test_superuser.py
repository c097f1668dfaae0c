"""The standard `manage.py createsuperuser --noinput` works; its account reaches the schools and the admin."""

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse


def test_createsuperuser_noinput_makes_an_account_that_works(client, etablissement, monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_USERNAME", "chef")
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "Tres-secret-42")
    monkeypatch.setenv("DJANGO_SUPERUSER_EMAIL", "chef@example.org")

    call_command("createsuperuser", interactive=False, verbosity=0)

    chef = get_user_model().objects.get(username="chef")
    assert chef.is_superuser
    assert chef.check_password("Tres-secret-42")
    client.force_login(chef)
    assert client.get(reverse("admin:index")).status_code == 200
    assert client.get(reverse("eleves:fiches")).status_code == 200
