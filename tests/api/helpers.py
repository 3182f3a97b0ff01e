"""Calling the API as a person: with a real token, over the full middleware stack."""

from rest_framework.test import APIClient

from api.services import token_create
from api.throttling import TokenRateThrottle


def client_for(user, *, name: str = "tests") -> APIClient:
    """An APIClient sending a fresh API token of `user` (made through the service)."""
    _token, secret = token_create(user=user, name=name, actor=user)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    return client


def token_header(user, *, name: str = "schemathesis") -> dict[str, str]:
    """The Authorization header of a fresh API token of `user`."""
    _token, secret = token_create(user=user, name=name, actor=user)
    return {"Authorization": f"Bearer {secret}"}


def lift_throttles(monkeypatch, *orgs) -> None:
    """For tests that send many generated requests: they are about answers, not
    throttles (those are tested apart)."""
    monkeypatch.setattr(TokenRateThrottle, "THROTTLE_RATES", {"token": "100000/min"})
    for org in orgs:
        org.api_requests_per_minute = 100_000
        org.save()
