"""Report 7, company overview: revenue, cost and margin by month, orders by status, late
shipments, and what moved revenue against the period before (the largest changes by
manager, client, route and carrier).

One table of several kinds of rows, told apart by the `section` column; each row's key is
"section:key". Every figure is grouped by the database: months by their bounds in the
company's zone (a CASE over the months' UTC edges, the same on both databases), the changes
by one query per dimension over both periods that also ranks and cuts to the top three.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any, ClassVar
from urllib.parse import urlencode

from babel.dates import format_date

from core.i18n import N_, current_locale, format_money, gettext
from core.models import RequestState, Role, ShipmentStatus
from core.services.carrier_scoring import percent
from core.services.company import current_company
from core.services.pipeline import STATE_LABELS
from core.services.reports.base import Chart, Column, Kind, Report, Row, Scope, register
from core.services.reports.directions import grouped
from core.services.reports.period import Period
from core.services.reports.sql import cents, employee_names_sql, fetch, money
from core.services.shipment_status import STATUS_LABELS

A, D = Role.ADMIN, Role.DIRECTOR
TOP = 3
LIVE_ORDERS = "o.cancelled_at IS NULL"
IN_PERIOD = "o.created_at >= :start AND o.created_at < :end"


class Phrase:
    """A cell's text in the reader's language when shown: a message id and its parameters
    (values, or zero-argument callables rendered then)."""

    __slots__ = ("msgid", "params")

    def __init__(self, msgid: str, **params: Any) -> None:
        self.msgid, self.params = msgid, params

    def __str__(self) -> str:
        return gettext(self.msgid, **self.params)

    def __repr__(self) -> str:
        return f"Phrase({self.msgid!r})"


class MonthName:
    """A month as the reader writes it ("November 2026")."""

    __slots__ = ("first",)

    def __init__(self, first: dt.date) -> None:
        self.first = first

    def __str__(self) -> str:
        return format_date(self.first, "LLLL y", locale=current_locale())


SECTIONS = {
    "month": N_("By month"),
    "status": N_("Orders by status"),
    "late": N_("Late shipments"),
    "factor": N_("What moved revenue"),
}
LATE_LABELS = {
    "late": N_("Late shipments, all"),
    "delivered_late": N_("Delivered after the promised time"),
    "overdue": N_("Not delivered by the period end, past the ETA or promised time"),
}
# "manager: Tunde +₦40,000.00": the dimension, the name and the change in revenue.
FACTOR_LABELS = {
    "manager": N_("manager: {name} {change}"),
    "client": N_("client: {name} {change}"),
    "route": N_("route: {name} {change}"),
    "carrier": N_("carrier: {name} {change}"),
}
NO_MANAGER = N_("no manager")
STATUS_NAMES: dict[str, str] = {
    **{state.value: label for state, label in STATE_LABELS.items()},
    **{status.value: label for status, label in STATUS_LABELS.items()},
}
# Statuses in the order an order goes through them, the ways out last.
STATUS_ORDER = {
    key.value: index
    for index, key in enumerate(
        [
            RequestState.ORDERED,
            ShipmentStatus.BOOKED,
            ShipmentStatus.PICKED_UP,
            ShipmentStatus.IN_TRANSIT,
            ShipmentStatus.AT_TERMINAL,
            ShipmentStatus.OUT_FOR_DELIVERY,
            ShipmentStatus.DELAYED,
            ShipmentStatus.DELIVERED,
            ShipmentStatus.DAMAGED,
            ShipmentStatus.LOST,
            ShipmentStatus.RETURNED,
            RequestState.REFUSED,
            RequestState.EXPIRED,
        ]
    )
}


@register
class OverviewReport(Report):
    key = "overview"
    title = N_("Company overview")
    question = N_("How did revenue, cost and margin go, and what moved them?")
    roles = frozenset({A, D})
    row_key = "key"
    number = 7
    columns: ClassVar[list[Column]] = [
        Column("section", N_("Section"), Kind.TEXT),
        # Each row may carry its own link (a manager's report, a client, a carrier's
        # shipments) in "drill".
        Column("item", N_("Item"), Kind.TEXT, drill="{drill}"),
        Column("count", N_("Count"), Kind.COUNT),
        Column("share", N_("Share"), Kind.PERCENT),
        Column("revenue", N_("Revenue"), Kind.MONEY),
        Column("cost", N_("Cost"), Kind.MONEY),
        Column("margin", N_("Margin"), Kind.MONEY),
        Column("revenue_before", N_("Revenue, period before"), Kind.MONEY),
        Column("revenue_change", N_("Change in revenue"), Kind.MONEY),
        Column("factor", N_("What moved the figures"), Kind.TEXT),
    ]

    async def rows(self, scope: Scope, period: Period) -> list[Row]:
        # Company-wide: only roles that see everything may ask, so the scope is not applied.
        # Independent statements, run at once (each on its own pooled connection on
        # PostgreSQL); the factors are dropped when the period has no figures.
        months, statuses, late, company, factors = await asyncio.gather(
            _months(period),
            _statuses(period),
            _late(period),
            current_company(),
            _factors(period, period.previous()),
        )
        rows = months + statuses + late
        if not rows:  # nothing ordered or shipped in the period: no figures, no factors
            return []
        return rows + _factor_rows(period, factors, company.currency)

    def chart(self, rows: list[Row]) -> Chart | None:
        months = [row for row in rows if row["key"].startswith("month:")]
        if not months:
            return None
        return Chart(
            "bar",
            [str(row["item"]) for row in months],
            {
                gettext(N_("Revenue")): [float(row["revenue"]) for row in months],
                gettext(N_("Cost")): [float(row["cost"]) for row in months],
            },
        )

    def notes(self) -> list[str]:
        return [
            N_(
                "Revenue, cost and margin: orders made in the period, without cancelled ones; "
                "margin counts the orders whose cost is known."
            ),
            N_(
                "Orders by status: the shipment's status, or the request's before a shipment "
                "is made. Late shipments: of the shipments made in the period."
            ),
            N_(
                "What moved revenue: the three largest changes against the period before, by "
                "manager, client, route and carrier (the price of its legs)."
            ),
        ]


def _section(key: str) -> Phrase:
    return Phrase(SECTIONS[key])


async def _months(period: Period) -> list[Row]:
    """Revenue, cost and margin of each calendar month of the period, in the company's zone."""
    months = period.months()
    edges = {f"m{i}": month.utc_end for i, month in enumerate(months)}
    which = "CASE " + " ".join(f"WHEN o.created_at < :m{i} THEN {i}" for i in range(len(months)))
    found = {
        int(row["k"]): row
        for row in await fetch(
            f"SELECT k, COUNT(*) AS n, {cents('price')} AS revenue, {cents('cost')} AS cost, "
            f"{cents('price - cost')} AS margin FROM (SELECT {which} END AS k, o.price, o.cost "
            f"FROM sales_order o WHERE {LIVE_ORDERS} AND {IN_PERIOD}) AS t GROUP BY k",
            start=period.utc_start,
            end=period.utc_end,
            **edges,
        )
    }
    if not found:
        return []
    rows = []
    for index, month in enumerate(months):  # months without orders show as zero between
        row = found.get(index, {})
        rows.append(
            {
                "key": f"month:{month.start:%Y-%m}",
                "section": _section("month"),
                "item": MonthName(month.start),
                # Orders are shipments made the same moment (an accepted order is one).
                "drill": _days("/admin/shipments", month),
                "count": int(row.get("n") or 0),
                "revenue": money(row.get("revenue")),
                "cost": money(row.get("cost")),
                "margin": money(row.get("margin")),
            }
        )
    return rows


