from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from strategies.evidence import parsing
from strategies.evidence.parsing import (
    CSV_FORMAT_HELP,
    DatasetError,
    DatasetProblem,
    ParsedDataset,
    SectorFigures,
    parse_dataset,
)

DATA = Path(parsing.__file__).resolve().parent / "data"
HEADER = "sector,area_employment,national_employment"
FULL_HEADER = f"{HEADER},area_gva,national_gva,area_hours,national_hours"


def csv_bytes(*lines: str) -> bytes:
    return ("\n".join(lines) + "\n").encode()


def problems(data: bytes, **kwargs: int) -> list[DatasetProblem]:
    with pytest.raises(DatasetError) as caught:
        parse_dataset(data, **kwargs)
    return caught.value.errors


def only_problem(data: bytes, **kwargs: int) -> DatasetProblem:
    found = problems(data, **kwargs)
    assert len(found) == 1, found
    return found[0]


def test_parses_required_columns_into_sections_in_order() -> None:
    dataset = parse_dataset(csv_bytes(HEADER, "G,7500,900000", "C,2500,100000"))
    assert dataset == ParsedDataset(
        rows=[
            SectorFigures("C", 2500, 100000),
            SectorFigures("G", 7500, 900000),
        ],
        has_gva=False,
        productivity_basis=None,
    )
    assert isinstance(dataset.rows[0].area_employment, int)


def test_parses_gva_and_hours_with_decimals() -> None:
    dataset = parse_dataset(csv_bytes(FULL_HEADER, "C,2500,100000,200.5,6000,4.25,150"))
    assert dataset.has_gva
    assert dataset.productivity_basis == "hour"
    row = dataset.rows[0]
    assert row.area_gva == Decimal("200.5")
    assert row.national_gva == Decimal("6000")
    assert row.area_hours_or_jobs == Decimal("4.25")
    assert row.national_hours_or_jobs == Decimal("150")


def test_jobs_columns_give_productivity_per_filled_job() -> None:
    data = csv_bytes(
        f"{HEADER},area_gva,national_gva,area_jobs,national_jobs",
        "C,2500,100000,200,6000,4000,150000",
    )
    dataset = parse_dataset(data)
    assert dataset.productivity_basis == "job"
    assert dataset.rows[0].area_hours_or_jobs == Decimal("4000")


def test_optional_columns_may_be_blank() -> None:
    dataset = parse_dataset(
        csv_bytes(FULL_HEADER, "C,2500,100000,200,6000,4,150", "T,0,0,,,,", "U,0,8000,,,,")
    )
    assert dataset.has_gva
    assert dataset.rows[1] == SectorFigures("T", 0, 0)


def test_gva_columns_that_are_all_blank_mean_no_gva() -> None:
    dataset = parse_dataset(csv_bytes(FULL_HEADER, "C,2500,100000,,,,", "G,7500,900000,,,,"))
    assert not dataset.has_gva
    assert dataset.productivity_basis is None


def test_gva_without_hours_has_gva_but_no_productivity_basis() -> None:
    dataset = parse_dataset(csv_bytes(f"{HEADER},area_gva,national_gva", "C,2500,100000,200,6000"))
    assert dataset.has_gva
    assert dataset.productivity_basis is None


def test_header_names_are_case_insensitive_trimmed_and_in_any_order() -> None:
    dataset = parse_dataset(
        csv_bytes(" National_Employment , SECTOR,Area_Employment ", "100000, c ,2500")
    )
    assert dataset.rows == [SectorFigures("C", 2500, 100000)]


def test_utf8_byte_order_mark_is_accepted() -> None:
    dataset = parse_dataset(b"\xef\xbb\xbf" + csv_bytes(HEADER, "C,2500,100000"))
    assert dataset.rows[0].section == "C"


def test_windows_line_endings_are_accepted() -> None:
    dataset = parse_dataset(b"sector,area_employment,national_employment\r\nC,2500,100000\r\n")
    assert dataset.rows[0].area_employment == 2500


def test_quoted_numbers_may_have_thousands_separators() -> None:
    dataset = parse_dataset(csv_bytes(HEADER, 'C,"2,500","1,234,567.5"'))
    assert dataset.rows[0].area_employment == 2500
    assert dataset.rows[0].national_employment == Decimal("1234567.5")


