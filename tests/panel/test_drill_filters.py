"""The filters a report figure opens a list with: shipments booked or delivered on local days
and on a direction, the pipeline board on a direction, and drill links that keep any city
name one value of the query string. A direction is the routes report's: the listed place's
name, else the text the client typed; so the lists must count what the report counts."""

from __future__ import annotations

import datetime as dt
import re
from html import unescape
from typing import Any, ClassVar
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from admin_web.views import shipments as shipments_view
from core.models import Employee, QuoteRequest, Role, Shipment
from core.services.reports import REGISTRY, build
from core.services.reports.base import Column, Kind, Report, Row, Scope
from core.services.reports.period import Period
from tests.panel.panel_client import Page
from tests.reports.data import client, utc
from tests.reports.data_marketing import place, route_order, route_request, shipment
from tests.services.conftest import actor_for

LAGOS = ZoneInfo("Africa/Lagos")
TYPED = "  Côte d'Ivoire & Co depot "


def _listed(page: Page) -> set[str]:
    assert page.status == 200, page.body_text[:300]
    return {row[0] for row in page.rows("shipments-list") if len(row) > 1}


def _cards(page: Page) -> set[str]:
    assert page.status == 200, page.body_text[:300]
    ids = re.findall(r'id="card-(\d+)"', page.html)
    return {page.text(f"card-{i}").split(" ")[0] for i in ids}


async def _shipments() -> dict[str, Shipment]:
    """Four shipments (times in UTC; Lagos is an hour ahead):

    a: Lagos (NG, listed; the client typed "Apapa") → Kano, booked 1 March 12:00, delivered
       2 March 18:00; b: typed "Côte d'Ivoire & Co depot" → Abidjan (CI), booked 20 February
       23:30 (21 February in Lagos); c and d: typed "lagos " and "LAGOS" → Kano, booked
       1 March. Only a is delivered.
    """
    ada = await client("Ada Ltd", None, utc(2026, 1, 5))
    lagos, kano = await place("Lagos", "NG"), await place("Kano", "NG")
    abidjan = await place("Abidjan", "CI")
    made: dict[str, Shipment] = {}
    plan: list[tuple[str, Any, Any, dt.datetime, float | None]] = [
        ("a", lagos, kano, utc(2026, 3, 1, 12), 30),
        ("b", TYPED, abidjan, utc(2026, 2, 20, 23, 30), None),
        ("c", "lagos ", kano, utc(2026, 3, 1, 13), None),
        ("d", "LAGOS", kano, utc(2026, 3, 1, 14), None),
    ]
    for name, origin, destination, booked, delivered in plan:
        order = await route_order(ada, booked, origin, destination, "100.00", "80.00")
        made[name] = await shipment(order, booked, delivered_hours=delivered)
    first = await made["a"].order
    await QuoteRequest.filter(id=first.request_id).update(origin_text="Apapa")
    return made


