"""A signed-in user's pages are never kept by a browser or a proxy."""

from django.urls import reverse


def test_a_signed_in_users_page_is_never_stored(vie_scolaire_client):
    response = vie_scolaire_client.get(reverse("sms_waiting"))

    assert response.status_code == 200
    assert {"no-store", "private"} <= {part.strip() for part in response["Cache-Control"].split(",")}
