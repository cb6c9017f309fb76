"""Report 7 on a small hand-made autumn: every figure written here by hand, on both databases.

October and November 2026 in Lagos (UTC+1): orders by Tunde and Bisi for Ada and Kemi on
four routes, some shipped by Swift Haulage or Delta Lines.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from html import unescape
from zoneinfo import ZoneInfo

import pytest

from core.errors import PermissionDenied
from core.models import Employee, RequestState, Role, ShipmentStatus
from core.services.reports import build
from core.services.reports.period import Compare, Period
from tests.reports.data import client
from tests.reports.data_shipments import carrier, location, sale, shipment, utc
from tests.services.conftest import actor_for

LAGOS = ZoneInfo("Africa/Lagos")
NOVEMBER = Period(dt.date(2026, 11, 1), dt.date(2026, 12, 1), LAGOS)
AUTUMN = Period(dt.date(2026, 10, 1), dt.date(2026, 12, 1), LAGOS)
QUERY = "period=custom&from=2026-11-01&to=2026-11-30"


async def _autumn():
    tunde = await Employee.create(name="Tunde", role=Role.MANAGER)
    bisi = await Employee.create(name="Bisi", role=Role.MANAGER)
    director = await Employee.create(name="Dayo Director", role=Role.DIRECTOR)
    ada = await client("Ada", tunde, utc(2026, 9, 1))
    kemi = await client("Kemi", bisi, utc(2026, 9, 1))
    swift, delta = await carrier("Swift Haulage"), await carrier("Delta Lines")
    abuja = await location("Abuja")

    # October: O1 Tunde/Ada Lagos → Abuja on Swift; O2 Bisi/Kemi Lagos → Kano on Delta,
    # at 23:30 on 31 October in Lagos.
    await shipment(
        ada,
        utc(2026, 10, 10),
        [(swift, "1000.00", "600.00")],
        manager=tunde,
        promised=utc(2026, 10, 13),
        delivered=utc(2026, 10, 12),
    )
    await shipment(
        kemi,
        utc(2026, 10, 31, 22, 30),
        [(delta, "500.00", "300.00")],
        manager=bisi,
        destination="Kano",
        promised=utc(2026, 11, 3),
        delivered=utc(2026, 11, 2),
    )
    # November. O3 at 00:30 on 1 November in Lagos, delivered a day after the promise.
    await shipment(
        ada,
        utc(2026, 10, 31, 23, 30),
        [(swift, "3000.50", "2000.25")],
        manager=tunde,
        promised=utc(2026, 11, 4),
        delivered=utc(2026, 11, 5, 10),
    )
    # O4: no cost yet (no margin), still on its way though its ETA passed on 20 November.
    await shipment(
        kemi,
        utc(2026, 11, 15),
        [(delta, "200.00", None)],
        manager=bisi,
        destination="Kano",
        promised=utc(2026, 11, 19),
        eta=utc(2026, 11, 20),
    )
    # O5: Tunde for Kemi from Abuja (a known place) to Kano; not shipped yet.
    await sale(
        kemi, utc(2026, 11, 20), "800.00", "500.00", tunde, origin=abuja, destination="Kano"
    )
    # O6: cancelled, so no revenue; it counts as refused.
    await sale(
        ada,
        utc(2026, 11, 21),
        "9999.00",
        "1.00",
        bisi,
        state=RequestState.REFUSED,
        cancelled=utc(2026, 11, 22),
    )
    # O7: 23:30 on 30 November UTC is December in Lagos.
    await sale(ada, utc(2026, 11, 30, 23, 30), "7777.00", "7.00", tunde)
    # O8: booked, promised and expected in December: not late at the end of November.
    await shipment(
        ada,
        utc(2026, 11, 25),
        [(swift, "100.00", "50.00")],
        manager=bisi,
        promised=utc(2026, 12, 9),
        eta=utc(2026, 12, 10),
        status=ShipmentStatus.BOOKED,
    )
    # O9: a small new route, the fourth largest change: left out of the top three.
    await sale(
        kemi, utc(2026, 11, 26), "10.00", "5.00", bisi, origin="Ibadan", destination="Ilorin"
    )
    return director, tunde, bisi, ada, kemi, swift, delta


def _section(rows, prefix):
    return [row for row in rows if row["key"].startswith(prefix)]


async def test_revenue_cost_and_margin_by_month_with_lagos_month_ends(runtime):
    director, *_rest = await _autumn()
    result = await build(actor_for(director), "overview", AUTUMN)
    months = _section(result.rows, "month:")
    assert [
        (r["key"], str(r["item"]), r["count"], r["revenue"], r["cost"], r["margin"])
        for r in months
    ] == [
        # O1 + O2 (at 23:30 on 31 October in Lagos).
        (
            "month:2026-10",
            "October 2026",
            2,
            Decimal("1500.00"),
            Decimal("900.00"),
            Decimal("600.00"),
        ),
        # O3 + O4 (no cost) + O5 + O8 + O9; not O6 (cancelled) nor O7 (December).
        (
            "month:2026-11",
            "November 2026",
            5,
            Decimal("4110.50"),
            Decimal("2555.25"),
            Decimal("1355.25"),
        ),
    ]
    assert result.chart is not None
    assert result.chart.labels == ["October 2026", "November 2026"]
    assert result.chart.series == {"Revenue": [1500.0, 4110.5], "Cost": [900.0, 2555.25]}


async def test_orders_by_status_and_late_shipments_in_november(runtime):
    director, *_rest = await _autumn()
    result = await build(actor_for(director), "overview", NOVEMBER)
    statuses = [
        (r["key"], str(r["item"]), r["count"], r["share"])
        for r in _section(result.rows, "status:")
    ]
    assert statuses == [
        ("status:ordered", "Ordered", 2, Decimal("33.3")),  # O5, O9: no shipment yet
        ("status:booked", "Booked", 1, Decimal("16.7")),  # O8
        ("status:in_transit", "In transit", 1, Decimal("16.7")),  # O4
        ("status:delivered", "Delivered", 1, Decimal("16.7")),  # O3
        ("status:refused", "Refused", 1, Decimal("16.7")),  # O6, cancelled
    ]
    late = [(r["key"], r["count"], r["share"]) for r in _section(result.rows, "late:")]
    # Of the three shipments made in November: O3 delivered late, O4 overdue, O8 not yet due.
    assert late == [
        ("late:late", 2, Decimal("66.7")),
        ("late:delivered_late", 1, Decimal("33.3")),
        ("late:overdue", 1, Decimal("33.3")),
    ]


async def test_what_moved_revenue_against_october(runtime):
    director, tunde, bisi, ada, kemi, swift, delta = await _autumn()
    result = await build(actor_for(director), "overview", NOVEMBER)
    factors = _section(result.rows, "factor:")
    assert [str(r["factor"]) for r in factors] == [
        "manager: Tunde +NGN2,800.50",  # 1000 → 3000.50 + 800
        "manager: Bisi -NGN190.00",  # 500 → 200 + 100 + 10
        "client: Ada +NGN2,100.50",  # 1000 → 3000.50 + 100
        "client: Kemi +NGN510.00",  # 500 → 200 + 800 + 10
        "route: Lagos → Abuja +NGN2,100.50",
        "route: Abuja (NG) → Kano +NGN800.00",  # a listed place shows its country
        "route: Lagos → Kano -NGN300.00",  # Ibadan → Ilorin (+10) is fourth: left out
        "carrier: Swift Haulage +NGN2,100.50",  # legs of O1 → O3 + O8
        "carrier: Delta Lines -NGN300.00",  # O2 → O4
    ]
    tunde_row = factors[0]
    assert tunde_row["key"] == f"factor:manager:{tunde.id}"
    assert (tunde_row["revenue"], tunde_row["revenue_before"], tunde_row["revenue_change"]) == (
        Decimal("3800.50"),
        Decimal("1000.00"),
        Decimal("2800.50"),
    )
    assert factors[1]["key"] == f"factor:manager:{bisi.id}"
    assert factors[2]["drill"] == f"/admin/clients/{ada.id}"
    assert factors[3]["drill"] == f"/admin/clients/{kemi.id}"
    # A direction's and a carrier's factors open their shipments made in the period.
    assert factors[4]["drill"] == (
        "/admin/shipments?from=2026-11-01&to=2026-11-30&origin=Lagos&origin_country="
        "&destination=Abuja&destination_country="
    )
    assert factors[7]["drill"] == (
        f"/admin/shipments?from=2026-11-01&to=2026-11-30&carrier={swift.id}"
    )
    assert factors[8]["key"] == f"factor:carrier:{delta.id}"
    assert factors[0]["drill"] == (
        "/admin/reports/managers?period=custom&from=2026-11-01&to=2026-11-30"
    )
    assert len({row["key"] for row in result.rows}) == len(result.rows)


async def test_an_empty_period_a_comparison_and_roles(runtime):
    director, tunde, *_rest = await _autumn()
    empty = await build(
        actor_for(director), "overview", Period(dt.date(2025, 1, 1), dt.date(2025, 2, 1), LAGOS)
    )
    assert empty.empty and empty.chart is None
    # January 2027 follows a December with one order, but has nothing of its own.
    january = await build(
        actor_for(director), "overview", Period(dt.date(2027, 1, 1), dt.date(2027, 2, 1), LAGOS)
    )
    assert january.empty
    compared = await build(actor_for(director), "overview", NOVEMBER, Compare.PREVIOUS)
    delivered = {r["key"]: r for r in compared.rows}["status:delivered"]
    assert compared.previous["status:delivered"]["count"] == 2  # O1 and O2 in October
    assert compared.change(delivered, "count") == Decimal("-50")
    with pytest.raises(PermissionDenied):
        await build(actor_for(tunde), "overview", NOVEMBER)
    dispatcher = await Employee.create(name="Femi", role=Role.DISPATCHER)
    with pytest.raises(PermissionDenied):
        await build(actor_for(dispatcher), "overview", NOVEMBER)


async def test_the_overview_page_and_its_files(runtime, panel_for):
    await _autumn()
    director = await panel_for(Role.DIRECTOR)
    page = await director.open(f"/admin/reports/overview?{QUERY}")
    assert page.status == 200
    table = page.rows("report-table")
    assert table[0][:3] == ["By month", "November 2026", "5"]
    assert any(row[-1] == "manager: Tunde +NGN2,800.50" for row in table)
    assert 'id="report-chart" src="data:image/svg+xml;base64,' in page.html
    # Each line opens its records: the month and a shipment status their shipments.
    links = dict(
        (unescape(text).strip(), unescape(link))
        for link, text in re.findall(
            r'data-key="item">\s*<a href="([^"]+)">([^<]+)</a>', page.html
        )
    )
    assert links["November 2026"] == "/admin/shipments?from=2026-11-01&to=2026-11-30"
    assert (
        links["In transit"] == "/admin/shipments?from=2026-11-01&to=2026-11-30&status=in_transit"
    )
    listed = await director.open(links["In transit"])
    assert len([row for row in listed.rows("shipments-list") if len(row) > 1]) == 1  # O4
    await director.open(f"/admin/reports/overview.pdf?{QUERY}")
    assert director.body.startswith(b"%PDF")
    manager = await panel_for(Role.MANAGER)
    assert (await manager.open(f"/admin/reports/overview?{QUERY}")).status == 403
