from __future__ import annotations

import base64
import datetime
import io
import socket
import struct
import urllib.request
import zlib
from collections.abc import Iterator
from typing import Any

import docx
import pypdf
import pytest
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph

from strategies import exports
from strategies.exports import (
    DataUrlOnlyFetcher,
    ExportDocument,
    ExportSection,
    document_to_docx,
    document_to_html,
    document_to_pdf,
)
from strategies.markdown import render_markdown

FOREWORD_HTML = """
<h3>Our ambition</h3>
<p>We will <strong>grow</strong> the <em>economy</em> with
   <a href="https://example.org/plan">the published plan</a>.<br>A second line.</p>
<ul>
  <li>Skills</li>
  <li>Energy
    <ul><li>Hydrogen</li></ul>
  </li>
</ul>
<ol><li>First priority</li><li>Second priority</li></ol>
<p>Between the lists.</p>
<ol start="4"><li>Fourth priority</li></ol>
<blockquote><p>Business needs certainty.</p></blockquote>
<pre><code>growth = 2.1
target = 3.0
</code></pre>
<h4>Sector detail</h4>
<svg role="img" aria-labelledby="chart-title" viewBox="0 0 10 10">
  <title id="chart-title">Chart of sector GVA</title><rect width="10" height="4"/>
</svg>
<table>
  <caption>GVA by sector</caption>
  <thead><tr><th>Sector</th><th>GVA (£m)</th></tr></thead>
  <tbody><tr><td>Advanced manufacturing</td><td>1,200</td></tr></tbody>
</table>
<dl><dt>LEP</dt><dd>Local Enterprise Partnership</dd></dl>
"""


def make_document(
    *, title: str = "Local Industrial Strategy", sections: list[ExportSection] | None = None
) -> ExportDocument:
    return ExportDocument(
        title=title,
        organisation="Cheshire and Warrington",
        version_label="Version 3: Draft for consultation",
        version_date=datetime.date(2026, 3, 1),
        status_label="Published",
        sections=sections
        or [
            ExportSection(anchor="foreword", title="Foreword", html=FOREWORD_HTML),
            ExportSection(anchor="vision", title="Our vision", html="<p>A net zero region.</p>"),
        ],
        filename_stem="cheshire-and-warrington-local-industrial-strategy-v3",
    )


@pytest.fixture(scope="module")
def pdf() -> pypdf.PdfReader:
    return pypdf.PdfReader(io.BytesIO(document_to_pdf(make_document())))


@pytest.fixture(scope="module")
def word() -> Any:
    return docx.Document(io.BytesIO(document_to_docx(make_document())))


def one_pixel_png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\x1d\x70\xb8")
    signature = b"\x89PNG\r\n\x1a\n"
    return signature + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


def pdf_text(reader: pypdf.PdfReader) -> str:
    return "\n".join(page.extract_text() for page in reader.pages)


def structure_roles(node: Any) -> Iterator[str]:
    node = node.get_object()
    if "/S" in node:
        yield str(node["/S"])
    kids = node.get("/K")
    for kid in kids if isinstance(kids, list) else [kids]:
        kid = kid.get_object() if hasattr(kid, "get_object") else kid
        if isinstance(kid, dict):
            yield from structure_roles(kid)


def styled(word: Any, style: str) -> list[str]:
    return [paragraph.text for paragraph in word.paragraphs if paragraph.style.name == style]


def paragraph_with(word: Any, text: str) -> Paragraph:
    return next(paragraph for paragraph in word.paragraphs if text in paragraph.text)


# PDF ----------------------------------------------------------------------------------------


def test_pdf_cover_shows_title_organisation_version_date_and_status(
    pdf: pypdf.PdfReader,
) -> None:
    cover = pdf.pages[0].extract_text()

    for expected in (
        "Local Industrial Strategy",
        "Cheshire and Warrington",
        "Version 3: Draft for consultation",
        "1 March 2026",
        "Status: Published",
    ):
        assert expected in cover


def test_pdf_contains_section_headings_and_their_bodies(pdf: pypdf.PdfReader) -> None:
    text = pdf_text(pdf)

    for expected in ("Foreword", "Our vision", "Our ambition", "A net zero region.", "1,200"):
        assert expected in text


def test_pdf_contents_links_to_each_section(pdf: pypdf.PdfReader) -> None:
    contents = pdf.pages[1]
    destinations = {
        str(annotation.get_object().get("/Dest")) for annotation in contents.get("/Annots", [])
    }

    assert "Contents" in contents.extract_text()
    assert {"foreword", "vision"} <= destinations
    assert {"foreword", "vision"} <= set(pdf.named_destinations)


