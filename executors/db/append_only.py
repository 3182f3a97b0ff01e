"""The database trigger that refuses UPDATE of an append-only table, for every client.

The models refuse updates and deletes (executors.models.log.AppendOnlyLog); the trigger
refuses updates below Django too (a shell, a raw query, another service on the
database). Deletes are refused by the application only: a DELETE/TRUNCATE trigger would
also refuse Django's own `flush` (test teardown) and a future retention purge.

Imported by migrations, so it imports no model and must keep producing the same SQL.
"""

from django.db import migrations


def trigger_sql(table: str, label: str) -> dict[str, list[str]]:
    """The statements that install the trigger on `table`, per database vendor; `label`
    names the table in the error a refused UPDATE raises ("execution log")."""
    return {
        "sqlite": [
            f"""CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table}
        BEGIN SELECT RAISE(ABORT, '{label} is append-only'); END;""",
        ],
        "postgresql": [
            f"""CREATE OR REPLACE FUNCTION {table}_append_only() RETURNS trigger AS $$
        BEGIN RAISE EXCEPTION '{label} is append-only'; END; $$ LANGUAGE plpgsql;""",
            f"""CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table}
        FOR EACH ROW EXECUTE FUNCTION {table}_append_only();""",
        ],
    }


def drop_trigger_sql(table: str) -> dict[str, list[str]]:
    """The statements that remove what `trigger_sql` installed."""
    return {
        "sqlite": [f"DROP TRIGGER IF EXISTS {table}_no_update;"],
        "postgresql": [
            f"DROP TRIGGER IF EXISTS {table}_no_update ON {table};",
            f"DROP FUNCTION IF EXISTS {table}_append_only();",
        ],
    }


def refuse_updates(table: str, label: str) -> migrations.RunPython:
    """A migration operation that installs the trigger on `table` (and drops it when
    migrated backwards); other databases get none."""

    def forwards(apps, schema_editor):
        for sql in trigger_sql(table, label).get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)

    def backwards(apps, schema_editor):
        for sql in drop_trigger_sql(table).get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)

    return migrations.RunPython(forwards, backwards)
