"""One way for every view to ask the django-rules permission rules.

Anything whose existence is private (drafts, responses, members) answers 404 to everyone who
may not see it, signed in or not, so that probing addresses reveals nothing; the 404 page
offers anonymous visitors a link to sign in and come back. Other refusals send anonymous
visitors to sign in and give signed-in users a 403."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse


class SignInRequired(Exception):
    """Raised by ``ensure_permission`` for anonymous visitors; turned into a redirect."""


def ensure_permission(
    request: HttpRequest, perm: str, obj: Any = None, *, hide: bool = True
) -> None:
    if request.user.has_perm(perm, obj):
        return
    if hide:
        raise Http404
    if not request.user.is_authenticated:
        raise SignInRequired
    raise PermissionDenied


class SignInRequiredMiddleware:
    def __init__(self, get_response: Any) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, SignInRequired):
            return redirect_to_login(request.get_full_path())
        return None
