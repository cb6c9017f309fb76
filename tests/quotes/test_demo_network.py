"""`make run` demo data prices a quote on day one."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from core.models import (
    CannedReply,
    Employee,
    Location,
    Order,
    QuoteRequest,
    RequestState,
    Shipment,
    ShipmentStatus,
    Task,
)
from core.services import demo, pricing
from core.services.locations import load_world_cities
from core.services.quoting import quote_options


async def test_the_demo_network_answers_a_quote(runtime):
    await demo.seed_demo()
    await load_world_cities(min_population=2_000_000)
    assert await demo.seed_demo_network()
    assert not await demo.seed_demo_network()  # once only
    lagos = await Location.get(name="Lagos", country="NG")
    kano = await Location.get(name="Kano", country="NG")
    cargo = pricing.make_cargo(weight_kg=Decimal(500))
    ready = dt.datetime(2026, 12, 1, 8, tzinfo=dt.UTC)
    result = await quote_options(None, lagos.id, kano.id, cargo, ready, 5)
    assert len(result.options) == 2  # road direct, and road to Ibadan then rail
    cheapest = result.options[0]
    assert [leg.leg.mode.value for leg in cheapest.legs] == ["road", "rail"]
    # Road Lagos-Ibadan: 500 kg × 60 = 30 000 + fuel 12 % 3 600 = 33 600.
    # Rail Ibadan-Kano: 500 × 90 = 45 000 + 5 400 = 50 400. Transfer at Ibadan 15 000.
    assert cheapest.price == Decimal("99000.00")
    # Direct road: 500 × 300 = 150 000 + 18 000 = 168 000, but a day and a half sooner.
    assert result.options[1].price == Decimal("168000.00")
    assert result.options[1].route.arrival < cheapest.route.arrival
    assert all(option.margin is not None for option in result.options)


async def test_the_demo_pipeline_has_a_request_in_each_early_stage(runtime):
    await demo.seed_demo()
    await load_world_cities(min_population=2_000_000)
    await demo.seed_demo_network()
    assert await demo.seed_demo_sales() == 4
    assert await demo.seed_demo_sales() == 0  # once only
    stages = {
        r.client.name: r.state  # type: ignore[attr-defined]
        for r in await QuoteRequest.all().select_related("client")
    }
    assert stages == {
        "Adewale Foods Ltd": RequestState.QUOTED,
        "Kano Textiles": RequestState.ORDERED,
        "Ivan Petrov": RequestState.REFUSED,
        "Ngozi Eze": RequestState.NEW,
    }
    order = await Order.get(client__name="Kano Textiles")
    assert order.number and order.total > 0


async def test_the_demo_manager_has_a_plan_and_canned_replies(runtime):
    await demo.seed_demo()
    assert await demo.seed_demo_workspace() == 3
    assert await demo.seed_demo_workspace() == 0  # once only
    tunde = await Employee.get(name="Tunde Bakare")
    assert (await tunde.head).name == "Olga Ivanova"
    titles = await Task.filter(employee=tunde).order_by("due_at").values_list("title", flat=True)
    assert titles[0] == "Call about the Lagos → Kano quote"
    assert await CannedReply.filter(language="yo").count() == 2


async def test_the_demo_order_is_on_its_way(runtime):
    await demo.seed_demo()
    await load_world_cities(min_population=2_000_000)
    await demo.seed_demo_network()
    await demo.seed_demo_sales()
    assert await demo.seed_demo_shipments() == 2
    assert await demo.seed_demo_shipments() == 0  # once only
    shipment = await Shipment.get()
    assert shipment.status is ShipmentStatus.IN_TRANSIT
    assert (await QuoteRequest.get(order__id=shipment.order_id)).state is RequestState.IN_TRANSIT
