"""The compiled report in words and files: the Markdown that goes into the compiled strategy
version, the context the report's templates share (page, outcome page, PDF and DOCX), and the
XLSX with the data behind every table.

Everything here works on the result as stored (plain JSON), never on models. Text from
respondents, commenters and staff is escaped wherever it goes: autoescaped in templates,
backslash-escaped in Markdown, and made inert for spreadsheets in the XLSX."""

from __future__ import annotations

import io
import re
from collections import OrderedDict
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import IO, Any

from django.template.loader import render_to_string
from django.utils import dateformat, timezone
from django.utils.dateparse import parse_date, parse_datetime
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from lepportal.core.spreadsheets import safe_cell
from strategies.exports import ExportDocument, ExportSection, document_to_docx, document_to_pdf

from ..constants import AGREE_SCALE

BREAKDOWN_ROWS = 15
OVER_TIME_DAILY_LIMIT = 35
HEADLINE_THEMES = 3

RESPONDENT_DESCRIPTIONS = {
    "individual": "An individual",
    "business": "A business",
    "public-sector": "A public sector body",
    "education": "An education or research organisation",
    "voluntary": "A voluntary, community or civil society organisation",
    "trade-body": "A trade body or membership organisation",
    "other": "Another organisation",
}

# Characters that mean something in Markdown; a backslash makes each one literal text.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]{}<>#|~!])")


# Small helpers ------------------------------------------------------------------------------------


def excerpt(text: str, limit: int) -> str:
    """``text`` on one line, cut at a word near ``limit`` characters with an ellipsis."""
    text = " ".join((text or "").split())
    if len(text) <= limit:
        return text
    cut = text[: limit + 1]
    space = cut.rfind(" ")
    cut = cut[:space] if space > limit * 0.6 else cut[:limit]
    return cut.rstrip(" ,;:.-–—") + "…"


def respondent_description(respondent_type: str) -> str:
    return RESPONDENT_DESCRIPTIONS.get(respondent_type, "A respondent")


def percent(value: Any) -> str:
    """45.0 -> "45%", 45.25 -> "45.3%"."""
    number = float(value or 0)
    text = f"{number:.1f}".removesuffix(".0")
    return f"{text}%"