async def _statuses(period: Period) -> list[Row]:
    """Orders made in the period by where they are: the shipment's status, else the
    request's state; a cancelled order counts as refused."""
    bounds = {"start": period.utc_start, "end": period.utc_end}
    found = await fetch(
        "SELECT k, COUNT(*) AS n FROM (SELECT CASE WHEN o.cancelled_at IS NOT NULL "
        f"THEN '{RequestState.REFUSED.value}' ELSE COALESCE(s.status, r.state) END AS k "
        "FROM sales_order o JOIN quote_request r ON r.id = o.request_id "
        f"LEFT JOIN shipment s ON s.order_id = o.id WHERE {IN_PERIOD}) AS t GROUP BY k",
        **bounds,
    )
    total = sum(int(row["n"]) for row in found)
    rows = [
        {
            "key": f"status:{row['k']}",
            "section": _section("status"),
            "item": Phrase(STATUS_NAMES.get(str(row["k"]), str(row["k"]))),
            "count": int(row["n"]),
            "share": percent(int(row["n"]), total),
            # A shipment's status opens the shipments in it, a request's state the board.
            "drill": _days("/admin/shipments", period, status=str(row["k"]))
            if str(row["k"]) in ShipmentStatus._value2member_map_
            else _days("/admin/pipeline", period),
        }
        for row in found
    ]
    rows.sort(key=lambda r: STATUS_ORDER.get(r["key"].split(":", 1)[1], len(STATUS_ORDER)))
    return rows


