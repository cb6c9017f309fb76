"""A report as a file: XLSX (openpyxl) and PDF (fpdf2), in the reader's language.

The PDF embeds the chart as a picture and the table in DejaVu Sans, the font that comes
with matplotlib, so Cyrillic and Yoruba letters print as they read on screen.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import matplotlib
from fpdf import FPDF

from core.i18n import format_money, gettext
from core.services.reports.base import Column, Kind, Result
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


async def to_xlsx(result: Result) -> bytes:
    def column(col: Column) -> XlsxColumn[dict[str, Any]]:
        return XlsxColumn(
            gettext(col.label),
            lambda row, c=col: cell_value(row.get(c.key), c.kind),
            number_format=MONEY_FORMAT if col.kind is Kind.MONEY else None,
        )

    columns = [column(c) for c in result.report.columns]
    return await export_xlsx(result.rows, columns, gettext(result.report.title))


async def to_pdf(result: Result, currency: str, period_label: str) -> bytes:
    chart = await render_png(result.chart) if result.chart is not None else None
    rows = [
        [shown(row.get(c.key), c.kind, currency) for c in result.report.columns]
        for row in result.rows
    ]
    headers = [gettext(c.label) for c in result.report.columns]
    title = gettext(result.report.title)
    empty = gettext("No data for this period.")
    return await asyncio.to_thread(_pdf, title, period_label, headers, rows, chart, empty)


def _pdf(
    title: str,
    period_label: str,
    headers: list[str],
    rows: list[list[str]],
    chart: bytes | None,
    empty: str,
) -> bytes:
    pdf = FPDF(orientation="landscape", format="A4")
    pdf.add_font("DejaVu", "", str(FONT))
    pdf.add_font("DejaVu", "B", str(BOLD_FONT))
    pdf.set_auto_page_break(auto=True, margin=12)
    pdf.add_page()
    pdf.set_font("DejaVu", "B", 14)
    pdf.cell(0, 8, title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "", 10)
    pdf.cell(0, 6, period_label, new_x="LMARGIN", new_y="NEXT")
    if chart is not None:
        pdf.image(chart, w=pdf.epw)
    pdf.ln(2)
    if not rows:
        pdf.cell(0, 8, empty, new_x="LMARGIN", new_y="NEXT")
        return bytes(pdf.output())
    pdf.set_font("DejaVu", "", 7)
    with pdf.table(
        text_align="LEFT", line_height=4, first_row_as_headings=True, repeat_headings=1
    ) as table:
        table.row(headers)
        for values in rows:
            table.row(values)
    return bytes(pdf.output())
