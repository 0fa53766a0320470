"""Cells fit for spreadsheets: nothing a CSV or XLSX download holds can run as a formula."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

import pytest

from lepportal.core.spreadsheets import csv_writer, neutralise_formula, safe_cell, spreadsheet_cell


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=SUM(A1:A9)", "'=SUM(A1:A9)"),
        ("+44 1270 000000", "'+44 1270 000000"),
        ("-2+3", "'-2+3"),
        ("@cmd", "'@cmd"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("Plain words = fine", "Plain words = fine"),
        ("", ""),
        ("'already quoted", "'already quoted"),
    ],
)
def test_neutralise_formula_prefixes_an_apostrophe_only_when_needed(value, expected) -> None:
    assert neutralise_formula(value) == expected


def test_a_control_character_cannot_hide_a_formula() -> None:
    assert safe_cell('\x01=HYPERLINK("http://evil")') == '\'=HYPERLINK("http://evil")'
    assert safe_cell("keeps\ttabs\nand lines") == "keeps\ttabs\nand lines"


def test_a_safe_cell_is_left_alone_when_made_safe_again() -> None:
    once = safe_cell("=1+1")
    assert safe_cell(once) == once == "'=1+1"


@pytest.mark.parametrize("value", [-3, Decimal("-2.500"), -0.5, date(2024, 3, 31), None, True])
def test_numbers_dates_and_other_values_are_written_as_they_are(value) -> None:
    assert spreadsheet_cell(value) is value


def test_spreadsheet_cell_makes_text_safe() -> None:
    assert spreadsheet_cell("-minus") == "'-minus"
    assert spreadsheet_cell("Crewe") == "Crewe"


def test_csv_writer_neutralises_every_text_cell_of_every_row() -> None:
    out = io.StringIO()
    writer = csv_writer(out, lineterminator="\n")
    writer.writerow(["=cmd|' /C calc'!A0", -5, "fine"])
    writer.writerows([["@SUM(1)", Decimal("-1.5")], ("+1", "\x00-2")])
    rows = list(csv.reader(io.StringIO(out.getvalue())))
    assert rows == [
        ["'=cmd|' /C calc'!A0", "-5", "fine"],
        ["'@SUM(1)", "-1.5"],
        ["'+1", "'-2"],
    ]
