"""Export a strategy document as a tagged PDF (WeasyPrint) or a Word document (python-docx).

The exporters work on plain data (`ExportDocument`), not on models, so views, tasks and the
compile engine can all build one from whatever they hold and get bytes back.

Trust invariant: every string in an `ExportDocument` is plain text and is escaped on output,
except `ExportSection.html`, which must already be sanitised HTML (the Markdown renderer's
output). The PDF template marks only that value safe. Even so, the PDF renderer fetches nothing:
no remote URL, no local file, only `data:` URLs embedded in the HTML itself.
"""

from __future__ import annotations

import datetime
import io
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from html.parser import HTMLParser
from pathlib import Path

from django.template.loader import render_to_string
from django.utils import dateformat, timezone
from docx import Document as new_word_document
from docx.document import Document as WordDocument
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt
from docx.styles.style import ParagraphStyle
from docx.table import Table as WordTable
from docx.text.paragraph import Paragraph as WordParagraph
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

TEMPLATE_NAME = "strategies/export/document.html"
STYLESHEET_PATH = Path(__file__).resolve().parent / "static" / "strategies" / "export.css"
DOCUMENT_LANGUAGE = "en-GB"
MONOSPACE_FONT = "Courier New"


@dataclass(frozen=True)
class ExportSection:
    """One section of the document: `html` must already be sanitised (see the module docstring)."""

    anchor: str
    title: str
    html: str


@dataclass(frozen=True)
class ExportDocument:
    """Everything an export shows, as plain data; `filename_stem` is for the download's name."""

    title: str
    organisation: str
    version_label: str
    version_date: datetime.date
    status_label: str
    sections: Sequence[ExportSection]
    filename_stem: str


def _long_date(value: datetime.date) -> str:
    return dateformat.format(value, "j F Y")


# PDF ---------------------------------------------------------------------------------------


class DataUrlOnlyFetcher(URLFetcher):
    """Refuses every URL except `data:`, so user-supplied HTML can never make the server fetch.

    Without this WeasyPrint would follow `<img src="http://...">` (server-side request forgery)
    or `file:///etc/...` and embed what it read. A refusal is not fatal: WeasyPrint logs it and
    renders the document without that resource.
    """

    def __init__(self) -> None:
        super().__init__(allowed_protocols=("data",), allow_redirects=False)

    def fetch(self, url: str, headers: dict[str, str] | None = None) -> URLFetcherResponse:
        if not url.lower().startswith("data:"):
            raise ValueError(f"exports embed only data: URLs; refused {url[:200]!r}")
        return super().fetch(url, headers)


def document_to_html(document: ExportDocument) -> str:
    """The printable HTML the PDF is made from; also usable as a print preview.

    The stylesheet is inlined from disk rather than linked, because the PDF renderer must not
    fetch anything (see `DataUrlOnlyFetcher`).
    """
    return render_to_string(
        TEMPLATE_NAME,
        {"document": document, "stylesheet": STYLESHEET_PATH.read_text(encoding="utf-8")},
    )


def document_to_pdf(document: ExportDocument, *, base_url: str | None = None) -> bytes:
    """Render the document as a tagged PDF/UA-1 file.

    `base_url` (the site's public root, say) only turns relative links into absolute ones in
    the PDF; it is never used to fetch anything. Section HTML must already be sanitised.
    """
    html = HTML(
        string=document_to_html(document),
        base_url=base_url,
        url_fetcher=DataUrlOnlyFetcher(),
    )
    # Presentational hints honour HTML attributes (<ol start>, <td align>) as a browser would.
    pdf: bytes = html.write_pdf(pdf_variant="pdf/ua-1", presentational_hints=True)
    return pdf


# DOCX: HTML -> an intermediate list of blocks -> Word ---------------------------------------

_WHITESPACE = re.compile(r"[ \t\n\r\f]+")
# Characters XML 1.0 does not allow (a Word document is XML): C0 controls other than tab,
# line feed and carriage return, lone surrogates, and U+FFFE/U+FFFF. Text pasted from Word
# carries vertical tabs for line breaks, so they become spaces; the rest are dropped.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_safe(text: str) -> str:
    """``text`` with the characters an XML document cannot hold removed."""
    return _NOT_XML.sub(lambda match: " " if match.group() in "\x0b\x0c" else "", text)


