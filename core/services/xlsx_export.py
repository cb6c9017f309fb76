"""Lists as Excel workbooks: one reusable writer, plus the standard client and carrier columns.

Rows are read from the database on the event loop (in chunks, see `in_chunks`), the cell
values are taken there too, and the workbook is built and zipped in a worker thread so a big
export never stalls the bot or the panel. Excel knows no time zones, so moments are shown
in the company's zone as naive date-times; money stays a number with a money format; a text
that Excel would read as a formula (=, +, -, @) is stored as text and marked so.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import io
import re
from collections.abc import AsyncIterable, AsyncIterator, Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Generic, TypeVar

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from tortoise.models import Model
from tortoise.queryset import QuerySet

from core.i18n import LANGUAGE_NAMES, N_, gettext
from core.models import Carrier, Client, ClientKind

T = TypeVar("T")
M = TypeVar("M", bound=Model)

MONEY_FORMAT = "#,##0.00"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
DATE_FORMAT = "yyyy-mm-dd"
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
MAX_CELL_TEXT = 32767
CHUNK_SIZE = 500
_SHEET_TITLE_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")

KIND_LABELS = {
    ClientKind.INDIVIDUAL: N_("Individual"),
    ClientKind.LEGAL_ENTITY: N_("Company"),
}


@dataclass(frozen=True, slots=True)
class Column(Generic[T]):
    """One column: its header (already translated) and how to get the value from a row."""

    header: str
    value: Callable[[T], Any]
    width: int | None = None
    number_format: str | None = None


async def in_chunks(
    query: QuerySet[M], *, prefetch: Sequence[str] = (), size: int = CHUNK_SIZE
) -> AsyncIterator[M]:
    """Every row of `query` in id order, `size` at a time (keyset paging).

    Each chunk costs one query plus the prefetches' (one per relation, two for a
    many-to-many), never one per row.
    """
    last_id = None
    while True:
        page = query.order_by("id").limit(size)
        if last_id is not None:
            page = page.filter(id__gt=last_id)
        if prefetch:
            page = page.prefetch_related(*prefetch)
        rows = await page
        for row in rows:
            yield row
        if len(rows) < size:
            return
        last_id = rows[-1].pk


async def export_xlsx(
    rows: AsyncIterable[T] | Iterable[T],
    columns: Sequence[Column[T]],
    sheet_title: str,
    *,
    zone: dt.tzinfo = dt.UTC,
) -> bytes:
    """The rows as an .xlsx file: a bold, frozen header row, then one line per row.

    Values are taken from the rows here, on the loop (so related objects must be prefetched,
    a value function never queries); the workbook is built in a thread. Aware date-times are
    converted to `zone` and written without a zone; naive ones are written as they are.
    """
    values: list[list[Any]] = []
    if isinstance(rows, AsyncIterable):
        async for row in rows:
            values.append([column.value(row) for column in columns])
    else:
        values = [[column.value(row) for column in columns] for row in rows]
    return await asyncio.to_thread(_build, values, list(columns), sheet_title, zone)


def _build(
    values: list[list[Any]], columns: list[Column[Any]], sheet_title: str, zone: dt.tzinfo
) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_safe_title(sheet_title))
    for index, column in enumerate(columns, start=1):
        width = column.width or max(10, min(len(column.header) + 4, 60))
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header = []
    for column in columns:
        cell = _cell(sheet, column.header, None, zone)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    for row in values:
        sheet.append(
            [
                _cell(sheet, value, column.number_format, zone)
                for value, column in zip(row, columns, strict=True)
            ]
        )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _cell(
    sheet: WriteOnlyWorksheet, value: Any, number_format: str | None, zone: dt.tzinfo
) -> WriteOnlyCell:
    """A cell holding the value as a reader should see it."""
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(zone).replace(tzinfo=None)
        number_format = number_format or DATETIME_FORMAT
    elif isinstance(value, dt.date):
        number_format = number_format or DATE_FORMAT
    elif isinstance(value, Decimal):
        number_format = number_format or MONEY_FORMAT
    elif isinstance(value, list | tuple | set | frozenset):
        value = ", ".join(str(item) for item in value)
    elif value is not None and not isinstance(value, bool | int | float | str):
        value = str(value)
    if isinstance(value, str):
        return _text_cell(sheet, value)
    cell = WriteOnlyCell(sheet, value=value)
    if number_format and value is not None:
        cell.number_format = number_format
    return cell


def _text_cell(sheet: WriteOnlyWorksheet, text: str) -> WriteOnlyCell:
    """Text stays text: one starting like a formula is stored as a string with Excel's
    quote prefix, so neither opening nor editing the cell ever evaluates it."""
    text = ILLEGAL_CHARACTERS_RE.sub("", str(text))[:MAX_CELL_TEXT]
    cell = WriteOnlyCell(sheet, value=text)
    if text.startswith(FORMULA_TRIGGERS):
        cell.data_type = "s"
        cell.quotePrefix = True
    return cell


def _safe_title(title: str) -> str:
    """Excel allows 31 characters and none of []:*?/\\ in a sheet name."""
    cleaned = _SHEET_TITLE_FORBIDDEN.sub(" ", title).strip().strip("'")
    return cleaned[:31] or "Sheet"


def local_time(moment: dt.datetime | None, zone: dt.tzinfo) -> dt.datetime | None:
    """A stored UTC moment as the company's wall-clock time, without a zone (for Excel)."""
    return None if moment is None else moment.astimezone(zone).replace(tzinfo=None)


def client_columns(zone: dt.tzinfo) -> list[Column[Client]]:
    """The standard client export. Rows need `manager` and `tags` prefetched.

    Headers are translated now, in the caller's language.
    """
    return [
        Column(gettext("Name"), lambda c: c.name, width=30),
        Column(gettext("Kind"), lambda c: gettext(KIND_LABELS[ClientKind(c.kind)]), width=14),
        Column(gettext("Company"), lambda c: c.company_name, width=30),
        Column(gettext("Phone"), lambda c: c.phone, width=18),
        Column(gettext("Email"), lambda c: c.email, width=30),
        Column(gettext("City"), lambda c: c.city, width=18),
        Column(
            gettext("Language"), lambda c: LANGUAGE_NAMES.get(c.language, c.language), width=12
        ),
        Column(gettext("Source"), lambda c: c.source, width=18),
        Column(gettext("Manager"), lambda c: c.manager.name if c.manager else None, width=24),
        Column(gettext("Tags"), lambda c: sorted(tag.name for tag in c.tags), width=30),
        Column(gettext("Created"), lambda c: local_time(c.created_at, zone), width=18),
    ]


def carrier_columns(zone: dt.tzinfo) -> list[Column[Carrier]]:
    """The standard carrier export. Carriers have no kind, manager or tags; they have a
    country and transport modes instead. No prefetch needed."""
    return [
        Column(gettext("Name"), lambda c: c.name, width=30),
        Column(gettext("Phone"), lambda c: c.phone, width=18),
        Column(gettext("Email"), lambda c: c.email, width=30),
        Column(gettext("Country"), lambda c: c.country, width=10),
        Column(gettext("City"), lambda c: c.city, width=18),
        Column(gettext("Transport modes"), lambda c: list(c.modes or []), width=24),
        Column(gettext("Created"), lambda c: local_time(c.created_at, zone), width=18),
    ]
