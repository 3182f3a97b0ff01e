"""An unexpected error is a bare JSON 500: no traceback, no internals, nothing secret."""

import pytest

from tests.api.helpers import client_for

pytestmark = pytest.mark.django_db


def test_an_unexpected_error_answers_500_without_details(alice, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("database password is hunter2")

    monkeypatch.setattr("api.views.recommendation_approve", broken)
    response = client_for(alice.approver).post(
        f"/api/v1/recommendations/{alice.recommendation.pk}/approve/", {}, format="json"
    )
    assert response.status_code == 500
    assert response.json() == {
        "code": "server_error",
        "message": "Something went wrong on our side; it has been logged.",
    }
    assert b"hunter2" not in response.content and b"Traceback" not in response.content
