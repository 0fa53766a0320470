"""Enumerating the URL configuration and asking each URL as each role."""

from __future__ import annotations

from collections.abc import Iterator

from django.urls import URLPattern, URLResolver, get_resolver

ROLES = (
    "anonymous",
    "respondent",
    "other_member",
    "viewer",
    "editor",
    "lead",
    "moderator",
    "site_moderator",
    "admin",
)


def url_names() -> Iterator[str]:
    """Every named URL pattern of the project, as 'namespace:name' (the admin excepted: it is
    Django's own, guarded by is_staff)."""

    def walk(patterns: list, namespace: str) -> Iterator[str]:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = namespace
                if pattern.namespace:
                    inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
                if inner.startswith("admin"):
                    continue
                yield from walk(pattern.url_patterns, inner)
            elif isinstance(pattern, URLPattern) and pattern.name:
                yield f"{namespace}:{pattern.name}" if namespace else pattern.name

    yield from walk(get_resolver().url_patterns, "")
