"""The admin shows the outbox, and never changes or deletes an SMS (the school's record)."""

from django.contrib.auth import get_user_model
from django.urls import reverse

from tests.sms.conftest import queue_sms


def test_the_admin_shows_an_sms_but_never_deletes_it(client, etablissement):
    (sms,) = queue_sms(etablissement, 1)
    client.force_login(get_user_model().objects.create_superuser("chef", password="Tres-secret-42"))

    assert client.get(reverse("admin:sms_outboundsms_change", args=[sms.pk])).status_code == 200
    assert (
        client.post(reverse("admin:sms_outboundsms_delete", args=[sms.pk]), {"post": "yes"}).status_code
        == 403
    )
    assert type(sms).objects.filter(pk=sms.pk).exists()
