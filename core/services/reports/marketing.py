"""Report 4, marketing sources: what each acquisition source and each campaign brought in
for the period, against what it cost.

- A source (Client.source, named from MarketingSource; none is "unknown"): the clients
  registered in the period with that source, their orders placed in the period, and the
  costs entered for the months that lie wholly in the period (MarketingCost).
- A campaign that sent in the period (or started in it): the clients who received its
  message in the period and ordered within 30 days after it, the orders of that window
  placed in the period, and Campaign.cost when the campaign started in the period.

Every figure is a GROUP BY in the database; Python only joins the per-key results.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, ClassVar

from core.i18n import N_, gettext
from core.models import Role
from core.services.reports.base import Chart, Column, Kind, Report, Row, Scope, register
from core.services.reports.period import Period
from core.services.reports.sql import cents, fetch, is_postgres, money, seconds_between

A, D, MKT = Role.ADMIN, Role.DIRECTOR, Role.MARKETER
WINDOW_DAYS = 30
CENT = Decimal("0.01")
SOURCE = "COALESCE(c.source, '')"
IN_PERIOD = "{column} >= :start AND {column} < :end"
SENT_IN_PERIOD = (
    "SELECT campaign_id, client_id, MIN(sent_at) AS sent_at FROM mail_outbox "
    "WHERE state = 'sent' AND sent_at >= :start AND sent_at < :end "
    "GROUP BY campaign_id, client_id"
)


DELIVERY = ("sent", "delivered", "clicked")


class Label(str):
    """A message id kept in a row (so rows compare and sort by it) and shown translated."""

    __slots__ = ()

    def __str__(self) -> str:
        return gettext(str.__str__(self))


SOURCE_KIND = Label(N_("source"))
CAMPAIGN_KIND = Label(N_("campaign"))
UNKNOWN = Label(N_("unknown"))


@register
class MarketingReport(Report):
    key = "marketing"
    title = N_("Marketing sources")
    question = N_("Which sources and campaigns bring clients and revenue, and at what cost?")
    roles = frozenset({A, D, MKT})
    row_key = "key"
    number = 4
    columns: ClassVar[list[Column]] = [
        Column("kind", N_("Kind"), Kind.TEXT),
        Column("name", N_("Source or campaign"), Kind.TEXT, drill="{link}"),
        Column("clients", N_("Clients attracted"), Kind.COUNT, drill="{link}"),
        Column("orders", N_("Orders"), Kind.COUNT, drill="{link}"),
        Column("revenue", N_("Revenue"), Kind.MONEY, drill="{link}"),
        Column("cost", N_("Cost"), Kind.MONEY, drill="{link}", lower_is_better=True),
        Column("profit", N_("Profit"), Kind.MONEY, drill="{link}"),
        Column(
            "cost_per_client",
            N_("Cost per client"),
            Kind.MONEY,
            drill="{link}",
            lower_is_better=True,
        ),
        # A campaign's delivery: its messages sent in the period, and of those how many
        # were delivered (where the platform reports it) and clicked. (Replies are on the
        # campaign's page: looking them up costs a search of the dossier per message,
        # 1.9 s on the benchmark's 48 000 messages a year.)
        Column("sent", N_("Messages sent"), Kind.COUNT, drill="{link}"),
        Column("delivered", N_("Delivered"), Kind.COUNT, drill="{link}"),
        Column("clicked", N_("Clicked"), Kind.COUNT, drill="{link}"),
    ]

    async def rows(self, scope: Scope, period: Period) -> list[Row]:
        bounds = {"start": period.utc_start, "end": period.utc_end}
        return [
            *await _source_rows(period, bounds),
            *await _campaign_rows(bounds),
        ]

    def chart(self, rows: list[Row]) -> Chart | None:
        return Chart(
            "bar",
            [str(row["name"]) for row in rows],
            {
                gettext(N_("Revenue")): [float(row["revenue"]) for row in rows],
                gettext(N_("Cost")): [float(row["cost"]) for row in rows],
            },
        )

    def notes(self) -> list[str]:
        return [
            N_(
                "Sources: clients registered in the period with that source and their orders "
                "in the period; the cost of the months that lie wholly in the period."
            ),
            N_(
                "Campaigns: clients who received the message in the period and ordered within "
                "30 days after it, and those orders placed in the period; a campaign's cost "
                "counts in the period it started. Messages sent: in the period; delivered "
                "where the platform reports it (Viber); clicked through a tracked link. "
                "Replies are on the campaign's page."
            ),
            N_("Enter the monthly costs under Marketing sources → Costs."),
        ]


async def _source_rows(period: Period, bounds: dict[str, Any]) -> list[Row]:
    figures: dict[str, dict[str, Any]] = defaultdict(dict)
    for row in await fetch(
        f"SELECT {SOURCE} AS k, COUNT(*) AS n FROM client c "
        f"WHERE {IN_PERIOD.format(column='c.created_at')} GROUP BY {SOURCE}",
        **bounds,
    ):
        figures[row["k"]]["clients"] = row["n"]
    for row in await fetch(
        f"SELECT {SOURCE} AS k, COUNT(*) AS n, {cents('o.price')} AS revenue "
        "FROM sales_order o JOIN client c ON c.id = o.client_id "
        f"WHERE o.cancelled_at IS NULL AND {IN_PERIOD.format(column='o.created_at')} "
        f"AND {IN_PERIOD.format(column='c.created_at')} GROUP BY {SOURCE}",
        **bounds,
    ):
        figures[row["k"]].update(orders=row["n"], revenue=row["revenue"])
    first, after = whole_months(period)
    if first < after:
        for row in await fetch(
            f"SELECT source AS k, {cents('amount')} AS cost FROM marketing_cost "
            "WHERE month >= :first AND month < :after GROUP BY source",
            first=_day(first),
            after=_day(after),
        ):
            figures[row["k"] or ""]["cost"] = row["cost"]
    if not figures:
        return []
    names = {
        row["code"]: row["name"] for row in await fetch("SELECT code, name FROM marketing_source")
    }
    rows = []
    for code, found in figures.items():
        link = (
            f"/admin/clients?source={code}&created_after={period.start.isoformat()}"
            f"&created_before={period.end.isoformat()}"
            if code
            else None
        )
        name = names.get(code, code) if code else UNKNOWN
        rows.append(_row(f"source:{code}", SOURCE_KIND, name, link, found))
    return _ordered(rows)


async def _campaign_rows(bounds: dict[str, Any]) -> list[Row]:
    figures: dict[int, dict[str, Any]] = defaultdict(dict)
    since = seconds_between("o.created_at", "got.sent_at")
    in_period = IN_PERIOD.format(column="won.created_at")
    for row in await fetch(
        f"WITH got AS ({SENT_IN_PERIOD}), won AS ("
        "SELECT got.campaign_id, got.client_id, o.created_at, o.price FROM got "
        "JOIN sales_order o ON o.client_id = got.client_id "
        # (Orders follow a message sent in the period, so none is before its start.)
        "WHERE o.cancelled_at IS NULL AND o.created_at >= :start "
        f"AND {since} >= 0 AND {since} < {WINDOW_DAYS * 86400}) "
        "SELECT won.campaign_id AS k, COUNT(DISTINCT won.client_id) AS clients, "
        f"SUM(CASE WHEN {in_period} THEN 1 ELSE 0 END) AS orders, "
        f"{cents(f'CASE WHEN {in_period} THEN won.price END')} AS revenue "
        "FROM won GROUP BY won.campaign_id",
        **bounds,
    ):
        figures[int(row["k"])].update(
            clients=row["clients"], orders=row["orders"], revenue=row["revenue"]
        )
    for row in await fetch(
        "SELECT o.campaign_id AS k, COUNT(*) AS sent, COUNT(o.delivered_at) AS delivered, "
        "COUNT(o.first_click_at) AS clicked "
        "FROM mail_outbox o WHERE o.state = 'sent' AND o.sent_at >= :start AND o.sent_at < :end "
        "GROUP BY o.campaign_id",
        **bounds,
    ):
        figures[int(row["k"])].update({key: int(row[key] or 0) for key in DELIVERY})
    started = IN_PERIOD.format(column="m.started_at")
    campaigns = await fetch(
        f"SELECT m.id AS k, m.name AS name, {cents(f'CASE WHEN {started} THEN m.cost END')} "
        f"AS cost FROM mail_campaign m WHERE ({started}) OR m.id IN ("
        "SELECT campaign_id FROM mail_outbox "
        "WHERE state = 'sent' AND sent_at >= :start AND sent_at < :end) "
        "GROUP BY m.id, m.name",
        **bounds,
    )
    rows = []
    for campaign in campaigns:
        campaign_id = int(campaign["k"])
        found = {**figures.get(campaign_id, {}), "cost": campaign["cost"]}
        link = f"/admin/mailings/{campaign_id}"
        delivery = {key: found.get(key, 0) for key in DELIVERY}
        rows.append(
            _row(f"campaign:{campaign_id}", CAMPAIGN_KIND, campaign["name"], link, found)
            | {"campaign_id": campaign_id}
            | delivery
        )
    return _ordered(rows)


def _row(key: str, kind: Label, name: str, link: str | None, found: dict[str, Any]) -> Row:
    clients = int(found.get("clients") or 0)
    revenue, cost = money(found.get("revenue")), money(found.get("cost"))
    return {
        "key": key,
        "kind": kind,
        "name": name,
        "link": link,
        "clients": clients,
        "orders": int(found.get("orders") or 0),
        "revenue": revenue,
        "cost": cost,
        "profit": revenue - cost,
        "cost_per_client": (cost / clients).quantize(CENT, ROUND_HALF_UP) if clients else None,
    }


def _ordered(rows: list[Row]) -> list[Row]:
    return sorted(rows, key=lambda r: (-r["revenue"], -r["clients"], str(r["name"]).casefold()))


def whole_months(period: Period) -> tuple[dt.date, dt.date]:
    """The months wholly inside the period, as [first month, month after the last): a cost
    entered for a month counts only in periods that hold the whole month."""
    first = period.start if period.start.day == 1 else _next_month(period.start)
    return first, period.end.replace(day=1)


def _next_month(day: dt.date) -> dt.date:
    return (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def _day(day: dt.date) -> Any:
    """A date parameter: asyncpg takes the date, SQLite compares the stored ISO text."""
    return day if is_postgres() else day.isoformat()
