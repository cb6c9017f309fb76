"""Dashboard figures count the company's local day, per role and scope, and link to their list."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from core.errors import PermissionDenied
from core.i18n import N_
from core.models import Channel, Client, Consent, Interaction, Role
from core.services import dashboard
from core.services.access import Actor, ActorKind, Permission
from core.services.dashboard import TileFigure, dashboard_for, local_day, register_tile
from tests.querycount import count_queries

BOARD_TODAY = "/admin/pipeline?from=2026-11-28&to=2026-11-28"
SALES_TODAY_EMPTY = {
    "sales.new_requests": (0, BOARD_TODAY),
    "sales.quotes_sent": (0, BOARD_TODAY),
    "sales.orders": (0, BOARD_TODAY),
    "sales.conversion": ("—", BOARD_TODAY),
    "tasks.due_today": (0, "/admin/tasks?state=open&due_from=2026-11-28&due_to=2026-11-28"),
    "tasks.overdue": (0, "/admin/tasks?state=overdue"),
    "relay.waiting": (0, None),
    "shipments.in_transit": (0, "/admin/shipments?status=moving"),
    "shipments.late": (0, "/admin/shipments?late=yes"),
    "shipments.no_proof": (0, "/admin/shipments?proof=missing"),
}


MAILINGS = {
    "mailings.running": (0, "/admin/mailings?state=running"),
    "mailings.sent_today": (0, "/admin/mailings?sent_on=2026-11-28"),
}
STOPPED_LINK = "/admin/clients?consent_changed=withdrawn&changed_from=2026-11-22"
OVERVIEW = "/admin/reports/overview?period=this_month"
MONEY_NONE = Decimal("0.00")


def at(zone: ZoneInfo, *parts: int) -> dt.datetime:
    """A wall-clock moment in the company's zone, as the UTC value the database stores."""
    return dt.datetime(*parts, tzinfo=zone).astimezone(dt.UTC)


async def give(client: Client, granted: bool, moment: dt.datetime) -> None:
    await Consent.create(
        client=client,
        channel=Channel.TELEGRAM,
        granted=granted,
        text_version="v1",
        text_shown="May we?",
        language="en",
        evidence="telegram:button:1",
        created_at=moment,
    )


def figures(tiles) -> dict[str, tuple]:
    return {tile.key: (figure.value, figure.link) for tile, figure in tiles}


@pytest.fixture
async def day(runtime, staff):
    """Clients, consents and conversations around the edges of 28 November in Lagos."""
    zone = runtime.settings.zone
    me, other = await staff(Role.MANAGER, "Me"), await staff(Role.MANAGER, "Other")
    a = await Client.create(name="A", created_at=at(zone, 2026, 11, 28, 0, 0, 0))
    b = await Client.create(name="B", created_at=at(zone, 2026, 11, 27, 23, 59, 59))
    c = await Client.create(
        name="C", manager_id=me.employee_id, created_at=at(zone, 2026, 11, 28, 21, 59)
    )
    d = await Client.create(
        name="D", manager_id=other.employee_id, created_at=at(zone, 2026, 11, 28, 12, 0)
    )
    await Client.create(name="E", created_at=at(zone, 2026, 11, 29, 0, 0, 0))
    now = at(zone, 2026, 11, 28, 22, 0)

    await give(a, True, at(zone, 2026, 11, 28, 0, 0, 0))
    await give(b, True, at(zone, 2026, 11, 27, 23, 59, 59))
    await give(c, False, at(zone, 2026, 11, 28, 8, 0))
    await give(c, False, at(zone, 2026, 11, 28, 9, 0))
    await give(d, True, at(zone, 2026, 11, 28, 10, 0))
    await give(d, False, at(zone, 2026, 11, 28, 11, 0))

    def talk(client: Client | None, channel: Channel | None, ago: dt.timedelta):
        return Interaction.create(
            client=client, channel=channel, subject="menu.opened", created_at=now - ago
        )

    await talk(a, Channel.TELEGRAM, dt.timedelta(hours=23, minutes=59))
    await talk(b, Channel.TELEGRAM, dt.timedelta(hours=24, seconds=1))
    await talk(c, None, dt.timedelta(hours=1))
    await talk(d, Channel.VIBER, dt.timedelta(hours=2))
    await talk(d, Channel.VIBER, dt.timedelta(hours=3))
    await talk(None, Channel.WEBCHAT, dt.timedelta(hours=1))
    return zone, now, me


