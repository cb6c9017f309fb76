"""Report 1, managers' work: what each manager did in the period, from the rows their work
wrote (docs/workspace.md, "Measures kept for the reports")."""

from __future__ import annotations

import asyncio
from collections import defaultdict
from typing import Any, ClassVar

from core.i18n import N_, gettext
from core.models import RefusalReason, Role
from core.services.reports.base import Chart, Column, Kind, Report, Row, Scope, register
from core.services.reports.period import Period
from core.services.reports.sql import (
    cents,
    employee_names_sql,
    fetch,
    in_ids,
    median_by,
    money,
    seconds_between,
    true,
)

A, D, H, M = Role.ADMIN, Role.DIRECTOR, Role.HEAD_OF_SALES, Role.MANAGER
HANDLER = "COALESCE(r.taken_by_id, r.manager_id)"
REASON_LABELS = {
    RefusalReason.TOO_EXPENSIVE: N_("too expensive"),
    RefusalReason.TOO_SLOW: N_("too slow"),
    RefusalReason.JUST_CHECKING: N_("just checking prices"),
    RefusalReason.OTHER: N_("other"),
}
PIPELINE = "/admin/pipeline?manager={employee_id}&from={start}&to={last}"
# Orders are shipments made the same moment (an accepted order is a shipment).
ORDERS = "/admin/shipments?manager={employee_id}&from={start}&to={last}"
TASKS = "/admin/tasks?person={employee_id}&due_from={start}&due_to={last}"


