"""Report 2, client activity: what each client asked for, bought and refused in the period,
and two signals for the manager — clients who only ask for prices, and clients who went
quiet against the period before.

One statement: each source is summed per client by its own GROUP BY (requests and orders
over this period and the one before, sent quotes, refusals by reason), the sums are joined
to the clients, and SQL decides which clients are shown and the two flags; the last contact
and "ever ordered" are index lookups for the clients shown. Python only names the figures.
"""

from __future__ import annotations

import datetime as dt
import heapq
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, ClassVar

from core.i18n import N_, gettext
from core.models import RefusalReason, Role
from core.services.reports.base import (
    Chart,
    Column,
    Kind,
    Page,
    Report,
    Row,
    Scope,
    Window,
    register,
)
from core.services.reports.managers import ReasonList
from core.services.reports.period import Period
from core.services.reports.sql import cents, fetch, in_ids, money

A, D, H, M = Role.ADMIN, Role.DIRECTOR, Role.HEAD_OF_SALES, Role.MANAGER
CLIENT = "/admin/clients/{client_id}"
TOP = 15

# :before is the start of the period before (Period.previous()), :start and :end the
# period's own bounds.
_NOW = "CASE WHEN {at} >= :start THEN 1 ELSE 0 END"
_BEFORE = "CASE WHEN {at} < :start THEN 1 ELSE 0 END"
# A request is converted when it became an order that stands: the pipeline keeps a request
# "ordered", "in transit" or "delivered" exactly while its order is not cancelled.
ORDERED_STATES = "('ordered', 'in_transit', 'delivered')"
_REQUESTS = f"""
    SELECT r.client_id AS k, SUM({_NOW.format(at="r.created_at")}) AS requests,
        SUM({_BEFORE.format(at="r.created_at")}) AS requests_before,
        SUM(CASE WHEN r.created_at >= :start AND r.state IN {ORDERED_STATES} THEN 1 ELSE 0 END)
            AS converted
    FROM quote_request r WHERE r.created_at >= :before AND r.created_at < :end
    GROUP BY r.client_id
"""
_QUOTES = """
    SELECT r.client_id AS k, COUNT(*) AS quotes
    FROM quote q JOIN quote_request r ON r.id = q.request_id
    WHERE q.sent_at >= :start AND q.sent_at < :end
    GROUP BY r.client_id
"""


# The latest contact up to the period's end, and whether the client ever ordered by then,
# are looked up for the clients shown only (interaction_client_idx, sales_order_client_idx).
def _last_contact(client_id: str) -> str:
    return (
        "(SELECT MAX(i.created_at) FROM interaction i "
        f"WHERE i.client_id = {client_id} AND i.created_at < :end)"
    )


# Activity is requests plus orders; it dropped when this period has less than half of the
# period before (nothing before: nothing to drop from).
_REQ = "COALESCE(q.requests, 0)"
_ORD = "COALESCE(o.orders, 0)"
_DROPPED = f"2 * ({_REQ} + {_ORD}) < COALESCE(q.requests_before, 0) + COALESCE(o.orders_before, 0)"
_ACTIVE = f"{_REQ} + {_ORD} + COALESCE(s.quotes, 0) + COALESCE(f.refusals, 0) > 0"


def _price_only(client_id: str, requests: str) -> str:
    """Two requests or more in the period and no order (not cancelled), ever, up to its
    end: 1 or 0."""
    return (
        f"CASE WHEN {requests} >= 2 AND NOT EXISTS (SELECT 1 FROM sales_order x "
        f"WHERE x.client_id = {client_id} AND x.created_at < :end AND x.cancelled_at IS NULL) "
        "THEN 1 ELSE 0 END"
    )


_REASONS = list(RefusalReason)
_REASON_COLUMNS = [(reason.value, f"reason_{index}") for index, reason in enumerate(_REASONS)]
ZERO = Decimal("0.00")


def _orders() -> str:
    """Orders (not cancelled) of this period and the one before, per client."""
    return f"""
    SELECT o.client_id AS k, SUM({_NOW.format(at="o.created_at")}) AS orders,
        SUM({_BEFORE.format(at="o.created_at")}) AS orders_before,
        {cents("CASE WHEN o.created_at >= :start THEN o.price END")} AS revenue,
        {cents("CASE WHEN o.created_at >= :start THEN o.price - o.cost END")} AS margin
    FROM sales_order o
    WHERE o.cancelled_at IS NULL AND o.created_at >= :before AND o.created_at < :end
    GROUP BY o.client_id
    """


def _refusals() -> str:
    """Refusals in the period per client, with a count per reason (no reason is "other")."""
    counts = ", ".join(
        f"SUM(CASE WHEN r.refusal_reason = '{reason.value}'"
        + (" OR r.refusal_reason IS NULL" if reason is RefusalReason.OTHER else "")
        + f" THEN 1 ELSE 0 END) AS reason_{index}"
        for index, reason in enumerate(_REASONS)
    )
    return f"""
    SELECT r.client_id AS k, COUNT(*) AS refusals, {counts}
    FROM quote_request r
    WHERE r.state = 'refused' AND r.state_changed_at >= :start AND r.state_changed_at < :end
    GROUP BY r.client_id
    """


