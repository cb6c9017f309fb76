"""The reports' dashboard tiles on a hand-made autumn in Lagos (UTC+1), on both databases.

"Now" is 15 November 2026, 14:00 in Lagos: this month so far is 1–15 November and the same
days of last month are 1–15 October, each a whole local day. Every figure is written here by
hand; the orders just outside those edges check them.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from core.models import Employee, Role
from core.services.dashboard import dashboard_for
from core.services.report_tiles import month_so_far, signed_percent
from core.services.reports.period import Period
from tests.querycount import count_queries
from tests.reports.data import client
from tests.reports.data_shipments import sale
from tests.services.conftest import actor_for

LAGOS = ZoneInfo("Africa/Lagos")
OVERVIEW = "/admin/reports/overview?period=this_month"
MANAGERS = "/admin/reports/managers?period=this_month"
REPORT_TILES = ("reports.revenue", "reports.margin", "reports.my_revenue", "reports.team_revenue")


def lagos(*parts: int) -> dt.datetime:
    """A wall-clock moment in Lagos, as the UTC value the database stores."""
    return dt.datetime(*parts, tzinfo=LAGOS).astimezone(dt.UTC)


NOW = lagos(2026, 11, 15, 14, 0)


def shown(tiles) -> dict[str, tuple]:
    """The reports' tiles as (figure, hint, link)."""
    return {
        tile.key: (figure.value, figure.hint, figure.link)
        for tile, figure in tiles
        if tile.key in REPORT_TILES
    }


async def autumn():
    """Tunde has no head (so he is in every head's team); Bisi works for Hana."""
    hana = await Employee.create(name="Hana Head", role=Role.HEAD_OF_SALES)
    other_head = await Employee.create(name="Obi Head", role=Role.HEAD_OF_SALES)
    tunde = await Employee.create(name="Tunde", role=Role.MANAGER)
    bisi = await Employee.create(name="Bisi", role=Role.MANAGER, head=hana)
    ada = await client("Ada", tunde, lagos(2026, 9, 1))
    kemi = await client("Kemi", bisi, lagos(2026, 9, 1))

    # November so far: 1,000.00 (cost 600.00) at 00:30 on the 1st, 500.50 with no cost yet.
    await sale(ada, lagos(2026, 11, 1, 0, 30), "1000.00", "600.00", tunde)
    await sale(kemi, lagos(2026, 11, 10, 9, 0), "500.50", None, bisi)
    # Cancelled: no revenue.
    await sale(ada, lagos(2026, 11, 12), "9999.00", "1.00", tunde, cancelled=lagos(2026, 11, 13))
    # 1–15 October: 300.00 (cost 100.00) at midnight on the 1st, 1,000.00 (cost 700.00) at
    # 23:30 on the 15th.
    await sale(ada, lagos(2026, 10, 1, 0, 0), "300.00", "100.00", tunde)
    await sale(kemi, lagos(2026, 10, 15, 23, 30), "1000.00", "700.00", bisi)
    # Outside both windows: the 16th of October, the end of October, the end of September.
    await sale(ada, lagos(2026, 10, 16, 0, 30), "3000.00", "1.00", tunde)
    await sale(ada, lagos(2026, 10, 31, 23, 30), "7777.00", "1.00", tunde)
    await sale(ada, lagos(2026, 9, 30, 23, 30), "5000.00", "1.00", tunde)
    return hana, other_head, tunde, bisi


async def test_management_sees_this_months_revenue_and_margin_against_last_month(runtime):
    await autumn()
    director = await Employee.create(name="Dayo", role=Role.DIRECTOR)

    with count_queries() as queries:
        tiles = await dashboard_for(actor_for(director), NOW, LAGOS)
    # 1,500.50 against 1,300.00 is +15.4 %; margin 400.00 (the order without a cost adds
    # none) against 500.00 is −20 %.
    assert shown(tiles) == {
        "reports.revenue": (
            Decimal("1500.50"),
            "+15 % against the same days last month",
            OVERVIEW,
        ),
        "reports.margin": (
            Decimal("400.00"),
            "\N{MINUS SIGN}20 % against the same days last month",
            OVERVIEW,
        ),
    }
    # One query each, among the other capabilities' tiles.
    assert len([s for s in queries.statements if "FROM sales_order o " in s]) == 2


async def test_a_manager_sees_their_own_revenue_and_a_head_their_teams(runtime):
    hana, other_head, tunde, bisi = await autumn()
    # Tunde: 1,000.00 against 300.00; Bisi: 500.50 against 1,000.00 (−49.95 % rounds to −50).
    assert shown(await dashboard_for(actor_for(tunde), NOW, LAGOS)) == {
        "reports.my_revenue": (
            Decimal("1000.00"),
            "+233 % against the same days last month",
            MANAGERS,
        )
    }
    assert shown(await dashboard_for(actor_for(bisi), NOW, LAGOS)) == {
        "reports.my_revenue": (
            Decimal("500.50"),
            "\N{MINUS SIGN}50 % against the same days last month",
            MANAGERS,
        )
    }
    # Hana's team is Bisi and Tunde (who has no head); Obi's only Tunde.
    assert shown(await dashboard_for(actor_for(hana), NOW, LAGOS)) == {
        "reports.team_revenue": (
            Decimal("1500.50"),
            "+15 % against the same days last month",
            MANAGERS,
        )
    }
    assert shown(await dashboard_for(actor_for(other_head), NOW, LAGOS)) == {
        "reports.team_revenue": (
            Decimal("1000.00"),
            "+233 % against the same days last month",
            MANAGERS,
        )
    }


