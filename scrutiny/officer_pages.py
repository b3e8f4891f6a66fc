"""The officer page bases every app uses: one form on one page, and one POST-only button.

``OfficerFormPage`` is the shape of every officer form (docs/architecture.md, "officer pages"):
``OfficerRequiredMixin`` first (anonymous users sign in, others get 403), then the record the
URL names (``model``, looked up by ``pk_url_kwarg`` on ``manager``, by default the model's
default manager, which is ``all_objects`` where an app has a public manager); the form only
cleans input; the write is a service whose ``ValidationError`` goes back onto the form
(``scrutiny.forms.add_service_errors``: a field's error on the field), re-rendered with
everything typed. An ``EditConflict`` goes through ``conflict`` so a page can answer it its
own way.

Each app says where its pages sit (``section``, the breadcrumb after "Officer pages"); the
work programme, decisions and the minutes register all use these classes, since ``scrutiny``
is below every one of them in the app chain.
"""

from __future__ import annotations

import copy
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import models
from django.forms import ModelForm
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.views.generic import FormView, View

from scrutiny.conflicts import EditConflict
from scrutiny.forms import add_service_errors
from scrutiny.permissions import OfficerRequiredMixin


def officer_crumbs(section: tuple[str, str] | None, *extra: tuple[str, str]):
    """The breadcrumbs of an officer page: "Officer pages", the app's section, then ``extra``."""
    crumbs = [("Officer pages", reverse("officer-home"))]
    if section is not None:
        crumbs.append((str(section[0]), str(section[1])))
    return [*crumbs, *extra]


class OneRecordMixin:
    """The record an officer page's URL names, as ``self.obj`` (404 if there is none)."""

    model: type[models.Model] | None = None
    manager: str | None = None
    select_related: tuple[str, ...] = ()
    pk_url_kwarg = "pk"

    @cached_property
    def obj(self):
        if self.model is None:
            return None
        manager = getattr(self.model, self.manager or "_default_manager")
        queryset = manager.select_related(*self.select_related)
        return get_object_or_404(queryset, pk=self.kwargs[self.pk_url_kwarg])


class OfficerFormPage(OfficerRequiredMixin, OneRecordMixin, FormView):
    """One officer form. Subclasses say which record the URL names (``model``), whether the
    form edits it (``edits = True``), the page title, where Cancel goes, and the service call
    (``save``) with what to say and where to go after it (``done``)."""

    template_name = "scrutiny/officer/form_page.html"
    section: tuple[str, str] | None = None
    edits = False
    intro = ""

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        if issubclass(self.get_form_class(), ModelForm):
            # A copy: the form writes typed values onto its instance; the page's own title and
            # links keep showing the stored record.
            kwargs["instance"] = copy.copy(self.obj) if self.edits else None
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            title=self.title(),
            back=self.back(),
            intro=self.get_intro(),
            breadcrumbs=officer_crumbs(self.section, *self.crumbs()),
        )
        return context

    def title(self) -> str:
        raise NotImplementedError

    def back(self) -> str:
        raise NotImplementedError

    def get_intro(self) -> str:
        return self.intro

    def crumbs(self) -> list[tuple[str, str]]:
        return []

    def save(self, data: dict[str, Any]):
        """The service call, with the form's ``cleaned_data`` (the valid form itself is
        ``self.form`` while this runs, for forms that give more than their data)."""
        raise NotImplementedError

    def done(self, saved) -> tuple[str, str]:
        """(success message, where to go)."""
        raise NotImplementedError

    def warnings(self, saved) -> list[str]:
        """What the officer should know about what was saved, after the success message."""
        return []

    def conflict(self, form, exc: EditConflict):
        """An edit conflict: by default the form again, with the message (add_service_errors)."""
        add_service_errors(form, exc)
        return self.form_invalid(form)

    def form_valid(self, form):
        self.form = form
        try:
            saved = self.save(form.cleaned_data)
        except EditConflict as exc:
            return self.conflict(form, exc)
        except ValidationError as exc:
            add_service_errors(form, exc)
            return self.form_invalid(form)
        message, url = self.done(saved)
        messages.success(self.request, message)
        for warning in self.warnings(saved):
            messages.warning(self.request, warning)
        return redirect(url)


class OfficerButton(OfficerRequiredMixin, OneRecordMixin, View):
    """A button on another page that changes one record (POST only; a GET is answered 405
    after the permission check). ``press`` calls the service and returns the success message;
    a ``ValidationError`` becomes an error message on ``back()``, nothing is written."""

    http_method_names = ["post", "options"]

    def back(self) -> str:
        raise NotImplementedError

    def press(self) -> str:
        raise NotImplementedError

    def refused(self, exc: ValidationError) -> list[str]:
        return exc.messages

    def post(self, request, *args, **kwargs):
        try:
            message = self.press()
        except ValidationError as exc:
            for error in self.refused(exc):
                messages.error(request, error)
        else:
            messages.success(request, message)
        return redirect(self.back())