class Flag:
    """A yes/no signal shown as a translated word in the reader's language; absent is None."""

    __slots__ = ()

    def __str__(self) -> str:
        return gettext(N_("yes"))

    def __repr__(self) -> str:
        return "Flag()"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Flag)

    def __hash__(self) -> int:
        return hash(Flag)


YES = Flag()


@register
class ClientsReport(Report):
    key = "clients"
    title = N_("Client activity")
    question = N_(
        "Which clients ask, buy and refuse, who only asks for prices, and who went quiet?"
    )
    roles = frozenset({A, D, H, M})
    row_key = "client_id"
    per_person = True
    number = 2
    summary: ClassVar[list[str]] = ["revenue", "orders", "requests"]  # in the bot
    flags: ClassVar[dict[str, str]] = {
        "price_only": N_("Only clients who ask for prices and never order"),
        "dropped": N_("Only clients whose activity dropped"),
    }
    columns: ClassVar[list[Column]] = [
        Column("name", N_("Client"), Kind.TEXT, drill=CLIENT),
        Column("manager", N_("Manager"), Kind.TEXT),
        Column("requests", N_("Requests"), Kind.COUNT, drill=CLIENT),
        Column("quotes", N_("Quotes sent"), Kind.COUNT, drill=CLIENT),
        Column("orders", N_("Orders"), Kind.COUNT, drill=CLIENT),
        Column("conversion", N_("Requests ordered, %"), Kind.PERCENT, drill=CLIENT),
        Column("refusals", N_("Refusals"), Kind.COUNT, drill=CLIENT, lower_is_better=True),
        Column("refusal_reasons", N_("Refusal reasons"), Kind.TEXT, drill=CLIENT),
        Column("revenue", N_("Revenue"), Kind.MONEY, drill=CLIENT),
        Column("margin", N_("Margin"), Kind.MONEY, drill=CLIENT),
        Column("last_contact", N_("Last contact"), Kind.DATE, drill=CLIENT),
        Column("price_only", N_("Asks for prices, never orders"), Kind.TEXT, drill=CLIENT),
        Column("dropped", N_("Activity dropped"), Kind.TEXT, drill=CLIENT),
    ]

    async def rows(self, scope: Scope, period: Period) -> list[Row]:
        found = await fetch(
            f"SELECT * FROM ({_active(scope, extra=True)}) AS a ORDER BY {_ORDER}",
            **_bounds(period),
        )
        return _shaped(found, period)

    async def rows_for(self, scope: Scope, period: Period, keys: set[Any]) -> list[Row]:
        found = await fetch(_active(scope, extra=True, only=keys), **_bounds(period))
        return _shaped(found, period)

    async def page(self, scope: Scope, period: Period, window: Window) -> Page:
        """The window's rows and the chart's top clients, sorted and cut in SQL: the
        figures are summed for every client, but the last contact and the price-only
        check are looked up, and rows shaped, for these few hundred only (unless the
        window sorts by them)."""
        column = SORTS.get(window.sort or "")
        # Looked up after the cut, unless the window sorts or filters by them.
        late = window.sort not in ("last_contact", "price_only") and window.flag != "price_only"
        if column is None:
            order = _ORDER
        else:
            direction = "DESC" if window.descending else "ASC"
            order = f"CASE WHEN {column} IS NULL THEN 1 ELSE 0 END, {column} {direction}, {_ORDER}"
        looked_up = (
            f", {_last_contact('t.client_id')} AS last_contact, "
            f"{_price_only('t.client_id', 't.requests')} AS price_only"
            if late
            else ""
        )
        found = await fetch(
            f"WITH a AS MATERIALIZED ({_active(scope, extra=not late, flag=window.flag)}) "
            f"SELECT t.*{looked_up}, (SELECT COUNT(*) FROM a) AS total FROM ("
            f"SELECT * FROM (SELECT a.*, 1 AS shown FROM a ORDER BY {order} "
            f"LIMIT {int(window.limit)}) AS p UNION ALL "
            f"SELECT * FROM (SELECT a.*, 0 AS shown FROM a ORDER BY {_ORDER} LIMIT {TOP}) AS c"
            # UNION ALL keeps no order: the few rows are put in the window's order again.
            f") AS t ORDER BY t.shown DESC, {order}",
            **_bounds(period),
        )
        if not found:
            return Page([], 0, [])
        shown = [row for row in found if row["shown"]]
        top = [row for row in found if not row["shown"]]
        return Page(_shaped(shown, period), int(found[0]["total"]), _shaped(top, period))

    def chart(self, rows: list[Row]) -> Chart | None:
        top = heapq.nlargest(
            TOP, (r for r in rows if r["revenue"] > 0), key=lambda r: r["revenue"]
        )
        if not top:
            return None
        return Chart(
            "bar",
            [row["name"] for row in top],
            {
                gettext(N_("Revenue")): [float(row["revenue"]) for row in top],
                gettext(N_("Margin")): [float(row["margin"]) for row in top],
            },
        )