async def test_the_shipments_list_by_direction_and_local_days(panel_for, monkeypatch):
    s = {k: v.number for k, v in (await _shipments()).items()}
    director = await panel_for(Role.DIRECTOR)

    async def listed(**params: str) -> set[str]:
        return _listed(await director.open(f"/admin/shipments?{urlencode(params)}"))

    # A city, letter case aside: the listed place's name, or the text typed where none is.
    assert await listed(origin="LAGOS") == {s["a"], s["c"], s["d"]}
    assert await listed(origin="lagos", origin_country="NG") == {s["a"]}
    assert await listed(origin="Lagos", origin_country="ng") == {s["a"]}
    assert await listed(origin="Lagos", origin_country="") == {s["c"], s["d"]}
    assert await listed(origin_country="") == {s["b"], s["c"], s["d"]}
    assert await listed(origin="Apapa") == set()  # typed, but the listed place names it
    assert await listed(origin="côte D'IVOIRE & co DEPOT", origin_country="") == {s["b"]}
    assert await listed(destination="abidjan", destination_country="CI") == {s["b"]}
    assert await listed(destination="Abidjan", destination_country="NG") == set()
    assert await listed(destination="kano") == {s["a"], s["c"], s["d"]}

    # Local days in the company's zone, both ends included.
    assert await listed(**{"from": "2026-02-21", "to": "2026-02-21"}) == {s["b"]}
    assert await listed(to="2026-02-20") == set()
    assert await listed(**{"from": "2026-03-01"}) == {s["a"], s["c"], s["d"]}
    assert await listed(delivered_from="2026-03-02", delivered_to="2026-03-02") == {s["a"]}
    assert await listed(delivered_to="2026-03-01") == set()

    # Bad values are ignored, like the other filters: never an error page.
    everything = {s["a"], s["b"], s["c"], s["d"]}
    assert await listed(**{"from": "2026-02-31"}) == everything
    assert await listed(to="0001-01-01", delivered_from="yesterday") == everything
    assert await listed(delivered_to="9999-12-31", origin_country="Nigeria") == everything
    assert await listed(origin="x" * 201) == everything
    page = await director.open("/admin/shipments?from=2026-02-31&origin=lagos&origin_country=")
    assert 'name="from" value=""' in page.html
    assert 'name="origin" value="lagos"' in page.html
    assert '<option value="" selected>No country (typed by the client)</option>' in page.html

    # The filters survive paging, "no country" included.
    monkeypatch.setattr(shipments_view, "PAGE_SIZE", 1)
    query = urlencode({"origin": "lagos", "origin_country": "", "from": "2026-03-01"})
    first = await director.open(f"/admin/shipments?{query}")
    nexts = re.findall(r'href="(\?[^"]*page=2)"', first.html)
    assert len(nexts) == 1
    link = unescape(nexts[0])
    assert "origin=lagos" in link and "origin_country=&" in link and "from=2026-03-01" in link
    second = await director.open(f"/admin/shipments{link}")
    assert _listed(first) | _listed(second) == {s["c"], s["d"]}


async def test_the_board_by_direction(panel_for):
    ada = await client("Ada Ltd", None, utc(2026, 1, 5))
    bisi = await client("Bisi Ltd", None, utc(2026, 1, 5))
    lagos, kano = await place("Lagos", "NG"), await place("Kano", "NG")
    now = dt.datetime.now(dt.UTC)
    listed = await route_request(ada, now, lagos, kano)
    typed = await route_request(bisi, now, " Qwzxv Farm ", kano)
    director = await panel_for(Role.DIRECTOR)

    async def cards(query: str) -> set[str]:
        return _cards(await director.open(f"/admin/pipeline?{query}"))

    both = {f"#{listed.id}", f"#{typed.id}"}
    assert await cards("") == both
    assert await cards("origin=qwzxv+farm") == {f"#{typed.id}"}
    assert await cards("origin=Lagos&origin_country=NG") == {f"#{listed.id}"}
    assert await cards("origin_country=") == {f"#{typed.id}"}
    assert await cards("destination=KANO") == both
    assert await cards("destination=Kano&destination_country=CI") == set()
    # A bad date is ignored, the direction still applies.
    assert await cards("from=2026-13-01&to=0001-01-01&origin=lagos") == {f"#{listed.id}"}
    page = await director.open("/admin/pipeline?origin=lagos&origin_country=NG")
    assert 'name="origin" value="lagos"' in page.html
    assert '<option value="NG" selected>Nigeria</option>' in page.html
    # A card moved from the filtered board comes back to the same board.
    assert 'name="back" value="/admin/pipeline?origin=lagos&amp;origin_country=NG"' in page.html


class _DrillProbe(Report):
    """One row whose city needs encoding in a link to the shipments list."""

    key = "drill_probe"
    title = "Drill probe"
    question = "Does a drill link keep a city whole?"
    roles = frozenset({Role.DIRECTOR})
    row_key = "origin"
    columns: ClassVar[list[Column]] = [
        Column(
            "origin",
            "From",
            Kind.TEXT,
            drill="/admin/shipments?origin={origin}&origin_country={country}"
            "&from={start}&to={last}",
        )
    ]

    async def rows(self, scope: Scope, period: Period) -> list[Row]:
        return [{"origin": TYPED.strip(), "country": ""}]


async def test_a_drill_link_keeps_a_city_with_accents_and_an_ampersand_whole(
    panel_for, monkeypatch
):
    s = await _shipments()
    monkeypatch.setitem(REGISTRY, _DrillProbe.key, _DrillProbe())
    director = await panel_for(Role.DIRECTOR)
    page = await director.open(
        "/admin/reports/drill_probe?period=custom&from=2026-02-01&to=2026-02-28"
    )
    assert page.status == 200
    [link] = re.findall(r'data-key="origin">\s*<a href="([^"]+)"', page.html)
    assert unescape(link) == (
        "/admin/shipments?origin=C%C3%B4te%20d%27Ivoire%20%26%20Co%20depot&origin_country="
        "&from=2026-02-01&to=2026-02-28"
    )
    assert _listed(await director.open(unescape(link))) == {s["b"].number}


