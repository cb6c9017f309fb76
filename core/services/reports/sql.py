"""Report queries in plain SQL that both databases run, with the few differences in one place.

Every figure is aggregated by the database (GROUP BY, window functions); Python only
names and formats what comes back. Queries are written with `:name` parameters.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

from tortoise import connections

_PARAM = re.compile(r"(?<!:):([a-z_][a-z0-9_]*)")


def is_postgres() -> bool:
    return connections.get("default").capabilities.dialect == "postgres"


def _bind(sql: str, params: dict[str, Any]) -> tuple[str, list[Any]]:
    postgres = is_postgres()
    values: list[Any] = []
    positions: dict[str, int] = {}

    def place(match: re.Match[str]) -> str:
        name = match.group(1)
        value = params[name]
        if postgres:
            if name not in positions:
                values.append(value)
                positions[name] = len(values)
            return f"${positions[name]}"
        if isinstance(value, dt.datetime):
            # Tortoise keeps SQLite times as text in this form, so they compare as text.
            value = value.astimezone(dt.UTC).isoformat(" ")
        values.append(value)
        return "?"

    return _PARAM.sub(place, sql), values


async def fetch(sql: str, **params: Any) -> list[dict[str, Any]]:
    """Rows as dicts; `:name` placeholders filled from `params`."""
    text, values = _bind(sql, params)
    _, rows = await connections.get("default").execute_query(text, values)
    return [dict(row) for row in rows]


def seconds_between(later: str, earlier: str) -> str:
    """An SQL expression: seconds from `earlier` to `later` (two timestamp columns)."""
    if is_postgres():
        return f"EXTRACT(EPOCH FROM ({later} - {earlier}))"
    return f"((julianday({later}) - julianday({earlier})) * 86400.0)"


def cents(column: str) -> str:
    """An SQL aggregate: the exact sum of a money column in cents (SQLite keeps decimals as
    text and would otherwise add them as floats)."""
    if is_postgres():
        return f"ROUND(SUM({column}) * 100)"
    return f"SUM(CAST(ROUND(({column}) * 100) AS INTEGER))"


def money(value: Any) -> Decimal:
    """Cents from `cents()` back to money."""
    return (Decimal(int(value or 0)) / 100).quantize(Decimal("0.01"))


def true(column: str) -> str:
    """A boolean column as a condition on both databases."""
    return f"{column} = TRUE" if is_postgres() else f"{column} = 1"


def in_ids(column: str, ids: list[int] | None) -> str:
    """`AND column IN (…)` for a scope, or nothing for everyone. Ids are ints, never text."""
    if ids is None:
        return ""
    if not ids:
        return " AND 1 = 0"
    return f" AND {column} IN ({', '.join(str(int(i)) for i in ids)})"


def median_by(source_sql: str) -> str:
    """The median of `v` per `k` over a query that selects `k` and `v`.

    PostgreSQL's percentile_cont (the mean of the two middle values, as below, measured
    1.7 times faster); SQLite has none, so window functions there.
    """
    if is_postgres():
        return (
            "SELECT k, percentile_cont(0.5) WITHIN GROUP (ORDER BY v) AS median "
            f"FROM ({source_sql}) AS src GROUP BY k"
        )
    return (
        f"SELECT k, AVG(v) AS median FROM ("
        f"SELECT k, v, ROW_NUMBER() OVER (PARTITION BY k ORDER BY v) AS rn, "
        f"COUNT(*) OVER (PARTITION BY k) AS n FROM ({source_sql}) AS src) AS ranked "
        f"WHERE rn IN ((n + 1) / 2, (n + 2) / 2) GROUP BY k"
    )


async def employee_names_sql(ids: set[int]) -> dict[int, str]:
    """Names of the employees in a report's rows, in one query."""
    if not ids:
        return {}
    rows = await fetch(
        f"SELECT id, name FROM employee WHERE id IN ({', '.join(str(int(i)) for i in ids)})"
    )
    return {int(row["id"]): row["name"] for row in rows}
