"""Every form is protected against cross-site request forgery: a post without the token changes nothing."""

import pytest
from django.test import Client

from tests.urls import all_routes, example_path


@pytest.fixture
def csrf_client(habilitee_user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(habilitee_user)
    return client


@pytest.mark.parametrize("route", sorted({route for route, name in all_routes() if name != "healthz"}))
def test_a_post_without_the_csrf_token_is_refused_in_french(csrf_client, route):
    response = csrf_client.post(example_path(route), {"nom": "x"})

    assert response.status_code == 403
    assert "Formulaire expiré" in response.content.decode()
