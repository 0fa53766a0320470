"""The vocabulary of the Industrial Strategy (2017) used across strategies."""

from __future__ import annotations

from django.db import models


class Foundation(models.TextChoices):
    IDEAS = "ideas", "Ideas"
    PEOPLE = "people", "People"
    INFRASTRUCTURE = "infrastructure", "Infrastructure"
    BUSINESS_ENVIRONMENT = "business-environment", "Business environment"
    PLACES = "places", "Places"


class GrandChallenge(models.TextChoices):
    AI_AND_DATA = "ai-data-economy", "Artificial intelligence and data economy"
    AGEING_SOCIETY = "ageing-society", "Ageing society"
    CLEAN_GROWTH = "clean-growth", "Clean growth"
    FUTURE_OF_MOBILITY = "future-of-mobility", "Future of mobility"


class PlaceKind(models.TextChoices):
    CITIES = "cities", "Cities"
    TOWNS = "towns", "Towns"
    RURAL = "rural", "Rural areas"


class SectionKind(models.TextChoices):
    FOREWORD = "foreword", "Foreword"
    EXECUTIVE_SUMMARY = "executive-summary", "Executive summary"
    PLACE_AND_ECONOMY = "place-and-economy", "Our place and economy"
    FOUNDATION = "foundation", "Foundation"
    GRAND_CHALLENGE = "grand-challenge", "Grand Challenge"
    PRIORITIES = "priorities", "Priorities"
    DELIVERY = "delivery-and-evaluation", "Delivery and evaluation"
    CONSULTATION_SUMMARY = "consultation-summary", "Consultation summary"
    CUSTOM = "custom", "Other section"


def default_template() -> list[tuple[str, str, str]]:
    """(kind, anchor, title) of every section a new strategy starts with, in order: the
    government's structure for a Local Industrial Strategy."""
    sections = [
        (SectionKind.FOREWORD, "foreword", "Foreword"),
        (SectionKind.EXECUTIVE_SUMMARY, "executive-summary", "Executive summary"),
        (SectionKind.PLACE_AND_ECONOMY, "our-place-and-economy", "Our place and economy"),
    ]
    sections += [(SectionKind.FOUNDATION, f.value, f.label) for f in Foundation]
    sections += [(SectionKind.GRAND_CHALLENGE, g.value, g.label) for g in GrandChallenge]
    sections += [
        (SectionKind.PRIORITIES, "priorities", "Priorities"),
        (SectionKind.DELIVERY, "delivery-and-evaluation", "Delivery and evaluation"),
        (SectionKind.CONSULTATION_SUMMARY, "consultation-summary", "Consultation summary"),
    ]
    return [(str(kind), anchor, title) for kind, anchor, title in sections]
