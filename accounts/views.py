from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.views.decorators.http import require_http_methods

from lepportal.core.exceptions import ApplicationError
from lepportal.core.permissions import ensure_permission

from . import forms, services
from .models import Membership, Organisation
from .selectors import members_of, memberships_of


@require_http_methods(["GET", "POST"])
def sign_up(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("accounts:profile")
    form = forms.SignUpForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.user_sign_up(
                email=form.cleaned_data["email"],
                display_name=form.cleaned_data["display_name"],
                password=form.cleaned_data["password1"],
            )
        except ApplicationError as error:
            form.add_error(None, error.message)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, "Your account has been created and you are signed in.")
            return redirect("accounts:profile")
    return render(
        request,
        "accounts/form_page.html",
        {
            "form": form,
            "title": "Create an account",
            "intro": "Create an account to respond to consultations and comment on draft "
            "strategies. Staff of a Local Enterprise Partnership are then added to their "
            "organisation by its lead.",
        },
    )


class LoginView(auth_views.LoginView):
    form_class = forms.LoginForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    http_method_names = ["post", "options"]


class PasswordChangeView(auth_views.PasswordChangeView):
    form_class = forms.PasswordChangeForm
    template_name = "accounts/form_page.html"
    success_url = reverse_lazy("accounts:profile")
    extra_context = {"title": "Change your password"}

    def form_valid(self, form: Any) -> HttpResponse:
        messages.success(self.request, "Your password has been changed.")
        return super().form_valid(form)


class PasswordResetView(auth_views.PasswordResetView):
    form_class = forms.PasswordResetForm
    template_name = "accounts/form_page.html"
    email_template_name = "accounts/email/password_reset.txt"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")
    extra_context = {
        "title": "Reset your password",
        "intro": "Enter the e-mail address of your account and we will send you a link to "
        "choose a new password.",
    }


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    form_class = forms.SetPasswordForm
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


@login_required
@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    form = forms.ProfileForm(
        request.POST if request.method == "POST" else None, instance=request.user
    )
    if request.method == "POST" and form.is_valid():
        services.user_update_profile(
            user=request.user, display_name=form.cleaned_data["display_name"]
        )
        messages.success(request, "Your details have been saved.")
        return redirect("accounts:profile")
    return render(
        request,
        "accounts/profile.html",
        {"form": form, "memberships": memberships_of(request.user)},
    )


def organisation_detail(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = get_object_or_404(Organisation, slug=slug)
    can_view_members = request.user.has_perm("accounts.view_members", organisation)
    return render(
        request,
        "accounts/organisation_detail.html",
        {
            "organisation": organisation,
            "members": members_of(organisation) if can_view_members else None,
            "can_manage_members": request.user.has_perm("accounts.manage_members", organisation),
        },
    )


@require_http_methods(["GET", "POST"])
def member_add(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = get_object_or_404(Organisation, slug=slug)
    ensure_permission(request, "accounts.manage_members", organisation)
    form = forms.MemberAddForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            membership = services.membership_add_by_email(
                organisation=organisation,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
            )
        except ApplicationError as error:
            form.add_error("email", error.message)
        else:
            messages.success(
                request, f"{membership.user} is now {membership.get_role_display().lower()}."
            )
            return redirect(organisation.get_absolute_url())
    return render(
        request,
        "accounts/form_page.html",
        {
            "form": form,
            "title": f"Add a member to {organisation.name}",
            "back_url": organisation.get_absolute_url(),
        },
    )


@require_http_methods(["GET", "POST"])
def member_change(request: HttpRequest, slug: str, membership_id: int) -> HttpResponse:
    organisation = get_object_or_404(Organisation, slug=slug)
    ensure_permission(request, "accounts.manage_members", organisation)
    membership = get_object_or_404(
        Membership.objects.select_related("user"), pk=membership_id, organisation=organisation
    )
    form = forms.MemberRoleForm(
        request.POST if request.method == "POST" else None, initial={"role": membership.role}
    )
    if request.method == "POST" and form.is_valid():
        try:
            if "remove" in request.POST:
                services.membership_remove(membership=membership)
                messages.success(request, f"{membership.user} has been removed.")
            else:
                services.membership_set(
                    organisation=organisation, user=membership.user, role=form.cleaned_data["role"]
                )
                messages.success(request, f"{membership.user}'s role has been changed.")
        except ApplicationError as error:
            form.add_error(None, error.message)
        else:
            return redirect(organisation.get_absolute_url())
    return render(
        request,
        "accounts/member_change.html",
        {
            "form": form,
            "organisation": organisation,
            "membership": membership,
            "back_url": reverse("organisations:detail", kwargs={"slug": slug}),
        },
    )
