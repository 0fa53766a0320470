from __future__ import annotations

from typing import Any, ClassVar

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra: Any) -> User:
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.full_clean(exclude=["password"])
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        extra.setdefault("site_role", User.SiteRole.ADMIN)
        return self._create_user(email, password, **extra)

    def get_by_natural_key(self, username: str | None) -> User:
        # E-mail addresses are stored lower-case; sign-in ignores case.
        return self.get(email__iexact=username or "")


class User(AbstractBaseUser, PermissionsMixin):
    """A person. Signs in with an e-mail address. Their roles in organisations come from
    memberships; ``site_role`` gives site-wide moderation or administration."""

    class SiteRole(models.TextChoices):
        NONE = "", "None"
        MODERATOR = "moderator", "Site moderator"
        ADMIN = "admin", "Site administrator"

    email = models.EmailField("e-mail address", unique=True)
    display_name = models.CharField(
        max_length=150, help_text="How your name is shown to other users of the portal."
    )
    site_role = models.CharField(
        max_length=20, choices=SiteRole.choices, default=SiteRole.NONE, blank=True
    )
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(
        default=False, help_text="Whether the user can sign in to the Django admin site."
    )
    date_joined = models.DateTimeField(default=timezone.now)

    objects: ClassVar[UserManager] = UserManager()

    EMAIL_FIELD = "email"
    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = ["display_name"]

    class Meta:
        ordering = ["email"]

    def __str__(self) -> str:
        return self.display_name or self.email

    def get_full_name(self) -> str:
        return self.display_name

    def get_short_name(self) -> str:
        return self.display_name

    @property
    def is_site_admin(self) -> bool:
        return self.is_active and (self.is_superuser or self.site_role == self.SiteRole.ADMIN)

    @property
    def is_site_moderator(self) -> bool:
        return self.is_active and self.site_role == self.SiteRole.MODERATOR


class Organisation(models.Model):
    """A body that writes a strategy. Today every organisation is a Local Enterprise
    Partnership; other kinds of local body (combined authorities, councils) may follow."""

    class Kind(models.TextChoices):
        LEP = "lep", "Local Enterprise Partnership"

    class Wave(models.IntegerChoices):
        ONE = 1, "Wave 1 (trailblazers, November 2017)"
        TWO = 2, "Wave 2 (July 2018)"
        THREE = 3, "Wave 3 (December 2018)"

    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=200, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.LEP)
    ons_code = models.CharField(
        "ONS code",
        max_length=9,
        unique=True,
        null=True,
        blank=True,
        help_text="The ONS geography code, such as E37000003.",
    )
    wave = models.PositiveSmallIntegerField(
        "Local Industrial Strategy wave", choices=Wave.choices, null=True, blank=True
    )
    website = models.URLField(blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("organisations:detail", kwargs={"slug": self.slug})


class Membership(models.Model):
    """A user's one role in one organisation."""

    class Role(models.TextChoices):
        LEAD = "lead", "Lead (strategy owner)"
        EDITOR = "editor", "Editor"
        VIEWER = "viewer", "Viewer"
        MODERATOR = "moderator", "Moderator"

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=20, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["organisation__name", "user__email"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation"], name="one_membership_per_user_and_organisation"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} of {self.organisation}"