@register
class ManagersReport(Report):
    key = "managers"
    title = N_("Managers' work")
    question = N_("Who brought in and served clients, how fast, and with what result?")
    roles = frozenset({A, D, H, M})
    row_key = "employee_id"
    per_person = True
    number = 1
    columns: ClassVar[list[Column]] = [
        Column("name", N_("Manager"), Kind.TEXT),
        Column(
            "new_clients",
            N_("New clients"),
            Kind.COUNT,
            drill="/admin/clients?manager_id={employee_id}&created_after={start}"
            "&created_before={end}",
        ),
        Column("requests", N_("Requests handled"), Kind.COUNT, drill=PIPELINE),
        Column(
            "take_hours",
            N_("Median time to take, h"),
            Kind.HOURS,
            drill=PIPELINE,
            lower_is_better=True,
        ),
        Column(
            "quote_hours",
            N_("Median time to first quote, h"),
            Kind.HOURS,
            drill=PIPELINE,
            lower_is_better=True,
        ),
        Column("quotes", N_("Quotes sent"), Kind.COUNT, drill=PIPELINE),
        Column("reminders", N_("Reminders about open quotes"), Kind.COUNT, drill=PIPELINE),
        Column("orders", N_("Orders"), Kind.COUNT, drill=ORDERS),
        Column("refusals", N_("Refusals"), Kind.COUNT, drill=PIPELINE, lower_is_better=True),
        Column("refusal_reasons", N_("Refusal reasons"), Kind.TEXT, drill=PIPELINE),
        Column("revenue", N_("Revenue"), Kind.MONEY, drill=ORDERS),
        Column("margin", N_("Margin"), Kind.MONEY, drill=ORDERS),
        Column("tasks", N_("Tasks planned"), Kind.COUNT, drill=TASKS),
        Column("tasks_done", N_("Tasks done"), Kind.COUNT, drill=TASKS),
        Column("tasks_late", N_("Done late"), Kind.COUNT, drill=TASKS, lower_is_better=True),
        Column("quality", N_("Average quality"), Kind.NUMBER, drill=TASKS),
        Column(
            "reply_minutes",
            N_("Median first reply in chats, min"),
            Kind.NUMBER,
            # The person's activity log lists the live chats they took.
            drill="/admin/staff/{employee_id}/activity",
            lower_is_better=True,
        ),
    ]

    async def rows(self, scope: Scope, period: Period) -> list[Row]:
        ids = scope.employee_ids
        bounds = {"start": period.utc_start, "end": period.utc_end}
        figures: dict[int, dict[str, Any]] = defaultdict(dict)

        def put(rows: list[dict[str, Any]], **names: str) -> None:
            for row in rows:
                if row["k"] is None:
                    continue
                for target, source in names.items():
                    figures[int(row["k"])][target] = row[source]

        take = (
            f"SELECT r.taken_by_id AS k, {seconds_between('r.taken_at', 'r.created_at')} AS v "
            "FROM quote_request r WHERE r.taken_at >= :start AND r.taken_at < :end"
            + in_ids("r.taken_by_id", ids)
        )
        first_quote = (
            f"SELECT {HANDLER} AS k, "
            f"{seconds_between('MIN(q.sent_at)', 'r.created_at')} AS v "
            "FROM quote_request r JOIN quote q ON q.request_id = r.id "
            "WHERE q.sent_at IS NOT NULL AND r.created_at >= :start AND r.created_at < :end"
            + in_ids(HANDLER, ids)
            + " GROUP BY r.id, r.created_at, r.taken_by_id, r.manager_id"
        )
        reply = (
            "SELECT manager_id AS k, "
            f"{seconds_between('first_reply_at', 'started_at')} AS v FROM relay_session "
            "WHERE first_reply_at IS NOT NULL AND started_at >= :start AND started_at < :end"
            + in_ids("manager_id", ids)
        )
        # Each statement with the figures it gives: (figure, column) pairs.
        statements: list[tuple[str, dict[str, str]]] = [
            (
                "SELECT manager_id AS k, COUNT(*) AS n FROM client "
                "WHERE created_at >= :start AND created_at < :end"
                + in_ids("manager_id", ids)
                + " GROUP BY manager_id",
                {"new_clients": "n"},
            ),
            (
                f"SELECT {HANDLER} AS k, COUNT(*) AS n FROM quote_request r "
                "WHERE r.created_at >= :start AND r.created_at < :end"
                + in_ids(HANDLER, ids)
                + f" GROUP BY {HANDLER}",
                {"requests": "n"},
            ),
            (median_by(take), {"take_hours": "median"}),
            (median_by(first_quote), {"quote_hours": "median"}),
            (
                f"SELECT COALESCE(q.created_by_id, {HANDLER}) AS k, COUNT(*) AS n "
                "FROM quote q JOIN quote_request r ON r.id = q.request_id "
                "WHERE q.sent_at >= :start AND q.sent_at < :end"
                + in_ids(f"COALESCE(q.created_by_id, {HANDLER})", ids)
                + f" GROUP BY COALESCE(q.created_by_id, {HANDLER})",
                {"quotes": "n"},
            ),
            (
                f"SELECT {HANDLER} AS k, COUNT(*) AS n FROM quote_reminder m "
                "JOIN quote q ON q.id = m.quote_id JOIN quote_request r ON r.id = q.request_id "
                "WHERE m.recipient = 'client' AND "
                + true("m.delivered")
                + " AND m.created_at >= :start AND m.created_at < :end"
                + in_ids(HANDLER, ids)
                + f" GROUP BY {HANDLER}",
                {"reminders": "n"},
            ),
            (
                f"SELECT manager_id AS k, COUNT(*) AS n, {cents('price')} AS revenue, "
                f"{cents('price - cost')} AS margin FROM sales_order "
                "WHERE cancelled_at IS NULL AND created_at >= :start AND created_at < :end"
                + in_ids("manager_id", ids)
                + " GROUP BY manager_id",
                {"orders": "n", "revenue": "revenue", "margin": "margin"},
            ),
            (
                "SELECT employee_id AS k, COUNT(*) AS n, COUNT(done_at) AS done, "
                "SUM(CASE WHEN " + true("late") + " THEN 1 ELSE 0 END) AS late, "
                "AVG(quality) AS quality FROM task "
                "WHERE due_at >= :start AND due_at < :end"
                + in_ids("employee_id", ids)
                + " GROUP BY employee_id",
                {"tasks": "n", "tasks_done": "done", "tasks_late": "late", "quality": "quality"},
            ),
            (median_by(reply), {"reply_minutes": "median"}),
        ]
        refused = (
            f"SELECT {HANDLER} AS k, r.refusal_reason AS reason, COUNT(*) AS n "
            "FROM quote_request r WHERE r.state = 'refused' "
            "AND r.state_changed_at >= :start AND r.state_changed_at < :end"
            + in_ids(HANDLER, ids)
            + f" GROUP BY {HANDLER}, r.refusal_reason"
        )
        # Independent statements, run at once: each on its own pooled connection on
        # PostgreSQL (one after another on SQLite's single connection).
        *found, refusals = await asyncio.gather(
            *(fetch(sql, **bounds) for sql, _names in statements), fetch(refused, **bounds)
        )
        for (_sql, names), rows in zip(statements, found, strict=True):
            put(rows, **names)
        reasons: dict[int, list[tuple[str, int]]] = defaultdict(list)
        for row in refusals:
            if row["k"] is None:
                continue
            figures[int(row["k"])]["refusals"] = (
                figures[int(row["k"])].get("refusals", 0) + row["n"]
            )
            reasons[int(row["k"])].append((row["reason"] or RefusalReason.OTHER, row["n"]))

        names = await employee_names_sql(set(figures))
        rows = []
        for employee_id, found in figures.items():
            rows.append(
                {
                    "employee_id": employee_id,
                    "name": names.get(employee_id, f"#{employee_id}"),
                    "new_clients": int(found.get("new_clients") or 0),
                    "requests": int(found.get("requests") or 0),
                    "take_hours": _hours(found.get("take_hours")),
                    "quote_hours": _hours(found.get("quote_hours")),
                    "quotes": int(found.get("quotes") or 0),
                    "reminders": int(found.get("reminders") or 0),
                    "orders": int(found.get("orders") or 0),
                    "refusals": int(found.get("refusals") or 0),
                    "refusal_reasons": _reasons(reasons.get(employee_id, [])),
                    "revenue": money(found.get("revenue")),
                    "margin": money(found.get("margin")),
                    "tasks": int(found.get("tasks") or 0),
                    "tasks_done": int(found.get("tasks_done") or 0),
                    "tasks_late": int(found.get("tasks_late") or 0),
                    "quality": _rounded(found.get("quality")),
                    "reply_minutes": _rounded(
                        found["reply_minutes"] / 60
                        if found.get("reply_minutes") is not None
                        else None
                    ),
                }
            )
        rows.sort(key=lambda r: (-r["revenue"], -r["orders"], r["name"]))
        return rows

    def chart(self, rows: list[Row]) -> Chart | None:
        return Chart(
            "bar",
            [row["name"] for row in rows],
            {
                gettext(N_("Revenue")): [float(row["revenue"]) for row in rows],
                gettext(N_("Margin")): [float(row["margin"]) for row in rows],
            },
        )


def _hours(seconds: Any) -> float | None:
    return None if seconds is None else round(float(seconds) / 3600, 1)


def _rounded(value: Any) -> float | None:
    return None if value is None else round(float(value), 1)


def _reasons(counted: list[tuple[str, int]]) -> Any:
    """Kept as (reason, count) pairs; shown translated as "too expensive 3, too slow 1"."""
    return ReasonList(sorted(counted, key=lambda pair: -pair[1]))


class ReasonList(list):  # type: ignore[type-arg]
    """Refusal reasons with counts, rendered in the reader's language when shown."""

    def __str__(self) -> str:
        return ", ".join(
            f"{gettext(REASON_LABELS.get(RefusalReason(reason), reason))} {n}"
            for reason, n in self
        )