async def test_only_those_who_may_open_the_report_see_its_tiles(runtime, staff):
    await autumn()
    expected = {
        Role.ADMIN: ["reports.revenue", "reports.margin"],
        Role.DIRECTOR: ["reports.revenue", "reports.margin"],
        Role.HEAD_OF_SALES: ["reports.team_revenue"],
        Role.MANAGER: ["reports.my_revenue"],
        Role.DISPATCHER: [],
        Role.ACCOUNTANT: [],
        Role.MARKETER: [],
    }
    for role, keys in expected.items():
        tiles = await dashboard_for(await staff(role), NOW, LAGOS)
        assert [tile.key for tile, _ in tiles if tile.key.startswith("reports.")] == keys, role


async def test_a_month_without_orders_shows_zero_and_says_so(runtime, staff):
    empty = await dashboard_for(await staff(Role.DIRECTOR), NOW, LAGOS)
    assert shown(empty) == {
        "reports.revenue": (Decimal("0.00"), "No orders this month yet", OVERVIEW),
        "reports.margin": (Decimal("0.00"), "No orders this month yet", OVERVIEW),
    }
    manager = await staff(Role.MANAGER)
    assert shown(await dashboard_for(manager, NOW, LAGOS)) == {
        "reports.my_revenue": (Decimal("0.00"), "No orders this month yet", MANAGERS)
    }


async def test_nothing_last_month_and_nothing_yet_this_month(runtime, staff):
    tunde = await Employee.create(name="Tunde", role=Role.MANAGER)
    ada = await client("Ada", tunde, lagos(2026, 9, 1))
    # Only this month: no change to give.
    await sale(ada, lagos(2026, 11, 2), "250.00", None, tunde)
    director = await staff(Role.DIRECTOR)
    assert shown(await dashboard_for(director, NOW, LAGOS)) == {
        "reports.revenue": (
            Decimal("250.00"),
            "Nothing to compare with in the same days last month",
            OVERVIEW,
        ),
        # No cost known: no margin, and none to compare with.
        "reports.margin": (
            Decimal("0.00"),
            "Nothing to compare with in the same days last month",
            OVERVIEW,
        ),
    }
    # Early December: nothing yet this month, against 1–2 November.
    december = lagos(2026, 12, 2, 9, 0)
    revenue = shown(await dashboard_for(director, december, LAGOS))["reports.revenue"]
    assert revenue == (
        Decimal("0.00"),
        "\N{MINUS SIGN}100 % against the same days last month",
        OVERVIEW,
    )


@pytest.mark.parametrize(
    ("today", "this", "before"),
    [
        # The same days: 1–15 of each month.
        (
            dt.date(2026, 11, 15),
            (dt.date(2026, 11, 1), dt.date(2026, 11, 16)),
            (dt.date(2026, 10, 1), dt.date(2026, 10, 16)),
        ),
        # On 31 March, February has no 31st: all of February.
        (
            dt.date(2026, 3, 31),
            (dt.date(2026, 3, 1), dt.date(2026, 4, 1)),
            (dt.date(2026, 2, 1), dt.date(2026, 3, 1)),
        ),
        # In January, last month is last year's December.
        (
            dt.date(2027, 1, 1),
            (dt.date(2027, 1, 1), dt.date(2027, 1, 2)),
            (dt.date(2026, 12, 1), dt.date(2026, 12, 2)),
        ),
    ],
)
def test_the_same_days_of_last_month(today, this, before):
    assert month_so_far(today, LAGOS) == (Period(*this, LAGOS), Period(*before, LAGOS))


def test_the_change_is_a_whole_signed_percentage():
    assert signed_percent(Decimal("1500.50"), Decimal("1300.00")) == "+15 %"
    assert signed_percent(Decimal("500.50"), Decimal("1000.00")) == "\N{MINUS SIGN}50 %"
    assert signed_percent(Decimal("1000.00"), Decimal("1000.00")) == "0 %"
    assert signed_percent(Decimal("1000.004"), Decimal("1000.00")) == "0 %"
    # From a loss to a profit is up.
    assert signed_percent(Decimal("100.00"), Decimal("-100.00")) == "+200 %"


async def test_the_panel_shows_the_tiles_and_they_open_the_report(runtime, panel_for, monkeypatch):
    """Over HTTP on the panel's clock: the figure formatted as money, the change under it,
    and the overview it opens shows the same November revenue."""
    monkeypatch.setattr(runtime.clock, "now", lambda: NOW)
    await autumn()
    director = await panel_for(Role.DIRECTOR)
    page = await director.open("/admin/dashboard")
    assert page.text("tile-reports.revenue") == (
        "Revenue this month NGN1,500.50 +15 % against the same days last month"
    )
    assert page.text("tile-reports.margin") == (
        "Margin this month NGN400.00 \N{MINUS SIGN}20 % against the same days last month"
    )
    assert f'href="{OVERVIEW}"' in page.html
    assert "tile-reports.my_revenue" not in page.html
    report = await director.open(OVERVIEW)
    assert report.status == 200
    assert report.rows("report-table")[0][:3] == ["By month", "November 2026", "2"]
    assert "NGN1,500.50" in report.rows("report-table")[0]

    # A new manager, with one order of their own this month and none before.
    manager = await panel_for(Role.MANAGER)
    theirs = await client("Efe", manager.employee, lagos(2026, 11, 1))
    await sale(theirs, lagos(2026, 11, 14), "120.00", None, manager.employee)
    mine = await manager.open("/admin/dashboard")
    assert mine.text("tile-reports.my_revenue") == (
        "My revenue this month NGN120.00 Nothing to compare with in the same days last month"
    )
    assert f'href="{MANAGERS}"' in mine.html
    assert "tile-reports.revenue" not in mine.html
    assert (await manager.open(MANAGERS)).status == 200

    dispatcher = await panel_for(Role.DISPATCHER)
    assert "tile-reports" not in (await dispatcher.open("/admin/dashboard")).html
