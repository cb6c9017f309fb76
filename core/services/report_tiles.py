"""Dashboard tiles of the reports: this month's revenue and margin, against last month.

Management (the roles that may open the company overview) sees the company's revenue and
margin; a manager their own revenue and a head of sales their team's, as the managers'
report shows them. Each figure is the calendar month so far in the company's zone, with its
change against the same days of last month (1st to today's day of the month) as the hint,
and links to the report for this month. The sums are made by the database, in cents, as
the reports make them, so the tile and the report it opens agree.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from core.i18n import N_, gettext
from core.models import Role
from core.services.access import Actor, Permission
from core.services.dashboard import TileContext, TileFigure, register_tile
from core.services.reports.base import REGISTRY, scope_of
from core.services.reports.period import Period, Preset, preset_period
from core.services.reports.sql import cents, fetch, in_ids, money

REPORTS_PATH = "/admin/reports"
REVENUE = "o.price"
# Margin counts the orders whose cost is known, as the overview does.
MARGIN = "o.price - o.cost"
MINUS = "\N{MINUS SIGN}"

CHANGE = N_("{change} against the same days last month")
NOTHING_BEFORE = N_("Nothing to compare with in the same days last month")
NO_ORDERS = N_("No orders this month yet")


@dataclass(frozen=True, slots=True)
class MonthSums:
    """A sum over this month so far and over the same days of last month, with how many
    orders each has (an order without a cost still counts, though it adds no margin)."""

    now: Decimal
    before: Decimal
    orders_now: int
    orders_before: int


def may_open(report_key: str) -> Callable[[Actor], bool]:
    """Whether the actor's role may open the report: the tile's link is never a dead end."""
    return lambda actor: actor.role in REGISTRY[report_key].roles


def _sees_own(actor: Actor) -> bool:
    return may_open("managers")(actor) and actor.role is Role.MANAGER


def _sees_team(actor: Actor) -> bool:
    return may_open("managers")(actor) and actor.role is Role.HEAD_OF_SALES


def month_so_far(today: dt.date, zone: ZoneInfo) -> tuple[Period, Period]:
    """This month from the 1st to today, both included, and the same days of last month
    (cut to its end: on 31 March, all of February)."""
    this = Period(today.replace(day=1), today + dt.timedelta(days=1), zone)
    last = preset_period(Preset.LAST_MONTH, today, zone)
    same_days = min(last.start + dt.timedelta(days=today.day), last.end)
    return this, Period(last.start, same_days, zone)


def report_link(key: str) -> str:
    return f"{REPORTS_PATH}/{key}?{urlencode({'period': Preset.THIS_MONTH.value})}"


async def month_sums(ctx: TileContext, amount: str, ids: list[int] | None = None) -> MonthSums:
    """`amount` (an SQL expression over `sales_order o`) summed over the orders not cancelled,
    this month so far and on the same days of last month, in one query. `ids` limits the
    orders to those managers (None: every order)."""
    this, before = month_so_far(ctx.today, ctx.zone)
    now_case = f"CASE WHEN o.created_at >= :start THEN {amount} END"
    before_case = f"CASE WHEN o.created_at < :before_end THEN {amount} END"
    # Constant fragments and int ids, as the reports' SQL; every value is a bound parameter.
    sql = (
        f"SELECT {cents(now_case)} AS now_c, {cents(before_case)} AS before_c, "  # noqa: S608
        "SUM(CASE WHEN o.created_at >= :start THEN 1 ELSE 0 END) AS now_n, "
        "SUM(CASE WHEN o.created_at < :before_end THEN 1 ELSE 0 END) AS before_n "
        "FROM sales_order o WHERE o.cancelled_at IS NULL AND ("
        "(o.created_at >= :before_start AND o.created_at < :before_end) "
        "OR (o.created_at >= :start AND o.created_at < :end))" + in_ids("o.manager_id", ids)
    )
    rows = await fetch(
        sql,
        start=this.utc_start,
        end=this.utc_end,
        before_start=before.utc_start,
        before_end=before.utc_end,
    )
    row = rows[0] if rows else {}
    return MonthSums(
        money(row.get("now_c")),
        money(row.get("before_c")),
        int(row.get("now_n") or 0),
        int(row.get("before_n") or 0),
    )


def signed_percent(now: Decimal, before: Decimal) -> str:
    """The change from `before` (not zero) to `now` as a whole percentage with its sign:
    "+12 %", "−5 %" (a negative margin before: measured from its size, so up is "+")."""
    change = ((now - before) * 100 / abs(before)).quantize(Decimal(1), ROUND_HALF_UP)
    if change > 0:
        return f"+{change} %"
    if change < 0:
        return f"{MINUS}{-change} %"
    return "0 %"


def change_hint(sums: MonthSums) -> str:
    if not sums.orders_now and not sums.orders_before:
        return gettext(NO_ORDERS)
    if not sums.before:
        return gettext(NOTHING_BEFORE)
    return gettext(CHANGE, change=signed_percent(sums.now, sums.before))


def _figure(sums: MonthSums, link: str) -> TileFigure:
    return TileFigure(sums.now, link=link, hint=change_hint(sums))


@register_tile(
    "reports.revenue",
    N_("Revenue this month"),
    Permission.VIEW_REPORTS,
    order=80,
    audience=may_open("overview"),
)
async def revenue_this_month(ctx: TileContext) -> TileFigure:
    """The company's revenue: orders made this month and not cancelled."""
    return _figure(await month_sums(ctx, REVENUE), report_link("overview"))


@register_tile(
    "reports.margin",
    N_("Margin this month"),
    Permission.VIEW_REPORTS,
    order=81,
    audience=may_open("overview"),
)
async def margin_this_month(ctx: TileContext) -> TileFigure:
    """Price less cost of this month's orders whose cost is known."""
    return _figure(await month_sums(ctx, MARGIN), report_link("overview"))


async def _sales_of(ctx: TileContext) -> TileFigure:
    """Revenue of the orders the viewer's scope holds (their own, or their team's),
    the same rows the managers' report adds up for them."""
    scope = await scope_of(ctx.actor)
    return _figure(await month_sums(ctx, REVENUE, scope.employee_ids), report_link("managers"))


@register_tile(
    "reports.my_revenue",
    N_("My revenue this month"),
    Permission.VIEW_REPORTS,
    order=82,
    audience=_sees_own,
)
async def my_revenue_this_month(ctx: TileContext) -> TileFigure:
    return await _sales_of(ctx)


@register_tile(
    "reports.team_revenue",
    N_("My team's revenue this month"),
    Permission.VIEW_REPORTS,
    order=83,
    audience=_sees_team,
)
async def team_revenue_this_month(ctx: TileContext) -> TileFigure:
    return await _sales_of(ctx)
