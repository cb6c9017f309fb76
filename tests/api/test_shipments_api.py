"""Shipments over the API: carriers' systems read their shipments and report events."""

from __future__ import annotations

import datetime as dt
import json

from core.models import Role, ShipmentEvent, ShipmentStatus
from tests.api.conftest import ApiClient
from tests.api.shipment_data import (
    RAIL_CARRIER,
    ROAD_CARRIER,
    carrier_key,
    carrier_named,
    make_shipment,
)


async def _carrier_api(runtime, http, admin, name: str) -> ApiClient:
    return ApiClient(http, runtime.base_url, await carrier_key(admin, await carrier_named(name)))


async def test_a_wrong_key_is_refused(anonymous):
    shipment = await make_shipment()
    no_key = await anonymous.get(f"/shipments/{shipment.number}")
    assert no_key.status == 401
    wrong = await anonymous.post(
        f"/shipments/{shipment.number}/events",
        {"status": "picked_up"},
        key="ona_000000000000_not-a-real-key",
    )
    assert wrong.status == 401
    assert wrong.headers["WWW-Authenticate"].startswith("Bearer")
    assert await ShipmentEvent.all().count() == 0


async def test_a_carrier_key_sees_its_shipments_without_prices(runtime, http, admin, api):
    ours = await make_shipment("Adaeze Okafor")
    road = await _carrier_api(runtime, http, admin, ROAD_CARRIER)

    reply = await road.get(f"/shipments/{ours.number.lower()}")
    assert reply.status == 200, reply.body
    body = reply.body
    assert body["number"] == ours.number
    assert body["status"] == "booked"
    assert [(leg["mode"], leg["origin"], leg["destination"]) for leg in body["legs"]] == [
        ("road", "Lagos", "Ibadan"),
        ("rail", "Ibadan", "Kano"),
    ]
    assert body["legs"][0]["carrier_name"] == ROAD_CARRIER
    assert body["price"] is None
    raw = json.dumps(body)
    assert "99000" not in raw and "total" not in raw

    # Staff keys do see what the client pays.
    staff = await api.get(f"/shipments/{ours.number}")
    assert staff.body["price"]["total"] == "99000.00"

    listed = await road.get("/shipments")
    assert [s["number"] for s in listed.body["items"]] == [ours.number]

    # A dispatcher's note and the other leg's carrier are not the road carrier's to read.
    await api.post(
        f"/shipments/{ours.number}/events",
        {"status": "picked_up", "note": "Call Adaeze on +2348011111111"},
    )
    again = await road.get(f"/shipments/{ours.number}")
    raw = json.dumps(again.body)
    assert "+2348011111111" not in raw and RAIL_CARRIER not in raw
    assert again.body["legs"][1]["carrier_name"] is None
    assert [e["status"] for e in again.body["events"]] == ["picked_up"]


async def test_another_carriers_shipment_is_not_found(runtime, http, admin):
    shipment = await make_shipment()
    stranger = await _carrier_api(runtime, http, admin, "Nobody's Trucks")
    # A carrier with no leg of this shipment: the same answer as a number that does not exist.
    seen = await stranger.get(f"/shipments/{shipment.number}")
    missing = await stranger.get("/shipments/ON-99-99999")
    assert seen.status == missing.status == 404
    assert seen.body == missing.body
    posted = await stranger.post(f"/shipments/{shipment.number}/events", {"status": "picked_up"})
    assert posted.status == 404
    assert (await stranger.get("/shipments")).body["items"] == []
    assert await ShipmentEvent.all().count() == 0


