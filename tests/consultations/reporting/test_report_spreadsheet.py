"""The report's spreadsheet: text cells cannot run as formulas; numbers stay numbers."""

from __future__ import annotations

import io

import openpyxl

from consultations.reporting.render import write_report_xlsx


def test_report_xlsx_neutralises_text_cells_and_keeps_numbers() -> None:
    result = {
        "consultation": {"title": '=HYPERLINK("http://evil")', "organisation": "@Crewe"},
        "overview": {"by_type": [{"label": "-Freelancers", "count": -3}]},
    }
    target = io.BytesIO()
    write_report_xlsx(result, target)
    workbook = openpyxl.load_workbook(io.BytesIO(target.getvalue()))
    about = dict(workbook["About"].iter_rows(values_only=True))
    assert about["Consultation"] == '\'=HYPERLINK("http://evil")'
    assert about["Organisation"] == "'@Crewe"
    respondents = list(workbook["Respondents"].iter_rows(min_row=2, values_only=True))
    assert respondents[0][1:3] == ("'-Freelancers", -3)
    for sheet in workbook:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{sheet.title}!{cell.coordinate} is a formula"
