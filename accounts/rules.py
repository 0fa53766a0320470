"""Permission predicates for accounts and the building blocks other apps compose.

Every predicate takes ``(user, organisation)``. Roles are read once per user object and
cached on it, so checking many objects on one page costs one query."""

from __future__ import annotations

from typing import Any

import rules

from .models import Membership, Organisation, User

STAFF_ROLES = frozenset({Membership.Role.LEAD, Membership.Role.EDITOR, Membership.Role.VIEWER})
WRITE_ROLES = frozenset({Membership.Role.LEAD, Membership.Role.EDITOR})
ALL_ROLES = frozenset(Membership.Role)

_CACHE_ATTRIBUTE = "_lepportal_roles_by_organisation"


def roles_by_organisation(user: Any) -> dict[int, str]:
    """{organisation id: role} for an active signed-in user, cached on the user object."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return {}
    cached = getattr(user, _CACHE_ATTRIBUTE, None)
    if cached is None:
        cached = dict(Membership.objects.filter(user=user).values_list("organisation_id", "role"))
        setattr(user, _CACHE_ATTRIBUTE, cached)
    return cached


def forget_roles(user: Any) -> None:
    """Drop the cached roles after memberships change."""
    if hasattr(user, _CACHE_ATTRIBUTE):
        delattr(user, _CACHE_ATTRIBUTE)


def organisation_id_of(target: Any) -> int | None:
    """The organisation id of an organisation, or of anything with an ``organisation_id``."""
    if target is None:
        return None
    if isinstance(target, Organisation):
        return target.pk
    return getattr(target, "organisation_id", None)


def has_role_in(*roles: str) -> rules.Predicate:
    """A predicate true when the user holds one of ``roles`` in the target's organisation."""
    wanted = frozenset(roles)

    @rules.predicate(name=f"has_role_in({', '.join(sorted(wanted))})")
    def predicate(user: User, target: Any) -> bool:
        organisation_id = organisation_id_of(target)
        return organisation_id is not None and (
            roles_by_organisation(user).get(organisation_id) in wanted
        )

    return predicate


@rules.predicate
def is_site_admin(user: User) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_site_admin)


@rules.predicate
def is_site_moderator(user: User) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_site_moderator)


@rules.predicate
def is_signed_in(user: User) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


is_member_of = has_role_in(*ALL_ROLES)
is_staff_of = has_role_in(*STAFF_ROLES)
is_writer_of = has_role_in(*WRITE_ROLES)
is_lead_of = has_role_in(Membership.Role.LEAD)
is_moderator_of = has_role_in(Membership.Role.MODERATOR)

rules.add_perm("accounts.view_members", is_member_of | is_site_admin)
rules.add_perm("accounts.manage_members", is_lead_of | is_site_admin)