_HEADING_LEVELS = {"h1": 2, "h2": 2, "h3": 2, "h4": 3, "h5": 4, "h6": 5}
# Elements whose content never reaches the Word document: charts (SVG) are represented by the
# data table that accompanies them; script and style cannot survive sanitising but cost nothing.
_SKIPPED = {"svg", "math", "script", "style", "template", "noscript"}
# Elements with no special treatment that still separate paragraphs.
_BLOCKS = {
    "p",
    "div",
    "section",
    "article",
    "aside",
    "header",
    "footer",
    "main",
    "nav",
    "figure",
    "dl",
    "dt",
    "dd",
    "details",
    "summary",
    "address",
}
_MAX_LIST_LEVEL = 3


@dataclass
class _Run:
    text: str
    bold: bool = False
    italic: bool = False
    monospace: bool = False
    struck: bool = False

    @property
    def formatting(self) -> tuple[bool, bool, bool, bool]:
        return (self.bold, self.italic, self.monospace, self.struck)


@dataclass
class _Paragraph:
    style: str
    runs: list[_Run] = field(default_factory=list)
    list_group: _ListGroup | None = None

    def append(self, run: _Run) -> None:
        last = self.runs[-1] if self.runs else None
        if last and last.formatting == run.formatting:
            last.text += run.text
        else:
            self.runs.append(run)

    def ends_with_space(self) -> bool:
        return bool(self.runs) and self.runs[-1].text[-1:] in {" ", "\n"}

    def strip_end(self) -> None:
        while self.runs:
            self.runs[-1].text = self.runs[-1].text.rstrip(" \n")
            if self.runs[-1].text:
                return
            self.runs.pop()


@dataclass
class _ListGroup:
    """One ordered list: its paragraphs share numbering that restarts at `start`."""

    start: int
    num_id: int | None = None


@dataclass
class _List:
    ordered: bool
    level: int
    group: _ListGroup | None
    item_has_paragraph: bool = False


@dataclass
class _Cell:
    header: bool
    paragraphs: list[_Paragraph] = field(default_factory=list)


@dataclass
class _Row:
    in_head: bool
    cells: list[_Cell] = field(default_factory=list)

    @property
    def header(self) -> bool:
        return self.in_head or (bool(self.cells) and all(cell.header for cell in self.cells))


@dataclass
class _Table:
    caption: list[_Paragraph] = field(default_factory=list)
    rows: list[_Row] = field(default_factory=list)
    in_head: bool = False


_Block = _Paragraph | _Table


