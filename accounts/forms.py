from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import forms as auth_forms

from lepportal.core.forms import GDSFormMixin

from .models import Membership, User


def _autocomplete(form: forms.BaseForm, purposes: dict[str, str]) -> None:
    """Mark fields with their input purpose (WCAG 1.3.5) so browsers can fill them."""
    for name, value in purposes.items():
        form.fields[name].widget.attrs["autocomplete"] = value


class SignUpForm(GDSFormMixin, auth_forms.BaseUserCreationForm):
    submit_label = "Create account"

    class Meta:
        model = User
        fields = ["email", "display_name"]
        labels = {"email": "E-mail address", "display_name": "Your name"}
        help_texts = {
            "email": "You will sign in with this address. We send receipts and password resets "
            "to it.",
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["password1"].help_text = "At least 10 characters; not a common password."
        self.fields["password2"].help_text = "Enter the same password again."
        _autocomplete(
            self,
            {
                "email": "email",
                "display_name": "name",
                "password1": "new-password",
                "password2": "new-password",
            },
        )

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip().lower()
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError("An account with this e-mail address already exists.")
        return email


class LoginForm(GDSFormMixin, auth_forms.AuthenticationForm):
    submit_label = "Sign in"
    error_messages = {
        "invalid_login": "Enter a correct e-mail address and password. Both are case-sensitive "
        "apart from the e-mail address.",
        "inactive": "This account has been deactivated.",
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].label = "E-mail address"
        self.fields["username"].help_text = "The address you created your account with."
        self.fields["password"].help_text = "Five wrong attempts lock the account for an hour."
        _autocomplete(self, {"username": "email", "password": "current-password"})


class PasswordChangeForm(GDSFormMixin, auth_forms.PasswordChangeForm):
    submit_label = "Change password"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].help_text = "At least 10 characters; not a common password."
        self.fields["new_password2"].help_text = "Enter the same password again."
        _autocomplete(
            self,
            {
                "old_password": "current-password",
                "new_password1": "new-password",
                "new_password2": "new-password",
            },
        )


class PasswordResetForm(GDSFormMixin, auth_forms.PasswordResetForm):
    submit_label = "Send reset link"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["email"].label = "E-mail address"
        self.fields["email"].help_text = "We will send a link to reset your password."
        _autocomplete(self, {"email": "email"})


class SetPasswordForm(GDSFormMixin, auth_forms.SetPasswordForm):
    submit_label = "Set password"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].help_text = "At least 10 characters; not a common password."
        self.fields["new_password2"].help_text = "Enter the same password again."
        _autocomplete(self, {"new_password1": "new-password", "new_password2": "new-password"})


class ProfileForm(GDSFormMixin, forms.ModelForm):
    submit_label = "Save changes"

    class Meta:
        model = User
        fields = ["display_name"]
        labels = {"display_name": "Your name"}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _autocomplete(self, {"display_name": "name"})


class MemberAddForm(GDSFormMixin, forms.Form):
    submit_label = "Add member"

    email = forms.EmailField(
        label="E-mail address", help_text="They must already have an account on the portal."
    )
    role = forms.ChoiceField(
        choices=Membership.Role.choices,
        widget=forms.RadioSelect,
        initial=Membership.Role.EDITOR,
        help_text="Leads move the strategy through its workflow and manage members; editors "
        "write; viewers read drafts; moderators work the comment queue.",
    )


class MemberRoleForm(GDSFormMixin, forms.Form):
    submit_label = "Change role"

    role = forms.ChoiceField(
        choices=Membership.Role.choices, widget=forms.RadioSelect, help_text="Choose one role."
    )
