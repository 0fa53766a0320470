from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest

from strategies.evidence import analysis as analysis_module
from strategies.evidence.analysis import (
    SORTABLE_COLUMNS,
    SectorResult,
    analyse,
    location_quotient,
    sort_sectors,
)
from strategies.evidence.parsing import SectorFigures, parse_dataset

EXAMPLE = Path(analysis_module.__file__).resolve().parent / "data" / "example.csv"


def figures(
    section: str,
    area: int,
    national: int,
    area_gva: str | None = None,
    national_gva: str | None = None,
    area_hours: str | None = None,
    national_hours: str | None = None,
) -> SectorFigures:
    def number(value: str | None) -> Decimal | None:
        return None if value is None else Decimal(value)

    return SectorFigures(
        section=section,
        area_employment=area,
        national_employment=national,
        area_gva=number(area_gva),
        national_gva=number(national_gva),
        area_hours_or_jobs=number(area_hours),
        national_hours_or_jobs=number(national_hours),
    )


def two_sectors() -> list[SectorFigures]:
    # Area 10,000 employed, nation 1,000,000.
    # C: area 2,500 (25%), nation 100,000 (10%): LQ = 0.25 / 0.10 = 2.5.
    #    Productivity: area £200m / 4m hours = £50/hour; nation £6,000m / 150m hours = £40/hour.
    # G: area 7,500 (75%), nation 900,000 (90%): LQ = 0.75 / 0.90 = 0.8333...
    #    Productivity: area £300m / 12m hours = £25/hour; nation £27,000m / 1,000m = £27/hour.
    # Whole economy: nation (6,000 + 27,000) / (150 + 1,000) = 33,000 / 1,150 = £28.6957/hour;
    #                area (200 + 300) / (4 + 12) = 500 / 16 = £31.25/hour.
    return [
        figures("G", 7_500, 900_000, "300", "27000", "12", "1000"),
        figures("C", 2_500, 100_000, "200", "6000", "4", "150"),
    ]


def test_location_quotient_is_area_share_over_national_share() -> None:
    # (25 / 100) / (10 / 100) = 0.25 / 0.10 = 2.5
    assert location_quotient(25, 100, 10, 100) == pytest.approx(2.5)
    # (1 / 4) / (1 / 3) = 0.75
    assert location_quotient(Decimal("1"), 4, Fraction(1), 3.0) == pytest.approx(0.75)


def test_location_quotient_is_zero_when_the_area_lacks_a_sector_the_nation_has() -> None:
    assert location_quotient(0, 100, 10, 1000) == 0.0


@pytest.mark.parametrize(
    ("e_ir", "e_r", "e_in", "e_n"),
    [(0, 0, 10, 100), (5, 100, 10, 0), (0, 100, 0, 100), (5, 100, 0, 100)],
    ids=["empty area", "empty nation", "sector absent everywhere", "sector absent nationally"],
)
def test_location_quotient_is_none_when_a_denominator_is_zero(
    e_ir: int, e_r: int, e_in: int, e_n: int
) -> None:
    assert location_quotient(e_ir, e_r, e_in, e_n) is None


def test_location_quotient_refuses_negative_figures() -> None:
    with pytest.raises(ValueError, match="negative"):
        location_quotient(-1, 100, 10, 100)


def test_analyse_computes_shares_lq_and_productivity_by_hand() -> None:
    result = analyse(two_sectors())

    assert [sector.section for sector in result.sectors] == ["C", "G"]  # section order
    assert result.area_employment == 10_000
    assert result.national_employment == 1_000_000

    c = result.sector("C")
    assert c.name == "Manufacturing"
    assert c.area_employment == 2_500
    assert c.area_share == pytest.approx(0.25)
    assert c.national_share == pytest.approx(0.10)
    assert c.location_quotient == pytest.approx(2.5)
    assert c.productivity == pytest.approx(50.0)
    assert c.national_productivity == pytest.approx(40.0)

    g = result.sector("G")
    assert g.area_share == pytest.approx(0.75)
    assert g.national_share == pytest.approx(0.90)
    assert g.location_quotient == pytest.approx(0.75 / 0.90)
    assert g.productivity == pytest.approx(25.0)
    assert g.national_productivity == pytest.approx(27.0)

    assert result.national_productivity == pytest.approx(33_000 / 1_150)
    assert result.area_productivity == pytest.approx(500 / 16)
    assert result.productivity_basis == "hour"


