"""The admin shows the letters and emails, and never changes or deletes one (the school's record)."""

from django.contrib.auth import get_user_model
from django.urls import reverse

from envois.models import Envoi
from tests.envois.conftest import queue_envois


def test_the_admin_shows_a_letter_but_never_changes_or_deletes_it(client, etablissement, parametrages):
    (envoi,) = queue_envois(etablissement)
    client.force_login(get_user_model().objects.create_superuser("chef", password="Tres-secret-42"))

    assert client.get(reverse("admin:envois_envoi_changelist")).status_code == 200
    page = client.get(reverse("admin:envois_envoi_change", args=[envoi.pk])).content.decode()
    assert 'name="_save"' not in page
    assert (
        client.post(reverse("admin:envois_envoi_delete", args=[envoi.pk]), {"post": "yes"}).status_code == 403
    )
    assert Envoi.objects.filter(pk=envoi.pk).exists()
