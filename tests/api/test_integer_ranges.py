"""Integers are refused beyond what every supported database holds, with a 400 —
not stored on SQLite and a 500 on PostgreSQL."""

import pytest

from tests.api.helpers import client_for

pytestmark = pytest.mark.django_db


def test_a_value_beyond_a_32_bit_column_is_refused_on_every_database(alice):
    response = client_for(alice.admin).post(
        "/api/v1/policies/",
        {"organization": alice.org.pk, "cooldown_hours": 2**40},
        format="json",
    )
    assert response.status_code == 400
    assert "cooldown_hours" in response.json()["fields"]
