"""Demo strategy for Cheshire and Warrington: written sections, priorities and a saved version.
Idempotent: an existing demo strategy is left as it is (people may be trying the workflow)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

from django.db import transaction

from accounts.models import Organisation, User

from .constants import Foundation, GrandChallenge, PlaceKind
from .models import Strategy
from .services import priority_save, section_revise, strategy_create, version_create

DEMO_SLUG = "local-industrial-strategy"

SECTION_TEXT = {
    "foreword": (
        "Cheshire and Warrington is one of the most productive economies in the North of "
        "England. This strategy sets out how we will build on that strength so that every "
        "resident, in our towns as well as our rural areas, shares in the growth to come.\n\n"
        "It was written with businesses, councils, universities and community groups across "
        "the sub-region, and we want to hear from many more before it is agreed."
    ),
    "executive-summary": (
        "Our economy is worth around £33 billion a year. Manufacturing accounts for 23% of it, "
        "2.5 times the national average, with world-class strengths in chemicals, "
        "pharmaceuticals and the manufacture of motor vehicles.\n\n"
        "We will:\n\n"
        "- decarbonise our industrial base, creating the UK's first net zero industrial cluster\n"
        "- raise skills so that local people can take the high-value jobs being created\n"
        "- connect our places, so that growth reaches towns such as Crewe, Ellesmere Port "
        "and Winsford"
    ),
    "our-place-and-economy": (
        "## Strengths\n\n"
        "Productivity, measured as GVA per hour worked, is above the UK average. Our "
        "**super strengths** are sectors that are both highly specialised and highly "
        "productive:\n\n"
        "| Sector | Location quotient |\n|---|---|\n"
        "| Chemicals and pharmaceuticals | 4.1 |\n| Motor vehicles | 3.2 |\n"
        "| Energy and environmental technologies | 1.9 |\n\n"
        "## Challenges\n\n"
        "Growth has not reached everyone: some neighbourhoods in Warrington, Ellesmere Port and "
        "Crewe are among the most deprived 10% in England."
    ),
    "ideas": (
        "We will grow research and development spending by supporting the Sci-Tech Daresbury "
        "and Alderley Park campuses, and help small firms adopt new technology."
    ),
    "people": (
        "Too many residents lack the technical skills employers need. We will expand "
        "apprenticeships in advanced manufacturing and create an Institute of Technology."
    ),
    "infrastructure": (
        "The arrival of HS2 at Crewe and the Northern Powerhouse Rail link at Warrington are "
        "once-in-a-generation opportunities. We will plan housing, digital connectivity and "
        "energy networks around them."
    ),
    "clean-growth": (
        "Our industrial cluster emits more carbon than any other in the North West. With "
        "hydrogen production and carbon capture we aim to make it net zero by 2040."
    ),
}

PRIORITIES = [
    {
        "title": "Net zero industrial cluster",
        "description": "Hydrogen, carbon capture and energy efficiency across the cluster.",
        "foundations": [Foundation.INFRASTRUCTURE, Foundation.IDEAS],
        "grand_challenges": [GrandChallenge.CLEAN_GROWTH],
        "place_kinds": [PlaceKind.TOWNS],
    },
    {
        "title": "Skills for high-value jobs",
        "description": "Apprenticeships and an Institute of Technology.",
        "foundations": [Foundation.PEOPLE],
        "grand_challenges": [GrandChallenge.AI_AND_DATA],
        "place_kinds": [PlaceKind.TOWNS, PlaceKind.RURAL],
    },
    {
        "title": "Growth corridors around HS2 Crewe",
        "description": "Housing, transport and business space around the new stations.",
        "foundations": [Foundation.INFRASTRUCTURE, Foundation.PLACES],
        "grand_challenges": [GrandChallenge.FUTURE_OF_MOBILITY],
        "place_kinds": [PlaceKind.TOWNS],
    },
]


@transaction.atomic
def demo_strategy_seed() -> Strategy:
    organisation = Organisation.objects.get(ons_code="E37000003")
    existing = Strategy.objects.filter(organisation=organisation, slug=DEMO_SLUG).first()
    if existing is not None:
        return existing
    editor = User.objects.get(email="editor@example.org")
    strategy = strategy_create(
        organisation=organisation, title="Local Industrial Strategy", author=editor
    )
    for section in strategy.sections.all():
        text = SECTION_TEXT.get(section.anchor)
        if text:
            section_revise(
                section=section,
                title=section.title,
                body=text,
                author=editor,
                base_revision=None,
            )
    for priority in PRIORITIES:
        priority_save(strategy=strategy, **priority)  # type: ignore[arg-type]
    version_create(strategy=strategy, label="First full draft", author=editor)
    _seed_evidence_and_indicators(strategy, editor)
    return strategy


def _seed_evidence_and_indicators(strategy: Strategy, editor: User) -> None:
    from .evidence.services import dataset_upload, kpi_reading_add, kpi_save

    example = Path(__file__).resolve().parent / "evidence" / "data" / "example.csv"
    dataset_upload(
        organisation=strategy.organisation,
        year=2017,
        nation="england",
        source_note="ONS BRES 2017 and ONS sub-regional productivity 2017 (illustrative figures)",
        data=example.read_bytes(),
        file_name="example.csv",
        author=editor,
    )
    priorities = {p.title: p for p in strategy.priorities.all()}
    indicators = [
        (
            "GVA per hour worked",
            "£",
            "33.10",
            date(2017, 3, 31),
            "38.00",
            date(2030, 3, 31),
            "Skills for high-value jobs",
            [(date(2019, 3, 31), "34.20"), (date(2021, 3, 31), "35.60")],
        ),
        (
            "Industrial carbon emissions",
            "Mt CO2e",
            "10.2",
            date(2017, 3, 31),
            "0",
            date(2040, 3, 31),
            "Net zero industrial cluster",
            [(date(2019, 3, 31), "9.9"), (date(2022, 3, 31), "9.1")],
        ),
        (
            "Apprenticeship starts in advanced manufacturing",
            "starts",
            "1200",
            date(2018, 3, 31),
            "2000",
            date(2025, 3, 31),
            "Skills for high-value jobs",
            [],
        ),
    ]
    for name, unit, base, base_on, target, target_on, priority, readings in indicators:
        kpi = kpi_save(
            strategy=strategy,
            name=name,
            unit=unit,
            baseline_value=Decimal(base),
            baseline_date=base_on,
            target_value=Decimal(target),
            target_date=target_on,
            priority=priorities.get(priority),
        )
        for on, value in readings:
            kpi_reading_add(
                kpi=kpi, on=on, value=Decimal(value), note="Illustrative", author=editor
            )
