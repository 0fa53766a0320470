"""Personal API tokens, created and revoked from the account page.

A person holds at most one token (DRF's ``authtoken``). Only people with a role — a member of
an organisation, or a site moderator or administrator — may hold one: ``accounts.hold_api_token``.
A new token is shown once, on the page that follows its creation, and never again; making a
new one replaces (so revokes) the old."""

from __future__ import annotations

from typing import Any

import rules
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from rest_framework.authtoken.models import Token

from accounts.rules import is_site_admin, is_site_moderator, roles_by_organisation
from lepportal.core.permissions import ensure_permission


@rules.predicate
def has_any_role(user: Any) -> bool:
    return bool(roles_by_organisation(user))


rules.set_perm("accounts.hold_api_token", has_any_role | is_site_moderator | is_site_admin)


@transaction.atomic
def api_token_create(*, user: Any) -> Token:
    """A new token for ``user``, replacing any they had (the old one stops working at once)."""
    Token.objects.filter(user=user).delete()
    return Token.objects.create(user=user)


def api_token_revoke(*, user: Any) -> bool:
    """Delete the user's token; True if there was one."""
    deleted, _ = Token.objects.filter(user=user).delete()
    return bool(deleted)


@never_cache
@login_required
@require_POST
def token_create(request: HttpRequest) -> HttpResponse:
    ensure_permission(request, "accounts.hold_api_token", hide=False)
    token = api_token_create(user=request.user)
    # never_cache: the page holds the secret, so no cache may keep it.
    return render(request, "accounts/api_token_created.html", {"token": token})


@login_required
@require_POST
def token_revoke(request: HttpRequest) -> HttpResponse:
    ensure_permission(request, "accounts.hold_api_token", hide=False)
    if api_token_revoke(user=request.user):
        messages.success(request, "Your API token has been revoked. It no longer works.")
    return redirect("accounts:profile")


app_name = "api_tokens"

urlpatterns = [
    path("create/", token_create, name="create"),
    path("revoke/", token_revoke, name="revoke"),
]
