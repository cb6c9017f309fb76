"""Tariffs typed in the panel price real quotes."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from core.models import Carrier, Lane, Location, PriceList, Role, Tariff
from core.services import pricing, routing
from core.services.locations import forget_index
from core.services.quoting import quote_options


async def test_a_tariff_from_the_form_prices_a_quote(panel_for):
    admin = await panel_for(Role.ADMIN)
    lagos = await Location.create(name="Lagos", population=15_000_000)
    kano = await Location.create(name="Kano", population=4_000_000)
    forget_index()
    carrier = await Carrier.create(name="Sahel Haulage")
    lane = await Lane.create(
        carrier=carrier, origin=lagos, destination=kano, mode="road", transit_minutes=1200
    )
    main = await PriceList.create(name="Main", currency="NGN", is_main=True)
    new = "/admin/tariffs/new"
    page = await admin.submit(
        new,
        {
            "price_list_id": str(main.id),
            "mode": "road",
            "origin": "Lagos",
            "destination": "Kano",
            "basis": "per_kg",
            "breaks": "0:150, 500:120",
            "minimum_charge": "20000",
            "fuel_percent": "10",
            "next_break_cheaper": "on",
        },
        csrf_from=new,
    )
    assert "Saved." in page.body_text, page.body_text[-300:]
    tariff = await Tariff.get(price_list=main)
    assert tariff.breaks == [["0", "150"], ["500", "120"]]
    assert tariff.surcharges == [["fuel", "percent", "0.1", "0"]]
    cost_page = await admin.submit(
        new,
        {"lane": f"#{lane.id}", "mode": "road", "basis": "per_kg", "breaks": "0:80"},
        csrf_from=new,
    )
    assert "Saved." in cost_page.body_text
    # 100 kg at 150 = 15 000, raised to the 20 000 minimum; fuel 10 % of it = 2 000;
    # total 22 000. Carrier cost 100 kg at 80 = 8 000; margin 14 000.
    cargo = pricing.make_cargo(weight_kg=Decimal(100))
    ready = dt.datetime(2026, 12, 1, 8, tzinfo=dt.UTC)
    result = await quote_options(None, lagos.id, kano.id, cargo, ready, routing.Priority.BALANCED)
    [option] = result.options
    assert (option.price, option.cost, option.margin) == (
        Decimal("22000.00"),
        Decimal("8000.00"),
        Decimal("14000.00"),
    )


async def test_tariff_mistakes_are_explained(panel_for):
    admin = await panel_for(Role.ADMIN)
    main = await PriceList.create(name="Main", currency="NGN", is_main=True)
    new = "/admin/tariffs/new"
    base = {"price_list_id": str(main.id), "mode": "road", "basis": "per_kg"}
    page = await admin.submit(new, {**base, "breaks": "lots"}, csrf_from=new)
    assert page.text("field-breaks").endswith("Write breaks as kg:rate, e.g. 0:5.00, 100:4.20.")
    page = await admin.submit(new, {**base, "breaks": "100:5"}, csrf_from=new)
    assert page.text("field-breaks").endswith("Weight breaks must start at 0 kg and go up.")
    page = await admin.submit(new, {"mode": "road", "basis": "flat", "rate": "10"}, csrf_from=new)
    assert page.text("field-price_list_id").endswith(
        "Choose a price list, or give a lane for a carrier cost."
    )
    assert not await Tariff.exists()