async def _late(period: Period) -> list[Row]:
    """Of the shipments made in the period: delivered late (within the period), and not
    delivered by its end though the ETA or the promised time had passed."""
    bounds = {"start": period.utc_start, "end": period.utc_end}
    delivered_late = "s.delivered_at < :end AND s.delivered_at > s.promised_at"
    overdue = (
        "(s.delivered_at IS NULL OR s.delivered_at >= :end) "
        "AND (s.eta < :end OR s.promised_at < :end)"
    )
    found = await fetch(
        "SELECT COUNT(*) AS shipments, "
        f"SUM(CASE WHEN {delivered_late} THEN 1 ELSE 0 END) AS delivered_late, "
        f"SUM(CASE WHEN {overdue} THEN 1 ELSE 0 END) AS overdue "
        "FROM shipment s WHERE s.created_at >= :start AND s.created_at < :end",
        **bounds,
    )
    shipments = int(found[0]["shipments"] or 0) if found else 0
    if not shipments:
        return []
    counts = {
        "delivered_late": int(found[0]["delivered_late"] or 0),
        "overdue": int(found[0]["overdue"] or 0),
    }
    counts = {"late": counts["delivered_late"] + counts["overdue"], **counts}
    return [
        {
            "key": f"late:{kind}",
            "section": _section("late"),
            "item": Phrase(LATE_LABELS[kind]),
            "count": count,
            "share": percent(count, shipments),
            # The list's "late" is late now; the delivered late are among the period's.
            "drill": _days("/admin/shipments", period, late="yes")
            if kind != "delivered_late"
            else _days("/admin/shipments", period),
        }
        for kind, count in counts.items()
    ]


def _changes(key: str, price: str, source: str, where: str) -> str:
    """Revenue per key in both periods, the keys that changed most first, the top three."""
    now = cents(f"CASE WHEN o.created_at >= :start THEN {price} END")
    before = cents(f"CASE WHEN o.created_at < :start THEN {price} END")
    change = "COALESCE(now_c, 0) - COALESCE(before_c, 0)"
    return (
        f"SELECT k, now_c, before_c FROM (SELECT {key} AS k, {now} AS now_c, "
        f"{before} AS before_c FROM {source} WHERE {where}{LIVE_ORDERS} "
        f"AND o.created_at >= :before AND o.created_at < :end GROUP BY {key}) AS t "
        f"WHERE {change} <> 0 ORDER BY ABS({change}) DESC, k LIMIT {TOP}"
    )


# Each dimension: its name, the key it groups by, the price it adds up, where from, and
# what else the rows must meet. Routes are grouped as the routes report groups directions.
DIMENSIONS: list[tuple[str, str, str, str, str]] = [
    ("manager", "o.manager_id", "o.price", "sales_order o", ""),
    ("client", "o.client_id", "o.price", "sales_order o", ""),
    (
        "carrier",
        "l.carrier_id",
        "l.price",
        "shipment_leg l JOIN shipment s ON s.id = l.shipment_id "
        "JOIN sales_order o ON o.id = s.order_id",
        "l.carrier_id IS NOT NULL AND ",
    ),
]


def _route_changes() -> str:
    """Revenue per direction in both periods, the top three changes (as `_changes`)."""
    now = cents("CASE WHEN o.created_at >= :start THEN o.price END")
    before = cents("CASE WHEN o.created_at < :start THEN o.price END")
    change = "COALESCE(now_c, 0) - COALESCE(before_c, 0)"
    directions = grouped(
        "sales_order o JOIN quote_request r ON r.id = o.request_id",
        f"{LIVE_ORDERS} AND o.created_at >= :before AND o.created_at < :end",
        {"now_c": now, "before_c": before},
        {"now_c": "SUM(g.now_c)", "before_c": "SUM(g.before_c)"},
    )
    return (
        f"SELECT ok, oc, dk, dc, origin, destination, now_c, before_c FROM ({directions}) AS t "
        f"WHERE {change} <> 0 ORDER BY ABS({change}) DESC, ok, oc, dk, dc LIMIT {TOP}"
    )


