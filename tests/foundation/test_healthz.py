import json

from django.urls import reverse


def test_healthz_says_database_and_broker_are_reachable(client, db):
    response = client.get(reverse("healthz"))

    assert response.status_code == 200
    assert json.loads(response.content) == {"status": "ok", "database": True, "broker": True}


def test_healthz_answers_503_when_the_broker_is_down(client, db, settings, monkeypatch):
    from sconet.celery import app

    unreachable = "redis://127.0.0.1:1/0"
    # Celery lets the environment win over its settings. The configuration is read (and the real URL
    # kept for the undo) before the environment changes, or a later test in this process inherits it.
    monkeypatch.setattr(app.conf, "broker_url", unreachable)
    monkeypatch.setenv("CELERY_BROKER_URL", unreachable)

    response = client.get(reverse("healthz"))

    assert response.status_code == 503
    assert json.loads(response.content)["broker"] is False
