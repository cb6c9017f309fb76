"""Report 6 on a small hand-made month: every figure written here by hand, on both databases.

Four carriers in November 2026, Lagos (UTC+1). Swift Haulage runs legs of S1, S2, S3 (two
legs) and S5 (made on 1 December, Lagos time); Delta Lines the last leg of S1 and S4 and
S6 (made on 31 October, Lagos time); Kano Road the first leg of S4; Coastal Air S8, lost.
"""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook

from core.errors import PermissionDenied
from core.models import Company, Employee, Role, ShipmentStatus
from core.services.company import forget_company
from core.services.reports import build
from core.services.reports.base import Note
from core.services.reports.exports import to_pdf, to_xlsx
from core.services.reports.period import Compare, Period
from tests.reports.data import client
from tests.reports.data_shipments import carrier, event, shipment, utc
from tests.reports.files import pdf_text, sheet_values
from tests.services.conftest import actor_for

LAGOS = ZoneInfo("Africa/Lagos")
NOVEMBER = Period(dt.date(2026, 11, 1), dt.date(2026, 12, 1), LAGOS)
DECEMBER = Period(dt.date(2026, 12, 1), dt.date(2027, 1, 1), LAGOS)
QUERY = "period=custom&from=2026-11-01&to=2026-11-30"
D = ShipmentStatus.DELAYED
FORMULA = (
    "Reliability score (0–100) = 100 × (0.5 × on-time rate + 0.3 × (1 − exceptions per "
    "shipment, not below 0) + 0.2 × proof-of-delivery completeness). A carrier is scored once "
    "something it carried is delivered; if it ran no last legs, proof of delivery is left out "
    "and the other weights scaled up."
)


async def _carriers():
    swift, delta = await carrier("Swift Haulage"), await carrier("Delta Lines")
    coastal, kano = await carrier("Coastal Air"), await carrier("Kano Road")
    ada = await client("Ada", None, utc(2026, 10, 1))
    # S1, made 1 Nov 00:30 in Lagos: Swift then Delta, delivered an hour early with proof.
    # Damage on Swift's leg is Swift's alone; a move in transit is no exception.
    s1 = await shipment(
        ada,
        utc(2026, 10, 31, 23, 30),
        [(swift, "300.00", "200.00"), (delta, "700.10", "500.05")],
        promised=utc(2026, 11, 5, 12),
        delivered=utc(2026, 11, 5, 11),
    )
    await event(s1, ShipmentStatus.DAMAGED, utc(2026, 11, 3), leg=0)
    await event(s1, ShipmentStatus.IN_TRANSIT, utc(2026, 11, 4), leg=1)
    # S2: Swift alone, three hours late, no proof of delivery.
    await shipment(
        ada,
        utc(2026, 11, 10),
        [(swift, "400.00", "250.00")],
        promised=utc(2026, 11, 12, 12),
        delivered=utc(2026, 11, 12, 15),
        missing_proof=True,
    )
    # S3: both legs Swift's (one shipment), the second without a cost yet; a delay on leg 1
    # and damage reported on no leg (counted once for Swift).
    s3 = await shipment(
        ada,
        utc(2026, 11, 15),
        [(swift, "500.00", "300.00"), (swift, "100.00", None)],
        promised=utc(2026, 11, 20),
    )
    await event(s3, D, utc(2026, 11, 17), leg=1)
    await event(s3, ShipmentStatus.DAMAGED, utc(2026, 11, 18))
    # S4: Kano Road then Delta, delivered a day early; a delay on Delta's leg.
    s4 = await shipment(
        ada,
        utc(2026, 11, 20),
        [(kano, "150.00", "100.00"), (delta, "1000.00", "800.00")],
        promised=utc(2026, 11, 23),
        delivered=utc(2026, 11, 22),
    )
    await event(s4, D, utc(2026, 11, 21), leg=1)
    # S5: 30 Nov 23:30 UTC is 1 December in Lagos.
    await shipment(
        ada, utc(2026, 11, 30, 23, 30), [(swift, "999.00", "1.00")], promised=utc(2026, 12, 5)
    )
    # October: S6 (31 Oct 23:30 in Lagos) Delta, late, with proof; S7 Swift, on time.
    await shipment(
        ada,
        utc(2026, 10, 31, 22, 30),
        [(delta, "50.00", "40.00")],
        promised=utc(2026, 11, 2, 10),
        delivered=utc(2026, 11, 2, 12),
    )
    await shipment(
        ada,
        utc(2026, 10, 10),
        [(swift, "200.00", "100.00")],
        promised=utc(2026, 10, 13),
        delivered=utc(2026, 10, 12),
    )
    # S8: Coastal Air lost the cargo, and at a loss: cost above price.
    s8 = await shipment(
        ada,
        utc(2026, 11, 25),
        [(coastal, "600.00", "650.00")],
        promised=utc(2026, 11, 28),
        status=ShipmentStatus.LOST,
    )
    await event(s8, ShipmentStatus.LOST, utc(2026, 11, 27), leg=0)
    # S9: a leg with no carrier yet belongs to no one.
    await shipment(ada, utc(2026, 11, 26), [(None, "100.00", "50.00")], promised=utc(2026, 12, 1))
    return swift, delta, coastal, kano