class _HtmlToBlocks(HTMLParser):
    """Turns sanitised section HTML into paragraphs and tables that map onto Word structures.

    Kept separate from python-docx so the walk over the HTML stays a plain state machine.
    Paragraphs are created when text arrives and kept only if they end up with text, so
    whitespace between tags never becomes an empty Word paragraph.
    """

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[_Block] = []
        self._paragraph: _Paragraph | None = None
        self._paragraph_sink: Callable[[_Paragraph], None] = self.blocks.append
        self._bold = 0
        self._italic = 0
        self._code = 0
        self._struck = 0
        self._pre = 0
        self._quote = 0
        self._heading: int | None = None
        self._caption = False
        self._lists: list[_List] = []
        self._links: list[tuple[str, list[str]]] = []
        self._tables: list[_Table] = []
        self._cell: _Cell | None = None
        self._skipping: str | None = None
        self._skip_depth = 0

    # Parser callbacks ----------------------------------------------------------------------

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self._skipping:
            self._skip_depth += tag == self._skipping
            return
        if tag in _SKIPPED:
            self._skipping, self._skip_depth = tag, 1
            return
        attributes = dict(attrs)
        if tag in {"strong", "b"}:
            self._bold += 1
        elif tag in {"em", "i"}:
            self._italic += 1
        elif tag == "code":
            self._code += 1
        elif tag in {"del", "s"}:
            self._struck += 1
        elif tag == "a":
            self._links.append((attributes.get("href") or "", []))
        elif tag == "br":
            self._line_break()
        elif tag == "img":
            if alt := (attributes.get("alt") or "").strip():
                self._text(f"[{alt}]")
        elif tag in _HEADING_LEVELS:
            self._close_paragraph()
            self._heading = _HEADING_LEVELS[tag]
        elif tag == "pre":
            self._close_paragraph()
            self._pre += 1
        elif tag == "blockquote":
            self._close_paragraph()
            self._quote += 1
        elif tag in {"ul", "ol"}:
            self._start_list(tag == "ol", attributes.get("start"))
        elif tag == "li":
            self._close_paragraph()
            if self._lists:
                self._lists[-1].item_has_paragraph = False
        elif tag == "hr":
            self._close_paragraph()
        elif tag in {"table", "caption", "thead", "tbody", "tfoot", "tr", "th", "td"}:
            self._start_table_part(tag)
        elif tag in _BLOCKS or tag == "figcaption":
            self._close_paragraph()
            self._caption = self._caption or tag == "figcaption"

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        # <svg/> or <br/>: a self-closed element opens nothing that needs closing.
        if self._skipping or tag in _SKIPPED:
            return
        self.handle_starttag(tag, attrs)
        if tag not in {"br", "img", "hr"}:
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if self._skipping:
            if tag == self._skipping:
                self._skip_depth -= 1
                if not self._skip_depth:
                    self._skipping = None
            return
        if tag in {"strong", "b"}:
            self._bold = max(self._bold - 1, 0)
        elif tag in {"em", "i"}:
            self._italic = max(self._italic - 1, 0)
        elif tag == "code":
            self._code = max(self._code - 1, 0)
        elif tag in {"del", "s"}:
            self._struck = max(self._struck - 1, 0)
        elif tag == "a" and self._links:
            self._end_link()
        elif tag in _HEADING_LEVELS:
            self._close_paragraph()
            self._heading = None
        elif tag == "pre":
            self._close_paragraph()
            self._pre = max(self._pre - 1, 0)
        elif tag == "blockquote":
            self._close_paragraph()
            self._quote = max(self._quote - 1, 0)
        elif tag in {"ul", "ol"}:
            self._close_paragraph()
            if self._lists:
                self._lists.pop()
        elif tag == "li":
            self._close_paragraph()
        elif tag in {"table", "caption", "thead", "tbody", "tfoot", "tr", "th", "td"}:
            self._end_table_part(tag)
        elif tag in _BLOCKS or tag == "figcaption":
            self._close_paragraph()
            if tag == "figcaption":
                self._caption = False

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self._text(data)

    def close(self) -> None:
        super().close()
        self._close_paragraph()

    # Text and paragraphs -------------------------------------------------------------------

    def _line_break(self) -> None:
        # A break before any text in the paragraph would only add an empty line.
        if self._paragraph is not None and self._paragraph.runs:
            self._paragraph.append(self._run("\n"))

    def _text(self, data: str) -> None:
        if not self._pre:
            data = _WHITESPACE.sub(" ", data)
        if self._paragraph is None:
            if not data.strip(" "):
                return
            if self._pre and data.startswith("\n"):
                # As in HTML, a newline straight after <pre> is not content.
                data = data[1:]
            self._open_paragraph()
        assert self._paragraph is not None
        if (
            not self._pre
            and data.startswith(" ")
            and (not self._paragraph.runs or self._paragraph.ends_with_space())
        ):
            data = data.lstrip(" ")
        if not data:
            return
        for _href, parts in self._links:
            parts.append(data)
        self._paragraph.append(self._run(data))

    def _run(self, text: str) -> _Run:
        return _Run(
            text,
            bold=self._bold > 0 or (self._cell is not None and self._cell.header),
            italic=self._italic > 0,
            monospace=self._code > 0 or self._pre > 0,
            struck=self._struck > 0,
        )

    def _open_paragraph(self) -> None:
        group: _ListGroup | None = None
        if self._cell is not None or self._pre:
            style = "Normal"
        elif self._heading is not None:
            style = f"Heading {self._heading}"
        elif self._caption:
            style = "Caption"
        elif self._lists:
            current = self._lists[-1]
            suffix = "" if current.level == 1 else f" {current.level}"
            if current.item_has_paragraph:
                style = f"List Continue{suffix}"
            else:
                style = ("List Number" if current.ordered else "List Bullet") + suffix
                group = current.group
            current.item_has_paragraph = True
        elif self._quote:
            style = "Quote"
        else:
            style = "Normal"
        self._paragraph = _Paragraph(style, list_group=group)
        if self._tables and self._cell is not None:
            self._paragraph_sink = self._cell.paragraphs.append
        elif self._tables and self._caption:
            self._paragraph_sink = self._tables[-1].caption.append
        else:
            self._paragraph_sink = self.blocks.append

    def _close_paragraph(self) -> None:
        paragraph, self._paragraph = self._paragraph, None
        if paragraph is None:
            return
        paragraph.strip_end()
        if paragraph.runs:
            self._paragraph_sink(paragraph)

    def _end_link(self) -> None:
        href, parts = self._links.pop()
        shown = "".join(parts).strip()
        address = href.removeprefix("mailto:")
        # On paper an address is only useful if it can be read; a link to an anchor in the same
        # document has nothing to show.
        if address and not href.startswith("#") and address != shown and self._paragraph:
            self._text(f" ({address})")

    def _start_list(self, ordered: bool, start: str | None) -> None:
        self._close_paragraph()
        level = min(len(self._lists) + 1, _MAX_LIST_LEVEL)
        group = None
        if ordered:
            group = _ListGroup(start=int(start) if start and start.isdigit() else 1)
        self._lists.append(_List(ordered=ordered, level=level, group=group))

    # Tables --------------------------------------------------------------------------------

    def _start_table_part(self, tag: str) -> None:
        self._close_paragraph()
        if tag == "table":
            self._tables.append(_Table())
            return
        if len(self._tables) != 1:
            # No table, or a table nested in a cell: the nested one's text simply joins the
            # outer cell, one paragraph per cell, which reads better than a table in a table.
            return
        table = self._tables[-1]
        if tag == "caption":
            self._caption = True
        elif tag == "thead":
            table.in_head = True
        elif tag in {"tbody", "tfoot"}:
            table.in_head = False
        elif tag == "tr":
            table.rows.append(_Row(in_head=table.in_head))
        elif tag in {"th", "td"}:
            if not table.rows:
                table.rows.append(_Row(in_head=table.in_head))
            self._cell = _Cell(header=tag == "th" or table.in_head)
            table.rows[-1].cells.append(self._cell)

    def _end_table_part(self, tag: str) -> None:
        self._close_paragraph()
        if not self._tables:
            return
        if tag == "table":
            table = self._tables.pop()
            if not self._tables:
                self._cell = None
                self._caption = False
                self.blocks.append(table)
            return
        if len(self._tables) != 1:
            return
        if tag == "caption":
            self._caption = False
        elif tag == "thead":
            self._tables[-1].in_head = False
        elif tag in {"th", "td"}:
            self._cell = None


