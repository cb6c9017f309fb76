"""Reports over the API: which reports a key may ask, and one report for a period.

The same reports as the panel, the files and the bot (core.services.reports.build): the
key's role decides which reports it may ask, and whose figures it sees. A key belongs to no
employee, so a manager's or head of sales' key sees no one's figures in the reports about
people; director and admin keys see everyone's.

Figures are typed for a program rather than shown for a reader: money as a string with two
decimals (no float rounding), counts as integers, percents, hours and other figures as
numbers, dates in ISO form, yes/no columns as booleans, refusal reasons as a list of
{reason, label, count}; names and other text in the caller's Accept-Language.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field
from pydantic_core import PydanticCustomError

from admin_web.api.problems import ApiProblem
from admin_web.api.registry import Call, Operation, page_model
from admin_web.report_params import chosen_period, iso_day, today_in, within_years
from core.errors import InvalidInput
from core.i18n import N_, gettext
from core.models import RefusalReason
from core.services import reports
from core.services.access import Permission
from core.services.company import current_company, zone_of
from core.services.contacts import RowId
from core.services.reports.base import Column, Note, Report, Result, Row, Window
from core.services.reports.managers import REASON_LABELS
from core.services.reports.period import Compare, Period, Preset

TAG = "Reports"
DEFAULT_LIMIT = 500
MAX_LIMIT = 5000
CENT = Decimal("0.01")
# The column of refusal reasons with their counts (managers, clients).
REASONS_COLUMN = "refusal_reasons"
_NOT_ALLOWED = N_("This field is not allowed.")
_CHOOSE = N_("Choose one of: {expected}.")


class CellKind(StrEnum):
    """How a column's values are written in `values` and `previous`."""

    TEXT = "text"
    COUNT = "count"
    MONEY = "money"
    PERCENT = "percent"
    HOURS = "hours"
    NUMBER = "number"
    DATE = "date"
    FLAG = "flag"
    REASONS = "reasons"


class ColumnOut(BaseModel):
    """A column: `text` a string, `count` an integer, `money` a string with two decimals
    ("1500.10", in the company's currency), `percent` (0–100), `hours` and `number` numbers,
    `date` an ISO date, `flag` a boolean, `reasons` a list of {reason, label, count}. Any but
    `flag` may be null where the report has no figure."""

    key: str
    label: str = Field(description="The column's heading in the caller's language.")
    kind: CellKind


class FlagOut(BaseModel):
    key: str = Field(description="A `flag` column; pass it as `flag` to keep its rows only.")
    label: str


class ReportOut(BaseModel):
    """A report the key may ask."""

    key: str = Field(description="The report's address: GET /reports/{key}.")
    number: int = Field(description="Its place in lists.")
    title: str
    question: str = Field(description="The question the report answers.")
    row_key: str = Field(description="What names a row: each row's `key` is this figure.")
    per_person: bool = Field(description="Whether `person` narrows it to one employee.")
    flags: list[FlagOut]
    columns: list[ColumnOut]


ReportPage = page_model(ReportOut, "ReportPage")


class ReasonCount(BaseModel):
    reason: RefusalReason
    label: str = Field(description="The reason in the caller's language.")
    count: int


Cell = str | int | float | bool | list[ReasonCount] | None


class PeriodOut(BaseModel):
    """Whole days in the company's time zone, both ends included."""

    start: dt.date
    end: dt.date = Field(description="The last day, included.")
    time_zone: str = Field(description="The company's IANA time zone, e.g. Africa/Lagos.")

    @classmethod
    def of(cls, period: Period) -> PeriodOut:
        return cls(start=period.start, end=period.last_day, time_zone=period.zone.key)


class RowOut(BaseModel):
    key: int | str = Field(description="The row's `row_key` figure (an employee's id…).")
    values: dict[str, Cell] = Field(description="Column key: value, typed by its kind.")
    previous: dict[str, Cell] | None = Field(
        description="The same columns in the compared period; null without a comparison or "
        "when the row had no figures then."
    )


