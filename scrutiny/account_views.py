"""Councillors' logins from the officer people pages, officers' and administrators' logins
from the administrators' people-and-roles page (issue 21), and the set-password page the
person opens from the link (``scrutiny.accounts`` holds the rules and writes)."""

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
from django.views import View
from django.views.generic import TemplateView

from scrutiny import accounts
from scrutiny.account_forms import CreateLoginForm, InviteStaffForm, SetPasswordFromLinkForm
from scrutiny.forms import LoginForm, add_service_errors
from scrutiny.models import Person
from scrutiny.permissions import (
    AdministratorRequiredMixin,
    OfficerRequiredMixin,
    is_administrator,
    is_officer,
)
from scrutiny.roles import STAFF_ROLES, staff_role


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
        return user if accounts.may_use_link(user) else None

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


# --- Officers' and administrators' logins (issue 21, item 5) ---------------------------------


class StaffPage(AdministratorRequiredMixin, TemplateView):
    """People and roles: every democracy officer's and administrator's login with its role
    and state, what was done to them, and the invitation form. Administrators only."""

    template_name = "scrutiny/officer/staff.html"

    def page(self, *, form=None, link: accounts.IssuedLink | None = None, invited=None):
        rows = []
        for user in accounts.staff_users():
            role = staff_role(user)
            rows.append(
                {
                    "user": user,
                    "person": getattr(user, "person", None),
                    "role": role,
                    "role_label": STAFF_ROLES.get(role, ""),
                }
            )
        context = self.get_context_data(
            rows=rows,
            roles=STAFF_ROLES,
            form=form or InviteStaffForm(),
            events=accounts.staff_events(),
            link=self.request.build_absolute_uri(link.path) if link else None,
            link_username=link.username if link else "",
            invited=invited,
            lifetime_days=accounts.link_lifetime_days(),
            title="People and roles",
            breadcrumbs=[("Officer pages", reverse("officer-home")), ("People and roles", None)],
        )
        return self.render_to_response(context)

    def get(self, request, *args, **kwargs):
        return self.page()

    def post(self, request, *args, **kwargs):
        form = InviteStaffForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                link = accounts.invite_staff(
                    name=data["name"], email=data["email"], role=data["role"], by=request.user
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(
                    request,
                    f"{data['name']} was invited as {STAFF_ROLES[data['role']].lower()}: a "
                    f"set-password link was emailed to {data['email']}.",
                )
                return self.page(link=link, invited=data)
        return self.page(form=form)


class StaffAction(AdministratorRequiredMixin, View):
    """Change a role, disable, enable or send a new link (POST only, from the buttons on the
    people-and-roles page). A refusal (the last administrator) is shown on that page."""

    http_method_names = ["post"]
    action = ""

    def post(self, request, pk):
        user = get_object_or_404(accounts.staff_users(), pk=pk)
        name = user.person.display_name if hasattr(user, "person") else user.get_username()
        try:
            if self.action == "role":
                role = request.POST.get("role", "")
                accounts.change_role(user=user, role=role, by=request.user)
                messages.success(request, f"{name} is now {STAFF_ROLES[role].lower()}.")
            elif self.action == "disable":
                accounts.disable_staff(user=user, by=request.user)
                messages.success(request, f"{name}'s login was disabled: they cannot sign in.")
            elif self.action == "enable":
                accounts.enable_staff(user=user, by=request.user)
                messages.success(request, f"{name}'s login was enabled: they can sign in again.")
            elif self.action == "new-link":
                link = accounts.reissue_staff_link(user=user, by=request.user)
                messages.success(
                    request,
                    f"A new set-password link was emailed to {name}: the old password and any "
                    "earlier link no longer work.",
                )
                page = StaffPage()
                page.setup(request)
                return page.page(link=link)
            else:
                raise ValueError(self.action)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        if user.pk == request.user.pk:
            request.user.refresh_from_db()
            if not is_administrator(request.user):
                # An administrator who gave up their own role (or login) leaves the page.
                return redirect("officer-home" if request.user.is_active else "login")
        return redirect("officer-staff")
