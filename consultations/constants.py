"""The respondent profile used throughout consultations (SPEC §3)."""

from __future__ import annotations

from django.db import models


class RespondingAs(models.TextChoices):
    INDIVIDUAL = "individual", "As an individual"
    ORGANISATION = "organisation", "On behalf of an organisation"


class OrganisationType(models.TextChoices):
    BUSINESS = "business", "Business"
    PUBLIC_SECTOR = "public-sector", "Public sector"
    EDUCATION = "education", "Education or research"
    VOLUNTARY = "voluntary", "Voluntary, community or civil society"
    TRADE_BODY = "trade-body", "Trade body or membership organisation"
    OTHER = "other", "Other"


class SizeBand(models.TextChoices):
    SOLE_TRADER = "sole-trader", "Sole trader or freelancer"
    MICRO = "micro", "Micro (1 to 9 people)"
    SMALL = "small", "Small (10 to 49 people)"
    MEDIUM = "medium", "Medium (50 to 249 people)"
    LARGE = "large", "Large (250 or more people)"


class Consent(models.TextChoices):
    WITH_NAME = "with-name", "Publish my response with my organisation's name"
    ANONYMOUS = "anonymous", "Publish my response anonymously"
    NONE = "none", "Do not publish my response"


class RespondentType(models.TextChoices):
    """How analysis groups respondents: by organisation type, individuals apart."""

    INDIVIDUAL = "individual", "Individuals"
    BUSINESS = "business", "Businesses"
    PUBLIC_SECTOR = "public-sector", "Public sector"
    EDUCATION = "education", "Education or research"
    VOLUNTARY = "voluntary", "Civil society"
    TRADE_BODY = "trade-body", "Trade bodies"
    OTHER = "other", "Other organisations"


AGREE_SCALE = (
    "Strongly agree",
    "Agree",
    "Neither agree nor disagree",
    "Disagree",
    "Strongly disagree",
)
