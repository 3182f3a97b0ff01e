"""A database trigger that refuses UPDATE of execution log rows, for every client
(executors.db.append_only says why UPDATE only)."""

from django.db import migrations

from executors.db.append_only import refuse_updates


class Migration(migrations.Migration):
    dependencies = [("executors", "0001_execution_log")]
    operations = [refuse_updates("executors_executionlog", "execution log")]