def test_analyse_classifies_a_productive_specialism_as_a_super_strength() -> None:
    result = analyse(two_sectors())
    c, g = result.sector("C"), result.sector("G")
    # C: LQ 2.5 >= 1.25 and 2,500 >= 1,000 employed; £50/hour > £40/hour for the sector.
    assert c.is_specialism and c.is_super_strength
    # G: LQ 0.83 is below the threshold, whatever its productivity.
    assert not g.is_specialism and not g.is_super_strength
    assert result.specialisms == (c,)
    assert result.super_strengths == (c,)


def test_productivity_per_filled_job_is_in_pounds_per_job() -> None:
    # £200m / 4,000 jobs = £50,000 per job; £6,000m / 150,000 jobs = £40,000 per job.
    rows = [figures("C", 2_500, 100_000, "200", "6000", "4000", "150000")]
    result = analyse(rows, productivity_basis="job")
    assert result.sector("C").productivity == pytest.approx(50_000)
    assert result.sector("C").national_productivity == pytest.approx(40_000)
    assert result.national_productivity == pytest.approx(40_000)


def test_no_productivity_basis_means_no_productivity_and_no_super_strength() -> None:
    result = analyse(two_sectors(), productivity_basis=None)
    c = result.sector("C")
    assert c.productivity is None and c.national_productivity is None
    assert c.is_specialism and not c.is_super_strength
    assert result.national_productivity is None


def _with_c(area_c: int, area_total: int, *, national_c: int = 100_000) -> list[SectorFigures]:
    """C plus a filler sector G, so C has the given share of a fixed-size economy."""
    return [
        figures("C", area_c, national_c),
        figures("G", area_total - area_c, 1_000_000 - national_c),
    ]


def test_lq_exactly_at_the_threshold_is_a_specialism() -> None:
    # (1,250 / 10,000) / (100,000 / 1,000,000) = 0.125 / 0.1 = 1.25 exactly.
    c = analyse(_with_c(1_250, 10_000)).sector("C")
    assert c.location_quotient == pytest.approx(1.25)
    assert c.is_specialism


def test_lq_just_below_the_threshold_is_not_a_specialism() -> None:
    # 0.1249 / 0.1 = 1.249.
    c = analyse(_with_c(1_249, 10_000)).sector("C")
    assert c.location_quotient == pytest.approx(1.249)
    assert not c.is_specialism


def test_threshold_is_compared_exactly_even_when_not_representable_as_a_float() -> None:
    # 0.13 / 0.1 = 13/10 exactly; as floats 1.3 is 1.3000000000000000444, which 13/10 is below.
    c = analyse(_with_c(1_300, 10_000), specialism_threshold=1.3).sector("C")
    assert c.is_specialism


def test_employment_exactly_at_the_minimum_is_enough() -> None:
    # (1,000 / 4,000) / 0.1 = 2.5, and 1,000 employed meets the minimum of 1,000.
    c = analyse(_with_c(1_000, 4_000)).sector("C")
    assert c.location_quotient == pytest.approx(2.5)
    assert c.is_specialism


def test_employment_one_below_the_minimum_is_not_a_specialism_however_high_the_lq() -> None:
    # (999 / 3,996) / 0.1 = 0.25 / 0.1 = 2.5, but only 999 employed.
    c = analyse(_with_c(999, 3_996)).sector("C")
    assert c.location_quotient == pytest.approx(2.5)
    assert not c.is_specialism


