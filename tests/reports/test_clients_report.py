"""Report 2, client activity, on a small hand-made October and November in Lagos (UTC+1):
every figure written here by hand, on both databases."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from zoneinfo import ZoneInfo

from openpyxl import load_workbook

from core.models import Employee, RefusalReason, Role
from core.services.reports import build
from core.services.reports.base import Window
from core.services.reports.period import Compare, Period
from tests.reports.data import client, quote, request, utc
from tests.reports.data_activity import contact, refused, sale
from tests.services.conftest import actor_for

LAGOS = ZoneInfo("Africa/Lagos")
NOVEMBER = Period(dt.date(2026, 11, 1), dt.date(2026, 12, 1), LAGOS)
JOINED = utc(2026, 1, 1)


async def _clients():
    head = await Employee.create(name="Olga Head", role=Role.HEAD_OF_SALES)
    tunde = await Employee.create(name="Tunde", role=Role.MANAGER, head=head)
    bisi = await Employee.create(name="Bisi", role=Role.MANAGER, head=head)
    director = await Employee.create(name="Dora", role=Role.DIRECTOR)
    c = {}
    for name, manager in [
        ("Ada", tunde),
        ("Kemi", bisi),
        ("Femi", tunde),
        ("Sade", tunde),
        ("Dayo", None),
        ("Gbenga", bisi),
        ("Old", tunde),
    ]:
        c[name] = await client(name, manager, JOINED)

    # Ada: three requests in November (the first at 00:30 on 1 November in Lagos), two
    # ordered, one refused; one request in October (23:30 on 31 October in Lagos) with its
    # quote; a request and order on 1 December in Lagos (30 November 23:30 UTC).
    ada = c["Ada"]
    await sale(
        ada, utc(2026, 10, 31, 23, 30), utc(2026, 11, 30, 22, 30), "1000.10", "600.05", tunde
    )
    await sale(ada, utc(2026, 11, 3, 9), utc(2026, 11, 4), "500.00", None, tunde)
    await refused(ada, utc(2026, 11, 4, 9), utc(2026, 11, 6), RefusalReason.TOO_EXPENSIVE, tunde)
    october = await request(ada, utc(2026, 10, 31, 22, 30), manager=tunde)
    await quote(october, utc(2026, 10, 31, 22, 45), by=tunde)
    await sale(
        ada, utc(2026, 11, 30, 23, 30), utc(2026, 11, 30, 23, 45), "250.00", "200.00", tunde
    )
    await contact(ada, utc(2026, 11, 30, 22, 30), tunde)  # 30 November in Lagos
    await contact(ada, utc(2026, 11, 30, 23, 30), tunde)  # 1 December in Lagos

    # Kemi: seven in October (five requests, two orders), three in November (two requests,
    # one order; another order called off, a refusal): below half, so her activity dropped.
    kemi = c["Kemi"]
    for day in (5, 6, 7):
        await request(kemi, utc(2026, 10, day), manager=bisi)
    await sale(kemi, utc(2026, 10, 8), utc(2026, 10, 9), "300.00", "200.00", bisi)
    await sale(kemi, utc(2026, 10, 10), utc(2026, 10, 11), "300.00", "250.00", bisi)
    await sale(kemi, utc(2026, 11, 12), utc(2026, 11, 13), "200.00", "150.00", bisi)
    await sale(
        kemi,
        utc(2026, 11, 14),
        utc(2026, 11, 15),
        "9999.00",
        "1.00",
        bisi,
        cancelled=utc(2026, 11, 16),
    )
    await contact(kemi, utc(2026, 10, 20), bisi)

    # Femi: four requests in October, two in November (exactly half: not dropped), one
    # refused as just checking; never an order: only asks for prices.
    femi = c["Femi"]
    for day in (10, 11, 12, 13):
        await request(femi, utc(2026, 10, day), manager=tunde)
    await request(femi, utc(2026, 11, 20), manager=tunde)
    await refused(femi, utc(2026, 11, 21), utc(2026, 11, 22), RefusalReason.JUST_CHECKING, tunde)

    # Sade: two requests in November, but she ordered in June: not a price-only client.
    sade = c["Sade"]
    await sale(sade, utc(2026, 6, 1), utc(2026, 6, 2), "100.00", "50.00", tunde)
    await request(sade, utc(2026, 11, 25), manager=tunde)
    await request(sade, utc(2026, 11, 26), manager=tunde)

    # Dayo (no manager): one request, too few to be a price-only client.
    await request(c["Dayo"], utc(2026, 11, 10))
    # Gbenga: two requests in October, nothing in November: dropped, shown with zeros.
    await request(c["Gbenga"], utc(2026, 10, 15), manager=bisi)
    await request(c["Gbenga"], utc(2026, 10, 16), manager=bisi)
    # Old: a request in September only: neither in November nor in October.
    await request(c["Old"], utc(2026, 9, 10), manager=tunde)
    return head, tunde, bisi, director, c


def _named(result):
    return {row["name"]: row for row in result.rows}


async def test_each_clients_figures_for_november(runtime):
    _head, _tunde, _bisi, director, c = await _clients()
    result = await build(actor_for(director), "clients", NOVEMBER)
    assert [row["name"] for row in result.rows] == [
        "Ada",
        "Kemi",
        "Femi",
        "Sade",
        "Dayo",
        "Gbenga",
    ]
    rows = _named(result)
    ada = rows["Ada"]
    assert ada["client_id"] == c["Ada"].id and ada["manager"] == "Tunde"
    assert (ada["requests"], ada["quotes"], ada["orders"], ada["refusals"]) == (3, 2, 2, 1)
    assert ada["conversion"] == Decimal("66.7")
    assert (ada["revenue"], ada["margin"]) == (Decimal("1500.10"), Decimal("400.05"))
    assert str(ada["refusal_reasons"]) == "too expensive 1"
    assert ada["last_contact"] == dt.date(2026, 11, 30)
    assert ada["price_only"] is None and ada["dropped"] is None

    kemi = rows["Kemi"]
    assert (kemi["requests"], kemi["quotes"], kemi["orders"], kemi["refusals"]) == (2, 2, 1, 1)
    assert kemi["conversion"] == Decimal("50.0")
    assert (kemi["revenue"], kemi["margin"]) == (Decimal("200.00"), Decimal("50.00"))
    assert kemi["last_contact"] == dt.date(2026, 10, 20)
    assert kemi["dropped"] and str(kemi["dropped"]) == "yes"
    assert kemi["price_only"] is None
    assert str(kemi["refusal_reasons"]) == "other 1"  # the order called off

    femi = rows["Femi"]
    assert (femi["requests"], femi["orders"], femi["conversion"]) == (2, 0, Decimal("0.0"))
    assert str(femi["refusal_reasons"]) == "just checking prices 1"
    assert femi["price_only"] and femi["dropped"] is None
    assert femi["last_contact"] is None and femi["manager"] == "Tunde"

    sade = rows["Sade"]
    assert (sade["requests"], sade["price_only"], sade["dropped"]) == (2, None, None)

    dayo = rows["Dayo"]
    assert (dayo["requests"], dayo["manager"], dayo["price_only"]) == (1, None, None)

    gbenga = rows["Gbenga"]
    assert (gbenga["requests"], gbenga["orders"], gbenga["revenue"]) == (0, 0, Decimal("0"))
    assert gbenga["conversion"] is None and gbenga["dropped"]

    assert result.chart is not None and result.chart.kind == "bar"
    assert result.chart.labels == ["Ada", "Kemi"]
    assert result.chart.series == {"Revenue": [1500.10, 200.0], "Margin": [400.05, 50.0]}


async def test_a_period_across_a_month_end_in_lagos(runtime):
    """20 November to 10 December, against the 21 days before (30 October to 19 November)."""
    _head, _tunde, _bisi, director, _c = await _clients()
    period = Period(dt.date(2026, 11, 20), dt.date(2026, 12, 11), LAGOS)
    result = await build(actor_for(director), "clients", period)
    assert [row["name"] for row in result.rows] == ["Ada", "Femi", "Sade", "Dayo", "Kemi"]
    rows = _named(result)
    ada = rows["Ada"]
    # The request and order of 1 December; the order of 30 November 23:30 in Lagos.
    assert (ada["requests"], ada["orders"], ada["conversion"]) == (1, 2, Decimal("100.0"))
    assert (ada["revenue"], ada["margin"]) == (Decimal("1250.10"), Decimal("450.05"))
    assert ada["last_contact"] == dt.date(2026, 12, 1)
    assert ada["dropped"] is None  # 3 now against 5 before
    # Kemi had three before and nothing now; Dayo one and nothing.
    assert rows["Kemi"]["dropped"] and rows["Dayo"]["dropped"]
    assert rows["Femi"]["price_only"] and rows["Femi"]["dropped"] is None


async def test_a_manager_sees_their_own_clients_and_a_head_the_teams(runtime):
    head, tunde, bisi, _director, _c = await _clients()
    own = await build(actor_for(tunde), "clients", NOVEMBER)
    assert [row["name"] for row in own.rows] == ["Ada", "Femi", "Sade"]
    assert [row["name"] for row in (await build(actor_for(bisi), "clients", NOVEMBER)).rows] == [
        "Kemi",
        "Gbenga",
    ]
    team = await build(actor_for(head), "clients", NOVEMBER)
    assert [row["name"] for row in team.rows] == ["Ada", "Kemi", "Femi", "Sade", "Gbenga"]


async def test_an_empty_period_has_no_rows_and_the_previous_period_is_kept(runtime):
    _head, _tunde, _bisi, director, c = await _clients()
    empty = await build(
        actor_for(director), "clients", Period(dt.date(2025, 1, 1), dt.date(2025, 2, 1), LAGOS)
    )
    assert empty.empty and empty.chart is None
    compared = await build(actor_for(director), "clients", NOVEMBER, Compare.PREVIOUS)
    before = compared.previous[c["Kemi"].id]
    assert (before["requests"], before["orders"], before["revenue"]) == (5, 2, Decimal("600.00"))
    kemi = _named(compared)["Kemi"]
    assert compared.change(kemi, "orders") == Decimal("-50")
    # In October, Old (one request in September, none in October) is the one that dropped.
    assert compared.previous[c["Old"].id]["dropped"]


async def test_a_director_opens_the_client_activity_report(runtime, panel_for):
    *_people, c = await _clients()
    director = await panel_for(Role.DIRECTOR)
    november = "period=custom&from=2026-11-01&to=2026-11-30"
    listing = await director.open("/admin/reports")
    assert "Client activity" in listing.text("reports-list")
    page = await director.open(f"/admin/reports/clients?{november}")
    assert page.status == 200
    table = page.rows("report-table")
    assert [row[0] for row in table] == ["Ada", "Kemi", "Femi", "Sade", "Dayo", "Gbenga"]
    assert table[0][:6] == ["Ada", "Tunde", "3", "2", "2", "66.7 %"]
    assert 'id="report-chart" src="data:image/svg+xml;base64,' in page.html
    assert f'href="/admin/clients/{c["Ada"].id}"' in page.html
    await director.open(f"/admin/reports/clients.xlsx?{november}")
    sheet = load_workbook(io.BytesIO(director.body)).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[0][-2:] == ["Asks for prices, never orders", "Activity dropped"]
    femi = next(row for row in values if row[0] == "Femi")
    assert femi[-2:] == ["yes", None]
    await director.open(f"/admin/reports/clients.pdf?{november}")
    assert director.body.startswith(b"%PDF")


async def test_a_page_window_is_sorted_and_cut_in_sql_with_the_whole_reports_count(runtime):
    """The panel's page: the first rows in a column's order, however many clients; the
    chart still shows the top clients by revenue, and the total counts every row."""
    _head, _tunde, _bisi, director, c = await _clients()
    by_name = await build(
        actor_for(director), "clients", NOVEMBER, window=Window("name", False, limit=2)
    )
    assert [row["name"] for row in by_name.rows] == ["Ada", "Dayo"]
    assert by_name.total == 6 and by_name.hidden == 4
    assert by_name.rows[0]["last_contact"] == dt.date(2026, 11, 30)  # looked up after the cut
    assert by_name.chart is not None and by_name.chart.labels == ["Ada", "Kemi"]

    # Rows without a figure stay last whichever the direction.
    by_contact = await build(
        actor_for(director), "clients", NOVEMBER, window=Window("last_contact", True, limit=3)
    )
    assert [row["name"] for row in by_contact.rows][:2] == ["Ada", "Kemi"]
    ascending = await build(
        actor_for(director), "clients", NOVEMBER, window=Window("last_contact", False, limit=6)
    )
    assert [row["last_contact"] is None for row in ascending.rows][-1]
    assert ascending.rows[0]["name"] == "Kemi"

    flagged = await build(
        actor_for(director), "clients", NOVEMBER, window=Window("price_only", True, limit=1)
    )
    assert [row["name"] for row in flagged.rows] == ["Femi"]

    # Compared with October: the window's clients only, with their October figures.
    compared = await build(
        actor_for(director),
        "clients",
        NOVEMBER,
        Compare.PREVIOUS,
        window=Window("revenue", True, limit=2),
    )
    assert [row["name"] for row in compared.rows] == ["Ada", "Kemi"]
    assert set(compared.previous) == {c["Ada"].id, c["Kemi"].id}
    assert compared.previous[c["Kemi"].id]["orders"] == 2


async def test_the_panels_filters_a_person_and_a_flag(runtime):
    head, tunde, bisi, director, _c = await _clients()
    boss = actor_for(director)
    tundes = await build(boss, "clients", NOVEMBER, person=tunde.id)
    assert [row["name"] for row in tundes.rows] == ["Ada", "Femi", "Sade"]
    # A head may narrow to their team only; a manager to nobody but themselves.
    outsider = await Employee.create(name="Other", role=Role.MANAGER, head=director)
    assert (await build(actor_for(head), "clients", NOVEMBER, person=outsider.id)).empty
    assert (await build(actor_for(tunde), "clients", NOVEMBER, person=bisi.id)).empty

    for window in (None, Window(limit=10)):
        price_only = await build(boss, "clients", NOVEMBER, window=window, flag="price_only")
        assert [row["name"] for row in price_only.rows] == ["Femi"]
        dropped = await build(boss, "clients", NOVEMBER, window=window, flag="dropped")
        assert [row["name"] for row in dropped.rows] == ["Kemi", "Gbenga"]
        both = await build(
            boss, "clients", NOVEMBER, window=window, person=bisi.id, flag="dropped"
        )
        assert [row["name"] for row in both.rows] == ["Kemi", "Gbenga"]
    # A flag the report has not: no filter.
    assert len((await build(boss, "clients", NOVEMBER, flag="bogus")).rows) == 6
    assert (
        await build(boss, "clients", NOVEMBER, window=Window(limit=1), flag="dropped")
    ).total == 2