async def test_a_retried_event_is_stored_once(runtime, http, admin):
    shipment = await make_shipment()
    road = await _carrier_api(runtime, http, admin, ROAD_CARRIER)
    event = {"status": "picked_up", "place": "Apapa, Lagos", "note": "8 pallets"}
    headers = {"Idempotency-Key": "evt-0001"}

    first = await road.post(f"/shipments/{shipment.number}/events", event, headers=headers)
    assert first.status == 201, first.body
    assert (first.body["status"], first.body["place"], first.body["source"]) == (
        "picked_up",
        "Apapa, Lagos",
        "api",
    )
    again = await road.post(f"/shipments/{shipment.number}/events", event, headers=headers)
    assert again.status == 200
    assert again.body == first.body
    assert await ShipmentEvent.filter(shipment_id=shipment.id).count() == 1

    shown = await road.get(f"/shipments/{shipment.number}")
    assert shown.body["status"] == "picked_up"
    assert [e["id"] for e in shown.body["events"]] == [first.body["id"]]


async def test_an_event_out_of_order_is_refused_with_the_reason(runtime, http, admin):
    shipment = await make_shipment()
    road = await _carrier_api(runtime, http, admin, ROAD_CARRIER)
    early = await road.post(f"/shipments/{shipment.number}/events", {"status": "in_transit"})
    assert early.status == 422
    assert early.field_errors == {
        "status": "A shipment cannot go from “Booked” to “In transit”. "
        "A manager can push it through with a reason."
    }
    # The road carrier runs the first leg only: the delivery is the rail carrier's to report.
    theirs = await road.post(f"/shipments/{shipment.number}/events", {"status": "delivered"})
    assert theirs.status == 422
    assert theirs.field_errors == {
        "status": "This is for the carrier of another part of the route to report."
    }
    assert await ShipmentEvent.all().count() == 0

    # A carrier cannot push it through: that is a manager's call.
    pushed = await road.post(
        f"/shipments/{shipment.number}/events",
        {"status": "delivered", "override": True, "note": "Signed"},
    )
    assert pushed.status == 403
    # A carrier reports on its own legs only.
    rail_leg = await road.post(
        f"/shipments/{shipment.number}/events", {"status": "delayed", "leg": 1}
    )
    assert rail_leg.status == 403
    assert await ShipmentEvent.all().count() == 0


async def test_the_rail_carrier_reports_its_leg(runtime, http, admin, api_as):
    shipment = await make_shipment()
    rail = await _carrier_api(runtime, http, admin, RAIL_CARRIER)
    dispatcher = await api_as(Role.DISPATCHER)
    picked = await dispatcher.post(
        f"/shipments/{shipment.number}/events",
        {"status": "picked_up", "occurred_at": _iso(dt.datetime.now(dt.UTC))},
    )
    assert picked.status == 201, picked.body
    moved = await rail.post(
        f"/shipments/{shipment.number}/events", {"status": "in_transit", "place": "Ibadan"}
    )
    assert moved.status == 201, moved.body
    assert moved.body["leg"] == 1
    assert (await rail.get(f"/shipments/{shipment.number}")).body["current_leg"] == 1
    late = await dispatcher.get("/shipments", params={"status": "in_transit"})
    assert [s["number"] for s in late.body["items"]] == [shipment.number]
    assert (await ShipmentEvent.get(id=moved.body["id"])).status is ShipmentStatus.IN_TRANSIT


async def test_bad_idempotency_keys_and_numbers(runtime, http, admin, api):
    shipment = await make_shipment()
    road = await _carrier_api(runtime, http, admin, ROAD_CARRIER)
    too_long = await road.post(
        f"/shipments/{shipment.number}/events",
        {"status": "picked_up"},
        headers={"Idempotency-Key": "x" * 81},
    )
    assert too_long.status == 400
    odd = await api.get("/shipments/ON_26")
    assert odd.status == 404
    assert await ShipmentEvent.all().count() == 0


async def test_the_document_describes_the_shipment_operations(anonymous):
    doc = (await anonymous.get("/openapi.json")).body
    report = doc["paths"]["/shipments/{number}/events"]["post"]
    params = {p["name"]: p for p in report["parameters"]}
    assert params["number"]["schema"]["type"] == "string"
    assert params["Idempotency-Key"]["in"] == "header"
    assert {"200", "201", "404", "422"} <= set(report["responses"])
    shown = doc["components"]["schemas"]["ShipmentOut"]
    assert "price" in shown["properties"]


def _iso(moment: dt.datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")