def md(text: Any) -> str:
    """Plain text made literal in Markdown (on one line)."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", " ".join(str(text or "").split()))


def _long_date(value: Any) -> str:
    moment = _as_datetime(value)
    if moment is None:
        return ""
    return dateformat.format(timezone.localtime(moment), "j F Y")


def _as_datetime(value: Any) -> datetime | None:
    if isinstance(value, datetime):
        return value
    if isinstance(value, str):
        return parse_datetime(value)
    return None


def _as_date(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        return parse_date(value[:10])
    return None


def _plural(count: int, singular: str, plural: str | None = None) -> str:
    return f"{count:,} {singular if count == 1 else (plural or singular + 's')}"


# Headlines ----------------------------------------------------------------------------------------


def _agree_share(entry: dict[str, Any]) -> float | None:
    labels = {option["label"]: option for option in entry.get("options", [])}
    answered = int(entry.get("answered") or 0)
    if not answered or not set(AGREE_SCALE) <= set(labels):
        return None
    agreeing = sum(int(labels[label].get("count") or 0) for label in AGREE_SCALE[:2])
    return 100 * agreeing / answered


def _quoted_list(labels: list[str]) -> str:
    quoted = [f"“{label}”" for label in labels]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " and " + quoted[-1]


def question_headline(entry: dict[str, Any]) -> str:
    """One sentence on what the answers to a question came to."""
    if entry.get("kind") == "free-text" or "themes" in entry:
        themes = entry.get("themes", [])
        if not entry.get("answered"):
            return "Nobody has answered this question yet."
        if not themes:
            return (
                f"{_plural(entry['answered'], 'person', 'people')} answered; no common themes "
                "were found."
            )
        top = ", ".join(
            f"{theme['label']} ({percent(theme['percent'])})" for theme in themes[:HEADLINE_THEMES]
        )
        return f"The themes raised most were {top}."
    answered = int(entry.get("answered") or 0)
    options = entry.get("options") or []
    if not answered or not options:
        return "Nobody has answered this question yet."
    top = max(options, key=lambda option: option.get("count") or 0)
    tied = [o["label"] for o in options if (o.get("count") or 0) == (top.get("count") or 0)]
    agree = _agree_share(entry)
    if agree is not None:
        return f"{percent(agree)} of the {answered:,} who answered agreed or strongly agreed."
    if len(tied) > 1:
        return (
            f"{_quoted_list(tied)} were chosen equally often, each by "
            f"{percent(top.get('percent'))} of the {answered:,} who answered."
        )
    if entry.get("kind") == "multiple":
        return (
            f"“{top['label']}” was chosen most often, by {percent(top.get('percent'))} of the "
            f"{answered:,} who answered (each could choose more than one)."
        )
    return (
        f"“{top['label']}” was the answer given most often, by {percent(top.get('percent'))} "
        f"of the {answered:,} who answered."
    )


# Markdown for the compiled strategy version -------------------------------------------------------


def _questions_in_order(result: dict[str, Any]) -> list[dict[str, Any]]:
    entries = {entry["question_id"]: entry for entry in result.get("closed_questions", [])}
    entries.update({entry["question_id"]: entry for entry in result.get("free_text", [])})
    order = result.get("question_order") or sorted(entries)
    return [entries[pk] for pk in order if pk in entries]


def summary_markdown(result: dict[str, Any]) -> str:
    """The consultation summary section of the compiled draft: who responded, what they said
    and how it was analysed (no personal data, no quotes)."""
    consultation = result["consultation"]
    overview = result["overview"]
    responses = int(overview.get("responses") or 0)
    comments = int(result.get("comments_total") or 0)
    consulted = result["consulted_version"]
    lines = [
        f"We consulted on version {consulted['number']} of this strategy, "
        f"“{md(consulted['label'])}”, from {_long_date(consultation['opens_at'])} to "
        f"{_long_date(consultation['closes_at'])}. We received "
        f"{_plural(responses, 'response')} and {_plural(comments, 'comment')} on the draft's "
        "sections.",
    ]
    if not result.get("is_final"):
        lines.append(
            "\nThis is a draft summary compiled while the consultation was still open: the "
            "figures will change."
        )
    by_type = [row for row in overview.get("by_type", []) if row.get("count")]
    if by_type:
        lines += ["", "### Who responded", "", "| Respondent type | Responses | Share |"]
        lines.append("| --- | ---: | ---: |")
        lines += [
            f"| {md(row['label'])} | {row['count']:,} | {percent(row.get('percent'))} |"
            for row in by_type
        ]
    questions = _questions_in_order(result)
    if questions:
        lines += ["", "### What you told us", ""]
        lines += [
            f"- **{md(entry['text'])}** {md(question_headline(entry))}" for entry in questions
        ]
    campaign_responses = int(result.get("campaign_responses") or 0)
    if campaign_responses:
        lines += [
            "",
            f"{_plural(campaign_responses, 'written answer')} came from organised campaigns or "
            "were near-identical to others. Each campaign is reported once, with its size, "
            "rather than counted as separate views.",
        ]
    lines += [
        "",
        "### How we analysed the responses",
        "",
        "We counted the answers to every multiple-choice question and grouped written answers "
        "into themes, which our staff reviewed. Only comments that passed moderation are "
        f"included. This summary was compiled on {_long_date(result.get('compiled_at'))}.",
    ]
    return "\n".join(lines).strip() + "\n"


def section_notes_markdown(entry: dict[str, Any], result: dict[str, Any]) -> str:
    """The “What we heard” notes added to one section of the compiled draft."""
    lines = []
    count = int(entry.get("comment_count") or 0)
    if count:
        replies = int(entry.get("reply_count") or 0)
        reply_text = f", including {_plural(replies, 'reply', 'replies')}" if replies else ""
        lines.append(f"People left {_plural(count, 'comment')} on this section{reply_text}.")
    questions = entry.get("questions") or []
    if questions:
        if lines:
            lines.append("")
        lines += [
            f"- **{md(question['text'])}** {md(question['headline'])}"
            for question in questions
            if question.get("headline")
        ]
    quotes = entry.get("quotes") or []
    if quotes:
        lines += ["", "Some of the comments:"]
        for quote in quotes:
            lines += ["", f"> {md(quote['text'])}"]
    return "\n".join(lines).strip()


# Template context ---------------------------------------------------------------------------------


def _bar(value: Any) -> str:
    number = max(0.0, min(100.0, float(value or 0)))
    return f"{number:.1f}"


def _breakdown(
    key: str, caption: str, heading: str, rows: list[dict[str, Any]], *, other_label: str
) -> dict[str, Any]:
    rows = [row for row in rows if row.get("count")]
    # "Not given" is never lumped in with the smaller groups: it is shown on its own, last.
    not_given = [row for row in rows if not row.get("key")]
    rows = [row for row in rows if row.get("key")]
    shown = rows[:BREAKDOWN_ROWS]
    rest = rows[BREAKDOWN_ROWS:]
    items = [
        {
            "label": row.get("label") or "Not given",
            "count": int(row["count"]),
            "percent": percent(row.get("percent")),
            "bar": _bar(row.get("percent")),
        }
        for row in shown
    ]
    if rest:
        count = sum(int(row["count"]) for row in rest)
        share = sum(float(row.get("percent") or 0) for row in rest)
        items.append(
            {
                "label": f"{other_label} ({len(rest)})",
                "count": count,
                "percent": percent(share),
                "bar": _bar(share),
            }
        )
    items += [
        {
            "label": "Not given",
            "count": int(row["count"]),
            "percent": percent(row.get("percent")),
            "bar": _bar(row.get("percent")),
        }
        for row in not_given
    ]
    return {"id": key, "caption": caption, "heading": heading, "rows": items}


def _over_time(rows: list[dict[str, Any]]) -> dict[str, Any]:
    days: list[tuple[date, int]] = []
    for row in rows:
        day = _as_date(row.get("date"))
        if day is not None:
            days.append((day, int(row.get("count") or 0)))
    if len(days) <= OVER_TIME_DAILY_LIMIT:
        return {
            "period": "Day",
            "rows": [{"label": dateformat.format(day, "j F Y"), "count": n} for day, n in days],
        }
    weeks: OrderedDict[date, int] = OrderedDict()
    for day, count in days:
        monday = day - timedelta(days=day.weekday())
        weeks[monday] = weeks.get(monday, 0) + count
    return {
        "period": "Week beginning",
        "rows": [
            {"label": dateformat.format(week, "j F Y"), "count": count}
            for week, count in weeks.items()
        ],
    }


def _option_count(options: Any, option_id: Any) -> int:
    if isinstance(options, dict):
        return int(options.get(str(option_id), options.get(option_id, 0)) or 0)
    return 0


def _crosstab(entry: dict[str, Any], field: str) -> dict[str, Any] | None:
    groups = [group for group in entry.get(field) or [] if group.get("answered")]
    if not groups:
        return None
    options = entry.get("options") or []
    rows = []
    for group in groups:
        answered = int(group["answered"])
        cells = []
        for option in options:
            count = _option_count(group.get("options"), option["option_id"])
            cells.append(
                {"count": count, "percent": percent(100 * count / answered if answered else 0)}
            )
        rows.append(
            {"label": group.get("label") or "Not given", "answered": answered, "cells": cells}
        )
    return {"columns": [option["label"] for option in options], "rows": rows}


def _closed_context(entry: dict[str, Any]) -> dict[str, Any]:
    options = [
        {
            "label": option["label"],
            "count": int(option.get("count") or 0),
            "percent": percent(option.get("percent")),
            "bar": _bar(option.get("percent")),
        }
        for option in entry.get("options") or []
    ]
    other = entry.get("other") or None
    other_row = None
    if other and (other.get("count") or 0):
        other_row = {
            "label": "Other (their own answer)",
            "count": int(other.get("count") or 0),
            "percent": percent(other.get("percent")),
            "bar": _bar(other.get("percent")),
        }
    return {
        "kind": "closed",
        "question_id": entry["question_id"],
        "text": entry["text"],
        "multiple": entry.get("kind") == "multiple",
        "respondents": int(entry.get("respondents") or 0),
        "answered": int(entry.get("answered") or 0),
        "headline": question_headline(entry),
        "options": options,
        "other": other_row,
        "by_type": _crosstab(entry, "by_type"),
        "by_size": _crosstab(entry, "by_size"),
    }


def _types_text(by_type: list[dict[str, Any]]) -> str:
    return "; ".join(f"{row['label']}: {row['count']:,}" for row in by_type)


def _free_text_context(entry: dict[str, Any], *, public: bool) -> dict[str, Any]:
    themes = []
    for theme in entry.get("themes", []):
        themes.append(
            {
                **theme,
                "percent_text": percent(theme.get("percent")),
                "bar": _bar(theme.get("percent")),
                "by_type_text": _types_text(theme.get("by_type", [])),
                "quotes": [
                    {"text": quote["text"], "respondent_label": quote["respondent_label"]}
                    | ({} if public else {"response_id": quote.get("response_id")})
                    for quote in theme.get("quotes", [])
                ],
            }
        )
    campaigns = [
        {**campaign, "by_type_text": _types_text(campaign.get("by_type", []))}
        for campaign in entry.get("campaigns", [])
    ]
    return {
        "kind": "free-text",
        "question_id": entry["question_id"],
        "text": entry["text"],
        "answered": entry.get("answered", 0),
        "analysed": entry.get("analysed", entry.get("answered", 0)),
        "empty_count": entry.get("empty_count", 0),
        "unassigned_count": entry.get("unassigned_count", 0),
        "headline": question_headline(entry),
        "themes": themes,
        "campaigns": campaigns,
        "campaign_responses": entry.get("campaign_responses", 0),
        "hidden_themes": [] if public else entry.get("hidden_themes", []),
        "merged_themes": entry.get("merged_themes", []),
    }


def report_context(
    result: dict[str, Any], *, rows: list[dict[str, Any]] | None = None, public: bool = False
) -> dict[str, Any]:
    """What the report's templates show, from a compilation's result. ``rows`` are the
    “You said, we did” rows as staff have completed them (default: as compiled);
    ``public`` leaves out what only staff see (links to responses, hidden themes)."""
    overview = result.get("overview", {})
    questions = []
    for number, entry in enumerate(_questions_in_order(result), start=1):
        context = (
            _free_text_context(entry, public=public)
            if entry.get("kind") == "free-text"
            else _closed_context(entry)
        )
        context["number"] = number
        context["anchor"] = f"question-{number}"
        questions.append(context)
    breakdowns = [
        _breakdown(
            "by-type",
            "Responses by type of respondent",
            "Respondent type",
            overview.get("by_type", []),
            other_label="Other types",
        ),
        _breakdown(
            "by-size",
            "Responses by size of organisation",
            "Size band",
            overview.get("by_size", []),
            other_label="Other sizes",
        ),
        _breakdown(
            "by-sector",
            "Responses by sector (SIC 2007 section)",
            "Sector",
            overview.get("by_sector", []),
            other_label="Other sectors",
        ),
        _breakdown(
            "by-location",
            "Responses by location",
            "Location",
            overview.get("by_location", []),
            other_label="All other places",
        ),
    ]
    return {
        "consultation": result.get("consultation", {}),
        "compiled_at": _as_datetime(result.get("compiled_at")),
        "is_final": bool(result.get("is_final")),
        "responses": int(overview.get("responses") or 0),
        "comments_total": int(result.get("comments_total") or 0),
        "campaign_responses": int(result.get("campaign_responses") or 0),
        "breakdowns": [b for b in breakdowns if b["rows"]],
        "over_time": _over_time(overview.get("over_time", [])),
        "questions": questions,
        "sections": result.get("sections", []),
        "rows": rows if rows is not None else result.get("you_said_we_did", []),
        "edited_themes": result.get("edited_themes", []),
        "version": result.get("version"),
        "consulted_version": result.get("consulted_version"),
        "public": public,
    }


# Files --------------------------------------------------------------------------------------------


PARTS = "consultations/report/"


def _render_part(template: str, report: dict[str, Any], **extra: Any) -> str:
    return render_to_string(PARTS + template, {"report": report, "in_export": True, **extra})


def export_sections(report: dict[str, Any]) -> list[ExportSection]:
    """The report as sections for the PDF and DOCX exporters (HTML from our own templates,
    with every value autoescaped)."""
    sections = [
        ExportSection("summary", "Summary", _render_part("_summary.html", report)),
        ExportSection("who-responded", "Who responded", _render_part("_respondents.html", report)),
    ]
    for question in report["questions"]:
        template = (
            "_free_text_question.html"
            if question["kind"] == "free-text"
            else "_closed_question.html"
        )
        sections.append(
            ExportSection(
                question["anchor"],
                f"Question {question['number']}: {question['text']}",
                _render_part(template, report, question=question),
            )
        )
    if report["sections"]:
        sections.append(
            ExportSection(
                "sections",
                "What people said about each section",
                _render_part("_sections.html", report),
            )
        )
    if report["rows"]:
        sections.append(
            ExportSection(
                "you-said-we-did", "You said, we did", _render_part("_you_said.html", report)
            )
        )
    return sections


def export_document(
    result: dict[str, Any], *, rows: list[dict[str, Any]] | None = None
) -> ExportDocument:
    report = report_context(result, rows=rows, public=True)
    consultation = report["consultation"]
    compiled_at = report["compiled_at"] or timezone.now()
    final = report["is_final"]
    return ExportDocument(
        title=f"Consultation report: {consultation.get('title', '')}",
        organisation=consultation.get("organisation", ""),
        version_label=("Final report" if final else "Draft report, compiled while open"),
        version_date=timezone.localtime(compiled_at).date(),
        status_label="Final" if final else "Draft",
        sections=export_sections(report),
        filename_stem=f"{consultation.get('slug', 'consultation')[:60]}-report",
    )


def report_files(result: dict[str, Any]) -> dict[str, bytes]:
    """The report as PDF, DOCX and XLSX bytes, by the Compilation field that stores each."""
    document = export_document(result)
    spreadsheet = io.BytesIO()
    write_report_xlsx(result, spreadsheet)
    return {
        "pdf": document_to_pdf(document),
        "docx": document_to_docx(document),
        "xlsx": spreadsheet.getvalue(),
    }


# XLSX ---------------------------------------------------------------------------------------------


def _cell(sheet: Any, value: Any, *, bold: bool = False) -> WriteOnlyCell | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        value = "Yes" if value else "No"
    if isinstance(value, int | float):
        cell = WriteOnlyCell(sheet, value=value)
    else:
        cell = WriteOnlyCell(sheet, value=safe_cell(str(value)))
        cell.data_type = "s"  # a string whatever it looks like: nothing is evaluated
    if bold:
        cell.font = Font(bold=True)
    return cell


def _sheet(workbook: Workbook, title: str, header: list[str], rows: Iterable[list[Any]]) -> None:
    sheet: Any = workbook.create_sheet(title=title[:31])
    sheet.freeze_panes = "A2"
    sheet.append([_cell(sheet, heading, bold=True) for heading in header])
    for row in rows:
        sheet.append([_cell(sheet, value) for value in row])


def _number(value: Any) -> float:
    return round(float(value or 0), 1)


def write_report_xlsx(
    result: dict[str, Any], target: IO[bytes], *, rows: list[dict[str, Any]] | None = None
) -> None:
    """The data behind every table of the report, one sheet per kind of table, in openpyxl's
    write-only mode. Text cells are made inert for spreadsheets (``safe_cell``)."""
    report = report_context(result, rows=rows, public=True)
    overview = result.get("overview", {})
    workbook = Workbook(write_only=True)
    consultation = report["consultation"]
    _sheet(
        workbook,
        "About",
        ["Item", "Value"],
        [
            ["Consultation", consultation.get("title", "")],
            ["Organisation", consultation.get("organisation", "")],
            ["Report", "Final" if report["is_final"] else "Draft (compiled while open)"],
            ["Compiled", _long_date(result.get("compiled_at"))],
            ["Responses", report["responses"]],
            ["Approved comments", report["comments_total"]],
            ["Written answers in campaigns", report["campaign_responses"]],
            [
                "Notes",
                "Only submitted responses and comments that passed moderation are counted. "
                "Quotes come only from respondents who agreed to publication.",
            ],
        ],
    )
    breakdown_rows = []
    for name, field in (
        ("Respondent type", "by_type"),
        ("Size band", "by_size"),
        ("Sector", "by_sector"),
        ("Location", "by_location"),
    ):
        for row in overview.get(field, []):
            breakdown_rows.append(
                [
                    name,
                    row.get("label") or "Not given",
                    int(row.get("count") or 0),
                    _number(row.get("percent")),
                ]
            )
    for row in overview.get("over_time", []):
        breakdown_rows.append(
            ["Date received", str(row.get("date", "")), int(row.get("count") or 0), None]
        )
    _sheet(workbook, "Respondents", ["Breakdown", "Group", "Responses", "Per cent"], breakdown_rows)

    closed, crosstabs, themes, quotes, campaigns = [], [], [], [], []
    for question in report["questions"]:
        label = f"Q{question['number']}. {question['text']}"
        if question["kind"] == "closed":
            for option in question["options"] + ([question["other"]] if question["other"] else []):
                closed.append(
                    [
                        label,
                        option["label"],
                        option["count"],
                        _number(option["bar"]),
                        question["answered"],
                    ]
                )
            for name in ("by_type", "by_size"):
                table = question[name]
                if not table:
                    continue
                for group in table["rows"]:
                    for column, cell in zip(table["columns"], group["cells"], strict=True):
                        crosstabs.append(
                            [
                                label,
                                "Respondent type" if name == "by_type" else "Size band",
                                group["label"],
                                group["answered"],
                                column,
                                cell["count"],
                            ]
                        )
        else:
            for theme in question["themes"]:
                themes.append(
                    [
                        label,
                        theme["label"],
                        theme.get("edited", False),
                        theme["count"],
                        _number(theme.get("percent")),
                        question["analysed"],
                        ", ".join(theme.get("keywords", [])),
                        theme["by_type_text"],
                    ]
                )
                for quote in theme["quotes"]:
                    quotes.append([label, theme["label"], quote["respondent_label"], quote["text"]])
            for campaign in question["campaigns"]:
                campaigns.append(
                    [
                        label,
                        campaign["size"],
                        campaign["by_type_text"],
                        campaign.get("example_text")
                        or "Not shown: no member agreed to publication",
                    ]
                )
    _sheet(
        workbook,
        "Closed questions",
        ["Question", "Answer", "People", "Per cent of those who answered", "Answered"],
        closed,
    )
    _sheet(
        workbook,
        "Closed by group",
        ["Question", "Breakdown", "Group", "Answered", "Answer", "People"],
        crosstabs,
    )
    _sheet(
        workbook,
        "Themes",
        [
            "Question",
            "Theme",
            "Edited by staff",
            "Answers",
            "Per cent of answers analysed",
            "Answers analysed",
            "Keywords",
            "By respondent type",
        ],
        themes,
    )
    _sheet(workbook, "Quotes", ["Question", "Theme", "Respondent", "Quote"], quotes)
    _sheet(
        workbook,
        "Campaigns",
        ["Question", "Responses", "By respondent type", "Example text"],
        campaigns,
    )
    _sheet(
        workbook,
        "Sections",
        ["Section", "Comments", "Of which replies", "Questions about it"],
        [
            [
                s["title"],
                s["comment_count"],
                s["reply_count"],
                "; ".join(q["text"] for q in s.get("questions", [])),
            ]
            for s in report["sections"]
        ],
    )
    _sheet(
        workbook,
        "You said, we did",
        ["Topic", "About", "You said", "We did"],
        [
            [row["topic"], row.get("context", ""), row["you_said"], row["we_did"]]
            for row in report["rows"]
        ],
    )
    workbook.save(target)
