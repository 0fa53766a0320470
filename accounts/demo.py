"""Demo accounts: one per role, and a Cheshire and Warrington LEP team. For development and
demonstrations only; ``seed_demo`` refuses to run under production settings."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from .models import Membership, Organisation, User
from .rules import forget_roles

DEMO_PASSWORD = "demo-password-2026"  # noqa: S105 - printed for demo use, refused in production
DEMO_ORGANISATION_ONS_CODE = "E37000003"  # Cheshire and Warrington
OTHER_ORGANISATION_ONS_CODE = "E37000034"  # Tees Valley


@dataclass(frozen=True)
class DemoAccount:
    email: str
    display_name: str
    description: str
    site_role: str = ""
    organisation_code: str | None = None
    role: str | None = None


DEMO_ACCOUNTS = (
    DemoAccount(
        "admin@example.org", "Alex Admin", "site administrator", site_role=User.SiteRole.ADMIN
    ),
    DemoAccount(
        "moderator@example.org",
        "Morgan Moderator",
        "site-wide moderator",
        site_role=User.SiteRole.MODERATOR,
    ),
    DemoAccount(
        "lead@example.org",
        "Leah Lead",
        "lead, Cheshire and Warrington LEP",
        organisation_code=DEMO_ORGANISATION_ONS_CODE,
        role=Membership.Role.LEAD,
    ),
    DemoAccount(
        "editor@example.org",
        "Ed Editor",
        "editor, Cheshire and Warrington LEP",
        organisation_code=DEMO_ORGANISATION_ONS_CODE,
        role=Membership.Role.EDITOR,
    ),
    DemoAccount(
        "viewer@example.org",
        "Vic Viewer",
        "viewer, Cheshire and Warrington LEP",
        organisation_code=DEMO_ORGANISATION_ONS_CODE,
        role=Membership.Role.VIEWER,
    ),
    DemoAccount(
        "lepmoderator@example.org",
        "Mo Local",
        "moderator, Cheshire and Warrington LEP",
        organisation_code=DEMO_ORGANISATION_ONS_CODE,
        role=Membership.Role.MODERATOR,
    ),
    DemoAccount(
        "other@example.org",
        "Olu Other",
        "editor, Tees Valley LEP (another LEP)",
        organisation_code=OTHER_ORGANISATION_ONS_CODE,
        role=Membership.Role.EDITOR,
    ),
    DemoAccount("respondent@example.org", "Rita Respondent", "respondent (a freelancer)"),
)


@transaction.atomic
def demo_accounts_seed() -> list[DemoAccount]:
    """Create or refresh every demo account; safe to run any number of times."""
    for account in DEMO_ACCOUNTS:
        user, _ = User.objects.update_or_create(
            email=account.email,
            defaults={
                "display_name": account.display_name,
                "site_role": account.site_role,
                "is_staff": account.site_role == User.SiteRole.ADMIN,
                "is_superuser": account.site_role == User.SiteRole.ADMIN,
                "is_active": True,
            },
        )
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
        if account.organisation_code and account.role:
            organisation = Organisation.objects.get(ons_code=account.organisation_code)
            Membership.objects.update_or_create(
                user=user, organisation=organisation, defaults={"role": account.role}
            )
        forget_roles(user)
    return list(DEMO_ACCOUNTS)
