"""Report 5 on a small hand-made month: every figure written here by hand, on both databases."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from core.errors import PermissionDenied
from core.models import Employee, Role
from core.services.reports import build
from core.services.reports.period import Period
from tests.reports.data import client, utc
from tests.reports.data_marketing import place, route_order, route_request, shipment
from tests.reports.files import pdf_text, sheet_values
from tests.services.conftest import actor_for

LAGOS = ZoneInfo("Africa/Lagos")
NOVEMBER = Period(dt.date(2026, 11, 1), dt.date(2026, 12, 1), LAGOS)
FIGURES = (
    "requests",
    "orders",
    "revenue",
    "margin",
    "delivered",
    "transit_hours",
    "promised_hours",
)


def D(text: str) -> Decimal:
    return Decimal(text)


async def _month():
    director = await Employee.create(name="Dora Director", role=Role.DIRECTOR)
    olga = await Employee.create(name="Olga Head", role=Role.HEAD_OF_SALES)
    femi = await Employee.create(name="Femi Head", role=Role.HEAD_OF_SALES)
    tunde = await Employee.create(name="Tunde", role=Role.MANAGER, head=olga)
    bisi = await Employee.create(name="Bisi", role=Role.MANAGER, head=femi)
    lagos, abuja = await place("Lagos", "NG"), await place("Abuja", "NG")
    accra = await place("Accra", "GH")
    ada = await client("Ada", tunde, utc(2026, 9, 1))

    # Lagos → Abuja, Tunde's: five requests in November (Lagos time), two orders.
    await route_request(ada, utc(2026, 11, 2), lagos, abuja, tunde)
    await route_request(ada, utc(2026, 10, 31, 22, 30), lagos, abuja, tunde)  # 31 Oct, 23:30
    await route_request(ada, utc(2026, 10, 31, 23, 30), lagos, abuja, tunde)  # 1 Nov, 00:30
    o1 = await route_order(ada, utc(2026, 11, 5, 12), lagos, abuja, "1000.00", "800.00", tunde)
    o2 = await route_order(ada, utc(2026, 11, 6), lagos, abuja, "500.50", None, tunde)
    await route_order(
        ada, utc(2026, 11, 7), lagos, abuja, "9999.00", "1.00", tunde, cancelled=utc(2026, 11, 8)
    )
    # Booked in October, delivered on 1 November: its transit counts in November.
    o0 = await route_order(ada, utc(2026, 10, 20), lagos, abuja, "700.00", "600.00", tunde)
    await shipment(o0, utc(2026, 10, 20), modes=("rail",), promised_hours=240, delivered_hours=300)
    await shipment(o1, utc(2026, 11, 5, 13), promised_hours=48, delivered_hours=60)
    await shipment(
        o2, utc(2026, 11, 6), modes=("road", "air"), promised_hours=24, delivered_hours=20
    )

    # Lagos → Accra, Bisi's (another head's team): two requests, one order, not delivered.
    o4 = await route_order(ada, utc(2026, 11, 10), lagos, accra, "2000.00", "1500.00", bisi)
    await route_request(ada, utc(2026, 11, 11), lagos, accra, bisi)
    await shipment(o4, utc(2026, 11, 10), modes=("sea",), promised_hours=100)

    # Typed by the client, not matched to the list: one city however it was spelled.
    await route_request(ada, utc(2026, 11, 12), " kano", abuja)
    await route_request(ada, utc(2026, 11, 13), "Kano", abuja)
    return director, olga, tunde


async def test_directions_for_november(runtime):
    director, *_ = await _month()
    result = await build(actor_for(director), "routes", NOVEMBER)
    # (Which spelling of a typed city is shown depends on the database's collation.)
    places = [
        (r["origin"].casefold(), r["origin_country"], r["destination"], r["destination_country"])
        for r in result.rows
    ]
    assert places == [
        ("lagos", "NG", "Abuja", "NG"),
        ("lagos", "NG", "Accra", "GH"),
        ("kano", None, "Abuja", "NG"),
    ]
    abuja, accra, kano = result.rows
    # requests, orders, revenue, margin (the order without a cost has none), delivered,
    # average transit (300 + 60 + 20) / 3 h against promised (240 + 48 + 24) / 3 h
    assert tuple(abuja[k] for k in FIGURES) == (5, 2, D("1500.50"), D("200.00"), 3, 126.7, 104.0)
    assert tuple(accra[k] for k in FIGURES) == (2, 1, D("2000.00"), D("500.00"), 0, None, None)
    assert tuple(kano[k] for k in FIGURES) == (2, 0, D("0.00"), D("0.00"), 0, None, None)
    # The chart: legs of the shipments created in November: road 2, air 1, sea 1.
    chart = result.chart
    assert chart is not None and chart.kind == "stacked"
    assert chart.labels == ["Nov 2026"]
    assert chart.series == {"Road": [50.0], "Sea": [25.0], "Air": [25.0]}


async def test_mode_shares_per_month_across_a_month_end_in_lagos(runtime):
    director = await Employee.create(name="Dora Director", role=Role.DIRECTOR)
    lagos, kano = await place("Lagos", "NG"), await place("Kano", "NG")
    ada = await client("Ada", None, utc(2026, 9, 1))
    moments = [
        (utc(2026, 11, 14, 22, 30), "air"),  # 14 November, 23:30 in Lagos: before the period
        (utc(2026, 11, 20), "rail"),
        (utc(2026, 11, 30, 22, 30), "road"),  # 30 November, 23:30 in Lagos
        (utc(2026, 11, 30, 23, 30), "air"),  # 1 December, 00:30 in Lagos
        (utc(2026, 12, 14, 22, 59), "air"),  # 14 December, 23:59 in Lagos: the last minute
        (utc(2026, 12, 14, 23), "sea"),  # 15 December in Lagos: after the period
    ]
    for moment, mode in moments:
        booked = await route_order(ada, moment, lagos, kano, "100.00", "90.00")
        await shipment(booked, moment, modes=(mode,))
    period = Period(dt.date(2026, 11, 15), dt.date(2026, 12, 15), LAGOS)
    result = await build(actor_for(director), "routes", period)
    assert result.chart is not None
    assert result.chart.labels == ["Nov 2026", "Dec 2026"]
    assert result.chart.series == {
        "Road": [50.0, 0.0],
        "Rail": [50.0, 0.0],
        "Air": [0.0, 100.0],
    }
    [row] = result.rows
    # The orders at the edges are the period's when they fall inside it in Lagos; their
    # requests two hours earlier: 14 Dec 20:59 UTC is in, 14 Nov 20:30 UTC is out, and so on.
    assert (row["requests"], row["orders"], row["revenue"]) == (5, 4, D("400.00"))


async def test_a_head_of_sales_sees_their_teams_directions(runtime):
    _director, olga, _tunde = await _month()
    result = await build(actor_for(olga), "routes", NOVEMBER)
    [row] = result.rows
    assert (row["origin"], row["destination"]) == ("Lagos", "Abuja")
    assert tuple(row[k] for k in FIGURES) == (5, 2, D("1500.50"), D("200.00"), 3, 126.7, 104.0)
    assert result.chart is not None
    assert result.chart.series == {"Road": [66.7], "Air": [33.3]}


async def test_an_empty_period_and_who_may_see_it(runtime):
    director, _olga, tunde = await _month()
    empty = await build(
        actor_for(director), "routes", Period(dt.date(2025, 1, 1), dt.date(2025, 2, 1), LAGOS)
    )
    assert empty.empty and empty.chart is None
    admin = await Employee.create(name="Ade Admin", role=Role.ADMIN)
    assert (await build(actor_for(admin), "routes", NOVEMBER)).rows
    for role in (Role.MARKETER, Role.ACCOUNTANT, Role.DISPATCHER):
        person = await Employee.create(name=f"{role.value} person", role=role)
        with pytest.raises(PermissionDenied):
            await build(actor_for(person), "routes", NOVEMBER)
    with pytest.raises(PermissionDenied):
        await build(actor_for(tunde), "routes", NOVEMBER)


NOVEMBER_QUERY = "period=custom&from=2026-11-01&to=2026-11-30"
NOTES = [
    "A direction is by city as the request named it: a place from the list, or the text the "
    "client typed (then without a country).",
    "Transit: shipments delivered in the period, from booking to delivery, against the "
    "transit promised in the quote.",
    "The chart: each transport mode's share of the legs of the shipments created in each month.",
]
FIRST_NOTE_RU = (
    "Направление определяется по городу, как он указан в заявке: пункт из списка или текст, "
    "который ввёл клиент (тогда без страны)."
)


async def test_the_page_and_roles_in_the_panel(runtime, panel_for):
    await _month()
    director = await panel_for(Role.DIRECTOR)
    page = await director.open(f"/admin/reports/routes?{NOVEMBER_QUERY}")
    assert page.status == 200
    assert page.rows("report-table")[0][:6] == ["Lagos", "NG", "Abuja", "NG", "5", "2"]
    assert 'id="report-chart" src="data:image/svg+xml;base64,' in page.html
    await director.open(f"/admin/reports/routes.pdf?{NOVEMBER_QUERY}")
    assert director.body.startswith(b"%PDF")
    manager = await panel_for(Role.MANAGER)
    assert (await manager.open(f"/admin/reports/routes?{NOVEMBER_QUERY}")).status == 403
    marketer = await panel_for(Role.MARKETER)
    assert (await marketer.open(f"/admin/reports/routes?{NOVEMBER_QUERY}")).status == 403


async def test_the_files_carry_the_notes_in_the_readers_language(runtime, panel_for):
    await _month()
    director = await panel_for(Role.DIRECTOR)
    await director.open(f"/admin/reports/routes.xlsx?{NOVEMBER_QUERY}")
    values = sheet_values(director.body)
    # Three directions, a blank row, then the notes in the first column.
    assert len(values) == 1 + 3 + 1 + 1 + len(NOTES)
    assert values[4] == [None] * len(values[0])
    assert [row[0] for row in values[5:]] == ["Notes", *NOTES]
    assert all(cell is None for row in values[5:] for cell in row[1:])
    await director.open(f"/admin/reports/routes.pdf?{NOVEMBER_QUERY}")
    text = pdf_text(director.body)
    assert text.startswith("Routes and modes")
    assert "Lagos" in text
    assert f"Notes {' '.join(NOTES)}" in text

    # A reader who reads Russian gets them in Russian, like the rest of the file.
    await Employee.filter(id=director.employee.id).update(language="ru")
    await director.open(f"/admin/reports/routes.xlsx?{NOVEMBER_QUERY}")
    values = sheet_values(director.body)
    assert [row[0] for row in values[5:7]] == ["Заметки", FIRST_NOTE_RU]
    await director.open(f"/admin/reports/routes.pdf?{NOVEMBER_QUERY}")
    text = pdf_text(director.body)
    assert f"Заметки {FIRST_NOTE_RU}" in text
    assert NOTES[0] not in text

    # An empty period has nothing to explain: no notes, as on the page.
    await Employee.filter(id=director.employee.id).update(language="en")
    empty = "period=custom&from=2025-01-01&to=2025-01-31"
    await director.open(f"/admin/reports/routes.xlsx?{empty}")
    assert len(sheet_values(director.body)) == 1
    await director.open(f"/admin/reports/routes.pdf?{empty}")
    text = pdf_text(director.body)
    assert "No data for this period." in text and "Notes" not in text