async def _people():
    director = await Employee.create(name="Dayo Director", role=Role.DIRECTOR)
    dispatcher = await Employee.create(name="Femi Dispatch", role=Role.DISPATCHER)
    manager = await Employee.create(name="Tunde", role=Role.MANAGER)
    return director, dispatcher, manager


def _figures(row):
    keys = ("shipments", "delivered", "on_time_rate", "exceptions", "delays", "damaged", "lost")
    return tuple(row[k] for k in keys)


async def test_each_carriers_figures_and_score_for_november(runtime):
    swift, delta, coastal, kano = await _carriers()
    director, _dispatcher, _manager = await _people()
    result = await build(actor_for(director), "carriers", NOVEMBER)
    # Ranked by score; a carrier with nothing delivered has no score yet and comes last.
    assert [row["name"] for row in result.rows] == [
        "Kano Road",
        "Delta Lines",
        "Swift Haulage",
        "Coastal Air",
    ]
    rows = {row["name"]: row for row in result.rows}
    k, d, s, c = rows["Kano Road"], rows["Delta Lines"], rows["Swift Haulage"], rows["Coastal Air"]
    assert k["carrier_id"] == kano.id and s["carrier_id"] == swift.id

    # Kano Road: 1 shipment delivered on time, no exceptions, never the last leg (no proof
    # figure): 100 × (0.5 × 1 + 0.3 × 1) / 0.8 = 100.
    assert _figures(k) == (1, 1, Decimal("100.0"), 0, 0, 0, 0)
    assert (k["proof_rate"], k["cost"], k["margin"]) == (None, Decimal("100.00"), Decimal("50.00"))
    assert (k["score"], k["score_before"]) == (Decimal("100.0"), None)

    # Delta Lines: S1 and S4, both on time, one delay (0.5 per shipment), last leg of both
    # with proof: 100 × (0.5 × 1 + 0.3 × 0.5 + 0.2 × 1) = 85. October (S6, late, proof):
    # 100 × (0.5 × 0 + 0.3 × 1 + 0.2 × 1) = 50.
    assert _figures(d) == (2, 2, Decimal("100.0"), 1, 1, 0, 0)
    assert d["proof_rate"] == Decimal("100.0")
    assert (d["cost"], d["margin"]) == (Decimal("1300.05"), Decimal("400.05"))
    assert (d["score"], d["score_before"]) == (Decimal("85.0"), Decimal("50.0"))

    # Swift Haulage: S1, S2, S3 (not S5, December); S1 on time, S2 late; damage on S1 leg 0,
    # a delay on S3 leg 1 and damage on S3's whole shipment: 3 per 3 shipments, so that part
    # is 0; last leg only of S2, without proof. Cost 200 + 250 + 300 (the last leg has none),
    # margin 100 + 150 + 200. 100 × (0.5 × 0.5) = 25. October (S7): 100.
    assert _figures(s) == (3, 2, Decimal("50.0"), 3, 1, 2, 0)
    assert s["proof_rate"] == Decimal("0.0")
    assert (s["cost"], s["margin"]) == (Decimal("750.00"), Decimal("450.00"))
    assert (s["score"], s["score_before"]) == (Decimal("25.0"), Decimal("100.0"))

    # Coastal Air: lost, nothing delivered: no on-time rate, no score; margin below zero.
    assert _figures(c) == (1, 0, None, 1, 0, 0, 1)
    assert (c["score"], c["proof_rate"]) == (None, None)
    assert (c["cost"], c["margin"]) == (Decimal("650.00"), Decimal("-50.00"))
    assert c["carrier_id"] == coastal.id and d["carrier_id"] == delta.id

    # The trend: this period's score beside the period before's, per carrier.
    assert result.chart is not None
    assert result.chart.labels == ["Kano Road", "Delta Lines", "Swift Haulage", "Coastal Air"]
    assert result.chart.series == {
        "This period": [100.0, 85.0, 25.0, 0.0],
        "Period before": [0.0, 50.0, 100.0, 0.0],
    }


