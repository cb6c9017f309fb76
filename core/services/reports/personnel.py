"""Report 3, personnel comparison: the people side by side on the figures of report 1,
ranked by revenue, with each one's revenue month by month over the period.

The figures come from one statement: every request, sent quote, order and task of the
period becomes a tagged row for the person it counts for (UNION ALL, the same attribution
as report 1) and the rows are summed per person (GROUP BY). The trend is a second
statement that puts each order in its month with a CASE on the months' UTC bounds,
worked out from the company's calendar in Python, and sums per person and month.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any, ClassVar

from core.i18n import N_, gettext
from core.models import Role
from core.services.reports.base import Chart, Column, Kind, Report, Row, Scope, register
from core.services.reports.clients import ORDERED_STATES
from core.services.reports.managers import HANDLER, ORDERS, PIPELINE, TASKS
from core.services.reports.period import Period
from core.services.reports.sql import cents, employee_names_sql, fetch, in_ids, money, true

A, D, H, M = Role.ADMIN, Role.DIRECTOR, Role.HEAD_OF_SALES, Role.MANAGER
TOP = 8  # people drawn in the trend

_IN_PERIOD = "{at} >= :start AND {at} < :end"


def _sources() -> str:
    """Each figure's rows, tagged for the person they count for. The first branch names the
    columns and types its NULLs (PostgreSQL matches UNION branches pair by pair). A request
    is converted when it became an order that stands (clients.ORDERED_STATES)."""
    return f"""
    SELECT {HANDLER} AS k, 1 AS requests,
        CASE WHEN r.state IN {ORDERED_STATES} THEN 1 ELSE 0 END AS converted,
        0 AS quotes, 0 AS orders, CAST(NULL AS NUMERIC) AS price,
        CAST(NULL AS NUMERIC) AS margin, 0 AS tasks, 0 AS on_time,
        CAST(NULL AS INTEGER) AS quality
    FROM quote_request r
    WHERE {_IN_PERIOD.format(at="r.created_at")}
    UNION ALL
    SELECT COALESCE(q.created_by_id, {HANDLER}), 0, 0, 1, 0, NULL, NULL, 0, 0, NULL
    FROM quote q JOIN quote_request r ON r.id = q.request_id
    WHERE {_IN_PERIOD.format(at="q.sent_at")}
    UNION ALL
    SELECT o.manager_id, 0, 0, 0, 1, o.price, o.price - o.cost, 0, 0, NULL
    FROM sales_order o
    WHERE o.cancelled_at IS NULL AND {_IN_PERIOD.format(at="o.created_at")}
    UNION ALL
    SELECT t.employee_id, 0, 0, 0, 0, NULL, NULL, 1,
        CASE WHEN t.done_at IS NULL OR {true("t.late")} THEN 0 ELSE 1 END, t.quality
    FROM task t
    WHERE {_IN_PERIOD.format(at="t.due_at")}
    """


@register
class PersonnelReport(Report):
    key = "personnel"
    title = N_("Personnel comparison")
    question = N_("Who is the most and the least effective, and how did it change month by month?")
    roles = frozenset({A, D, H, M})
    row_key = "employee_id"
    per_person = True
    number = 3
    summary: ClassVar[list[str]] = ["revenue", "orders", "conversion"]  # in the bot
    columns: ClassVar[list[Column]] = [
        Column("rank", N_("Rank"), Kind.COUNT, lower_is_better=True),
        Column("name", N_("Employee"), Kind.TEXT),
        Column("revenue", N_("Revenue"), Kind.MONEY, drill=ORDERS),
        Column("margin", N_("Margin"), Kind.MONEY, drill=ORDERS),
        Column("orders", N_("Orders"), Kind.COUNT, drill=ORDERS),
        Column("quotes", N_("Quotes sent"), Kind.COUNT, drill=PIPELINE),
        Column("requests", N_("Requests handled"), Kind.COUNT, drill=PIPELINE),
        Column("conversion", N_("Requests ordered, %"), Kind.PERCENT, drill=PIPELINE),
        Column("on_time", N_("Tasks done on time, %"), Kind.PERCENT, drill=TASKS),
        Column("quality", N_("Average quality"), Kind.NUMBER, drill=TASKS),
    ]

    async def rows(self, scope: Scope, period: Period) -> list[Row]:
        bounds = {"start": period.utc_start, "end": period.utc_end}
        found = await fetch(
            f"""
            SELECT k, SUM(requests) AS requests, SUM(converted) AS converted,
                SUM(quotes) AS quotes, SUM(orders) AS orders, {cents("price")} AS revenue,
                {cents("margin")} AS margin, SUM(tasks) AS tasks, SUM(on_time) AS on_time,
                AVG(quality) AS quality
            FROM ({_sources()}) AS s
            WHERE k IS NOT NULL{in_ids("k", scope.employee_ids)}
            GROUP BY k
            """,
            **bounds,
        )
        names = await employee_names_sql({int(row["k"]) for row in found})
        rows = []
        for row in found:
            employee_id = int(row["k"])
            requests, tasks = int(row["requests"] or 0), int(row["tasks"] or 0)
            rows.append(
                {
                    "employee_id": employee_id,
                    "name": names.get(employee_id, f"#{employee_id}"),
                    "revenue": money(row["revenue"]),
                    "margin": money(row["margin"]),
                    "orders": int(row["orders"] or 0),
                    "quotes": int(row["quotes"] or 0),
                    "requests": requests,
                    "conversion": _percent(row["converted"], requests),
                    "on_time": _percent(row["on_time"], tasks),
                    "quality": None if row["quality"] is None else round(float(row["quality"]), 1),
                }
            )
        rows.sort(
            key=lambda r: (-r["revenue"], -r["orders"], r["name"].casefold(), r["employee_id"])
        )
        # Competition ranking: equal revenue, equal rank; the next rank skips the tied places.
        for index, row in enumerate(rows):
            if index and rows[index - 1]["revenue"] == row["revenue"]:
                row["rank"] = rows[index - 1]["rank"]
            else:
                row["rank"] = index + 1
        top = [row for row in rows if row["revenue"] > 0][:TOP]
        if top:
            await _trend(top, period)
        return rows

    def chart(self, rows: list[Row]) -> Chart | None:
        drawn = [row for row in rows if "trend" in row]
        if not drawn:
            return None
        labels = list(drawn[0]["trend"])
        series: dict[str, list[float]] = {}
        for row in drawn:
            name = (
                row["name"]
                if row["name"] not in series
                else f"{row['name']} #{row['employee_id']}"
            )
            series[name] = [float(value) for value in row["trend"].values()]
        return Chart("line", labels, series, gettext(N_("Revenue")))

    def notes(self) -> list[str]:
        return [
            N_(
                "These are the figures the piece-rate payroll will use: orders, revenue and "
                "margin by the order's manager, requests by who took them, quotes by who sent "
                "them, tasks by their due date."
            )
        ]


async def _trend(top: list[Row], period: Period) -> None:
    """Each row's revenue per calendar month of the period, as row["trend"] (month: money)."""
    months = period.months()
    bounds = {f"m{i}": month.utc_end for i, month in enumerate(months[:-1])}
    which = " ".join(f"WHEN o.created_at < :m{i} THEN {i}" for i in range(len(months) - 1))
    bucket = f"CASE {which} ELSE {len(months) - 1} END" if which else "0"
    found = await fetch(
        f"SELECT k, m, {cents('price')} AS revenue FROM ("
        f"SELECT o.manager_id AS k, {bucket} AS m, o.price AS price FROM sales_order o "
        "WHERE o.cancelled_at IS NULL AND o.created_at >= :start AND o.created_at < :end"
        + in_ids("o.manager_id", [row["employee_id"] for row in top])
        + ") AS t GROUP BY k, m",
        start=period.utc_start,
        end=period.utc_end,
        **bounds,
    )
    cells = {(int(row["k"]), int(row["m"])): money(row["revenue"]) for row in found}
    labels = [month.start.strftime("%Y-%m") for month in months]
    for row in top:
        row["trend"] = {
            label: cells.get((row["employee_id"], i), Decimal("0.00"))
            for i, label in enumerate(labels)
        }


def _percent(part: Any, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(int(part or 0)) * 100 / whole).quantize(Decimal("0.1"), ROUND_HALF_UP)