async def _factors(period: Period, previous: Period) -> dict[str, list[dict[str, Any]]]:
    """The top changes per dimension, with the names of the managers, clients and
    carriers among them (all statements at once)."""
    bounds = {"before": previous.utc_start, "start": period.utc_start, "end": period.utc_end}
    *found, routes = await asyncio.gather(
        *(
            fetch(_changes(key, price, source, where), **bounds)
            for _d, key, price, source, where in DIMENSIONS
        ),
        fetch(_route_changes(), **bounds),
    )
    changes = {dimension: rows for (dimension, *_how), rows in zip(DIMENSIONS, found, strict=True)}
    for row in routes:
        # Keyed by the whole direction: a listed Lagos (NG) and a typed "Lagos" are two.
        row["k"] = "\t".join(str(row[part] or "") for part in ("ok", "oc", "dk", "dc"))
        row["name"] = f"{_end(row['origin'], row['oc'])} → {_end(row['destination'], row['dc'])}"
    changes["route"] = routes
    managers, clients, carriers = await asyncio.gather(
        employee_names_sql(_ids(changes["manager"])),
        _names("client", _ids(changes["client"])),
        _names("carrier", _ids(changes["carrier"])),
    )
    for dimension, names in (("manager", managers), ("client", clients), ("carrier", carriers)):
        for row in changes[dimension]:
            if row["k"] is not None:
                row["name"] = names.get(int(row["k"]), f"#{row['k']}")
    return changes


def _factor_rows(
    period: Period, changes: dict[str, list[dict[str, Any]]], currency: str
) -> list[Row]:
    days = {"from": period.start.isoformat(), "to": period.last_day.isoformat()}
    managers_report = "/admin/reports/managers?period=custom&" + urlencode(days)
    links: dict[str, Callable[[Any], str | None]] = {
        "manager": lambda row: managers_report if row["k"] is not None else None,
        "client": lambda row: f"/admin/clients/{int(row['k'])}" if row["k"] is not None else None,
        # A direction's orders: the shipments made on it in the period (an unknown end
        # cannot be asked for).
        "route": lambda row: (
            _days(
                "/admin/shipments",
                period,
                origin=row["origin"],
                origin_country=row["oc"],
                destination=row["destination"],
                destination_country=row["dc"],
            )
            if row["origin"] and row["destination"]
            else None
        ),
        "carrier": lambda row: (
            _days("/admin/shipments", period, carrier=str(int(row["k"])))
            if row["k"] is not None
            else None
        ),
    }
    rows = []
    for dimension in ("manager", "client", "route", "carrier"):
        for row in changes[dimension]:
            k = row["k"]
            now, before = money(row["now_c"]), money(row["before_c"])
            if dimension == "route":
                name: Any = row["name"]
            elif k is None:
                name = Phrase(NO_MANAGER)
            else:
                name = row["name"]
            result: Row = {
                "key": f"factor:{dimension}:{k}",
                "section": _section("factor"),
                "item": name,
                "revenue": now,
                "revenue_before": before,
                "revenue_change": now - before,
                "factor": Phrase(
                    FACTOR_LABELS[dimension],
                    name=name,
                    change=_signed(now - before, currency),
                ),
            }
            link = links[dimension](row)
            if link:
                result["drill"] = link
            rows.append(result)
    return rows


def _end(city: str | None, country: str) -> str:
    """One end of a direction as the factor names it: "Lagos (NG)", or a typed "Lagos"."""
    if not city:
        return "—"
    return f"{city} ({country})" if country else city


def _days(path: str, period: Period, **more: str) -> str:
    """A list for the local days of a period (both included), with more filters."""
    days = {"from": period.start.isoformat(), "to": period.last_day.isoformat()}
    return f"{path}?{urlencode(days | more)}"


def _signed(amount: Decimal, currency: str) -> Callable[[], str]:
    """The change as money with its sign, rendered in the reader's language when shown."""
    return lambda: ("+" if amount > 0 else "") + format_money(amount, currency)


def _ids(rows: list[dict[str, Any]]) -> set[int]:
    return {int(row["k"]) for row in rows if row["k"] is not None}


async def _names(table: str, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    rows = await fetch(
        f"SELECT id, name FROM {table} WHERE id IN ({', '.join(str(int(i)) for i in ids)})"
    )
    return {int(row["id"]): row["name"] for row in rows}