async def test_the_routes_reports_links_open_the_records_it_counts(panel_for):
    """Each direction's requests and deliveries of March, opened by the routes report's own
    links, are the report's figures."""
    await _shipments()
    director = await panel_for(Role.DIRECTOR)
    march = Period(dt.date(2026, 3, 1), dt.date(2026, 4, 1), LAGOS)
    employee = await Employee.get(id=director.employee.id)
    rows = (await build(actor_for(employee), "routes", march)).rows
    assert len(rows) == 2  # Lagos (listed) and lagos (typed) → Kano
    page = await director.open("/admin/reports/routes?period=custom&from=2026-03-01&to=2026-03-31")
    for key, opened in (("requests", _cards), ("delivered", _listed)):
        links = re.findall(rf'data-key="{key}">\s*<a href="([^"]+)">([^<]+)</a>', page.html)
        assert sorted(int(figure) for _link, figure in links) == sorted(r[key] for r in rows)
        for link, figure in links:
            assert len(opened(await director.open(unescape(link)))) == int(figure), link


async def test_a_direction_with_an_unknown_end_has_no_link_and_a_narrowed_report_keeps_its_person(
    panel_for,
):
    """A request with nothing typed for its origin is counted under "unknown" but cannot be
    asked for in a list, so its figures link nowhere; a head's report narrowed to one
    manager opens that manager's records only."""
    head = await panel_for(Role.HEAD_OF_SALES)
    tunde = await Employee.create(name="Tunde", role=Role.MANAGER, head_id=head.employee.id)
    ada = await client("Ada Ltd", tunde, utc(2026, 1, 5))
    kano = await place("Kano", "NG")
    await route_request(ada, utc(2026, 3, 2, 9), "", kano, manager=tunde)
    await route_request(ada, utc(2026, 3, 3, 9), "Ibadan", kano, manager=tunde)
    march = "period=custom&from=2026-03-01&to=2026-03-31"
    page = await head.open(f"/admin/reports/routes?{march}&person={tunde.id}")
    table = {row[0]: row for row in page.rows("report-table")}
    assert set(table) == {"unknown", "Ibadan"}
    links = re.findall(r'data-key="requests">\s*<a href="([^"]+)">([^<]+)</a>', page.html)
    assert len(links) == 1  # Ibadan's only
    link = unescape(links[0][0])
    assert link.startswith("/admin/pipeline?origin=Ibadan&") and f"manager={tunde.id}" in link
    assert len(_cards(await head.open(link))) == 1


async def test_the_overview_names_a_listed_and_a_typed_city_apart(panel_for):
    """Revenue moved on a listed Lagos (NG) and on a typed "Lagos": two directions, two
    factors with their own keys, each opening its own shipments."""
    director = await panel_for(Role.DIRECTOR)
    ada = await client("Ada Ltd", None, utc(2026, 1, 5))
    lagos, kano = await place("Lagos", "NG"), await place("Kano", "NG")
    listed = await route_order(ada, utc(2026, 3, 2, 12), lagos, kano, "900.00", "600.00")
    typed = await route_order(ada, utc(2026, 3, 3, 12), "Lagos", kano, "500.00", "300.00")
    await shipment(listed, utc(2026, 3, 2, 12))
    await shipment(typed, utc(2026, 3, 3, 12))
    employee = await Employee.get(id=director.employee.id)
    march = Period(dt.date(2026, 3, 1), dt.date(2026, 4, 1), LAGOS)
    rows = (await build(actor_for(employee), "overview", march)).rows
    routes = [row for row in rows if row["key"].startswith("factor:route:")]
    assert len({row["key"] for row in routes}) == 2
    assert sorted(str(row["item"]) for row in routes) == [
        "Lagos (NG) → Kano (NG)",
        "Lagos → Kano (NG)",
    ]
    for row in routes:
        assert len(_listed(await director.open(row["drill"]))) == 1, row["drill"]
