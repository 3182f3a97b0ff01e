"""The migration that makes webhook URLs write-only moves existing plain URLs into the
encrypted field and leaves none in the table or its history."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from campaigns.credentials import organization_webhook_url
from campaigns.models import Organization

BEFORE = [("campaigns", "0008_outbound_url_policy")]
AFTER = [("campaigns", "0009_webhook_url_write_only")]
HOOK = "https://hooks.slack.com/services/T1/B1/plain-SECRET"


@pytest.fixture
def back_to_latest_afterwards():
    """Leave the schema fully migrated: later tests share this database."""
    yield
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_existing_webhook_urls_are_encrypted_and_the_plain_column_is_gone(
    back_to_latest_afterwards,
):
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    OldOrganization = old.get_model("campaigns", "Organization")
    hooked = OldOrganization.objects.create(name="Hooked", slug="hooked", webhook_url=HOOK)
    OldOrganization.objects.create(name="Plain", slug="plain", webhook_url="")
    old.get_model("campaigns", "HistoricalOrganization").objects.create(
        id=hooked.pk,
        name="Hooked",
        slug="hooked",
        webhook_url=HOOK,
        execution_enabled=True,
        api_requests_per_minute=600,
        max_accounts=50,
        max_concurrent_executions=4,
        max_concurrent_cycles=2,
        created_at=hooked.created_at,
        history_date=hooked.created_at,
        history_type="+",
    )

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)

    assert organization_webhook_url(Organization.objects.get(slug="hooked")) == HOOK
    assert Organization.objects.get(slug="plain").webhook_url_ciphertext == ""
    with connection.cursor() as cursor:
        for table in ("campaigns_organization", "campaigns_historicalorganization"):
            cursor.execute(f"SELECT * FROM {table}")
            assert "plain-SECRET" not in str(cursor.fetchall()), table
