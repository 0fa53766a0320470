"""Reference data: the 38 LEPs (ONS, April 2020), their Local Industrial Strategy wave, and the
UK SIC 2007 sections. Read from the CSV files shipped in ``data/`` (Open Government Licence)."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"

WAVE_1 = frozenset(
    {
        "Greater Manchester",
        "Greater Birmingham and Solihull",
        "Coventry and Warwickshire",
        "Black Country",
        "Oxfordshire",
        "Greater Cambridge and Greater Peterborough",
        "Buckinghamshire Thames Valley",
        "South East Midlands",
    }
)
WAVE_2 = frozenset(
    {
        "Cheshire and Warrington",
        "Heart of the South West",
        "Leicester and Leicestershire",
        "North East",
        "Tees Valley",
        "West of England",
    }
)


@dataclass(frozen=True)
class LepRecord:
    ons_code: str
    name: str
    wave: int


def lis_wave(name: str) -> int:
    """The Local Industrial Strategy wave a LEP was announced in (all others are wave 3)."""
    if name in WAVE_1:
        return 1
    if name in WAVE_2:
        return 2
    return 3


@cache
def leps() -> tuple[LepRecord, ...]:
    with (DATA_DIR / "leps-2020.csv").open(encoding="utf-8", newline="") as handle:
        return tuple(
            LepRecord(ons_code=row["ons_code"], name=row["name"], wave=lis_wave(row["name"]))
            for row in csv.DictReader(handle)
        )


@cache
def sic_sections() -> tuple[tuple[str, str], ...]:
    """(letter, name) for UK SIC 2007 sections A to U, usable as field choices."""
    with (DATA_DIR / "sic2007-sections.csv").open(encoding="utf-8", newline="") as handle:
        return tuple((row["section"], row["name"]) for row in csv.DictReader(handle))