class ReportResultOut(BaseModel):
    """A report for a period: the rows asked for, how many it has, and its notes."""

    key: str
    title: str
    period: PeriodOut
    compared: PeriodOut | None = Field(description="The period compared with, if asked.")
    total: int = Field(description="Rows in the whole report (after `person` and `flag`).")
    columns: list[ColumnOut]
    rows: list[RowOut] = Field(description="At most `limit`, in the order asked.")
    notes: list[str] = Field(description="What the report counts, as said under its table.")


def _day(raw: object) -> object:
    if not isinstance(raw, str):
        return raw
    day = iso_day(raw)
    if day is None:
        raise PydanticCustomError("date_parsing", "not a date such as 2026-11-30")
    if not within_years(day):
        raise PydanticCustomError("date_range", "before 1900 or after 2200")
    return day


ReportDay = Annotated[dt.date, BeforeValidator(_day)]


class ReportQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    period: Preset | None = Field(
        None,
        description="A preset around today in the company's time zone; `custom` takes "
        "`from` and `to`. Default: `this_month`, or `custom` when dates are given.",
    )
    from_: ReportDay | None = Field(
        None, alias="from", description="First day of a custom period (2026-11-01)."
    )
    to: ReportDay | None = Field(None, description="Last day of a custom period, included.")
    compare: Compare = Field(
        Compare.NONE,
        description="`previous`: the period just before (a month before a month), "
        "`last_year`: the same days a year before.",
    )
    person: RowId | None = Field(
        None,
        description="An employee's id: only their figures (reports with `per_person`); "
        "someone outside the key's scope gives no rows.",
    )
    flag: str | None = Field(
        None, max_length=40, description="Only the rows with this `flag` column set."
    )
    sort: str | None = Field(
        None,
        max_length=40,
        description="A column key to order the rows by; rows without a figure come last. "
        "Default: the report's own order.",
    )
    dir: Literal["asc", "desc"] = Field("desc", description="With `sort`.")
    limit: int = Field(
        DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description="Rows to answer (1 to 5000)."
    )


def _cell_kind(report: Report, column: Column) -> CellKind:
    if column.key in report.flags:
        return CellKind.FLAG
    if column.key == REASONS_COLUMN:
        return CellKind.REASONS
    return CellKind(column.kind.value)


def _columns(report: Report) -> list[ColumnOut]:
    return [
        ColumnOut(key=c.key, label=gettext(c.label), kind=_cell_kind(report, c))
        for c in report.columns
    ]


def _report(report: Report) -> ReportOut:
    return ReportOut(
        key=report.key,
        number=report.number,
        title=gettext(report.title),
        question=gettext(report.question),
        row_key=report.row_key,
        per_person=report.per_person,
        flags=[FlagOut(key=k, label=gettext(label)) for k, label in report.flags.items()],
        columns=_columns(report),
    )


def _reasons(value: Any) -> list[ReasonCount]:
    counted = []
    for reason, count in value or []:
        code = RefusalReason(reason)
        counted.append(
            ReasonCount(
                reason=code, label=gettext(REASON_LABELS.get(code, code.value)), count=int(count)
            )
        )
    return counted


def _number(value: Any) -> float | str:
    return float(value) if isinstance(value, int | float | Decimal) else str(value)


def cell(value: Any, kind: CellKind) -> Cell:
    """A figure as the API writes it (see ColumnOut)."""
    if kind is CellKind.FLAG:
        return value is not None and bool(value)
    if value is None:
        return None
    if kind is CellKind.REASONS:
        return _reasons(value)
    if kind is CellKind.MONEY:
        return format(Decimal(str(value)).quantize(CENT, ROUND_HALF_UP), "f")
    if kind is CellKind.COUNT:
        return int(value)
    if kind in (CellKind.PERCENT, CellKind.HOURS, CellKind.NUMBER):
        return _number(value)
    if kind is CellKind.DATE and isinstance(value, dt.date):
        return value.isoformat()
    return str(value)  # names, and cells said in the caller's language (str() renders them)