def test_threshold_and_minimum_are_settings() -> None:
    c = analyse(_with_c(999, 3_996), minimum_employment=500, specialism_threshold=3).sector("C")
    assert not c.is_specialism  # 2.5 < 3
    c = analyse(_with_c(999, 3_996), minimum_employment=500, specialism_threshold=2).sector("C")
    assert c.is_specialism


def test_zero_employment_sectors_get_lq_zero_or_none() -> None:
    rows = [
        *two_sectors(),
        figures("U", 0, 8_000),  # the nation has it, the area does not: LQ 0
        figures("T", 0, 0),  # nobody has it: LQ undefined
    ]
    result = analyse(rows)
    u, t = result.sector("U"), result.sector("T")
    assert u.location_quotient == 0.0
    assert u.area_share == 0.0
    assert not u.is_specialism
    assert t.location_quotient is None
    assert t.area_share == 0.0 and t.national_share == 0.0
    assert not t.is_specialism and not t.is_super_strength
    # 8,000 more people nationally: C's national share is 100,000 / 1,008,000.
    assert result.sector("C").location_quotient == pytest.approx(0.25 / (100_000 / 1_008_000))


def test_super_strength_needs_productivity_above_the_same_sector_nationally() -> None:
    # C is a specialism (LQ 2.5). Its £140m / 4m hours = £35/hour is above the whole-economy
    # national figure (27,000 + 6,000) / (1,000 + 150) = £28.70/hour but below manufacturing's
    # national £6,000m / 150m hours = £40/hour, so it is not a super strength: like with like.
    rows = [
        figures("G", 7_500, 900_000, "300", "27000", "12", "1000"),
        figures("C", 2_500, 100_000, "140", "6000", "4", "150"),
    ]
    result = analyse(rows)
    c = result.sector("C")
    assert c.productivity == pytest.approx(35.0)
    assert c.productivity is not None and result.national_productivity is not None
    assert c.productivity > result.national_productivity
    assert c.is_specialism and not c.is_super_strength


def test_productivity_equal_to_the_national_figure_is_not_above_it() -> None:
    # £160m / 4m hours = £40/hour, exactly the sector's national £6,000m / 150m hours.
    rows = [figures("C", 2_500, 100_000, "160", "6000", "4", "150"), figures("G", 7_500, 900_000)]
    c = analyse(rows).sector("C")
    assert c.productivity == pytest.approx(40.0)
    assert c.is_specialism and not c.is_super_strength


def test_a_productive_sector_that_is_not_a_specialism_is_not_a_super_strength() -> None:
    # G: £60/hour against £27/hour nationally, but LQ 0.83.
    rows = [
        figures("G", 7_500, 900_000, "720", "27000", "12", "1000"),
        figures("C", 2_500, 100_000),
    ]
    g = analyse(rows).sector("G")
    assert g.productivity == pytest.approx(60.0)
    assert not g.is_super_strength


def test_missing_gva_leaves_productivity_unknown_and_no_super_strength() -> None:
    rows = [figures("C", 2_500, 100_000, None, "6000", None, "150"), figures("G", 7_500, 900_000)]
    c = analyse(rows).sector("C")
    assert c.productivity is None
    assert c.national_productivity == pytest.approx(40.0)
    assert c.is_specialism and not c.is_super_strength


def test_zero_hours_gives_no_productivity_rather_than_dividing_by_zero() -> None:
    rows = [figures("C", 2_500, 100_000, "200", "6000", "0", "150"), figures("G", 7_500, 900_000)]
    assert analyse(rows).sector("C").productivity is None


def test_whole_economy_productivity_leaves_out_sectors_without_figures() -> None:
    # Only C has national GVA and hours: 6,000 / 150 = £40/hour (G is not counted as zero).
    rows = [figures("C", 2_500, 100_000, "200", "6000", "4", "150"), figures("G", 7_500, 900_000)]
    assert analyse(rows).national_productivity == pytest.approx(40.0)