def _html_to_blocks(html: str) -> list[_Block]:
    parser = _HtmlToBlocks()
    parser.feed(html)
    parser.close()
    return parser.blocks


class _WordWriter:
    """Writes blocks into a python-docx document, caching styles (looking one up by name scans
    every style, which shows on long documents)."""

    def __init__(self, word: WordDocument) -> None:
        self.word = word
        self._styles: dict[str, ParagraphStyle] = {}

    def style(self, name: str) -> ParagraphStyle:
        if name not in self._styles:
            self._styles[name] = self.word.styles[name]  # type: ignore[assignment]
        return self._styles[name]

    def write(self, blocks: Sequence[_Block]) -> None:
        for block in blocks:
            if isinstance(block, _Table):
                self._write_table(block)
            else:
                self._write_paragraph(self.word.add_paragraph(style=self.style(block.style)), block)

    def _write_paragraph(self, target: WordParagraph, paragraph: _Paragraph) -> None:
        for run in paragraph.runs:
            # python-docx turns "\n" in run text into a line break (<w:br/>).
            word_run = target.add_run(run.text)
            if run.bold:
                word_run.bold = True
            if run.italic:
                word_run.italic = True
            if run.struck:
                # Struck-out text (Markdown ~~...~~) says "no longer": without the line it
                # would read as current.
                word_run.font.strike = True
            if run.monospace:
                word_run.font.name = MONOSPACE_FONT
                word_run.font.size = Pt(9.5)
        if paragraph.list_group is not None:
            self._number(target, paragraph)

    def _number(self, target: WordParagraph, paragraph: _Paragraph) -> None:
        """Give each ordered list its own numbering, so the second list in a document starts
        at 1 (or its `start`) instead of carrying on from the first, as the bare style does."""
        group = paragraph.list_group
        assert group is not None
        if group.num_id is None:
            numbering = self.word.part.numbering_part.element
            style_num_id = self.style(paragraph.style).element.pPr.numPr.numId.val
            abstract_id = numbering.num_having_numId(style_num_id).abstractNumId.val
            num = numbering.add_num(abstract_id)
            num.add_lvlOverride(ilvl=0).add_startOverride(group.start)
            group.num_id = num.numId
        num_pr = target._p.get_or_add_pPr().get_or_add_numPr()
        num_pr.get_or_add_ilvl().val = 0
        num_pr.get_or_add_numId().val = group.num_id

    def _write_table(self, table: _Table) -> None:
        for caption in table.caption:
            self._write_paragraph(self.word.add_paragraph(style=self.style("Caption")), caption)
        rows = [row for row in table.rows if row.cells]
        if not rows:
            return
        columns = max(len(row.cells) for row in rows)
        word_table: WordTable = self.word.add_table(rows=len(rows), cols=columns)
        word_table.style = self.word.styles["Table Grid"]
        normal = self.style("Normal")
        for row, word_row in zip(rows, word_table.rows, strict=True):
            if row.header:
                # Word repeats a header row on each page and screen readers announce it.
                row_properties = word_row._tr.get_or_add_trPr()
                row_properties.append(OxmlElement("w:tblHeader"))
            for cell, word_cell in zip(row.cells, word_row.cells, strict=False):
                for index, paragraph in enumerate(cell.paragraphs):
                    target = (
                        word_cell.paragraphs[0]
                        if index == 0
                        else word_cell.add_paragraph(style=normal)
                    )
                    self._write_paragraph(target, paragraph)