def test_unquoted_thousands_separator_is_reported_as_too_many_values() -> None:
    problem = only_problem(csv_bytes(HEADER, "C,2,500,100000"))
    assert problem.line == 2
    assert "4 values but the header has 3 columns" in problem.message
    assert "quotes" in problem.message


def test_trailing_empty_cells_are_ignored() -> None:
    dataset = parse_dataset(csv_bytes(HEADER + ",", "C,2500,100000,,"))
    assert dataset.rows == [SectorFigures("C", 2500, 100000)]


@pytest.mark.parametrize(
    ("code", "section"),
    [
        ("01", "A"), ("1", "A"), ("03", "A"),
        ("05", "B"), ("09", "B"),
        ("10", "C"), ("33", "C"),
        ("35", "D"),
        ("36", "E"), ("39", "E"),
        ("41", "F"), ("43", "F"),
        ("45", "G"), ("47", "G"),
        ("49", "H"), ("53", "H"),
        ("55", "I"), ("56", "I"),
        ("58", "J"), ("63", "J"),
        ("64", "K"), ("66", "K"),
        ("68", "L"),
        ("69", "M"), ("75", "M"),
        ("77", "N"), ("82", "N"),
        ("84", "O"),
        ("85", "P"),
        ("86", "Q"), ("88", "Q"),
        ("90", "R"), ("93", "R"),
        ("94", "S"), ("96", "S"),
        ("97", "T"), ("98", "T"),
        ("99", "U"),
    ],
)  # fmt: skip
def test_divisions_map_to_their_sic_2007_section(code: str, section: str) -> None:
    dataset = parse_dataset(csv_bytes(HEADER, f"{code},10,100"))
    assert dataset.rows[0].section == section


def test_every_division_from_01_to_99_maps_to_one_section_except_the_gaps() -> None:
    gaps = {4, 34, 40, 44, 48, 54, 57, 67, 76, 83, 89}
    assert set(parsing.DIVISION_SECTION) == set(range(1, 100)) - gaps
    assert len(parsing.DIVISION_SECTION) == 88  # SIC 2007 has 88 divisions


@pytest.mark.parametrize("code", ["04", "34", "40", "44", "48", "54", "57", "67", "76", "83", "89"])
def test_codes_between_divisions_are_unknown(code: str) -> None:
    problem = only_problem(csv_bytes(HEADER, f"{code},10,100"))
    assert (problem.line, problem.column) == (2, "sector")
    assert f"'{code}' is not a SIC 2007 section letter" in problem.message


def test_divisions_of_one_section_are_summed() -> None:
    dataset = parse_dataset(
        csv_bytes(
            FULL_HEADER,
            "10,1000,40000,50,2000,1.5,60",
            "20,1500,60000,150.5,4000,2.5,90",
            "47,7500,900000,300,27000,12,1000",
        )
    )
    assert dataset.rows == [
        SectorFigures(
            "C", 2500, 100000, Decimal("200.5"), Decimal("6000"), Decimal("4.0"), Decimal("150")
        ),
        SectorFigures(
            "G", 7500, 900000, Decimal("300"), Decimal("27000"), Decimal("12"), Decimal("1000")
        ),
    ]


def test_divisions_must_all_give_gva_or_none_of_them() -> None:
    found = problems(
        csv_bytes(FULL_HEADER, "10,1000,40000,50,2000,1.5,60", "11,1500,60000,,4000,,90")
    )
    assert [(problem.line, problem.column) for problem in found] == [
        (3, "area_gva"),
        (3, "area_hours"),
    ]
    assert "other divisions of section C" in found[0].message


def test_missing_headers_are_named() -> None:
    problem = only_problem(csv_bytes("sector,area_employment", "C,1"))
    assert (problem.line, problem.column) == (1, "national_employment")
    assert problem.message == "Missing column: national_employment."


def test_unknown_headers_are_named() -> None:
    problem = only_problem(csv_bytes(f"{HEADER},region,notes", "C,1,2,x,y"))
    assert (problem.line, problem.column) == (1, "region, notes")
    assert "Unknown columns: 'region', 'notes'" in problem.message


def test_half_of_an_optional_pair_is_a_missing_column() -> None:
    problem = only_problem(csv_bytes(f"{HEADER},area_gva", "C,1,2,3"))
    assert (problem.line, problem.column) == (1, "national_gva")


