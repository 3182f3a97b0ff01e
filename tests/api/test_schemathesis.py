"""schemathesis against the published schema, in process (WSGI), as both tenants.

Every operation gets a bounded number of schema-valid requests (hypothesis
generates them from docs/openapi.yaml); each is sent with alice's token and
with bob's. Zero server errors, and every answer — 2xx or error — matches the
status codes, content types and bodies the schema promises.
"""

from pathlib import Path

import pytest
import schemathesis
from django.conf import settings
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from spectra.wsgi import application
from tests.api.helpers import lift_throttles, token_header

MAX_EXAMPLES = 10  # per operation and run; CI time is bounded, coverage is wide
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]

schema = schemathesis.openapi.from_path(Path(settings.BASE_DIR) / "docs" / "openapi.yaml")
schema.app = application
schema.config.generation.update(modes=[GenerationMode.POSITIVE], max_examples=MAX_EXAMPLES)


@pytest.fixture
def _connection_kept_open():
    # A WSGI request ends by closing the database connection; inside a test
    # transaction that would close it under the test (Django's test Client does the same).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def tenant_headers(alice, bob, monkeypatch, _connection_kept_open):
    lift_throttles(monkeypatch, alice.org, bob.org)
    return [token_header(alice.admin), token_header(bob.approver)]


@pytest.mark.django_db
@schema.parametrize()
@hypothesis_settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_the_api_keeps_every_promise_of_its_schema(case, tenant_headers):
    for headers in tenant_headers:
        case.call_and_validate(headers=headers, checks=CHECKS)
