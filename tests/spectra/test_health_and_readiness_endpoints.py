"""A load balancer asks /healthz/ (the process answers) and /readyz/ (database, cache and
broker answer); neither needs a login, and neither shows an error's text."""

import pytest

pytestmark = pytest.mark.django_db


def test_liveness_answers_without_a_login(client):
    answer = client.get("/healthz/")

    assert answer.status_code == 200
    assert answer.json() == {"status": "ok"}
    assert "no-cache" in answer["Cache-Control"] or "max-age=0" in answer["Cache-Control"]


def test_readiness_checks_database_cache_and_broker(client):
    answer = client.get("/readyz/")

    assert answer.status_code == 200
    body = answer.json()
    assert body["status"] == "ready"
    assert body["checks"] == {"database": "ok", "cache": "ok", "broker": "ok"}
    assert body["scheduler"] == "on time"
    assert isinstance(body["workers"], int)


def test_a_broken_cache_makes_the_process_not_ready_without_saying_why(client, monkeypatch):
    def refuse(*args, **kwargs):
        raise ConnectionError("redis://secret-host:6379 refused")

    monkeypatch.setattr("spectra.health.cache.set", refuse)
    answer = client.get("/readyz/")

    assert answer.status_code == 503
    assert answer.json()["checks"]["cache"] == "failed"
    assert "secret-host" not in answer.content.decode()


def test_readiness_refuses_writes(client):
    assert client.post("/readyz/").status_code == 405