async def test_figures_count_the_local_day_and_link_to_their_lists(day, staff):
    zone, now, _ = day
    director = await staff(Role.DIRECTOR)

    with count_queries() as queries:
        tiles = await dashboard_for(director, now, zone)

    assert figures(tiles) == {
        "clients.new_today": (3, "/admin/clients?created_from=2026-11-28"),
        "clients.active_conversations": (2, "/admin/clients?active_within=24h"),
        "consent.granted_today": (
            2,
            "/admin/clients?consent_changed=granted&changed_from=2026-11-28",
        ),
        "consent.withdrawn_today": (
            2,
            "/admin/clients?consent_changed=withdrawn&changed_from=2026-11-28",
        ),
        **SALES_TODAY_EMPTY,
        **MAILINGS,
        "mailings.offers_stopped": (2, STOPPED_LINK),
        "reports.revenue": (MONEY_NONE, OVERVIEW),
        "reports.margin": (MONEY_NONE, OVERVIEW),
    }
    assert [tile.label for tile, _ in tiles] == [
        "New clients today",
        "Active conversations",
        "Consent given today",
        "Consent withdrawn today",
        "New requests today",
        "Quotes sent today",
        "Orders today",
        "Conversion today",
        "Tasks due today",
        "Overdue tasks",
        "Live chats waiting for a reply",
        "Shipments in transit",
        "Late shipments",
        "Delivered without proof",
        "Campaigns running",
        "Mailings sent today",
        "Offers stopped this week",
        "Revenue this month",
        "Margin this month",
    ]
    # One query per client tile; the sales tiles: requests, quotes, orders, and the
    # conversion's request count (no orders query when there are no requests); one per
    # workspace tile (tasks due, overdue, live chats waiting), per shipment tile and per
    # report tile (revenue, margin).
    assert queries.count == 19, queries.statements


async def test_a_manager_counts_own_and_unassigned_clients(day):
    zone, now, me = day
    assert figures(await dashboard_for(me, now, zone)) == {
        "clients.new_today": (1 + 1, "/admin/clients?created_from=2026-11-28"),
        "clients.active_conversations": (1, "/admin/clients?active_within=24h"),
        "consent.granted_today": (
            1,
            "/admin/clients?consent_changed=granted&changed_from=2026-11-28",
        ),
        "consent.withdrawn_today": (
            1,
            "/admin/clients?consent_changed=withdrawn&changed_from=2026-11-28",
        ),
        **SALES_TODAY_EMPTY,
        **MAILINGS,
        "mailings.offers_stopped": (1, STOPPED_LINK),
        "reports.my_revenue": (MONEY_NONE, "/admin/reports/managers?period=this_month"),
    }


async def test_the_day_follows_the_company_clock(day, staff):
    zone, _, _ = day
    admin = await staff(Role.ADMIN)
    # 23:30 UTC on the 28th is already the 29th in Lagos: E is today's only new client.
    later = dt.datetime(2026, 11, 28, 23, 30, tzinfo=dt.UTC)
    new = figures(await dashboard_for(admin, later, zone))["clients.new_today"]
    assert new == (1, "/admin/clients?created_from=2026-11-29")


async def test_roles_see_only_the_tiles_they_may(runtime, staff):
    zone = runtime.settings.zone
    now = dt.datetime.now(dt.UTC)
    dispatcher = await dashboard_for(await staff(Role.DISPATCHER), now, zone)
    assert [tile.key for tile, _ in dispatcher] == [
        "shipments.in_transit",
        "shipments.late",
        "shipments.no_proof",
    ]
    for role, count in ((Role.ACCOUNTANT, 7), (Role.MARKETER, 7), (Role.HEAD_OF_SALES, 18)):
        keys = [tile.key for tile, _ in await dashboard_for(await staff(role), now, zone)]
        assert len(keys) == count, role
    client = Actor(kind=ActorKind.CLIENT, language="en", client_id=1)
    with pytest.raises(PermissionDenied):
        await dashboard_for(client, now, zone)


async def test_a_later_capability_adds_a_tile_in_a_few_lines(runtime, staff, monkeypatch):
    monkeypatch.setattr(dashboard, "_registry", dict(dashboard._registry))

    @register_tile("staff.count", N_("Staff"), Permission.MANAGE_STAFF, order=15)
    async def staff_count(ctx):
        return TileFigure("7", link="/admin/staff", hint=ctx.today.isoformat())

    with pytest.raises(ValueError, match="already registered"):
        register_tile("staff.count", N_("Staff"), Permission.MANAGE_STAFF)(staff_count)

    zone = runtime.settings.zone
    now = at(zone, 2026, 11, 28, 12, 0)
    admin_tiles = await dashboard_for(await staff(Role.ADMIN), now, zone)
    assert [tile.key for tile, _ in admin_tiles][:3] == [
        "clients.new_today",
        "staff.count",
        "clients.active_conversations",
    ]
    assert admin_tiles[1][1] == TileFigure("7", "/admin/staff", "2026-11-28")
    manager_tiles = await dashboard_for(await staff(Role.MANAGER), now, zone)
    assert "staff.count" not in [tile.key for tile, _ in manager_tiles]


def test_local_day_is_right_on_clock_change_days():
    berlin = ZoneInfo("Europe/Berlin")
    today, start, end = local_day(dt.datetime(2026, 3, 29, 12, 0, tzinfo=dt.UTC), berlin)
    assert today == dt.date(2026, 3, 29)
    assert start == dt.datetime(2026, 3, 28, 23, 0, tzinfo=dt.UTC)
    assert end == dt.datetime(2026, 3, 29, 22, 0, tzinfo=dt.UTC)
    with pytest.raises(ValueError, match="aware"):
        local_day(dt.datetime(2026, 3, 29, 12, 0), berlin)
