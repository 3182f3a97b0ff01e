"""/metrics/ shows every tenant's figures: only the operators' Prometheus may read it."""

import pytest
from django.test import Client


@pytest.fixture
def client():
    return Client(REMOTE_ADDR="203.0.113.7")


def test_a_stranger_is_refused(db, client, settings):
    settings.SPECTRA_METRICS_TOKEN = "the-token"
    answer = client.get("/metrics/")
    assert answer.status_code == 403
    assert b"spectra_" not in answer.content


def test_a_wrong_token_is_refused_with_a_challenge(db, client, settings):
    settings.SPECTRA_METRICS_TOKEN = "the-token"
    answer = client.get("/metrics/", HTTP_AUTHORIZATION="Bearer not-the-token")
    assert answer.status_code == 401
    assert answer["WWW-Authenticate"].startswith("Bearer")


def test_no_token_configured_means_no_token_works(db, client, settings):
    settings.SPECTRA_METRICS_TOKEN = ""
    assert client.get("/metrics/", HTTP_AUTHORIZATION="Bearer ").status_code == 401


def test_the_right_token_is_let_in_from_anywhere(db, client, settings):
    settings.SPECTRA_METRICS_TOKEN = "the-token"
    answer = client.get("/metrics/", HTTP_AUTHORIZATION="Bearer the-token")
    assert answer.status_code == 200
    assert b"spectra_executions_total" in answer.content or b"spectra_executions" in answer.content


def test_an_allowed_network_needs_no_token(db, settings):
    import ipaddress

    settings.SPECTRA_METRICS_NETWORKS = [ipaddress.ip_network("10.0.0.0/8")]
    assert Client(REMOTE_ADDR="10.1.2.3").get("/metrics/").status_code == 200
    assert Client(REMOTE_ADDR="11.1.2.3").get("/metrics/").status_code == 403


def test_a_logged_in_superuser_is_not_enough(db, client, settings, superuser):
    settings.SPECTRA_METRICS_TOKEN = "the-token"
    client.force_login(superuser)
    assert client.get("/metrics/").status_code == 403
