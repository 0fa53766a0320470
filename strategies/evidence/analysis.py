"""Sector strengths: location quotients, specialisms and super strengths (SPEC section 3).

The location quotient of sector *i* in area *r* is

    LQ = (e_ir / e_r) / (e_in / e_n)

the sector's share of the area's employment divided by its share of national employment. A
sector is a **specialism** when its LQ is at least the threshold (1.25 by default, a setting) and
the area employs at least a minimum number of people in it, because a handful of jobs in a small
sector gives a large but meaningless LQ.

A **super strength** is a specialism "whose productivity (GVA per hour worked or per filled job)
is above the national figure" (SPEC). We read "the national figure" as the national productivity
of the *same sector*, not of the whole economy. Sectors differ in productivity for structural
reasons (capital intensity; imputed rent in real estate), so comparing with the whole economy
would call every specialism in a capital-intensive sector a super strength and none in a
labour-intensive one, whatever the area does. Comparing like with like asks the question the
strategy needs answered: do this area's firms in this sector produce more per hour than the
sector does nationally? The whole-economy national figure is still reported, as context.

Everything is computed exactly (integers, ``Decimal`` and ``Fraction``), so that an LQ of exactly
1.25 or an employment of exactly the minimum is classified as the threshold says, and only the
outputs are floats.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields
from decimal import Decimal
from fractions import Fraction
from typing import Any

from lepportal.core import reference

from .parsing import ProductivityBasis, SectorFigures

Number = int | float | Decimal | Fraction

DEFAULT_SPECIALISM_THRESHOLD = 1.25
DEFAULT_MINIMUM_EMPLOYMENT = 1000

# GVA is in £ millions. Hours are in millions of hours, so £m / m hours is already £ per hour;
# filled jobs are a plain count, so £m / jobs needs scaling to £ per job.
_PER_UNIT = {"hour": Fraction(1), "job": Fraction(1_000_000)}


@dataclass(frozen=True)
class SectorResult:
    """One section's row of the evidence table.

    Shares are fractions (0.23 means 23%). ``productivity`` is the area's GVA per hour worked
    (£) or per filled job (£), as ``Analysis.productivity_basis`` says;
    ``national_productivity`` is the same measure for this sector nationally. Either is None
    when the figures needed are missing or the hours (jobs) are zero.
    """

    section: str
    name: str
    area_employment: int | Decimal
    national_employment: int | Decimal
    area_share: float | None
    national_share: float | None
    location_quotient: float | None
    productivity: float | None
    national_productivity: float | None
    is_specialism: bool
    is_super_strength: bool


@dataclass(frozen=True)
class Analysis:
    """Sector results in section order (A to U), with totals and the rules that were applied.

    ``national_productivity`` is the whole-economy national figure (all sectors with GVA and
    hours or jobs, summed before dividing); ``area_productivity`` the same for the area.
    """

    sectors: tuple[SectorResult, ...]
    area_employment: int | Decimal
    national_employment: int | Decimal
    area_productivity: float | None
    national_productivity: float | None
    productivity_basis: ProductivityBasis | None
    specialism_threshold: float
    minimum_employment: int

    @property
    def specialisms(self) -> tuple[SectorResult, ...]:
        return tuple(sector for sector in self.sectors if sector.is_specialism)

    @property
    def super_strengths(self) -> tuple[SectorResult, ...]:
        return tuple(sector for sector in self.sectors if sector.is_super_strength)

    def sector(self, section: str) -> SectorResult:
        for result in self.sectors:
            if result.section == section:
                return result
        raise KeyError(section)


def section_names() -> dict[str, str]:
    """Section letter to its SIC 2007 name (a function, so tests can substitute names)."""
    return dict(reference.sic_sections())


def _exact(value: Number) -> Fraction:
    if isinstance(value, float | Decimal | Fraction | int):
        return Fraction(value)
    raise TypeError(f"Expected a number, got {type(value).__name__}")


def _ratio(numerator: Number, denominator: Number) -> Fraction | None:
    denominator_exact = _exact(denominator)
    if denominator_exact == 0:
        return None
    return _exact(numerator) / denominator_exact


def _location_quotient(e_ir: Number, e_r: Number, e_in: Number, e_n: Number) -> Fraction | None:
    values = [_exact(value) for value in (e_ir, e_r, e_in, e_n)]
    if any(value < 0 for value in values):
        raise ValueError("Employment figures cannot be negative")
    area_sector, area, nation_sector, nation = values
    if area == 0 or nation == 0 or nation_sector == 0:
        # No share of an empty economy, and no specialisation relative to a sector the nation
        # does not have: the LQ is undefined rather than zero or infinite.
        return None
    return (area_sector / area) / (nation_sector / nation)


def location_quotient(e_ir: Number, e_r: Number, e_in: Number, e_n: Number) -> float | None:
    """LQ = (e_ir / e_r) / (e_in / e_n); None when a denominator is zero.

    e_ir: the sector's employment (or GVA) in the area; e_r: the area's total;
    e_in: the sector nationally; e_n: the national total. A sector the area lacks but the nation
    has gets 0.
    """
    exact = _location_quotient(e_ir, e_r, e_in, e_n)
    return None if exact is None else float(exact)


def _productivity(
    gva: Decimal | None, amount: Decimal | None, basis: ProductivityBasis | None
) -> Fraction | None:
    if basis is None or gva is None or amount is None:
        return None
    ratio = _ratio(gva, amount)
    return None if ratio is None else ratio * _PER_UNIT[basis]


def _float(value: Fraction | None) -> float | None:
    return None if value is None else float(value)


def analyse(
    rows: Sequence[SectorFigures],
    *,
    productivity_basis: ProductivityBasis | None = "hour",
    specialism_threshold: float = DEFAULT_SPECIALISM_THRESHOLD,
    minimum_employment: int = DEFAULT_MINIMUM_EMPLOYMENT,
) -> Analysis:
    """Compute shares, LQs, productivity and the specialism and super-strength flags.

    Pass ``productivity_basis=dataset.productivity_basis`` for a parsed upload: it sets the unit
    (£ per hour or £ per job); None means the rows carry no productivity figures. Area and
    national totals are the sums of ``rows``, so the rows should cover the whole economy.
    """
    names = section_names()
    seen: set[str] = set()
    for row in rows:
        if row.section not in names:
            raise ValueError(f"Unknown SIC 2007 section {row.section!r}")
        if row.section in seen:
            raise ValueError(f"Section {row.section} appears more than once")
        seen.add(row.section)

    # str() first: the float 1.3 is really 1.3000000000000000444, which an exact LQ of 13/10
    # would fall short of.
    threshold = Fraction(str(specialism_threshold))
    area_total = sum((row.area_employment for row in rows), 0)
    national_total = sum((row.national_employment for row in rows), 0)

    results = []
    for row in sorted(rows, key=lambda row: row.section):
        lq = _location_quotient(
            row.area_employment, area_total, row.national_employment, national_total
        )
        productivity = _productivity(row.area_gva, row.area_hours_or_jobs, productivity_basis)
        national_productivity = _productivity(
            row.national_gva, row.national_hours_or_jobs, productivity_basis
        )
        is_specialism = (
            lq is not None and lq >= threshold and row.area_employment >= minimum_employment
        )
        is_super_strength = (
            is_specialism
            and productivity is not None
            and national_productivity is not None
            and productivity > national_productivity
        )
        results.append(
            SectorResult(
                section=row.section,
                name=names[row.section],
                area_employment=row.area_employment,
                national_employment=row.national_employment,
                area_share=_float(_ratio(row.area_employment, area_total)),
                national_share=_float(_ratio(row.national_employment, national_total)),
                location_quotient=_float(lq),
                productivity=_float(productivity),
                national_productivity=_float(national_productivity),
                is_specialism=is_specialism,
                is_super_strength=is_super_strength,
            )
        )

    return Analysis(
        sectors=tuple(results),
        area_employment=area_total,
        national_employment=national_total,
        area_productivity=_float(_whole_economy(rows, "area", productivity_basis)),
        national_productivity=_float(_whole_economy(rows, "national", productivity_basis)),
        productivity_basis=productivity_basis,
        specialism_threshold=specialism_threshold,
        minimum_employment=minimum_employment,
    )


def _whole_economy(
    rows: Iterable[SectorFigures], place: str, basis: ProductivityBasis | None
) -> Fraction | None:
    """Total GVA over total hours (jobs), over the sectors that have both figures.

    Sectors without figures (ONS suppresses some) are left out of both sums rather than
    counted as zero, which would drag the figure down.
    """
    gva_total = Fraction(0)
    amount_total = Fraction(0)
    counted = False
    for row in rows:
        gva = row.area_gva if place == "area" else row.national_gva
        amount = row.area_hours_or_jobs if place == "area" else row.national_hours_or_jobs
        if gva is None or amount is None:
            continue
        gva_total += _exact(gva)
        amount_total += _exact(amount)
        counted = True
    if not counted or basis is None or amount_total == 0:
        return None
    return gva_total / amount_total * _PER_UNIT[basis]


SORTABLE_COLUMNS = tuple(field.name for field in fields(SectorResult))
_TEXT_COLUMNS = frozenset({"section", "name"})


def sort_sectors(
    sectors: Iterable[SectorResult],
    by: str = "location_quotient",
    *,
    descending: bool | None = None,
) -> list[SectorResult]:
    """Sort table rows by a ``SectorResult`` field; stable, with missing (None) values last.

    ``descending`` defaults to True for numbers and flags (largest LQ first) and False for the
    section letter and name (alphabetical), which is what a reader clicking a heading expects.
    Raises ValueError for an unknown column, so a view can refuse a bad query parameter.
    """
    if by not in SORTABLE_COLUMNS:
        raise ValueError(f"Cannot sort by {by!r}; choose one of {', '.join(SORTABLE_COLUMNS)}")
    if descending is None:
        descending = by not in _TEXT_COLUMNS
    items = list(sectors)
    present = [item for item in items if getattr(item, by) is not None]
    missing = [item for item in items if getattr(item, by) is None]

    def key(item: SectorResult) -> Any:
        value = getattr(item, by)
        return value.casefold() if isinstance(value, str) else value

    # sorted() keeps equal items in their original order even with reverse=True.
    return sorted(present, key=key, reverse=descending) + missing