def test_hours_and_jobs_together_are_refused() -> None:
    data = csv_bytes(f"{FULL_HEADER},area_jobs,national_jobs", "C,1,2,3,4,5,6,7,8")
    problem = only_problem(data)
    assert problem.line == 1
    assert "not both" in problem.message


def test_hours_without_gva_are_refused() -> None:
    problem = only_problem(csv_bytes(f"{HEADER},area_hours,national_hours", "C,1,2,3,4"))
    assert (problem.line, problem.column) == (1, "area_hours, national_hours")
    assert "only used with GVA" in problem.message


def test_repeated_header_is_refused() -> None:
    problem = only_problem(csv_bytes(f"{HEADER},sector", "C,1,2,C"))
    assert (problem.line, problem.column) == (1, "sector")
    assert "appears twice" in problem.message


def test_semicolon_separated_file_gets_a_hint() -> None:
    found = problems(csv_bytes(HEADER.replace(",", ";"), "C;1;2"))
    assert any("commas, not semicolons" in problem.message for problem in found)


def test_unknown_sector_code_names_line_and_column() -> None:
    problem = only_problem(csv_bytes(HEADER, "C,1,2", "Z,1,2"))
    assert (problem.line, problem.column) == (3, "sector")
    assert "'Z' is not a SIC 2007 section letter" in problem.message


def test_blank_sector_is_refused() -> None:
    problem = only_problem(csv_bytes(HEADER, ",1,2"))
    assert (problem.line, problem.column) == (2, "sector")
    assert "blank" in problem.message


@pytest.mark.parametrize("value", ["-5", "- 5", "\u22125"])
def test_negative_figures_are_refused(value: str) -> None:
    problem = only_problem(csv_bytes(HEADER, f"C,{value},100"))
    assert (problem.line, problem.column) == (2, "area_employment")
    assert "is negative" in problem.message


@pytest.mark.parametrize("value", ["n/a", "12,34", "1.2.3", "1e6", "£5", "+5", "*"])
def test_non_numeric_figures_are_refused(value: str) -> None:
    problem = only_problem(csv_bytes(FULL_HEADER, f'C,10,100,"{value}",6000,4,150'))
    assert (problem.line, problem.column) == (2, "area_gva")
    assert f"'{value}' is not a number" in problem.message


def test_long_bad_values_are_shortened_in_messages() -> None:
    problem = only_problem(csv_bytes(HEADER, f"C,{'x' * 500},100"))
    assert len(problem.message) < 120


def test_blank_required_figure_is_refused() -> None:
    problem = only_problem(csv_bytes(HEADER, "C,,100"))
    assert (problem.line, problem.column) == (2, "area_employment")
    assert "blank" in problem.message


def test_missing_cells_at_the_end_of_a_row_are_blank_figures() -> None:
    problem = only_problem(csv_bytes(HEADER, "C,10"))
    assert (problem.line, problem.column) == (2, "national_employment")


def test_gva_without_its_hours_on_a_row_is_refused() -> None:
    problem = only_problem(csv_bytes(FULL_HEADER, "C,10,100,5,6000,,150"))
    assert (problem.line, problem.column) == (2, "area_hours")
    assert "area_gva is given" in problem.message


def test_duplicate_section_names_the_first_line() -> None:
    problem = only_problem(csv_bytes(HEADER, "C,1,2", "G,1,2", "c,1,2"))
    assert (problem.line, problem.column) == (4, "sector")
    assert problem.message == "Section C is already given on line 2."


def test_duplicate_division_names_the_first_line() -> None:
    problem = only_problem(csv_bytes(HEADER, "10,1,2", "1,1,2", "10,1,2"))
    assert (problem.line, problem.column) == (4, "sector")
    assert problem.message == "Division 10 is already given on line 2."


def test_a_section_and_one_of_its_divisions_together_are_refused() -> None:
    problem = only_problem(csv_bytes(HEADER, "C,1,2", "10,1,2"))
    assert (problem.line, problem.column) == (3, "sector")
    assert "both as a section and as its divisions (see line 2)" in problem.message


def test_area_larger_than_nation_is_refused() -> None:
    problem = only_problem(csv_bytes(HEADER, "C,2500,100000", "G,7500,7499"))
    assert (problem.line, problem.column) == (3, "area_employment")
    assert "larger than national_employment" in problem.message


