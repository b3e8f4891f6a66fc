"""Database helpers shared by the migrations and the search code."""

from __future__ import annotations

from django.db import migrations


class PostgresOnlyAddIndex(migrations.AddIndex):
    """``AddIndex`` that creates the index only on PostgreSQL (GIN does not exist on SQLite).

    The migration state always has the index, so ``makemigrations --check`` stays quiet on
    both databases.
    """

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)
