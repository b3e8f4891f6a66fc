import django.contrib.postgres.indexes
from django.db import migrations

from opendata.db import PostgresOnlyAddIndex


class Migration(migrations.Migration):
    """A GIN index on the small ranking vector (issue 20): search matches a row on it before
    reading the large vector, and PostgreSQL needs an index on both to find rare words
    through the indexes (opendata.search.NewestMatches)."""

    dependencies = [
        ('opendata', '0005_search_kpis'),
    ]

    operations = [
        PostgresOnlyAddIndex(
            model_name='searchdocument',
            index=django.contrib.postgres.indexes.GinIndex(fields=['rank_vector'], name='search_document_rank_vector'),
        ),
    ]