def test_area_gva_larger_than_national_gva_is_refused() -> None:
    problem = only_problem(csv_bytes(FULL_HEADER, "C,2500,100000,6001,6000,4,150"))
    assert (problem.line, problem.column) == (2, "area_gva")


def test_zero_total_area_employment_is_refused() -> None:
    problem = only_problem(csv_bytes(HEADER, "C,0,100", "G,0,900"))
    assert (problem.line, problem.column) == (None, "area_employment")
    assert "total employment is zero" in problem.message


def test_zero_total_national_employment_is_refused() -> None:
    found = problems(csv_bytes(HEADER, "C,0,0"))
    assert [problem.column for problem in found] == ["area_employment", "national_employment"]


def test_non_utf8_file_is_refused_naming_the_line() -> None:
    data = csv_bytes(HEADER, "C,1,2") + "caf\u00e9,1,2\n".encode("latin-1")
    problem = only_problem(data)
    assert problem.line == 3
    assert "not UTF-8" in problem.message


@pytest.mark.parametrize("data", [b"", b"   \n\n", b",,,\n"])
def test_empty_file_is_refused(data: bytes) -> None:
    assert only_problem(data).message == "The file is empty."


def test_header_without_rows_is_refused() -> None:
    problem = only_problem(csv_bytes(HEADER, "", ""))
    assert problem.line is None
    assert "header row but no data rows" in problem.message


def test_file_over_the_size_limit_is_refused() -> None:
    problem = only_problem(b"x" * (1024 * 1024 + 1))
    assert "largest file we accept is 1.0 MB" in problem.message
    data = csv_bytes(HEADER, "C,1,2")
    assert "largest file" in only_problem(data, max_bytes=len(data) - 1).message
    assert parse_dataset(data, max_bytes=len(data)).rows


def test_unreadable_csv_names_the_line() -> None:
    problem = only_problem(csv_bytes(HEADER, "C,1,2", 'G,"7500,900000'))
    assert problem.line == 3
    assert "cannot be read as CSV" in problem.message


def test_all_row_problems_are_reported_in_file_order() -> None:
    found = problems(csv_bytes(HEADER, "Z,1,2", "C,x,2", "G,5,4", "C,1,2"))
    assert [(problem.line, problem.column) for problem in found] == [
        (2, "sector"),
        (3, "area_employment"),
        (4, "area_employment"),
        (5, "sector"),
    ]


def test_line_numbers_count_blank_lines() -> None:
    problem = only_problem(csv_bytes(HEADER, "", "C,1,2", "", "Z,1,2"))
    assert problem.line == 5


def test_problem_list_stops_at_the_limit_and_says_so() -> None:
    rows = [f"Z{index},1,2" for index in range(60)]
    found = problems(csv_bytes(HEADER, *rows), max_errors=50)
    assert len(found) == 51
    assert found[49].line == 51
    assert found[-1].line is None
    assert "stopped checking after 50 problems" in found[-1].message


def test_dataset_error_reads_as_a_list_of_located_problems() -> None:
    single = DatasetError([DatasetProblem(3, "area_employment", "The figure is blank.")])
    assert str(single) == "Line 3, column area_employment: The figure is blank."
    several = DatasetError(
        [
            DatasetProblem(1, None, "Bad header."),
            DatasetProblem(None, "area_employment", "Total is zero."),
            DatasetProblem(None, None, "The file is empty."),
        ]
    )
    assert str(several) == (
        "The file has 3 problems:\n"
        "- Line 1: Bad header.\n"
        "- Column area_employment: Total is zero.\n"
        "- The file is empty."
    )


def test_template_has_the_documented_header_and_no_rows() -> None:
    lines = (DATA / "template.csv").read_text(encoding="utf-8").splitlines()
    assert lines == [FULL_HEADER]
    assert FULL_HEADER in CSV_FORMAT_HELP
    assert (
        "header row but no data rows" in only_problem((DATA / "template.csv").read_bytes()).message
    )


def test_example_covers_all_21_sections_with_gva_and_hours() -> None:
    dataset = parse_dataset((DATA / "example.csv").read_bytes())
    assert [row.section for row in dataset.rows] == list("ABCDEFGHIJKLMNOPQRSTU")
    assert dataset.has_gva
    assert dataset.productivity_basis == "hour"
