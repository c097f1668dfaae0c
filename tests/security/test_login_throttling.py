from django.urls import reverse


def _attempt(client, password):
    return client.post(reverse("login"), {"username": "viescolaire", "password": password})


def test_repeated_failures_lock_the_login_with_a_french_message(client, vie_scolaire_user, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert _attempt(client, "mauvais").status_code == 200

    locked = _attempt(client, "mauvais")
    even_the_right_password = _attempt(client, "motdepasse-test")

    assert locked.status_code == 429
    assert "Connexion temporairement bloquée" in locked.content.decode()
    assert "15 minutes" in locked.content.decode()
    assert even_the_right_password.status_code == 429
    assert "_auth_user_id" not in client.session


def test_a_successful_login_resets_the_count(client, vie_scolaire_user, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        _attempt(client, "mauvais")

    assert _attempt(client, "motdepasse-test").status_code == 302
    client.post(reverse("logout"))
    assert _attempt(client, "mauvais").status_code == 200


def test_the_session_expires_after_inactivity_and_with_the_browser(client, vie_scolaire_user):
    response = _attempt(client, "motdepasse-test")

    assert client.session.get_expire_at_browser_close()
    assert client.session.get_expiry_age() <= 8 * 3600
    assert not response.cookies["sessionid"]["max-age"]  # a browser-session cookie
