"""Officer pages of the audit trail (``/officer/history/``)."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404
from django.views.generic import TemplateView

from scrutiny import audit
from scrutiny.paging import page_size
from scrutiny.permissions import OfficerRequiredMixin


class RecentChanges(OfficerRequiredMixin, TemplateView):
    template_name = "scrutiny/officer/history_recent.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["changes"] = audit.recent_changes(limit=50)
        context["breadcrumbs"] = [("Officer pages", "/officer/"), ("Recent changes", None)]
        return context


class RecordHistory(OfficerRequiredMixin, TemplateView):
    template_name = "scrutiny/officer/history.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        model = audit.tracked_model(self.kwargs["app_label"], self.kwargs["model_name"])
        if model is None:
            raise Http404("No history is kept for this kind of record")
        records = audit.history_records(model, self.kwargs["pk"])
        paginator = Paginator(records, page_size("record-history"), allow_empty_first_page=False)
        try:
            page = paginator.get_page(self.request.GET.get("page"))
        except Exception as exc:  # noqa: BLE001 - an empty history: the record never existed
            raise Http404("No such record") from exc
        if not page.object_list:
            raise Http404("No such record")
        page_records = list(page.object_list)
        next_index = page.end_index()  # 1-based index of the last record on this page
        older = records[next_index] if next_index < paginator.count else None
        latest = records.first()
        current = model._base_manager.filter(pk=self.kwargs["pk"]).first()
        context.update(
            model_name=str(model._meta.verbose_name),
            title=str(current if current is not None else latest.instance),
            deleted=current is None,
            current=current,
            entries=audit.describe(page_records, model, older=older),
            page_obj=page,
            breadcrumbs=[
                ("Officer pages", "/officer/"),
                ("Recent changes", "/officer/history/"),
                ("History", None),
            ],
        )
        return context
