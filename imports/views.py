"""The officer's import pages: start an import of a ModernGov site, watch it, read its report."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from imports import runs
from imports.forms import StartImportForm
from imports.models import ImportedRecord, ImportRun
from scrutiny import audit
from scrutiny.paging import paged
from scrutiny.permissions import officer_required


@officer_required
def import_list(request):
    form = StartImportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        run = runs.start(
            site=form.cleaned_data["site"],
            date_from=form.cleaned_data["date_from"],
            date_to=form.cleaned_data["date_to"],
            dry_run=form.cleaned_data["dry_run"],
            by=request.user,
        )
        messages.success(request, f"The import from {run.site} has started.")
        return redirect("officer-import-detail", pk=run.pk)
    page = paged(request, ImportRun.objects.select_related("started_by"), "officer-imports")
    return render(
        request, "imports/import_list.html", {"form": form, "page": page, "runs": page.object_list}
    )


@officer_required
def import_detail(request, pk: int):
    run = get_object_or_404(ImportRun, pk=pk)
    report = run.report if isinstance(run.report, dict) else {}
    skipped, problems = entries(report, "skipped"), entries(report, "problems")
    return render(
        request,
        "imports/import_detail.html",
        {
            "run": run,
            "counts": sorted((report.get("counts") or {}).items()),
            "skipped": with_history_links(run, skipped),
            "problems": with_history_links(run, problems),
            "skipped_count": len(skipped),
            "problem_count": len(problems),
            "active": run.status in (ImportRun.Status.QUEUED, ImportRun.Status.RUNNING),
            "stalled": run.is_stalled(timezone.now()),
        },
    )


SHOWN = 200  # entries of each list the report page shows


def entries(report: dict, name: str) -> list[dict]:
    """The report's list ``name``, each entry a dict. The importer writes only dicts; an entry
    of another shape (a report edited by hand, an older format) is shown as its text."""
    listed = report.get(name) or []
    if not isinstance(listed, list):
        listed = [listed]
    return [e if isinstance(e, dict) else {"why": str(e), "what": str(e)} for e in listed]


def with_history_links(run: ImportRun, entries: list[dict]) -> list[dict]:
    """The first ``SHOWN`` entries of a report list, each with ``url``: the officer history
    page of the record the import wrote for it, where there is one. A record "edited here
    since the import" links to who edited it and when; one the source never gave a record
    for (a malformed meeting, a restricted paper) has no link. One query for them all."""
    shown = entries[:SHOWN]
    wanted = {(str(e.get("kind")), str(e.get("source_id"))) for e in shown}
    urls = {}
    records = ImportedRecord.objects.filter(
        site=run.site.rstrip("/"), source_id__in={source_id for _, source_id in wanted}
    ).select_related("content_type")
    for record in records:
        key = (record.kind, record.source_id)
        model = record.content_type.model_class()
        if key in wanted and model is not None and audit.has_history(model):
            urls[key] = reverse(
                "officer-history",
                kwargs={
                    "app_label": model._meta.app_label,
                    "model_name": model._meta.model_name,
                    "pk": record.object_id,
                },
            )
    return [
        {**entry, "url": urls.get((str(entry.get("kind")), str(entry.get("source_id"))))}
        for entry in shown
    ]
