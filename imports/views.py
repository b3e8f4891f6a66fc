"""The officer's import pages: start an import of a ModernGov site, watch it, read its report."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from imports import runs
from imports.forms import StartImportForm
from imports.models import ImportRun
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
    report = run.report or {}
    return render(
        request,
        "imports/import_detail.html",
        {
            "run": run,
            "counts": sorted((report.get("counts") or {}).items()),
            "skipped": report.get("skipped", []),
            "problems": report.get("problems", []),
            "active": run.status in (ImportRun.Status.QUEUED, ImportRun.Status.RUNNING),
            "stalled": run.is_stalled(timezone.now()),
        },
    )
