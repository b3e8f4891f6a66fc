"""Forms of the login pages (``scrutiny.account_views``)."""

from __future__ import annotations

from django import forms
from django.contrib.auth.forms import SetPasswordForm

from scrutiny.forms import BaseForm, GovukFormMixin


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
