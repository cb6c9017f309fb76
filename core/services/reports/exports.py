"""A report as a file: XLSX (openpyxl) and PDF (fpdf2), in the reader's language.

The PDF embeds the chart as a picture and the table in DejaVu Sans, the font that comes
with matplotlib, so Cyrillic and Yoruba letters print as they read on screen. Both files
carry the report's notes under the table, as the panel shows them: a file passed on is read
without the page that explains its figures.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import matplotlib
from fpdf import FPDF

from core.i18n import format_money, gettext
from core.services.reports.base import Column, Kind, Note, Result, Row
from core.services.reports.charts import render_png
from core.services.xlsx_export import MONEY_FORMAT, export_xlsx
from core.services.xlsx_export import Column as XlsxColumn

FONT = Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSans.ttf"
BOLD_FONT = Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSans-Bold.ttf"


def cell_value(value: Any, kind: Kind) -> Any:
    """What goes into a spreadsheet cell: numbers stay numbers, the rest text."""
    if value is None:
        return None
    if kind in (Kind.TEXT,) or not isinstance(value, int | float | Decimal | dt.date):
        return str(value)
    return value


def shown(value: Any, kind: Kind, currency: str) -> str:
    """The figure as a reader sees it, in the active language."""
    if value is None:
        return "—"
    if kind is Kind.MONEY:
        return format_money(value, currency)
    if kind is Kind.PERCENT:
        return f"{value:.1f} %"
    if kind in (Kind.HOURS, Kind.NUMBER):
        return f"{value:.1f}"
    return str(value)


def file_name(result: Result, extension: str) -> str:
    period = result.period
    return (
        f"{result.report.key}-{period.start.isoformat()}-{period.last_day.isoformat()}.{extension}"
    )


def note_lines(notes: Sequence[str | Note], base_url: str = "") -> list[str]:
    """The notes under a report's table, one line each, in the active language.

    A Note that links to where its figures are set (the carriers' weights) also names the
    link with its absolute address when the panel's public address is known; a file or a
    chat message cannot follow a bare panel path, so without one only the text is given.
    """
    lines = []
    for note in notes:
        if not isinstance(note, Note):
            lines.append(gettext(note))
            continue
        text = str(note)
        if note.link and base_url:
            url = base_url.rstrip("/") + note.link
            label = gettext(note.link_label) if note.link_label else ""
            text = f"{text} {label}: {url}" if label else f"{text} {url}"
        lines.append(text)
    return lines


@dataclass(frozen=True, slots=True)
class _Line:
    """A line of text below the table in a spreadsheet, written in its first column."""

    text: str


async def to_xlsx(result: Result, base_url: str = "") -> bytes:
    """The table, then (when it has rows) a blank row, "Notes" and a row per note.

    `base_url` is the panel's public address, for the notes' links."""

    def column(col: Column, first: bool) -> XlsxColumn[Row | _Line]:
        def value(row: Row | _Line) -> Any:
            if isinstance(row, _Line):
                return row.text if first else None
            return cell_value(row.get(col.key), col.kind)

        return XlsxColumn(
            gettext(col.label),
            value,
            number_format=MONEY_FORMAT if col.kind is Kind.MONEY else None,
        )

    columns = [column(c, i == 0) for i, c in enumerate(result.report.columns)]
    rows: list[Row | _Line] = list(result.rows)
    notes = note_lines(result.notes, base_url) if result.rows else []
    if notes:
        rows += [{}, _Line(gettext("Notes")), *(_Line(note) for note in notes)]
    return await export_xlsx(rows, columns, gettext(result.report.title))


@dataclass(frozen=True, slots=True)
class _PdfText:
    """What the PDF says, translated on the loop before the thread draws it."""

    title: str
    period: str
    headers: list[str]
    rows: list[list[str]]
    empty: str
    notes_heading: str
    notes: list[str]


async def to_pdf(result: Result, currency: str, period_label: str, base_url: str = "") -> bytes:
    """Title, period, chart, table and notes; `base_url` as for `to_xlsx`."""
    chart = await render_png(result.chart) if result.chart is not None else None
    text = _PdfText(
        title=gettext(result.report.title),
        period=period_label,
        headers=[gettext(c.label) for c in result.report.columns],
        rows=[
            [shown(row.get(c.key), c.kind, currency) for c in result.report.columns]
            for row in result.rows
        ],
        empty=gettext("No data for this period."),
        notes_heading=gettext("Notes"),
        notes=note_lines(result.notes, base_url) if result.rows else [],
    )
    return await asyncio.to_thread(_pdf, text, chart)


def _pdf(text: _PdfText, chart: bytes | None) -> bytes:
    pdf = FPDF(orientation="landscape", format="A4")
    pdf.add_font("DejaVu", "", str(FONT))
    pdf.add_font("DejaVu", "B", str(BOLD_FONT))
    pdf.set_auto_page_break(auto=True, margin=12)
    pdf.add_page()
    pdf.set_font("DejaVu", "B", 14)
    pdf.cell(0, 8, text.title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "", 10)
    pdf.cell(0, 6, text.period, new_x="LMARGIN", new_y="NEXT")
    if chart is not None:
        pdf.image(chart, w=pdf.epw)
    pdf.ln(2)
    if not text.rows:
        pdf.cell(0, 8, text.empty, new_x="LMARGIN", new_y="NEXT")
        return bytes(pdf.output())
    pdf.set_font("DejaVu", "", 7)
    with pdf.table(
        text_align="LEFT", line_height=4, first_row_as_headings=True, repeat_headings=1
    ) as table:
        table.row(text.headers)
        for values in text.rows:
            table.row(values)
    if text.notes:
        pdf.ln(3)
        pdf.set_font("DejaVu", "B", 9)
        pdf.cell(0, 6, text.notes_heading, new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("DejaVu", "", 8)
        for note in text.notes:
            pdf.multi_cell(0, 4, note, align="L", new_x="LMARGIN", new_y="NEXT")
            pdf.ln(1)
    return bytes(pdf.output())