async def test_the_formula_is_shown_with_the_weights_the_company_set(runtime):
    await _carriers()
    director, dispatcher, _manager = await _people()
    result = await build(actor_for(director), "carriers", NOVEMBER)
    formula = result.notes[0]
    assert isinstance(formula, Note)
    assert str(formula).startswith(
        "Reliability score (0–100) = 100 × (0.5 × on-time rate + 0.3 × (1 − exceptions per "
        "shipment, not below 0) + 0.2 × proof-of-delivery completeness)."
    )
    assert formula.link == "/admin/carrier-scoring"
    # A dispatcher reads the formula but may not change the weights.
    seen = await build(actor_for(dispatcher), "carriers", NOVEMBER)
    assert [r["name"] for r in seen.rows] == [r["name"] for r in result.rows]
    assert seen.notes[0].link is None  # type: ignore[union-attr]

    await Company.filter(id=1).update(
        reliability_weights={"on_time": "0.6", "exceptions": "0.4", "proof": "0"}
    )
    forget_company()
    weighted = await build(actor_for(director), "carriers", NOVEMBER)
    scores = {row["name"]: (row["score"], row["score_before"]) for row in weighted.rows}
    # Delta 0.6 × 1 + 0.4 × 0.5 = 80 (October: 0.4 × 1 = 40); Swift 0.6 × 0.5 = 30.
    assert scores == {
        "Kano Road": (Decimal("100.0"), None),
        "Delta Lines": (Decimal("80.0"), Decimal("40.0")),
        "Swift Haulage": (Decimal("30.0"), Decimal("100.0")),
        "Coastal Air": (None, None),
    }
    assert "(0.6 × on-time rate + 0.4 × (1 − exceptions" in str(weighted.notes[0])
    assert "+ 0 × proof-of-delivery" in str(weighted.notes[0])


async def test_month_end_in_lagos_an_empty_period_and_the_comparison(runtime):
    await _carriers()
    director, _dispatcher, _manager = await _people()
    # S5 was made at 00:30 on 1 December in Lagos: December's, not November's.
    december = await build(actor_for(director), "carriers", DECEMBER, Compare.PREVIOUS)
    assert [(r["name"], r["shipments"], r["score"]) for r in december.rows] == [
        ("Swift Haulage", 1, None)
    ]
    assert december.rows[0]["score_before"] == Decimal("25.0")
    assert december.rows[0]["cost"] == Decimal("1.00")

    compared = await build(actor_for(director), "carriers", NOVEMBER, Compare.PREVIOUS)
    assert compared.compare == Period(dt.date(2026, 10, 1), dt.date(2026, 11, 1), LAGOS)
    delta = {r["name"]: r for r in compared.rows}["Delta Lines"]
    assert compared.change(delta, "score") == Decimal("70")  # 50 → 85
    assert compared.change(delta, "shipments") == Decimal("100")  # 1 → 2

    empty = await build(
        actor_for(director), "carriers", Period(dt.date(2025, 1, 1), dt.date(2025, 2, 1), LAGOS)
    )
    assert empty.empty and empty.chart is None


