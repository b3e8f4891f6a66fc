"""KPIs in the search index (issue 16, finding 8: "KI 397" found nothing).

A KPI belongs to no meeting, so it is not part of a meeting's rows (``indexing.
index_meeting``): each KPI has one row of its own (kind ``kpi``, no meeting or committee),
written here from ``performance``'s public pages' reads (every KPI definition is public:
``performance.views.kpi_detail`` shows any of them to anyone). The row carries the KPI's
normalised reference, so a search for exactly "KI 397" (or "ki397") ranks it first.

``post_save``/``post_delete`` of ``KPI`` and ``ServiceArea`` re-index the KPIs concerned after
commit; ``indexing.rebuild_all`` (``manage.py rebuild_search_index``) rebuilds them all.
"""

from __future__ import annotations

import re

from django.db import connection, transaction
from django.db.models.signals import post_delete, post_save

from opendata.models import SearchDocument
from performance.models import KPI, ServiceArea

_NOT_ALNUM = re.compile(r"[^0-9A-Z]+")


def normalise_reference(text: str) -> str:
    """ "KI 397", "ki397" and "KI-397" are the same reference: "KI397". Empty for text that
    is not a single short reference (a sentence never matches)."""
    key = _NOT_ALNUM.sub("", (text or "").upper())
    return key if 0 < len(key) <= 40 and len((text or "").split()) <= 3 else ""


def _row(kpi: KPI) -> SearchDocument:
    from opendata.indexing import clean_text

    area = kpi.service_area.name if kpi.service_area_id else ""
    return SearchDocument(
        kind=SearchDocument.Kind.KPI,
        object_id=kpi.pk,
        title=f"{kpi.reference} {kpi.title}"[:400],
        summary=clean_text(f"{area}. {kpi.definition}"),
        body=clean_text(f"{kpi.data_source} {kpi.notes}"),
        url=kpi.get_absolute_url(),
        reference=normalise_reference(kpi.reference),
    )


@transaction.atomic
def index_kpis(pks=None) -> int:
    """(Re)write the search rows of the KPIs ``pks`` (every KPI when None); a KPI that no
    longer exists loses its row. Returns how many rows were written."""
    from opendata.indexing import VECTORS

    old = SearchDocument.objects.filter(kind=SearchDocument.Kind.KPI)
    kpis = KPI.objects.select_related("service_area").order_by("pk")
    if pks is not None:
        old = old.filter(object_id__in=pks)
        kpis = kpis.filter(pk__in=pks)
    old.delete()
    rows = [_row(kpi) for kpi in kpis]
    SearchDocument.objects.bulk_create(rows)
    if connection.vendor == "postgresql" and rows:
        SearchDocument.objects.filter(
            kind=SearchDocument.Kind.KPI, object_id__in=[r.object_id for r in rows]
        ).update(**VECTORS)
    return len(rows)


def _on_kpi_changed(sender, instance, **kwargs):
    if kwargs.get("raw"):
        return  # loaddata/restore: rebuild_search_index afterwards
    pk = instance.pk
    transaction.on_commit(lambda: index_kpis([pk]))


def _on_area_changed(sender, instance, **kwargs):
    if kwargs.get("raw"):
        return
    pks = list(KPI.objects.filter(service_area_id=instance.pk).values_list("pk", flat=True))
    if pks:
        transaction.on_commit(lambda: index_kpis(pks))


def register() -> None:
    post_save.connect(_on_kpi_changed, sender=KPI, dispatch_uid="opendata-kpi-saved")
    post_delete.connect(_on_kpi_changed, sender=KPI, dispatch_uid="opendata-kpi-deleted")
    post_save.connect(_on_area_changed, sender=ServiceArea, dispatch_uid="opendata-area-saved")
