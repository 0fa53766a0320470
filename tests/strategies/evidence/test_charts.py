from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from strategies.evidence import analysis as analysis_module
from strategies.evidence.analysis import Analysis, analyse
from strategies.evidence.charts import (
    SPECIALISM_MARKER,
    SUPER_STRENGTH_MARKER,
    lq_bar_chart_svg,
)
from strategies.evidence.parsing import SectorFigures, parse_dataset

SVG = "{http://www.w3.org/2000/svg}"
EXAMPLE = Path(analysis_module.__file__).resolve().parent / "data" / "example.csv"


def example() -> Analysis:
    dataset = parse_dataset(EXAMPLE.read_bytes())
    return analyse(dataset.rows, productivity_basis=dataset.productivity_basis)


def render(result: Analysis | None = None, **kwargs: str) -> tuple[str, ET.Element]:
    options = {"title": "Location quotients", "description": "Manufacturing is the largest."}
    options.update(kwargs)
    svg = lq_bar_chart_svg(result or example(), **options)
    return svg, ET.fromstring(svg)  # noqa: S314 - our own output, parsed to check it is XML


def bar_titles(root: ET.Element) -> list[str]:
    return [
        title.text or ""
        for rect in root.iter(f"{SVG}rect")
        for title in rect.findall(f"{SVG}title")
    ]


def texts(root: ET.Element) -> list[str]:
    return [element.text or "" for element in root.iter(f"{SVG}text")]


def test_chart_is_well_formed_svg_named_by_its_title_and_description() -> None:
    _, root = render(title="LQs in Cheshire", description="Manufacturing stands out.")
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    ids = (root.get("aria-labelledby") or "").split()
    assert ids == ["lq-chart-title", "lq-chart-desc"]
    title = root.find(f"{SVG}title")
    desc = root.find(f"{SVG}desc")
    assert title is not None and desc is not None
    assert (title.get("id"), title.text) == ("lq-chart-title", "LQs in Cheshire")
    assert (desc.get("id"), desc.text) == ("lq-chart-desc", "Manufacturing stands out.")


def test_id_prefix_keeps_ids_unique_and_refuses_unsafe_values() -> None:
    svg, root = render(id_prefix="chart-2")
    assert root.get("aria-labelledby") == "chart-2-title chart-2-desc"
    assert "url(#chart-2-super)" in svg
    with pytest.raises(ValueError, match="id_prefix"):
        render(id_prefix='x" onload="alert(1)')


def test_one_bar_per_employed_sector_sorted_by_lq_largest_first() -> None:
    result = example()
    _, root = render(result)
    sections = [title.split(" ", 1)[0] for title in bar_titles(root)]
    employed = [s for s in result.sectors if s.area_employment > 0]
    assert len(sections) == len(employed) == 19  # T and U employ nobody in the area
    assert "T" not in sections and "U" not in sections
    lqs = [result.sector(section).location_quotient or 0.0 for section in sections]
    assert lqs == sorted(lqs, reverse=True)
    assert sections[0] == "C"


def test_reference_line_at_lq_1_is_labelled() -> None:
    _, root = render()
    assert "LQ = 1 (national average)" in texts(root)
    dashed = [line for line in root.iter(f"{SVG}line") if line.get("stroke-dasharray")]
    assert len(dashed) == 1
    assert dashed[0].get("x1") == dashed[0].get("x2")


def test_specialisms_are_marked_by_text_and_pattern_not_colour_alone() -> None:
    _, root = render()
    labels = texts(root)
    assert f"2.51 {SUPER_STRENGTH_MARKER}" in labels  # C
    assert f"1.41 {SUPER_STRENGTH_MARKER}" in labels  # D
    assert f"1.38 {SPECIALISM_MARKER}" in labels  # K
    assert "1.45" in labels  # B: a high LQ, too few jobs, so no marker
    fills = {
        (rect.findtext(f"{SVG}title") or "").split(" ", 1)[0]: rect.get("fill")
        for rect in root.iter(f"{SVG}rect")
        if rect.find(f"{SVG}title") is not None
    }
    assert fills["C"] == "url(#lq-chart-super)"
    assert fills["K"] == "url(#lq-chart-specialism)"
    assert fills["B"] == "#1d70b8"
    pattern_ids = {pattern.get("id") for pattern in root.iter(f"{SVG}pattern")}
    assert pattern_ids == {"lq-chart-super", "lq-chart-specialism"}


def test_chart_uses_the_accessible_colours() -> None:
    svg, root = render()
    assert root.get("fill") == "#0b0c0c"  # text inherits it
    assert 'fill="#1d70b8"' in svg


def test_chart_has_no_scripts_styles_handlers_or_external_resources() -> None:
    svg, root = render()
    for element in root.iter():
        assert element.tag.rsplit("}", 1)[-1] not in {"script", "style", "foreignObject", "image"}
        for name, value in element.attrib.items():
            assert name != "style"
            assert not name.lower().startswith("on")
            assert "href" not in name
            assert "url(" not in value or value.startswith("url(#")
    assert "http" not in svg.replace('xmlns="http://www.w3.org/2000/svg"', "")


def test_title_and_description_are_escaped() -> None:
    hostile = "<script>alert(\"x\")</script> & 'quotes'"
    svg, root = render(title=hostile, description=hostile)
    assert "<script>" not in svg
    assert root.findtext(f"{SVG}title") == hostile
    assert root.findtext(f"{SVG}desc") == hostile


def test_sector_names_are_escaped(monkeypatch: pytest.MonkeyPatch) -> None:
    hostile = '<script>alert(1)</script>"&'
    names = dict(analysis_module.section_names())
    names["C"] = hostile
    monkeypatch.setattr(analysis_module, "section_names", lambda: names)
    result = analyse([SectorFigures("C", 2500, 100000), SectorFigures("G", 7500, 900000)])
    svg, root = render(result)
    assert "<script" not in svg
    assert "&lt;script&gt;" in svg
    assert not list(root.iter(f"{SVG}script"))
    assert f"C {hostile}" in texts(root)


def test_long_sector_names_are_shortened_visibly_but_kept_whole_in_the_tooltip() -> None:
    result = analyse([SectorFigures("T", 2000, 10000), SectorFigures("G", 7500, 900000)])
    _, root = render(result)
    full = result.sector("T").name
    label = next(text for text in texts(root) if text.startswith("T "))
    assert label.endswith("…") and len(label) < len(full)
    assert any(full in title for title in bar_titles(root))


def test_chart_of_an_area_with_no_employment_says_so() -> None:
    result = analyse([SectorFigures("C", 0, 100)])
    _, root = render(result)
    assert "No sector has any employment in the area." in texts(root)
    assert bar_titles(root) == []
