"""Quotes from the stored network: price lists, carrier costs, transfers, VAT and priority.

The figures are worked out by hand below. Cargo: 100 kg of general cargo, so every per-kg
tariff bills 100 kg.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from core.errors import InvalidInput
from core.models import Carrier, Client, Company, Lane, Location, PriceList, Tariff
from core.services import pricing, routing
from core.services.company import current_company
from core.services.quoting import quote_options

READY = dt.datetime(2026, 12, 1, 8, 0, tzinfo=dt.UTC)
CARGO = pricing.make_cargo(weight_kg=Decimal(100))


async def _tariff(owner: dict, mode: str, rate: str, origin=None, destination=None) -> None:
    await Tariff.create(
        **owner,
        mode=mode,
        basis="per_kg",
        currency="NGN",
        origin=origin,
        destination=destination,
        breaks=[["0", rate]],
    )


async def _network() -> dict:
    lagos = await Location.create(name="Lagos")
    ibadan = await Location.create(name="Ibadan", transfer_minutes=60, transfer_cost=1000)
    kano = await Location.create(name="Kano")
    carrier = await Carrier.create(name="Sahel Haulage")

    async def lane(origin, destination, mode, minutes):
        return await Lane.create(
            carrier=carrier,
            origin=origin,
            destination=destination,
            mode=mode,
            transit_minutes=minutes,
        )

    lanes = {
        "road": await lane(lagos, kano, "road", 1200),
        "road_short": await lane(lagos, ibadan, "road", 120),
        "rail": await lane(ibadan, kano, "rail", 1440),
        "air": await lane(lagos, kano, "air", 90),
    }
    main = await PriceList.create(name="Main", currency="NGN", is_main=True)
    # Client prices: road Lagos-Kano 150/kg = 15 000; road Lagos-Ibadan 30/kg = 3 000;
    # rail Ibadan-Kano 20/kg = 2 000; air 500/kg = 50 000.
    await _tariff({"price_list": main}, "road", "150", lagos, kano)
    await _tariff({"price_list": main}, "road", "30", lagos, ibadan)
    await _tariff({"price_list": main}, "rail", "20")
    await _tariff({"price_list": main}, "air", "500")
    # Carrier cost of the direct road lane: 80/kg = 8 000.
    await _tariff({"lane": lanes["road"]}, "road", "80")
    return {"lagos": lagos, "ibadan": ibadan, "kano": kano, "lanes": lanes, "main": main}


async def test_the_priority_picks_from_the_exact_front(runtime):
    net = await _network()

    # Front: air 90 min / 50 000; road 1 200 min / 15 000; road + transfer + rail
    # 120 + 60 + 1 440 = 1 620 min / 3 000 + 1 000 + 2 000 = 6 000.
    async def first(priority) -> tuple[int, Decimal]:
        result = await quote_options(None, net["lagos"].id, net["kano"].id, CARGO, READY, priority)
        best = result.options[0]
        return best.route.duration // dt.timedelta(minutes=1), best.price

    assert await first(routing.Priority.FASTEST) == (90, Decimal("50000.00"))
    assert await first(routing.Priority.CHEAPEST) == (1620, Decimal("6000.00"))
    # Balanced: air 0.5·0 + 0.5·1 = 0.5; road 0.5·1110/1530 + 0.5·9000/44000 ≈ 0.465;
    # road + rail 0.5·1 + 0.5·0 = 0.5. The direct road lane wins.
    assert await first(routing.Priority.BALANCED) == (1200, Decimal("15000.00"))


async def test_each_option_shows_legs_margin_and_vat(runtime):
    net = await _network()
    company, _ = await Company.get_or_create(id=1)
    company.vat_rate = Decimal("0.075")
    await company.save()
    result = await quote_options(
        None, net["lagos"].id, net["kano"].id, CARGO, READY, routing.Priority.BALANCED
    )
    assert len(result.options) == 3
    road = result.options[0]
    assert [leg.leg.lane_id for leg in road.legs] == [net["lanes"]["road"].id]
    assert road.cost == Decimal("8000.00") and road.margin == Decimal("7000.00")
    # VAT added: 15 000 × 7.5 % = 1 125.00; gross 16 125.00.
    assert (road.vat.net, road.vat.vat, road.vat.gross) == (
        Decimal("15000.00"),
        Decimal("1125.00"),
        Decimal("16125.00"),
    )
    combo = next(o for o in result.options if len(o.legs) == 2)
    assert combo.legs[1].leg.transfer_cost == Decimal(1000)
    assert combo.cost is None  # the rail carrier's cost is not known: no margin shown
    assert combo.margin is None


async def test_the_clients_own_price_list_beats_the_main_one_until_it_expires(runtime):
    net = await _network()
    client = await Client.create(name="Kano Textiles")
    own = await PriceList.create(name="Kano Textiles 2026", currency="NGN", client=client)
    # The contract's road price Lagos-Kano: 100/kg = 10 000.
    await _tariff({"price_list": own}, "road", "100", net["lagos"], net["kano"])
    result = await quote_options(
        client.id, net["lagos"].id, net["kano"].id, CARGO, READY, routing.Priority.CHEAPEST
    )
    assert result.price_list.name == "Kano Textiles 2026"
    assert [o.price for o in result.options] == [Decimal("10000.00")]
    own.valid_to = READY.date() - dt.timedelta(days=1)
    await own.save()
    result = await quote_options(
        client.id, net["lagos"].id, net["kano"].id, CARGO, READY, routing.Priority.CHEAPEST
    )
    assert result.price_list.name == "Main"
    assert result.options[0].price == Decimal("6000.00")


async def test_lanes_the_cargo_cannot_use_are_left_out(runtime):
    net = await _network()
    air = net["lanes"]["air"]
    air.capacity_kg = Decimal(50)  # 100 kg does not fit
    await air.save()
    rail = net["lanes"]["rail"]
    rail.cargo_types = ["pallets"]
    await rail.save()
    result = await quote_options(
        None, net["lagos"].id, net["kano"].id, CARGO, READY, routing.Priority.FASTEST
    )
    assert [o.route.lane_ids for o in result.options] == [(net["lanes"]["road"].id,)]


async def test_no_price_list_or_no_route_gives_no_options(runtime):
    lagos = await Location.create(name="Lagos")
    kano = await Location.create(name="Kano")
    result = await quote_options(None, lagos.id, kano.id, CARGO, READY, 3)
    assert result.price_list is None and result.options == ()
    await PriceList.create(name="Main", currency="NGN", is_main=True)
    result = await quote_options(None, lagos.id, kano.id, CARGO, READY, 3)
    assert result.options == ()
    with pytest.raises(InvalidInput) as refused:
        await quote_options(None, lagos.id, lagos.id, CARGO, READY, 3)
    assert refused.value.field == "destination"


async def test_the_companys_volumetric_factors_set_the_chargeable_weight(runtime):
    net = await _network()
    light = pricing.make_cargo(weight_kg=Decimal(100), volume_m3=Decimal(1))

    async def direct_road() -> Decimal:
        result = await quote_options(None, net["lagos"].id, net["kano"].id, light, READY, 3)
        [road] = [
            o
            for o in result.options
            if [q.leg.lane_id for q in o.legs] == [net["lanes"]["road"].id]
        ]
        return road.legs[0].price.total

    # 1 m³ by road bills max(100 kg, 1 × 333) = 333 kg × 150 = 49 950.
    assert await direct_road() == Decimal("49950.00")
    company = await current_company()
    company.factor_road = Decimal(200)
    await company.save()
    # A company that bills road at 1:5 (200 kg per m³): 200 kg × 150 = 30 000.
    assert await direct_road() == Decimal("30000.00")
