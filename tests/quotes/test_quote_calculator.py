"""A manager prices a request in the panel: options with legs, VAT, cost and margin."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from core.i18n import format_money
from core.models import Role
from core.services.locations import forget_index
from tests.quotes.test_quoting import _network


def _ngn(amount: str) -> str:
    return " ".join(format_money(Decimal(amount), "NGN", "en").split())


def _tomorrow() -> str:
    return (dt.datetime.now(dt.UTC) + dt.timedelta(days=2)).date().isoformat()


async def test_a_manager_sees_three_options_cheapest_first(panel_for):
    manager = await panel_for(Role.MANAGER)
    await _network()
    forget_index()
    page = await manager.submit(
        "/admin/quotes/new",
        {
            "origin": "Lagos",
            "destination": "Kano",
            "weight": "100",
            "cargo_type": "general",
            "ready": _tomorrow(),
            "priority": "5",
        },
        csrf_from="/admin/quotes/new",
    )
    assert page.status == 200, page.body_text[-300:]
    rows = page.rows("quote-options")
    assert [row[0] for row in rows] == [
        "Road Lagos → Ibadan, then Rail Ibadan → Kano",
        "Road Lagos → Kano",
        "Air Lagos → Kano",
    ]
    assert rows[0][4] == _ngn("6000")  # 3 000 + 1 000 transfer + 2 000
    assert rows[1][7:] == [_ngn("8000"), _ngn("7000")]  # cost and margin of the road lane
    assert rows[0][8] == "—"  # the rail carrier's cost is unknown


async def test_bad_requests_are_explained(panel_for):
    manager = await panel_for(Role.HEAD_OF_SALES)
    await _network()
    forget_index()
    base = {"origin": "Lagos", "destination": "Kano", "cargo_type": "general", "priority": "3"}
    page = await manager.submit(
        "/admin/quotes/new",
        {**base, "weight": "0", "ready": _tomorrow()},
        csrf_from="/admin/quotes/new",
    )
    assert page.text("field-weight").endswith("The weight must be more than zero.")
    page = await manager.submit(
        "/admin/quotes/new", {**base, "weight": "100", "ready": "2020-01-01"}
    )
    assert page.text("field-ready").endswith("Give a ready date from today to a year ahead.")
    page = await manager.submit(
        "/admin/quotes/new",
        {**base, "destination": "Lagos", "weight": "100", "ready": _tomorrow()},
    )
    assert page.text("field-destination").endswith("The destination must differ from the origin.")
    page = await manager.submit(
        "/admin/quotes/new",
        {**base, "weight": "100", "ready": _tomorrow(), "cargo_type": "pallets", "volume": "500"},
    )
    assert page.status == 422


async def test_a_dispatcher_does_not_quote(panel_for):
    dispatcher = await panel_for(Role.DISPATCHER)
    assert (await dispatcher.open("/admin/quotes/new")).status == 403