async def test_a_manager_may_not_see_the_carriers_report(runtime):
    _director, _dispatcher, manager = await _people()
    with pytest.raises(PermissionDenied):
        await build(actor_for(manager), "carriers", NOVEMBER)


async def test_the_carriers_page_with_its_formula_drill_links_and_file(runtime, panel_for):
    _swift, _delta, _coastal, kano = await _carriers()
    director = await panel_for(Role.DIRECTOR)
    page = await director.open(f"/admin/reports/carriers?{QUERY}")
    assert page.status == 200
    table = page.rows("report-table")
    assert [row[0] for row in table] == [
        "Kano Road",
        "Delta Lines",
        "Swift Haulage",
        "Coastal Air",
    ]
    assert table[1][1:4] == ["85.0", "50.0", "2"]
    # A carrier's figures open its shipments made in the period.
    link = f"/admin/shipments?carrier={kano.id}&amp;from=2026-11-01&amp;to=2026-11-30"
    assert f'href="{link}"' in page.html
    shipments = await director.open(link.replace("&amp;", "&"))
    listed = [row for row in shipments.rows("shipments-list") if len(row) > 1]
    assert len(listed) == int(table[0][3])
    assert "0.5 × on-time rate" in page.body_text
    assert 'href="/admin/carrier-scoring"' in page.html
    assert 'id="report-chart" src="data:image/svg+xml;base64,' in page.html
    await director.open(f"/admin/reports/carriers.xlsx?{QUERY}")
    sheet = load_workbook(io.BytesIO(director.body)).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[0][:3] == ["Carrier", "Reliability score", "Score, period before"]
    assert values[2][:4] == ["Delta Lines", 85, 50, 2]
    # Under the table the formula with the company's weights and where they are set, as a
    # whole address (the panel's own, without PUBLIC_URL).
    assert [row[0] for row in values[5:7]] == [None, "Notes"]
    assert values[7][0].startswith(FORMULA + " Change the weights: http://")
    assert values[7][0].endswith("/admin/carrier-scoring")
    assert values[8][0].startswith("Shipments: those created in the period")

    dispatcher = await panel_for(Role.DISPATCHER)
    seen = await dispatcher.open(f"/admin/reports/carriers?{QUERY}")
    assert seen.status == 200 and "0.5 × on-time rate" in seen.body_text
    assert 'href="/admin/carrier-scoring"' not in seen.html
    manager = await panel_for(Role.MANAGER)
    assert (await manager.open(f"/admin/reports/carriers?{QUERY}")).status == 403


async def test_the_files_name_where_the_weights_are_set_to_those_who_may_set_them(runtime):
    await _carriers()
    director, dispatcher, _manager = await _people()
    result = await build(actor_for(director), "carriers", NOVEMBER)
    link = "Change the weights: https://ona.example/admin/carrier-scoring"
    values = sheet_values(await to_xlsx(result, "https://ona.example/"))
    assert values[-2][0] == f"{FORMULA} {link}"
    text = pdf_text(await to_pdf(result, "NGN", "November 2026", "https://ona.example"))
    assert f"Notes {FORMULA} {link} Shipments: those created" in text

    seen = await build(actor_for(dispatcher), "carriers", NOVEMBER)
    values = sheet_values(await to_xlsx(seen, "https://ona.example/"))
    assert values[-2][0] == FORMULA
    assert "carrier-scoring" not in pdf_text(await to_pdf(seen, "NGN", "", "https://ona.example"))
