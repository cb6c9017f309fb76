"""Lanes and tariffs from CSV: places typed by name or #id, every row checked, all or nothing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import aiohttp

from core.models import Carrier, Lane, Location, PriceList, Role, Tariff
from core.services import pricing
from core.services.locations import forget_index
from core.services.quoting import quote_options


async def _upload(panel, section: str, text: str) -> str:
    await panel.open(f"/admin/{section}/import")
    form = aiohttp.FormData()
    form.add_field("_csrf", panel.last.csrf)
    form.add_field("file", text.encode(), filename="rows.csv", content_type="text/csv")
    async with panel.http.post(f"{panel.base_url}/admin/{section}/import", data=form) as r:
        return " ".join((await r.text()).split())


async def test_lanes_and_tariffs_import_and_price_a_quote(panel_for):
    admin = await panel_for(Role.ADMIN)
    lagos = await Location.create(name="Lagos", country="NG", population=15_000_000)
    ibadan = await Location.create(name="Ibadan", country="NG", population=3_000_000)
    kano = await Location.create(name="Kano", country="NG", population=4_000_000)
    forget_index()
    carrier = await Carrier.create(name="Sahel Haulage")
    main = await PriceList.create(name="Main", currency="NGN", is_main=True)

    lanes = (
        "carrier_id,origin,destination,mode,transit_hours,departure_days,departure_time\n"
        f"{carrier.id},Lagos,#{ibadan.id},road,3,,\n"
        f'{carrier.id},Ibadan,Kano,rail,30,"0,3",06:00\n'
        f"{carrier.id},Atlantis,Kano,road,10,,\n"
    )
    refused = await _upload(admin, "lanes", lanes)
    problems = refused.split('id="problems"')[1]
    assert "<td>4</td><td>From</td><td>No location is called that." in problems, problems[:500]
    assert not await Lane.exists()  # one bad row undoes the file

    imported = await _upload(admin, "lanes", lanes.rsplit("\n", 2)[0] + "\n")
    assert "Imported 2 rows." in imported, imported[-400:]
    rail = await Lane.get(mode="rail")
    assert (rail.origin_id, rail.destination_id) == (ibadan.id, kano.id)
    assert (rail.departure_days, rail.departure_time, rail.transit_minutes) == (
        [0, 3],
        "06:00",
        1800,
    )

    tariffs = (
        "price_list_id,mode,origin,destination,basis,breaks,minimum_charge\n"
        f'{main.id},road,Lagos,Ibadan,per_kg,"0:30, 500:25",1000\n'
        f"{main.id},rail,,,per_kg,0:20,\n"
    )
    assert "Imported 2 rows." in await _upload(admin, "tariffs", tariffs)
    assert await Tariff.filter(price_list=main).count() == 2

    ready = dt.datetime.combine(dt.date.today() + dt.timedelta(days=7), dt.time(9), dt.UTC)
    cargo = pricing.make_cargo(weight_kg=Decimal(100))
    result = await quote_options(None, lagos.id, kano.id, cargo, ready, 5)
    # 100 kg: road 100 × 30 = 3 000; rail 100 × 20 = 2 000.
    assert [o.price for o in result.options] == [Decimal("5000.00")]
