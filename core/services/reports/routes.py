"""Report 5, routes and modes: the directions clients ask for and order, what they earn, how
long delivery takes against the promise, and how the transport modes share the work.

A direction is origin → destination by city: the location's name when the request named a
place from the list, else the text the client typed, with the location's country beside it
(none for typed text). Requests and orders count by when they were made; transit counts
the shipments delivered in the period. The chart is each mode's share of the legs of the
shipments created in each month, the months cut in SQL by their bounds in the company's
time zone (worked out in Python, so a daylight-saving change is no matter).

A head of sales sees the directions of their team's requests and orders.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from typing import Any, ClassVar

from babel.core import Locale
from babel.dates import format_skeleton

from core.i18n import N_, current_locale, gettext
from core.models import Role
from core.services.quote_text import MODE_LABELS
from core.services.reports.base import Chart, Column, Kind, Report, Row, Scope, register
from core.services.reports.directions import grouped
from core.services.reports.marketing import Label
from core.services.reports.period import Period
from core.services.reports.sql import cents, fetch, in_ids, money, seconds_between

A, D, H = Role.ADMIN, Role.DIRECTOR, Role.HEAD_OF_SALES
HANDLER = "COALESCE(r.taken_by_id, r.manager_id)"
UNKNOWN_PLACE = Label(N_("unknown"))
# The records behind a direction's figures (the lists match a direction as it is grouped
# here: core/services/directions.py); a typed end without a country has "" for it.
# A direction with an unknown end (nothing typed) has no link: a list cannot ask for a blank.
_DIRECTION = "origin={o_city}&origin_country={oc}&destination={d_city}&destination_country={dc}"
REQUESTS = "/admin/pipeline?" + _DIRECTION + "&from={start}&to={last}"
# Orders are shipments made the same moment (an accepted order is a shipment).
ORDERS = "/admin/shipments?" + _DIRECTION + "&from={start}&to={last}"
DELIVERIES = "/admin/shipments?" + _DIRECTION + "&delivered_from={start}&delivered_to={last}"


class RouteRows(list):  # type: ignore[type-arg]
    """The directions, carrying the month-by-mode leg counts the chart is drawn from."""

    months: list[str]
    modes: dict[str, list[int]]


@register
class RoutesReport(Report):
    key = "routes"
    title = N_("Routes and modes")
    question = N_(
        "Which directions are asked for and ordered most, what do they earn, how fast do we "
        "deliver against the promise, and by which modes?"
    )
    roles = frozenset({A, D, H})
    row_key = "key"
    number = 5
    per_person = True  # a head of sales sees their team's directions
    columns: ClassVar[list[Column]] = [
        Column("origin", N_("From"), Kind.TEXT, drill=REQUESTS),
        Column("origin_country", N_("From country"), Kind.TEXT, drill=REQUESTS),
        Column("destination", N_("To"), Kind.TEXT, drill=REQUESTS),
        Column("destination_country", N_("To country"), Kind.TEXT, drill=REQUESTS),
        Column("requests", N_("Requests"), Kind.COUNT, drill=REQUESTS),
        Column("orders", N_("Orders"), Kind.COUNT, drill=ORDERS),
        Column("revenue", N_("Revenue"), Kind.MONEY, drill=ORDERS),
        Column("margin", N_("Margin"), Kind.MONEY, drill=ORDERS),
        Column("delivered", N_("Delivered"), Kind.COUNT, drill=DELIVERIES),
        Column(
            "transit_hours",
            N_("Average transit, h"),
            Kind.HOURS,
            drill=DELIVERIES,
            lower_is_better=True,
        ),
        Column("promised_hours", N_("Average promised transit, h"), Kind.HOURS, drill=DELIVERIES),
    ]

    async def rows(self, scope: Scope, period: Period) -> list[Row]:
        ids = scope.employee_ids
        bounds = {"start": period.utc_start, "end": period.utc_end}
        figures: dict[tuple[str, str, str, str], dict[str, Any]] = defaultdict(dict)

        def put(rows: list[dict[str, Any]], **names: str) -> None:
            for row in rows:
                found = figures[(row["ok"] or "", row["oc"], row["dk"] or "", row["dc"])]
                found.setdefault("origin", row["origin"])
                found.setdefault("destination", row["destination"])
                for target, source in names.items():
                    found[target] = row[source]

        requests, orders, delivered, (months, modes) = await asyncio.gather(
            fetch(
                grouped(
                    "quote_request r",
                    "r.created_at >= :start AND r.created_at < :end" + in_ids(HANDLER, ids),
                    {"n": "COUNT(*)"},
                    {"n": "SUM(g.n)"},
                ),
                **bounds,
            ),
            fetch(
                grouped(
                    "sales_order o JOIN quote_request r ON r.id = o.request_id",
                    "o.cancelled_at IS NULL AND o.created_at >= :start AND o.created_at < :end"
                    + in_ids("o.manager_id", ids),
                    {
                        "n": "COUNT(*)",
                        "revenue": cents("o.price"),
                        "margin": cents("o.price - o.cost"),
                    },
                    {"n": "SUM(g.n)", "revenue": "SUM(g.revenue)", "margin": "SUM(g.margin)"},
                ),
                **bounds,
            ),
            fetch(
                grouped(
                    "shipment s JOIN sales_order o ON o.id = s.order_id "
                    "JOIN quote_request r ON r.id = o.request_id",
                    "s.delivered_at >= :start AND s.delivered_at < :end"
                    + in_ids("o.manager_id", ids),
                    {
                        "n": "COUNT(*)",
                        "transit": f"SUM({seconds_between('s.delivered_at', 's.created_at')})",
                        "promised": f"SUM({seconds_between('s.promised_at', 's.created_at')})",
                        "promised_n": "COUNT(s.promised_at)",
                    },
                    {
                        "n": "SUM(g.n)",
                        "transit": "SUM(g.transit)",
                        "promised": "SUM(g.promised)",
                        "promised_n": "SUM(g.promised_n)",
                    },
                ),
                **bounds,
            ),
            _mode_legs(period, ids),
        )
        put(requests, requests="n")
        put(orders, orders="n", revenue="revenue", margin="margin")
        for row in delivered:  # averages from the sums of each group
            row["transit"] = _mean(row["transit"], row["n"])
            row["promised"] = _mean(row["promised"], row["promised_n"])
        put(delivered, delivered="n", transit="transit", promised="promised")
        rows = RouteRows(
            {
                "key": "\t".join(key),
                "origin": found["origin"] or UNKNOWN_PLACE,
                "origin_country": key[1] or None,
                "destination": found["destination"] or UNKNOWN_PLACE,
                "destination_country": key[3] or None,
                "oc": key[1],
                "dc": key[3],
                "o_city": found["origin"] or None,
                "d_city": found["destination"] or None,
                "requests": int(found.get("requests") or 0),
                "orders": int(found.get("orders") or 0),
                "revenue": money(found.get("revenue")),
                "margin": money(found.get("margin")),
                "delivered": int(found.get("delivered") or 0),
                "transit_hours": _hours(found.get("transit")),
                "promised_hours": _hours(found.get("promised")),
            }
            for key, found in figures.items()
        )
        rows.sort(
            key=lambda r: (
                -r["requests"],
                -r["orders"],
                -r["revenue"],
                str(r["origin"]).casefold(),
                str(r["destination"]).casefold(),
            )
        )
        rows.months, rows.modes = months, modes
        return rows

    def chart(self, rows: list[Row]) -> Chart | None:
        modes: dict[str, list[int]] = getattr(rows, "modes", {})
        if not modes:
            return None
        months: list[str] = rows.months  # type: ignore[attr-defined]
        totals = [sum(legs[i] for legs in modes.values()) for i in range(len(months))]
        ordered = sorted(
            modes, key=lambda m: (list(MODE_LABELS).index(m) if m in MODE_LABELS else 99, m)
        )
        return Chart(
            "stacked",
            months,
            {
                gettext(MODE_LABELS[mode]) if mode in MODE_LABELS else mode: [
                    round(100 * n / total, 1) if total else 0.0
                    for n, total in zip(modes[mode], totals, strict=True)
                ]
                for mode in ordered
            },
            y_label=gettext(N_("Share of legs, %")),
        )

    def notes(self) -> list[str]:
        return [
            N_(
                "A direction is by city as the request named it: a place from the list, or "
                "the text the client typed (then without a country)."
            ),
            N_(
                "Transit: shipments delivered in the period, from booking to delivery, against "
                "the transit promised in the quote."
            ),
            N_(
                "The chart: each transport mode's share of the legs of the shipments created "
                "in each month."
            ),
        ]


async def _mode_legs(
    period: Period, ids: list[int] | None
) -> tuple[list[str], dict[str, list[int]]]:
    """Legs per mode per month of the period; months cut by a CASE on their UTC bounds."""
    months = period.months()
    params: dict[str, Any] = {"start": period.utc_start, "end": period.utc_end}
    whens = []
    for index, month in enumerate(months):
        params[f"b{index}"] = month.utc_end
        whens.append(f"WHEN s.created_at < :b{index} THEN {index}")
    scoped = (
        " JOIN sales_order o ON o.id = s.order_id" + in_ids("o.manager_id", ids)
        if ids is not None
        else ""
    )
    counted = await fetch(
        f"SELECT CASE {' '.join(whens)} END AS i, l.mode AS mode, COUNT(*) AS n "
        f"FROM shipment s JOIN shipment_leg l ON l.shipment_id = s.id{scoped} "
        "WHERE s.created_at >= :start AND s.created_at < :end GROUP BY 1, 2",
        **params,
    )
    modes: dict[str, list[int]] = {}
    for row in counted:
        modes.setdefault(row["mode"], [0] * len(months))[int(row["i"])] += int(row["n"])
    locale = Locale.parse(current_locale())
    labels = [format_skeleton("yMMM", month.start, locale=locale) for month in months]
    return labels, modes


def _mean(total: Any, count: Any) -> float | None:
    return None if total is None or not count else float(total) / float(count)


def _hours(seconds: Any) -> float | None:
    return None if seconds is None else round(float(seconds) / 3600, 1)