def _set_language(word: WordDocument, language: str) -> None:
    """Spell checking and screen readers take the language from the default run properties."""
    for lang in word.styles.element.iterfind(
        f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}/{qn('w:lang')}"
    ):
        lang.set(qn("w:val"), language)


def document_to_docx(document: ExportDocument) -> bytes:
    """Render the document as a Word file made of real headings, lists and tables.

    Section HTML must already be sanitised; it is parsed with the standard library and only
    its text and structure are kept (inline SVG charts are left out: their data tables stay).
    """
    document = replace(
        document,
        title=xml_safe(document.title),
        organisation=xml_safe(document.organisation),
        version_label=xml_safe(document.version_label),
        status_label=xml_safe(document.status_label),
        sections=[
            ExportSection(section.anchor, xml_safe(section.title), xml_safe(section.html))
            for section in document.sections
        ],
    )
    word = new_word_document()
    _set_language(word, DOCUMENT_LANGUAGE)
    writer = _WordWriter(word)

    properties = word.core_properties
    properties.title = document.title
    properties.subject = document.version_label
    properties.author = document.organisation
    properties.last_modified_by = document.organisation
    properties.language = DOCUMENT_LANGUAGE
    properties.created = properties.modified = timezone.now()
    properties.revision = 1

    word.add_paragraph(document.title, style=writer.style("Title"))
    word.add_paragraph(document.organisation, style=writer.style("Subtitle"))
    word.add_paragraph(document.version_label)
    word.add_paragraph(_long_date(document.version_date))
    word.add_paragraph(f"Status: {document.status_label}")

    for section in document.sections:
        heading = word.add_paragraph(section.title, style=writer.style("Heading 1"))
        # Each section starts a page, as in the PDF; this also ends the cover page.
        heading.paragraph_format.page_break_before = True
        writer.write(_html_to_blocks(section.html))

    buffer = io.BytesIO()
    word.save(buffer)
    return buffer.getvalue()
