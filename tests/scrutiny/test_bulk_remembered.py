"""``scrutiny.bulk.remembered``: inside a bulk import the constitution settings, asked for
several times a meeting, are read once; outside one, every read is fresh."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from scrutiny import bulk, constitution
from scrutiny.models import Constitution

pytestmark = pytest.mark.django_db


def _reads(block) -> int:
    with CaptureQueriesContext(connection) as queries:
        block()
    return sum('FROM "scrutiny_constitution"' in q["sql"] for q in queries.captured_queries)


def test_settings_are_read_once_in_a_bulk_import_and_fresh_outside():
    Constitution.objects.update_or_create(singleton=1, defaults={"publication_clear_days": 6})

    def three_reads():
        for _ in range(3):
            assert constitution.publication_clear_days() in (6, 9)

    assert _reads(three_reads) == 3
    with bulk.bulk_import():
        assert _reads(three_reads) == 1
        with bulk.bulk_import():  # nested: the same import
            assert _reads(three_reads) == 0
    Constitution.objects.filter(singleton=1).update(publication_clear_days=9)
    assert constitution.publication_clear_days() == 9
    with bulk.bulk_import():  # a new import reads them again
        assert constitution.publication_clear_days() == 9