def _values(row: Row, kinds: dict[str, CellKind]) -> dict[str, Cell]:
    return {key: cell(row.get(key), kind) for key, kind in kinds.items()}


def _note(note: str | Note) -> str:
    return str(note) if isinstance(note, Note) else gettext(note)


def _result(result: Result) -> ReportResultOut:
    report = result.report
    kinds = {c.key: _cell_kind(report, c) for c in report.columns}
    rows = []
    for row in result.rows:
        before = result.previous.get(row.get(report.row_key))
        rows.append(
            RowOut(
                key=row[report.row_key],
                values=_values(row, kinds),
                previous=_values(before, kinds) if before is not None else None,
            )
        )
    return ReportResultOut(
        key=report.key,
        title=gettext(report.title),
        period=PeriodOut.of(result.period),
        compared=PeriodOut.of(result.compare) if result.compare else None,
        total=result.total if result.total is not None else len(result.rows),
        columns=_columns(report),
        rows=rows,
        notes=[_note(note) for note in result.notes],
    )


def _bad_query(errors: list[tuple[str, str]]) -> ApiProblem:
    return ApiProblem(
        "malformed-request", N_("Some query parameters are not valid."), errors=errors
    )


def _check_window(report: Report, query: ReportQuery) -> None:
    """`sort`, `flag` and `person` must mean something for this report."""
    errors = []
    columns = [c.key for c in report.columns]
    if query.sort is not None and query.sort not in columns:
        errors.append(("sort", gettext(_CHOOSE, expected=", ".join(columns))))
    if query.flag is not None and query.flag not in report.flags:
        errors.append(
            ("flag", gettext(_CHOOSE, expected=", ".join(report.flags)))
            if report.flags
            else ("flag", gettext(_NOT_ALLOWED))
        )
    if query.person is not None and not report.per_person:
        errors.append(("person", gettext(_NOT_ALLOWED)))
    if errors:
        raise _bad_query(errors)


async def list_reports(call: Call) -> BaseModel:
    return ReportPage(
        items=[_report(r) for r in reports.reports_for(call.actor)], next_cursor=None
    )


async def show_report(call: Call) -> BaseModel:
    query: ReportQuery = call.query
    report = reports.get_report(call.actor, call.texts["key"])
    _check_window(report, query)
    zone = zone_of(await current_company())
    try:
        period = chosen_period(
            query.period, query.from_, query.to, today_in(call.request, zone), zone
        )
    except InvalidInput as exc:
        raise _bad_query([(exc.field, gettext(exc.msgid, **exc.params))]) from None
    window = Window(query.sort, query.dir == "desc", query.limit)
    result = await reports.build(
        call.actor,
        report.key,
        period,
        query.compare,
        window=window,
        person=query.person,
        flag=query.flag,
    )
    return _result(result)


OPERATIONS = [
    Operation(
        "GET",
        "/reports",
        list_reports,
        Permission.VIEW_REPORTS,
        "List the reports the key may ask",
        TAG,
        ReportPage,
        description="By number, all on one page: each with its question, columns and the "
        "`flag` columns it can be narrowed to. Titles and labels follow Accept-Language.",
    ),
    Operation(
        "GET",
        "/reports/{key}",
        show_report,
        Permission.VIEW_REPORTS,
        "Run a report for a period",
        TAG,
        ReportResultOut,
        query=ReportQuery,
        description="The report's figures for the period (this month by default), beside "
        "the compared period if asked, as the panel shows them. A report the key's role may "
        "not ask is 403; `sort`, `flag` or `person` that the report does not have, and dates "
        "that are missing, reversed or more than three years apart, are 400 naming the "
        "parameter. Manager and head-of-sales keys see no one's figures in reports about "
        "people: a key is no one.",
    ),
]
