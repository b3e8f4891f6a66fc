"""Forms of the login pages (``scrutiny.account_views``)."""

from __future__ import annotations

from django import forms
from django.contrib.auth.forms import SetPasswordForm

from scrutiny.forms import BaseForm, GovukFormMixin
from scrutiny.roles import OFFICER_ROLE, STAFF_ROLES


class CreateLoginForm(BaseForm):
    username = forms.CharField(
        max_length=150,
        help_text="What they type to sign in. Letters, digits and . _ @ + - only.",
        error_messages={"required": "Enter a username."},
    )
    email = forms.EmailField(
        required=False,
        help_text="Kept with the login, for the emails the portal will send later.",
        error_messages={"invalid": "Enter an email address like name@example.gov.uk."},
    )


class SetPasswordFromLinkForm(GovukFormMixin, SetPasswordForm):
    """Django's set-password form (both passwords, the password validators) in GOV.UK style."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].label = "New password"
        self.fields["new_password2"].label = "Type the new password again"
        self.fields[
            "new_password1"
        ].help_text = (
            "At least 8 characters, not all digits, not a common password and not like your name."
        )
        for name in ("new_password1", "new_password2"):
            self.fields[name].widget.attrs["autocomplete"] = "new-password"


class InviteStaffForm(BaseForm):
    """Invite a democracy officer or administrator (the people-and-roles page)."""

    name = forms.CharField(
        max_length=200,
        label="Full name",
        error_messages={"required": "Enter the person's full name."},
    )
    email = forms.EmailField(
        label="Email address",
        help_text="The set-password link is emailed here. It works once, for a few days.",
        error_messages={
            "required": "Enter the email address the invitation goes to.",
            "invalid": "Enter an email address like name@example.gov.uk.",
        },
    )
    role = forms.ChoiceField(
        label="Role",
        choices=list(STAFF_ROLES.items()),
        initial=OFFICER_ROLE,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose democracy officer or administrator."},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style_widget(self.fields["role"].widget)
