"""Report 4 on a small hand-made month: every figure written here by hand, on both databases."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook

from core.errors import PermissionDenied
from core.models import (
    Employee,
    MailChannel,
    OutboxMessage,
    OutboxState,
    Role,
)
from core.services.reports import build
from core.services.reports.period import Compare, Period
from tests.reports.data import client, utc
from tests.reports.data_marketing import (
    campaign,
    cost,
    forget_costs,
    message,
    ordered,
    source,
)
from tests.services.conftest import actor_for

LAGOS = ZoneInfo("Africa/Lagos")
NOVEMBER = Period(dt.date(2026, 11, 1), dt.date(2026, 12, 1), LAGOS)
FIGURES = ("clients", "orders", "revenue", "cost", "profit", "cost_per_client")


@pytest.fixture(autouse=True)
async def _no_costs(runtime):
    await forget_costs()


def D(text: str) -> Decimal:
    return Decimal(text)


async def _month():
    director = await Employee.create(name="Dora Director", role=Role.DIRECTOR)
    await source("fb", "Facebook Ads")
    await source("radio", "Radio")
    await source("tv", "TV")
    # 31 Oct 23:30 UTC is 1 Nov 00:30 in Lagos: November. 30 Nov 23:30 UTC is December.
    ada = await client("Ada", None, utc(2026, 10, 31, 23, 30), source="fb")
    bola = await client("Bola", None, utc(2026, 11, 10), source="fb")
    chi = await client("Chi (October)", None, utc(2026, 10, 31, 22, 30), source="fb")
    await client("Dayo", None, utc(2026, 11, 20), source="radio")
    emeka = await client("Emeka", None, utc(2026, 11, 5))  # no source: "unknown"
    await client("Late (December)", None, utc(2026, 11, 30, 23, 30), source="fb")

    await ordered(ada, utc(2026, 11, 7), "1000.10")
    await ordered(ada, utc(2026, 11, 30, 23, 30), "500.00")  # December
    await ordered(bola, utc(2026, 11, 12), "250.25")
    await ordered(bola, utc(2026, 11, 13), "999.00", cancelled=utc(2026, 11, 14))
    await ordered(chi, utc(2026, 11, 8), "300.00")  # client from October: not fb's
    await ordered(emeka, utc(2026, 11, 6), "100.00")

    await cost("fb", dt.date(2026, 10, 1), "999.00")
    await cost("fb", dt.date(2026, 11, 1), "400.00")
    await cost("fb", dt.date(2026, 12, 1), "50.00")
    await cost("radio", dt.date(2026, 11, 1), "150.50")
    await cost("tv", dt.date(2026, 11, 1), "80.00")

    # Campaign audiences: clients registered in September (outside every source figure).
    names = ["Kola", "Lola", "Musa", "Nike", "Ola", "Pat"]
    kola, lola, musa, nike, ola, pat = [await client(n, None, utc(2026, 9, 1)) for n in names]
    friday = await campaign("Black Friday", utc(2026, 11, 20, 9), "300.00")
    first = await message(friday, kola, utc(2026, 11, 21, 10))
    # Delivered (Viber-style report) and clicked.
    await OutboxMessage.filter(id=first.id).update(
        delivered_at=utc(2026, 11, 21, 10, 1), first_click_at=utc(2026, 11, 21, 12), clicks=2
    )
    await message(
        friday, kola, utc(2026, 11, 21, 11), channel=MailChannel.EMAIL
    )  # the first counts
    await ordered(kola, utc(2026, 11, 25), "700.00")  # 4 days after: in the window
    await ordered(kola, utc(2026, 12, 5), "200.00")  # in the window, after the period
    await message(friday, lola, utc(2026, 11, 21, 10))
    await message(friday, musa, utc(2026, 11, 21, 10))
    await ordered(musa, utc(2026, 11, 20), "90.00")  # before the message
    await message(friday, nike, None, state=OutboxState.FAILED)
    await ordered(nike, utc(2026, 11, 25), "60.00")  # never received it
    await message(friday, ola, utc(2026, 11, 29, 12))
    await ordered(ola, utc(2026, 12, 3), "400.00")  # attracted, but the order is December's

    # Started in October (its cost is October's) and still sending on 1 November, Lagos.
    october = await campaign("October promo", utc(2026, 10, 25), "500.00")
    await message(october, pat, utc(2026, 10, 31, 23))  # 00:00 on 1 November in Lagos
    await ordered(pat, utc(2026, 11, 15), "120.00")
    await message(october, kola, utc(2026, 10, 31, 22, 59))  # 23:59 on 31 October

    quiet = await campaign("Quiet", utc(2026, 11, 28), "50.00")  # started, nothing sent yet
    await message(quiet, pat, None, state=OutboxState.QUEUED)
    await campaign("Draft", None, "10.00")
    return director, friday, october, quiet


def _figures(row):
    return tuple(row[k] for k in FIGURES)


async def test_sources_and_campaigns_for_november(runtime):
    director, friday, october, quiet = await _month()
    result = await build(actor_for(director), "marketing", NOVEMBER)
    names = [(str(r["kind"]), str(r["name"])) for r in result.rows]
    assert names == [
        ("source", "Facebook Ads"),
        ("source", "unknown"),
        ("source", "Radio"),
        ("source", "TV"),
        ("campaign", "Black Friday"),
        ("campaign", "October promo"),
        ("campaign", "Quiet"),
    ]
    rows = {r["key"]: r for r in result.rows}
    # clients, orders, revenue, cost, profit, cost per client
    assert _figures(rows["source:fb"]) == (
        2,
        2,
        D("1250.35"),
        D("400.00"),
        D("850.35"),
        D("200.00"),
    )
    assert _figures(rows["source:"]) == (1, 1, D("100.00"), D("0.00"), D("100.00"), D("0.00"))
    assert _figures(rows["source:radio"]) == (
        1,
        0,
        D("0.00"),
        D("150.50"),
        D("-150.50"),
        D("150.50"),
    )
    assert _figures(rows["source:tv"]) == (0, 0, D("0.00"), D("80.00"), D("-80.00"), None)
    assert _figures(rows[f"campaign:{friday.id}"]) == (
        2, 1, D("700.00"), D("300.00"), D("400.00"), D("150.00")
    )  # fmt: skip
    assert _figures(rows[f"campaign:{october.id}"]) == (
        1, 1, D("120.00"), D("0.00"), D("120.00"), D("0.00")
    )  # fmt: skip
    assert _figures(rows[f"campaign:{quiet.id}"]) == (
        0,
        0,
        D("0.00"),
        D("50.00"),
        D("-50.00"),
        None,
    )
    # Delivery: Black Friday's five messages sent in November (Nike's failed), one
    # delivered and clicked; October's one message of 1 November in Lagos.
    delivery = ("sent", "delivered", "clicked")
    assert [rows[f"campaign:{friday.id}"][k] for k in delivery] == [5, 1, 1]
    assert [rows[f"campaign:{october.id}"][k] for k in delivery] == [1, 0, 0]
    assert [rows[f"campaign:{quiet.id}"][k] for k in delivery] == [0, 0, 0]
    assert rows["source:fb"].get("sent") is None  # sources send nothing
    # Where the figures open: the clients of the source in the period, the campaign.
    assert rows["source:fb"]["link"] == (
        "/admin/clients?source=fb&created_after=2026-11-01&created_before=2026-12-01"
    )
    assert rows["source:"]["link"] is None
    assert rows[f"campaign:{friday.id}"]["link"] == f"/admin/mailings/{friday.id}"
    chart = result.chart
    assert chart is not None and chart.kind == "bar"
    assert chart.labels[:2] == ["Facebook Ads", "unknown"]
    assert chart.series == {
        "Revenue": [1250.35, 100.0, 0.0, 0.0, 700.0, 120.0, 0.0],
        "Cost": [400.0, 0.0, 150.5, 80.0, 300.0, 0.0, 50.0],
    }
    assert any("Costs" in note for note in result.notes)


async def test_costs_count_only_whole_months_inside_the_period(runtime):
    director, *_ = await _month()
    actor = actor_for(director)
    # Two whole months: October's and November's costs.
    autumn = await build(
        actor, "marketing", Period(dt.date(2026, 10, 1), dt.date(2026, 12, 1), LAGOS)
    )
    fb = {r["key"]: r for r in autumn.rows}["source:fb"]
    # Chi joins Ada and Bola (registered 31 October, Lagos), and Chi's order counts.
    assert _figures(fb) == (3, 3, D("1550.35"), D("1399.00"), D("151.35"), D("466.33"))
    # Mid-November to mid-December holds no whole month: no cost, only the clients.
    straddle = await build(
        actor, "marketing", Period(dt.date(2026, 11, 15), dt.date(2026, 12, 15), LAGOS)
    )
    rows = {r["key"]: r for r in straddle.rows}
    assert [k for k in rows if k.startswith("source:")] == ["source:fb", "source:radio"]
    # The window's new clients: Late (1 December 00:30 in Lagos, no order) and Dayo.
    assert _figures(rows["source:fb"]) == (1, 0, D("0.00"), D("0.00"), D("0.00"), D("0.00"))
    assert _figures(rows["source:radio"]) == (1, 0, D("0.00"), D("0.00"), D("0.00"), D("0.00"))


async def test_an_empty_period_has_no_rows_and_no_chart(runtime):
    director, *_ = await _month()
    empty = await build(
        actor_for(director), "marketing", Period(dt.date(2025, 1, 1), dt.date(2025, 2, 1), LAGOS)
    )
    assert empty.empty and empty.chart is None


async def test_compared_with_the_previous_month(runtime):
    director, *_ = await _month()
    december = await build(
        actor_for(director),
        "marketing",
        Period(dt.date(2026, 12, 1), dt.date(2027, 1, 1), LAGOS),
        Compare.PREVIOUS,
    )
    assert december.compare == NOVEMBER
    fb = {r["key"]: r for r in december.rows}["source:fb"]
    # December: Late registered, no order; December's cost 50.00 against November's 400.00.
    assert _figures(fb) == (1, 0, D("0.00"), D("50.00"), D("-50.00"), D("50.00"))
    assert december.change(fb, "cost") == Decimal("-87.5")


async def test_who_may_see_it(runtime):
    await _month()
    for role in (Role.ADMIN, Role.DIRECTOR, Role.MARKETER):
        person = await Employee.create(name=f"{role.value} person", role=role)
        assert (await build(actor_for(person), "marketing", NOVEMBER)).rows
    for role in (Role.MANAGER, Role.HEAD_OF_SALES, Role.ACCOUNTANT, Role.DISPATCHER):
        person = await Employee.create(name=f"{role.value} person", role=role)
        with pytest.raises(PermissionDenied):
            await build(actor_for(person), "marketing", NOVEMBER)


NOVEMBER_QUERY = "period=custom&from=2026-11-01&to=2026-11-30"


async def test_the_page_the_links_and_the_file(runtime, panel_for):
    _director, friday, _october, _quiet = await _month()
    marketer = await panel_for(Role.MARKETER)
    listing = await marketer.open("/admin/reports")
    assert "Marketing sources" in listing.text("reports-list")
    page = await marketer.open(f"/admin/reports/marketing?{NOVEMBER_QUERY}")
    assert page.status == 200
    first = page.rows("report-table")[0]
    assert first[:3] == ["source", "Facebook Ads", "2"]
    assert "/admin/clients?source=fb&amp;created_after=2026-11-01" in page.html
    assert f'href="/admin/mailings/{friday.id}"' in page.html
    assert 'id="report-chart" src="data:image/svg+xml;base64,' in page.html
    assert "Marketing sources → Costs" in page.body_text
    await marketer.open(f"/admin/reports/marketing.xlsx?{NOVEMBER_QUERY}")
    sheet = load_workbook(io.BytesIO(marketer.body)).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[0][:3] == ["Kind", "Source or campaign", "Clients attracted"]
    assert values[1][:5] == ["source", "Facebook Ads", 2, 2, 1250.35]
    empty = await marketer.open(
        "/admin/reports/marketing?period=custom&from=2025-01-01&to=2025-01-31"
    )
    assert empty.text("report-empty") == "No data for this period."
    manager = await panel_for(Role.MANAGER)
    assert (await manager.open(f"/admin/reports/marketing?{NOVEMBER_QUERY}")).status == 403
