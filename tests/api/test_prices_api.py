"""POST /api/v1/prices: the same quote as the panel and the bot, for integrations."""

from __future__ import annotations

import datetime as dt

from core.models import Client, PriceList, Role, Tariff
from tests.quotes.test_quoting import _network


def _soon() -> str:
    return (dt.datetime.now(dt.UTC) + dt.timedelta(days=3)).date().isoformat()


async def test_a_price_lookup_returns_the_front_cheapest_first(api):
    net = await _network()
    reply = await api.post(
        "/prices",
        {
            "origin_id": net["lagos"].id,
            "destination_id": net["kano"].id,
            "weight_kg": "100",
            "ready_on": _soon(),
            "priority": 5,
        },
    )
    assert reply.status == 200, reply.body
    body = reply.body
    assert (body["price_list"], body["currency"]) == ("Main", "NGN")
    prices = [option["price"] for option in body["options"]]
    assert prices == ["6000.00", "15000.00", "50000.00"]
    road = body["options"][1]
    assert (road["cost"], road["margin"]) == ("8000.00", "7000.00")
    combo = body["options"][0]
    assert [leg["mode"] for leg in combo["legs"]] == ["road", "rail"]
    assert combo["legs"][1]["transfer_cost"] == "1000.00"


async def test_a_clients_contract_prices_are_used(api):
    net = await _network()
    client = await Client.create(name="Kano Textiles")
    own = await PriceList.create(name="Contract", currency="NGN", client=client)
    await Tariff.create(
        price_list=own,
        mode="road",
        basis="per_kg",
        currency="NGN",
        origin=net["lagos"],
        destination=net["kano"],
        breaks=[["0", "100"]],
    )
    reply = await api.post(
        "/prices",
        {
            "origin_id": net["lagos"].id,
            "destination_id": net["kano"].id,
            "weight_kg": "100",
            "ready_on": _soon(),
            "client_id": client.id,
        },
    )
    assert reply.body["price_list"] == "Contract"
    assert [o["price"] for o in reply.body["options"]] == ["10000.00"]


async def test_bad_price_requests_are_explained(api, api_as):
    net = await _network()
    base = {"origin_id": net["lagos"].id, "destination_id": net["kano"].id, "weight_kg": "100"}
    reply = await api.post("/prices", {**base, "ready_on": "2020-01-01"})
    assert reply.status == 422
    assert reply.field_errors == {"ready_on": "Give a ready date from today to a year ahead."}
    reply = await api.post("/prices", {**base, "ready_on": _soon(), "destination_id": 999999})
    assert reply.status == 422 and "origin_id" in reply.field_errors
    reply = await api.post(
        "/prices", {**base, "ready_on": _soon(), "destination_id": net["lagos"].id}
    )
    assert reply.field_errors == {"destination": "The destination must differ from the origin."}
    reply = await api.post("/prices", {**base, "ready_on": _soon(), "weight_kg": "0"})
    assert reply.status == 422
    dispatcher = await api_as(Role.DISPATCHER)
    reply = await dispatcher.post("/prices", {**base, "ready_on": _soon()})
    assert reply.status == 403
