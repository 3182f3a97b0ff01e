"""SQLite backend that knows SQLite's real bound-parameter limit.

Django 5.2 assumes the historical limit of 999 parameters, so a bulk upsert
of 5,000 metric rows becomes 50 statements; SQLite ≥ 3.32 allows 32,766.
Reading the limit from the connection (as Django 6 does) keeps a sync batch
to a handful of statements.
"""

import sqlite3

from django.db.backends.sqlite3 import base, features


class DatabaseFeatures(features.DatabaseFeatures):
    @property
    def max_query_params(self):
        raw = self.connection.connection
        if raw is None:
            self.connection.ensure_connection()
            raw = self.connection.connection
        return raw.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)


class DatabaseWrapper(base.DatabaseWrapper):
    features_class = DatabaseFeatures