def test_decimal_employment_is_handled_exactly() -> None:
    rows = [
        SectorFigures("C", Decimal("2500.5"), Decimal("100000")),
        SectorFigures("G", Decimal("7499.5"), 900_000),
    ]
    c = analyse(rows).sector("C")
    assert c.area_share == pytest.approx(2500.5 / 10_000)


def test_analyse_refuses_duplicate_and_unknown_sections() -> None:
    with pytest.raises(ValueError, match="more than once"):
        analyse([figures("C", 1, 2), figures("C", 1, 2)])
    with pytest.raises(ValueError, match="Unknown"):
        analyse([figures("Z", 1, 2)])


def test_example_dataset_makes_manufacturing_a_super_strength_with_an_lq_of_about_2_5() -> None:
    dataset = parse_dataset(EXAMPLE.read_bytes())
    result = analyse(dataset.rows, productivity_basis=dataset.productivity_basis)
    assert len(result.sectors) == 21
    c = result.sector("C")
    # 103,500 / 450,000 = 23.0% of the area; 2,466,000 / 26,879,000 = 9.17% nationally;
    # LQ = 0.23 / 0.09174 = 2.507.
    assert c.area_share == pytest.approx(0.23)
    assert c.national_share == pytest.approx(0.0917, abs=0.0005)
    assert c.location_quotient == pytest.approx(2.5, abs=0.05)
    # £10,000m / 176m hours = £56.8/hour against £169,500m / 4,060m hours = £41.7/hour.
    assert c.productivity == pytest.approx(56.82, abs=0.01)
    assert c.national_productivity == pytest.approx(41.75, abs=0.01)
    assert c.is_specialism and c.is_super_strength
    assert [s.section for s in result.specialisms] == ["C", "D", "K"]
    assert [s.section for s in result.super_strengths] == ["C", "D"]
    # Mining has a high LQ, but too few jobs for it to be more than noise.
    b = result.sector("B")
    assert b.location_quotient is not None and b.location_quotient > 1.25
    assert not b.is_specialism


def _result(section: str, lq: float | None, name: str = "x") -> SectorResult:
    return SectorResult(
        section=section,
        name=name,
        area_employment=1,
        national_employment=1,
        area_share=0.1,
        national_share=0.1,
        location_quotient=lq,
        productivity=None,
        national_productivity=None,
        is_specialism=False,
        is_super_strength=False,
    )


def test_sort_sectors_defaults_to_lq_largest_first_with_missing_last() -> None:
    rows = [_result("A", 0.5), _result("B", None), _result("C", 2.5), _result("D", 1.0)]
    assert [r.section for r in sort_sectors(rows)] == ["C", "D", "A", "B"]


def test_sort_sectors_is_stable_for_ties_in_either_direction() -> None:
    rows = [_result("A", 1.0), _result("B", 2.0), _result("C", 1.0), _result("D", 1.0)]
    assert [r.section for r in sort_sectors(rows)] == ["B", "A", "C", "D"]
    ascending = sort_sectors(rows, descending=False)
    assert [r.section for r in ascending] == ["A", "C", "D", "B"]


def test_sort_sectors_keeps_missing_values_last_when_ascending() -> None:
    rows = [_result("A", None), _result("B", 2.0), _result("C", 1.0)]
    assert [r.section for r in sort_sectors(rows, descending=False)] == ["C", "B", "A"]


def test_sort_sectors_by_name_is_alphabetical_by_default() -> None:
    rows = [_result("A", 1.0, "beta"), _result("B", 1.0, "Alpha"), _result("C", 1.0, "gamma")]
    assert [r.section for r in sort_sectors(rows, "name")] == ["B", "A", "C"]


def test_sort_sectors_accepts_every_column_and_refuses_unknown_ones() -> None:
    rows = list(analyse(two_sectors()).sectors)
    for column in SORTABLE_COLUMNS:
        assert len(sort_sectors(rows, column)) == 2
    with pytest.raises(ValueError, match="Cannot sort by"):
        sort_sectors(rows, "__class__")
