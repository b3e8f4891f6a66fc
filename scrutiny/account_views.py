"""Councillors' logins from the officer people pages, and the set-password page the person
opens from the link (``scrutiny.accounts`` holds the rules and writes)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.views import (
    INTERNAL_RESET_SESSION_TOKEN,
    LoginView,
    PasswordResetConfirmView,
)
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse, reverse_lazy
from django.views.generic import TemplateView

from scrutiny import accounts
from scrutiny.account_forms import CreateLoginForm, SetPasswordFromLinkForm
from scrutiny.forms import LoginForm, add_service_errors
from scrutiny.models import Person
from scrutiny.permissions import OfficerRequiredMixin, is_officer


class PortalLogin(LoginView):
    """Django's sign-in page. With no ``next``, an officer goes to the officer pages and
    anyone else to "My meetings" (settings.LOGIN_REDIRECT_URL): officers used to land on
    /my/, which says their sign-in is not linked to a councillor (notes-attack.md, 6)."""

    redirect_authenticated_user = True
    authentication_form = LoginForm

    def get_default_redirect_url(self):
        if is_officer(self.request.user):
            return reverse("officer-home")
        return super().get_default_redirect_url()


def _crumbs(person: Person | None = None) -> list[tuple[str, str | None]]:
    crumbs = [
        ("Officer pages", reverse("officer-home")),
        ("People", reverse("officer-person-list")),
    ]
    if person is not None:
        crumbs.append((person.display_name, reverse("officer-person-edit", args=[person.pk])))
    return crumbs


class PersonLogin(OfficerRequiredMixin, TemplateView):
    """A person's login: its state and what was done to it; "Create login" when there is
    none. Creating and resetting answer with the set-password link, shown this once."""

    template_name = "scrutiny/officer/person_login.html"

    def person(self) -> Person:
        return get_object_or_404(Person.objects.select_related("user"), pk=self.kwargs["pk"])

    def page(self, person: Person, *, form=None, link: accounts.IssuedLink | None = None):
        login = person.user
        context = self.get_context_data(
            person=person,
            login=login,
            managed=accounts.is_managed_here(login),
            can_have_login=person.kind in accounts.LOGIN_KINDS,
            events=person.account_events.select_related("by__person")[:50],
            link=self.request.build_absolute_uri(link.path) if link else None,
            lifetime_days=accounts.link_lifetime_days(),
            breadcrumbs=[*_crumbs(person), ("Login", None)],
        )
        if login is None and form is None:
            form = CreateLoginForm(
                initial={
                    "username": accounts.suggested_username(person),
                    "email": person.email,
                }
            )
        context["form"] = form
        return self.render_to_response(context)

    def get(self, request, *args, **kwargs):
        return self.page(self.person())

    def post(self, request, *args, **kwargs):
        person = self.person()
        form = CreateLoginForm(request.POST)
        if form.is_valid():
            try:
                link = accounts.create_login(
                    person=person,
                    username=form.cleaned_data["username"],
                    email=form.cleaned_data["email"],
                    by=request.user,
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, f"A login was created for {person.display_name}.")
                return self.page(self.person(), link=link)
        return self.page(person, form=form)


class PersonLoginAction(PersonLogin):
    """Reset, disable or enable a login (POST only, from the buttons on the login page)."""

    http_method_names = ["post"]
    action = ""

    def post(self, request, *args, **kwargs):
        person = self.person()
        try:
            if self.action == "reset":
                link = accounts.reset_login(person=person, by=request.user)
                messages.success(
                    request,
                    f"The login {link.username} was reset: the old password and any earlier "
                    "link no longer work.",
                )
                return self.page(self.person(), link=link)
            if self.action == "disable":
                accounts.disable_login(person=person, by=request.user)
                messages.success(
                    request, f"{person.display_name}'s login was disabled: they cannot sign in."
                )
            else:
                accounts.enable_login(person=person, by=request.user)
                messages.success(
                    request, f"{person.display_name}'s login was enabled: they can sign in again."
                )
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        return redirect("officer-person-login", pk=person.pk)


class SetPasswordFromLink(PasswordResetConfirmView):
    """The page the link opens, in the portal's layout: Django's reset-confirm view (the
    token leaves the address bar at once, for the session) with the portal's own tokens,
    a clear reason when the link does not work, and the event recorded."""

    token_generator = accounts.tokens
    form_class = SetPasswordFromLinkForm
    template_name = "registration/set_password.html"
    success_url = reverse_lazy("login")
    title = "Set your password"

    def get_user(self, uidb64):
        user = super().get_user(uidb64)
        self.link_user = user
        usable = (
            user is not None
            and user.is_active
            and accounts.is_managed_here(user)
            and Person.objects.filter(user=user).exists()
        )
        return user if usable else None

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if not self.validlink:
            token = self.kwargs.get("token")
            if token == self.reset_url_token:
                token = self.request.session.get(INTERNAL_RESET_SESSION_TOKEN)
            context["problem"] = accounts.link_problem(self.link_user, token)
            context["title"] = "This link does not work"
        else:
            context["username"] = self.user.get_username()
        return context

    def form_valid(self, form):
        try:
            accounts.set_password_from_link(
                user=self.user, password=form.cleaned_data["new_password1"], by=self.user
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
            return self.form_invalid(form)
        self.request.session.pop(INTERNAL_RESET_SESSION_TOKEN, None)
        messages.success(
            self.request,
            f"Your password is set. Sign in with your username, {self.user.get_username()}, "
            "and your new password.",
        )
        return redirect(self.get_success_url())
