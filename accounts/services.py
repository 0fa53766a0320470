"""Every write to users, organisations and memberships goes through these functions."""

from __future__ import annotations

from django.db import transaction

from lepportal.core.exceptions import ApplicationError

from .models import Membership, Organisation, User
from .rules import forget_roles


def user_sign_up(*, email: str, display_name: str, password: str) -> User:
    """Create a respondent account. Raises ApplicationError when the address is taken."""
    email = email.strip().lower()
    if User.objects.filter(email__iexact=email).exists():
        raise ApplicationError("An account with this e-mail address already exists.")
    return User.objects.create_user(
        email=email, password=password, display_name=display_name.strip()
    )


def user_update_profile(*, user: User, display_name: str) -> User:
    user.display_name = display_name.strip()
    user.full_clean(exclude=["password"])
    user.save(update_fields=["display_name"])
    return user


@transaction.atomic
def membership_set(*, organisation: Organisation, user: User, role: str) -> Membership:
    """Give ``user`` ``role`` in ``organisation``, replacing any role they held there.

    An organisation always keeps at least one lead: demoting the last one is refused."""
    if role not in Membership.Role.values:
        raise ApplicationError(f"“{role}” is not a role.")
    existing = (
        Membership.objects.select_for_update().filter(organisation=organisation, user=user).first()
    )
    if existing is not None and existing.role == Membership.Role.LEAD and role != existing.role:
        _refuse_if_last_lead(organisation, existing)
    if existing is None:
        existing = Membership(organisation=organisation, user=user, role=role)
    existing.role = role
    existing.full_clean()
    existing.save()
    forget_roles(user)
    return existing


@transaction.atomic
def membership_remove(*, membership: Membership) -> None:
    """Remove a member. The last lead of an organisation cannot be removed."""
    if membership.role == Membership.Role.LEAD:
        _refuse_if_last_lead(membership.organisation, membership)
    membership.delete()
    forget_roles(membership.user)


def membership_add_by_email(*, organisation: Organisation, email: str, role: str) -> Membership:
    """Add an existing account to an organisation by its e-mail address."""
    user = User.objects.filter(email__iexact=email.strip()).first()
    if user is None:
        raise ApplicationError(
            "There is no account with that e-mail address. Ask them to create one first."
        )
    return membership_set(organisation=organisation, user=user, role=role)


def _refuse_if_last_lead(organisation: Organisation, membership: Membership) -> None:
    other_leads = (
        Membership.objects.select_for_update()
        .filter(organisation=organisation, role=Membership.Role.LEAD)
        .exclude(pk=membership.pk)
    )
    if not other_leads.exists():
        raise ApplicationError(
            f"{organisation.name} must keep at least one lead. Make someone else lead first."
        )
