"""Report 3, personnel comparison, on a small hand-made autumn in Lagos (UTC+1): every
figure, rank and monthly revenue written here by hand, on both databases."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from zoneinfo import ZoneInfo

from openpyxl import load_workbook

from core.models import Employee, Role
from core.services.reports import build
from core.services.reports.period import Period
from tests.reports.data import client, quote, request, task, utc
from tests.reports.data_activity import sale
from tests.services.conftest import actor_for

LAGOS = ZoneInfo("Africa/Lagos")
NOVEMBER = Period(dt.date(2026, 11, 1), dt.date(2026, 12, 1), LAGOS)
# 16 October to 15 November in Lagos: two months, cut at 31 October 23:00 UTC.
ACROSS = Period(dt.date(2026, 10, 16), dt.date(2026, 11, 16), LAGOS)
JOINED = utc(2026, 1, 1)


async def _people():
    olga = await Employee.create(name="Olga Head", role=Role.HEAD_OF_SALES)
    ike = await Employee.create(name="Ike Head", role=Role.HEAD_OF_SALES)
    tunde = await Employee.create(name="Tunde", role=Role.MANAGER, head=olga)
    bisi = await Employee.create(name="Bisi", role=Role.MANAGER, head=olga)
    kola = await Employee.create(name="Kola", role=Role.MANAGER, head=ike)
    dapo = await Employee.create(name="Dapo", role=Role.MANAGER, head=ike)
    director = await Employee.create(name="Dora", role=Role.DIRECTOR)
    ada = await client("Ada", tunde, JOINED)
    kemi = await client("Kemi", bisi, JOINED)
    sola = await client("Sola", kola, JOINED)

    # Tunde: in October (23:30 on 31 October in Lagos) an order of 300.00; in November
    # (from 00:30 on 1 November in Lagos) three requests, two quotes, two orders.
    await sale(ada, utc(2026, 10, 20), utc(2026, 10, 31, 22, 30), "300.00", "100.00", tunde)
    await sale(
        ada,
        utc(2026, 10, 31, 23, 30),
        utc(2026, 10, 31, 23, 45),
        "1000.10",
        "600.05",
        tunde,
        taken_by=tunde,
        quoted=utc(2026, 10, 31, 23, 40),
    )
    await sale(ada, utc(2026, 11, 3, 9), utc(2026, 11, 4), "500.00", None, tunde)
    third = await request(ada, utc(2026, 11, 5), manager=tunde)
    await quote(third, utc(2026, 11, 30, 23, 30), by=tunde)  # sent on 1 December in Lagos
    await sale(ada, utc(2026, 11, 30, 23, 30), utc(2026, 12, 2), "700.00", "500.00", tunde)
    # Tasks due in November: two on time, one late, one not done; marks 5 and 3.
    await task(tunde, utc(2026, 11, 5), done=utc(2026, 11, 5), quality=5)
    await task(tunde, utc(2026, 11, 6), done=utc(2026, 11, 8), late=True, quality=3)
    await task(tunde, utc(2026, 11, 7))
    await task(tunde, utc(2026, 11, 8), done=utc(2026, 11, 7))
    await task(tunde, utc(2026, 11, 30, 23, 30), done=utc(2026, 12, 1))  # December

    # Bisi: an order of 2000.00, one cancelled, and a request of Tunde's client she took.
    await sale(kemi, utc(2026, 11, 10), utc(2026, 11, 11), "2000.00", "1500.00", bisi)
    await sale(
        kemi, utc(2026, 11, 12), utc(2026, 11, 13), "9999.00", "1.00", bisi,
        cancelled=utc(2026, 11, 14),
    )  # fmt: skip
    await request(ada, utc(2026, 11, 15), manager=tunde, taken_by=bisi, taken_at=utc(2026, 11, 15))

    # Kola: a request quoted but not ordered, a task done on time. Dapo: one request.
    asked = await request(sola, utc(2026, 11, 20), manager=kola)
    await quote(asked, utc(2026, 11, 20, 2), by=kola)
    await task(kola, utc(2026, 11, 10), done=utc(2026, 11, 9), quality=4)
    await request(sola, utc(2026, 11, 21), manager=dapo)
    return olga, tunde, bisi, director


async def test_everyones_figures_and_rank_for_november(runtime):
    *_heads, director = await _people()
    result = await build(actor_for(director), "personnel", NOVEMBER)
    assert [(row["rank"], row["name"]) for row in result.rows] == [
        (1, "Bisi"),
        (2, "Tunde"),
        (3, "Dapo"),
        (3, "Kola"),
    ]
    rows = {row["name"]: row for row in result.rows}
    t = rows["Tunde"]
    assert (t["revenue"], t["margin"]) == (Decimal("1500.10"), Decimal("400.05"))
    assert (t["orders"], t["quotes"], t["requests"]) == (2, 2, 3)
    assert (t["conversion"], t["on_time"], t["quality"]) == (Decimal("66.7"), Decimal("50.0"), 4.0)
    b = rows["Bisi"]
    assert (b["revenue"], b["margin"]) == (Decimal("2000.00"), Decimal("500.00"))
    assert (b["orders"], b["quotes"], b["requests"]) == (1, 2, 3)
    assert (b["conversion"], b["on_time"], b["quality"]) == (Decimal("33.3"), None, None)
    k = rows["Kola"]
    assert (k["revenue"], k["orders"], k["quotes"], k["requests"]) == (Decimal("0"), 0, 1, 1)
    assert (k["conversion"], k["on_time"], k["quality"]) == (Decimal("0.0"), Decimal("100.0"), 4.0)
    d = rows["Dapo"]
    assert (d["requests"], d["quotes"], d["on_time"]) == (1, 0, None)

    # One month: a point per person with revenue, in rank order.
    assert result.chart is not None and result.chart.kind == "line"
    assert result.chart.labels == ["2026-11"]
    assert result.chart.series == {"Bisi": [2000.0], "Tunde": [1500.1]}
    assert result.notes and "piece-rate payroll" in result.notes[0]


async def test_the_trend_splits_a_period_across_a_month_end_by_lagos_months(runtime):
    *_heads, director = await _people()
    result = await build(actor_for(director), "personnel", ACROSS)
    rows = {row["name"]: row for row in result.rows}
    # 300.00 at 23:30 on 31 October, 1000.10 at 00:45 on 1 November, 500.00 on 4 November.
    assert rows["Tunde"]["revenue"] == Decimal("1800.10")
    assert rows["Tunde"]["trend"] == {"2026-10": Decimal("300.00"), "2026-11": Decimal("1500.10")}
    assert result.chart is not None
    assert result.chart.labels == ["2026-10", "2026-11"]
    assert result.chart.series == {"Bisi": [0.0, 2000.0], "Tunde": [300.0, 1500.1]}


async def test_a_manager_sees_only_their_own_row_and_a_head_the_team(runtime):
    olga, tunde, _bisi, _director = await _people()
    own = await build(actor_for(tunde), "personnel", NOVEMBER)
    assert [(row["rank"], row["name"]) for row in own.rows] == [(1, "Tunde")]
    team = await build(actor_for(olga), "personnel", NOVEMBER)
    assert [(row["rank"], row["name"]) for row in team.rows] == [(1, "Bisi"), (2, "Tunde")]


async def test_an_empty_period_has_no_rows_and_no_chart(runtime):
    *_heads, director = await _people()
    empty = await build(
        actor_for(director), "personnel", Period(dt.date(2025, 1, 1), dt.date(2025, 2, 1), LAGOS)
    )
    assert empty.empty and empty.chart is None


async def test_the_trend_draws_the_eight_best_sellers(runtime):
    director = await Employee.create(name="Dora", role=Role.DIRECTOR)
    for n in range(1, 11):
        seller = await Employee.create(name=f"Seller {n:02d}", role=Role.MANAGER)
        buyer = await client(f"Buyer {n:02d}", seller, JOINED)
        await sale(buyer, utc(2026, 11, 2), utc(2026, 11, 3), f"{n}00.00", "50.00", seller)
    result = await build(actor_for(director), "personnel", NOVEMBER)
    assert [row["name"] for row in result.rows][:2] == ["Seller 10", "Seller 09"]
    assert [row["rank"] for row in result.rows] == list(range(1, 11))
    assert result.chart is not None
    assert list(result.chart.series) == [f"Seller {n:02d}" for n in range(10, 2, -1)]
    assert result.chart.series["Seller 03"] == [300.0]


async def test_a_director_opens_the_personnel_report(runtime, panel_for):
    await _people()
    director = await panel_for(Role.DIRECTOR)
    page = await director.open(
        "/admin/reports/personnel?period=custom&from=2026-10-16&to=2026-11-15"
    )
    assert page.status == 200
    table = page.rows("report-table")
    # Dapo's only request (21 November) is after the period.
    assert [row[:3] for row in table] == [
        ["1", "Bisi", "NGN2,000.00"],
        ["2", "Tunde", "NGN1,800.10"],
        ["3", "Kola", "NGN0.00"],
    ]
    assert 'id="report-chart" src="data:image/svg+xml;base64,' in page.html
    assert "piece-rate payroll" in page.html
    across = "period=custom&from=2026-10-16&to=2026-11-15"
    await director.open(f"/admin/reports/personnel.xlsx?{across}")
    sheet = load_workbook(io.BytesIO(director.body)).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[0][:3] == ["Rank", "Employee", "Revenue"]
    assert values[2][:3] == [2, "Tunde", 1800.1]
    await director.open(f"/admin/reports/personnel.pdf?{across}")
    assert director.body.startswith(b"%PDF")
    listing = await director.open("/admin/reports")
    assert "Personnel comparison" in listing.text("reports-list")
