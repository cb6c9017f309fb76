"""What a report is: a question, the roles that may ask it, columns, rows from SQL, a chart.

Each report module defines one `Report` subclass and registers it. The panel, the bot, the
downloads and the digests all go through `build()`, which checks the role, works out whose
figures the asker may see (`Scope`), runs the report for the period and, when asked, for
the period to compare with.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from abc import ABC, abstractmethod
from dataclasses import dataclass, field, replace
from decimal import Decimal
from enum import StrEnum
from typing import Any, ClassVar

from core.errors import NotFound, PermissionDenied
from core.i18n import gettext
from core.models import Employee, Role
from core.services.access import Actor
from core.services.reports.period import Compare, Period
from core.services.teams import sees_everyone, team_of

Row = dict[str, Any]


class Kind(StrEnum):
    TEXT = "text"
    COUNT = "count"
    MONEY = "money"
    PERCENT = "percent"
    HOURS = "hours"
    NUMBER = "number"
    DATE = "date"


@dataclass(frozen=True, slots=True)
class Column:
    key: str
    label: str  # a message id
    kind: Kind
    # Where the figure opens the records behind it: a panel path with {row keys} and
    # {start}/{end} (the period's local dates, end exclusive).
    drill: str | None = None
    # Figures where more is worse (late tasks, refusals) are marked the other way round
    # when compared with the previous period.
    lower_is_better: bool = False


@dataclass
class Chart:
    kind: str  # "bar", "barh", "line" or "stacked"
    labels: list[str]
    series: dict[str, list[float]]  # a translated legend label: one value per label
    y_label: str = ""


@dataclass(frozen=True, slots=True)
class Scope:
    """Whose figures the asker sees: everyone (None), or these employees."""

    employee_ids: list[int] | None
    actor: Actor

    @property
    def everyone(self) -> bool:
        return self.employee_ids is None


@dataclass(frozen=True, slots=True, eq=False)
class Note:
    """A note under the table with figures in it (the carriers' score weights): a message id
    and its parameters (values, or zero-argument callables rendered in the reader's
    language), and optionally a link to where the figures are set. str() says it in the
    reader's language (and gettext(note) hands it back unchanged, so it still reads right)."""

    msgid: str
    params: dict[str, Any] = field(default_factory=dict)
    link: str | None = None
    link_label: str = ""  # a message id

    def __str__(self) -> str:
        return gettext(self.msgid, **self.params)


@dataclass(frozen=True, slots=True)
class Window:
    """What a page shows of a long report: the first `limit` rows in a column's order
    (None: the report's own order). A report with many rows (clients) sorts and cuts in
    SQL; the others are cut from their rows."""

    sort: str | None = None
    descending: bool = True
    limit: int = 500
    flag: str | None = None  # only the rows with this yes/no column set


@dataclass
class Page:
    """A window's rows, how many the whole report has, and the rows its chart is drawn
    from (the report's top rows, whatever the window's order)."""

    rows: list[Row]
    total: int
    chart_rows: list[Row]


@dataclass
class Result:
    report: Report
    period: Period
    compare: Period | None
    rows: list[Row]
    previous: dict[Any, Row] = field(default_factory=dict)
    chart: Chart | None = None
    # Said under the table: message ids, or Notes with parameters.
    notes: list[str | Note] = field(default_factory=list)
    # With a window: the rows are the window's, in its order, and this is how many the
    # whole report has.
    total: int | None = None

    @property
    def empty(self) -> bool:
        return not self.rows

    @property
    def hidden(self) -> int:
        """Rows of the report not among `rows`."""
        return 0 if self.total is None else max(0, self.total - len(self.rows))

    def change(self, row: Row, key: str) -> Decimal | None:
        """The figure's change against the compared period, in percent (None if unknown)."""
        before = self.previous.get(row.get(self.report.row_key), {}).get(key)
        now = row.get(key)
        if before in (None, 0) or now is None or isinstance(now, str):
            return None
        return (Decimal(str(now)) - Decimal(str(before))) * 100 / Decimal(str(before))


class Report(ABC):
    key: ClassVar[str]
    title: ClassVar[str]  # message ids
    question: ClassVar[str]
    roles: ClassVar[frozenset[Role]]
    columns: ClassVar[list[Column]]
    row_key: ClassVar[str]  # the column that names a row (kept across compared periods)
    # Reports whose figures are cut to the asker's own or team's work (Scope), and so can
    # be narrowed to one person's in the panel; the others are about the company and need
    # a role that sees everything.
    per_person: ClassVar[bool] = False
    # Yes/no columns the panel can show only the rows of: column key → filter label.
    flags: ClassVar[dict[str, str]] = {}
    # Where the report stands in lists: the numbering (1 managers … 7 overview).
    number: ClassVar[int] = 99

    @abstractmethod
    async def rows(self, scope: Scope, period: Period) -> list[Row]: ...

    def chart(self, rows: list[Row]) -> Chart | None:
        return None

    async def page(self, scope: Scope, period: Period, window: Window) -> Page:
        """A window of the rows; reports with many rows override it to cut in SQL."""
        rows = await self.rows(scope, period)
        chosen = [row for row in rows if row.get(window.flag)] if window.flag else rows
        return Page(sort_rows(self, chosen, window)[: window.limit], len(chosen), rows)

    async def rows_for(self, scope: Scope, period: Period, keys: set[Any]) -> list[Row]:
        """The rows with these keys (a window's rows in the compared period)."""
        return [row for row in await self.rows(scope, period) if row[self.row_key] in keys]

    def notes(self) -> list[str]:
        return []

    async def notes_for(self, scope: Scope) -> list[str | Note]:
        """The notes of this run: the fixed `notes()`, unless the report's notes carry
        current settings (read here) or depend on who asks."""
        return list(self.notes())


REGISTRY: dict[str, Report] = {}


def register(report: type[Report]) -> type[Report]:
    REGISTRY[report.key] = report()
    return report


def reports_for(actor: Actor) -> list[Report]:
    return sorted((r for r in REGISTRY.values() if actor.role in r.roles), key=lambda r: r.number)


def get_report(actor: Actor, key: str) -> Report:
    report = REGISTRY.get(key)
    if report is None:
        raise NotFound()
    if actor.role not in report.roles:
        raise PermissionDenied()
    return report


async def scope_of(actor: Actor) -> Scope:
    """A manager sees their own figures, a head of sales their team's, management all."""
    if sees_everyone(actor) or actor.role is Role.MARKETER:
        return Scope(None, actor)
    if actor.role is Role.HEAD_OF_SALES:
        return Scope(list(await team_of(actor).values_list("id", flat=True)), actor)
    return Scope([actor.employee_id] if actor.employee_id else [], actor)


async def build(
    actor: Actor,
    key: str,
    period: Period,
    compare: Compare = Compare.NONE,
    window: Window | None = None,
    person: int | None = None,
    flag: str | None = None,
) -> Result:
    """The report for the period, beside the compared one. With a window (the panel's
    page), only the window's rows, in its order; without (files, bot), every row.
    `person` narrows a per-person report to one of the people the asker may see (anyone
    else: no rows); `flag` keeps the rows with one of the report's yes/no columns set."""
    report = get_report(actor, key)
    scope = await scope_of(actor)
    if person is not None and report.per_person:
        scope = narrowed(scope, person)
    flag = flag if flag in report.flags else None
    compared = period.compared(compare)
    window = replace(window, flag=flag) if window is not None else None
    # The compared period's rows: whole, at the same time as this period's (on PostgreSQL
    # each statement on its own connection), unless the report looks up only the window's
    # rows there (rows_for of its own), which needs the window first.
    alongside = compared is not None and (
        window is None or type(report).rows_for is Report.rows_for
    )
    before: list[Row] | None = None
    if window is None:
        if alongside:
            rows, before = await asyncio.gather(
                report.rows(scope, period), report.rows(scope, compared)
            )
        else:
            rows = await report.rows(scope, period)
        if flag:
            rows = [row for row in rows if row.get(flag)]
        chart_rows, total = rows, None
    else:
        if alongside:
            page, before = await asyncio.gather(
                report.page(scope, period, window), report.rows(scope, compared)
            )
        else:
            page = await report.page(scope, period, window)
        rows, chart_rows, total = page.rows, page.chart_rows, page.total
    previous: dict[Any, Row] = {}
    if compared is not None:
        if before is None:
            before = await report.rows_for(scope, compared, {row[report.row_key] for row in rows})
        previous = {row[report.row_key]: row for row in before}
    return Result(
        report,
        period,
        compared,
        rows,
        previous,
        report.chart(chart_rows) if chart_rows else None,
        await report.notes_for(scope),
        total,
    )


def narrowed(scope: Scope, person: int) -> Scope:
    """The scope cut to one person, who must be within it."""
    if scope.everyone or person in (scope.employee_ids or []):
        return Scope([person], scope.actor)
    return Scope([], scope.actor)


async def people_for(actor: Actor) -> list[tuple[int, str]]:
    """Whom the asker may narrow a per-person report to: everyone in sales for
    management, a head's team, nobody else (a manager sees only their own figures)."""
    if sees_everyone(actor) or actor.role is Role.MARKETER:
        people = Employee.filter(role__in=(Role.MANAGER, Role.HEAD_OF_SALES))
    elif actor.role is Role.HEAD_OF_SALES:
        people = team_of(actor)
    else:
        return []
    return list(await people.order_by("name", "id").values_list("id", "name"))


def sort_rows(report: Report, rows: list[Row], window: Window) -> list[Row]:
    """Rows in a column's order, the rows without a figure last whichever the direction;
    the report's own order for an unknown column."""
    columns = {c.key: c for c in report.columns}
    key = window.sort
    if key not in columns:
        return rows
    present = [r for r in rows if r.get(key) is not None]
    missing = [r for r in rows if r.get(key) is None]
    if columns[key].kind is Kind.TEXT:
        present.sort(key=lambda r: str(r[key]).casefold(), reverse=window.descending)
    else:
        present.sort(key=lambda r: r[key], reverse=window.descending)
    return present + missing


async def employee_names(ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    return dict(await Employee.filter(id__in=list(ids)).values_list("id", "name"))


def local_date(moment: dt.datetime, period: Period) -> dt.date:
    return moment.astimezone(period.zone).date()