def test_pdf_is_tagged_with_headings_tables_and_british_english(pdf: pypdf.PdfReader) -> None:
    catalog: Any = pdf.trailer["/Root"]
    roles = set(structure_roles(catalog["/StructTreeRoot"]))

    assert catalog["/MarkInfo"]["/Marked"].value is True
    assert catalog["/Lang"] == "en-GB"
    assert {"/H1", "/H2", "/H3", "/Table", "/TH", "/L"} <= roles
    assert pdf.metadata is not None
    assert pdf.metadata.title == "Local Industrial Strategy: Version 3: Draft for consultation"


def test_title_with_markup_is_escaped_in_the_printable_html() -> None:
    html = document_to_html(make_document(title="Plan <script>alert(1)</script>"))

    assert "<script>" not in html
    assert "Plan &lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_title_with_markup_appears_literally_in_the_pdf() -> None:
    reader = pypdf.PdfReader(
        io.BytesIO(document_to_pdf(make_document(title="Plan <script>alert(1)</script>")))
    )

    assert reader.metadata is not None
    assert str(reader.metadata.title).startswith("Plan <script>alert(1)</script>")
    assert "<script>alert(1)</" in reader.pages[0].extract_text()


@pytest.mark.parametrize(
    "html",
    [
        '<p><img src="http://example.com/x.png" alt="Remote"></p>',
        '<p><img src="https://example.com/x.png" alt="Remote"></p>',
        '<p><img src="file:///etc/passwd" alt="Local file"></p>',
        '<p style="background: url(http://example.com/bg.png)">Styled</p>',
    ],
)
def test_pdf_refuses_to_fetch_anything_but_data_urls(
    html: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[str] = []
    refused: list[str] = []
    opened: list[Any] = []
    original_fetch = DataUrlOnlyFetcher.fetch

    def spy_fetch(self: DataUrlOnlyFetcher, url: str, headers: Any = None) -> Any:
        asked.append(url)
        try:
            return original_fetch(self, url, headers)
        except ValueError:
            refused.append(url)
            raise

    def no_network(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("the exporter tried to open a network connection")

    monkeypatch.setattr(DataUrlOnlyFetcher, "fetch", spy_fetch)
    monkeypatch.setattr(urllib.request.OpenerDirector, "open", lambda *a, **k: opened.append(a))
    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    document = make_document(sections=[ExportSection(anchor="a", title="Evidence", html=html)])

    pdf_bytes = document_to_pdf(document)

    assert pdf_bytes.startswith(b"%PDF")
    assert asked
    assert refused == asked
    assert opened == []


def test_pdf_embeds_images_given_as_data_urls() -> None:
    # data: URLs are the one thing the exporter will load.
    png = base64.b64encode(one_pixel_png()).decode()
    html = f'<p><img src="data:image/png;base64,{png}" alt="A dot" width="40"></p>'
    document = make_document(sections=[ExportSection(anchor="a", title="Chart", html=html)])

    reader = pypdf.PdfReader(io.BytesIO(document_to_pdf(document)))

    assert any(page.images for page in reader.pages)


# DOCX ---------------------------------------------------------------------------------------


def test_docx_cover_has_title_organisation_version_and_date(word: Any) -> None:
    texts = [paragraph.text for paragraph in word.paragraphs[:5]]

    assert styled(word, "Title") == ["Local Industrial Strategy"]
    assert "Cheshire and Warrington" in texts
    assert "Version 3: Draft for consultation" in texts
    assert "1 March 2026" in texts


def test_docx_sections_are_heading_1_and_body_headings_step_down(word: Any) -> None:
    assert styled(word, "Heading 1") == ["Foreword", "Our vision"]
    assert styled(word, "Heading 2") == ["Our ambition"]
    assert styled(word, "Heading 3") == ["Sector detail"]


def test_docx_lists_become_word_list_paragraphs(word: Any) -> None:
    assert styled(word, "List Bullet") == ["Skills", "Energy"]
    assert styled(word, "List Bullet 2") == ["Hydrogen"]
    assert styled(word, "List Number") == ["First priority", "Second priority", "Fourth priority"]


def test_docx_each_numbered_list_starts_its_own_numbering(word: Any) -> None:
    numbering = word.part.numbering_part.element

    def numbering_of(text: str) -> tuple[int, int]:
        element: Any = paragraph_with(word, text)._p
        num_id = element.pPr.numPr.numId.val
        num = numbering.num_having_numId(num_id)
        start = num.find(f"{qn('w:lvlOverride')}/{qn('w:startOverride')}")
        return num_id, int(start.get(qn("w:val")))

    first, second, fourth = (
        numbering_of("First priority"),
        numbering_of("Second priority"),
        numbering_of("Fourth priority"),
    )

    assert first == second
    assert first[1] == 1
    assert fourth[0] != first[0]
    assert fourth[1] == 4


def test_docx_table_is_a_real_table_with_a_repeating_bold_header_row(word: Any) -> None:
    (table,) = word.tables
    header, body = table.rows

    assert [cell.text for cell in header.cells] == ["Sector", "GVA (£m)"]
    assert [cell.text for cell in body.cells] == ["Advanced manufacturing", "1,200"]
    assert header._tr.trPr.find(qn("w:tblHeader")) is not None
    assert body._tr.trPr is None or body._tr.trPr.find(qn("w:tblHeader")) is None
    assert all(run.bold for run in header.cells[0].paragraphs[0].runs)
    assert styled(word, "Caption") == ["GVA by sector"]


def test_docx_keeps_bold_and_italic_and_shows_link_addresses(word: Any) -> None:
    paragraph = paragraph_with(word, "We will grow")
    runs = {run.text: run for run in paragraph.runs}

    assert runs["grow"].bold is True
    assert runs["economy"].italic is True
    assert paragraph.text == (
        "We will grow the economy with the published plan (https://example.org/plan).\n"
        "A second line."
    )


def test_docx_quotes_and_code_keep_their_form(word: Any) -> None:
    code = paragraph_with(word, "growth = 2.1")

    assert styled(word, "Quote") == ["Business needs certainty."]
    assert code.text == "growth = 2.1\ntarget = 3.0"
    assert all(run.font.name == exports.MONOSPACE_FONT for run in code.runs)


def test_docx_leaves_out_svg_charts_but_keeps_other_text(word: Any) -> None:
    texts = [paragraph.text for paragraph in word.paragraphs]

    assert not any("Chart of sector GVA" in text for text in texts)
    assert "LEP" in texts
    assert "Local Enterprise Partnership" in texts
    assert "" not in texts[5:]


def test_docx_title_with_markup_is_plain_text() -> None:
    word = docx.Document(
        io.BytesIO(document_to_docx(make_document(title="Plan <script>alert(1)</script>")))
    )

    assert styled(word, "Title") == ["Plan <script>alert(1)</script>"]
    assert word.core_properties.title == "Plan <script>alert(1)</script>"


def test_docx_records_title_version_organisation_and_language(word: Any) -> None:
    properties = word.core_properties
    defaults = word.styles.element.find(
        f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}/{qn('w:lang')}"
    )

    assert properties.title == "Local Industrial Strategy"
    assert properties.subject == "Version 3: Draft for consultation"
    assert properties.author == "Cheshire and Warrington"
    assert properties.language == "en-GB"
    assert defaults.get(qn("w:val")) == "en-GB"


def test_docx_from_the_portals_own_markdown_keeps_its_structure() -> None:
    html = render_markdown(
        "# Priorities\n\n"
        "Our ~~old~~ **new** aims:\n\n"
        "- Skills\n- Energy\n\n"
        "| Sector | Jobs |\n| --- | --- |\n| Chemicals | 9,500 |\n"
    )
    document = make_document(sections=[ExportSection(anchor="p", title="Priorities", html=html)])

    word = docx.Document(io.BytesIO(document_to_docx(document)))
    aims = paragraph_with(word, "aims:")
    (table,) = word.tables

    assert styled(word, "Heading 2") == ["Priorities"]
    assert styled(word, "List Bullet") == ["Skills", "Energy"]
    assert [run.text for run in aims.runs if run.font.strike] == ["old"]
    assert [cell.text for cell in table.rows[1].cells] == ["Chemicals", "9,500"]


def test_word_export_survives_characters_xml_cannot_hold() -> None:
    """Text pasted from Word carries vertical tabs; other control characters must not break
    the export either."""
    from strategies.exports import ExportDocument, ExportSection, document_to_docx
    from strategies.markdown import render_markdown

    body = str(render_markdown("one\x0btwo\x01three\x0cfour\ufffe"))
    document = ExportDocument(
        title="Title\x0b",
        organisation="Org\x02",
        version_label="v1",
        version_date=datetime.date(2026, 11, 25),
        status_label="Draft",
        sections=[ExportSection("a", "A\x03", body)],
        filename_stem="x",
    )
    data = document_to_docx(document)
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(data)).paragraphs)
    assert "one two" in text
    assert "threefour" in text or "three four" in text