# The report's own order: revenue, orders and requests, then the name.
_ORDER = "COALESCE(revenue, 0) DESC, orders DESC, requests DESC, LOWER(name), client_id"
# A column the panel sorts by, as the expression over a row of `_active` (refusal reasons
# by the number of refusals).
SORTS = {
    "name": "LOWER(name)",
    "manager": "LOWER(manager)",
    "requests": "requests",
    "quotes": "quotes",
    "orders": "orders",
    "conversion": "CASE WHEN requests > 0 THEN 1.0 * COALESCE(converted, 0) / requests END",
    "refusals": "refusals",
    "refusal_reasons": "refusals",
    "revenue": "COALESCE(revenue, 0)",
    "margin": "COALESCE(margin, 0)",
    "last_contact": "last_contact",
    "price_only": "CASE WHEN price_only = 1 THEN 1 END",
    "dropped": "CASE WHEN dropped = 1 THEN 1 END",
}


def _bounds(period: Period) -> dict[str, Any]:
    return {
        "before": period.previous().utc_start,
        "start": period.utc_start,
        "end": period.utc_end,
    }


def _active(
    scope: Scope, extra: bool, only: set[Any] | None = None, flag: str | None = None
) -> str:
    """Each client with activity in the period or the one before, its sums and the
    dropped flag; with `extra`, its last contact and the price-only flag too; with `flag`,
    only the clients with that flag."""
    reasons = ", ".join(f"f.reason_{index}" for index in range(len(_REASONS)))
    looked_up = (
        f", {_last_contact('c.id')} AS last_contact, {_price_only('c.id', _REQ)} AS price_only"
        if extra
        else ""
    )
    chosen = "" if only is None else in_ids("c.id", sorted(int(i) for i in only))
    if flag == "dropped":
        chosen += f" AND {_DROPPED}"
    elif flag == "price_only":
        chosen += f" AND {_price_only('c.id', _REQ)} = 1"
    return f"""
        SELECT c.id AS client_id, c.name AS name, e.name AS manager,
            {_REQ} AS requests, COALESCE(s.quotes, 0) AS quotes, {_ORD} AS orders,
            q.converted, COALESCE(f.refusals, 0) AS refusals, {reasons},
            o.revenue, o.margin,
            CASE WHEN {_DROPPED} THEN 1 ELSE 0 END AS dropped{looked_up}
        FROM client c
        LEFT JOIN employee e ON e.id = c.manager_id
        LEFT JOIN ({_REQUESTS}) AS q ON q.k = c.id
        LEFT JOIN ({_orders()}) AS o ON o.k = c.id
        LEFT JOIN ({_QUOTES}) AS s ON s.k = c.id
        LEFT JOIN ({_refusals()}) AS f ON f.k = c.id
        WHERE ({_ACTIVE} OR {_DROPPED}){in_ids("c.manager_id", scope.employee_ids)}{chosen}
    """


def _shaped(found: list[dict[str, Any]], period: Period) -> list[Row]:
    zone = period.zone
    return [
        {
            "client_id": row["client_id"],
            "name": row["name"],
            "manager": row["manager"],
            "requests": row["requests"],
            "quotes": row["quotes"],
            "orders": row["orders"],
            "conversion": _percent(row["converted"], row["requests"]),
            "refusals": row["refusals"],
            "refusal_reasons": _reason_list(row) if row["refusals"] else ReasonList(),
            "revenue": ZERO if row["revenue"] is None else money(row["revenue"]),
            "margin": ZERO if row["margin"] is None else money(row["margin"]),
            "last_contact": _local_date(row["last_contact"], zone),
            "price_only": YES if row["price_only"] else None,
            "dropped": YES if row["dropped"] else None,
        }
        for row in found
    ]


def _reason_list(row: dict[str, Any]) -> ReasonList:
    counted = [(reason, row[column]) for reason, column in _REASON_COLUMNS if row[column]]
    return ReasonList(sorted(counted, key=lambda pair: -pair[1]))


def _percent(part: Any, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(int(part or 0)) * 100 / whole).quantize(Decimal("0.1"), ROUND_HALF_UP)


def _local_date(moment: Any, zone: dt.tzinfo) -> dt.date | None:
    """A time from the database (a datetime, or text on SQLite) as the company's date."""
    if moment is None:
        return None
    if isinstance(moment, str):
        moment = dt.datetime.fromisoformat(moment)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(zone).date()
