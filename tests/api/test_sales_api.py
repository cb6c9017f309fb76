"""Requests, quotes and orders over the API, with the board's rules for moving a request."""

from __future__ import annotations

import datetime as dt

from core.models import Employee, Location, QuoteRequest, Role
from tests.contract.test_quote import _network
from tests.quotes.sales_data import client_identity, request_quote


async def test_requests_list_with_their_quotes_and_move_by_the_rules(api_as):
    await _network()
    api = await api_as(Role.HEAD_OF_SALES)
    quoted = await request_quote(await client_identity("Adaeze Okafor"))
    waiting = await request_quote(await client_identity("Bisi Ade"), "Qwzxv Farm", "Kano")

    listed = await api.get("/requests")
    assert listed.status == 200, listed.body
    by_id = {item["id"]: item for item in listed.body["items"]}
    assert by_id[waiting.request.id]["state"] == "new"
    assert by_id[waiting.request.id]["needs_manager"] is True
    assert by_id[waiting.request.id]["quotes"] == []
    first = by_id[quoted.request.id]["quotes"][0]["options"][0]
    assert [leg["mode"] for leg in first["legs"]] == ["road", "rail"]
    assert first["total"] == "99000.00"

    only_new = await api.get("/requests", params={"state": "new"})
    assert [item["id"] for item in only_new.body["items"]] == [waiting.request.id]

    refused = await api.post(f"/requests/{waiting.request.id}/moves", {"state": "refused"})
    assert refused.status == 200 and refused.body["state"] == "refused"
    faked = await api.post(f"/requests/{quoted.request.id}/moves", {"state": "ordered"})
    assert faked.status == 422
    assert "accepts an option" in str(faked.body)
    assert (await api.get(f"/requests/{quoted.request.id}")).body["state"] == "quoted"
    orders = await api.get("/orders")
    assert orders.status == 200, orders.body
    assert orders.body["items"] == []


async def test_a_manager_key_sees_only_unassigned_clients(api_as, runtime):
    await _network()
    api = await api_as(Role.MANAGER)
    someone = await Employee.create(name="Other Manager", role=Role.MANAGER)
    theirs = await request_quote(await client_identity("Theirs Ltd", someone))
    assert (await api.get(f"/requests/{theirs.request.id}")).status == 404
    assert (await api.get("/requests")).body["items"] == []


async def test_a_website_form_makes_a_request_and_gets_its_options(api_as):
    await _network()
    api = await api_as(Role.HEAD_OF_SALES)
    identity = await client_identity("Web Visitor Ltd")
    lagos = await Location.get(name="Lagos", country="NG")
    kano = await Location.get(name="Kano", country="NG")
    soon = (dt.date.today() + dt.timedelta(days=3)).isoformat()
    made = await api.post(
        "/requests",
        {
            "client_id": identity.client_id,
            "origin_id": lagos.id,
            "destination_id": kano.id,
            "weight_kg": "500",
            "ready_on": soon,
            "priority": 5,
        },
    )
    assert made.status == 201, made.body
    assert made.body["state"] == "quoted" and made.body["channel"] is None
    assert made.body["quotes"][0]["options"][0]["total"] == "99000.00"

    unknown = await api.post(
        "/requests",
        {
            "client_id": identity.client_id,
            "origin_text": "Qwzxv Farm",
            "destination_id": kano.id,
            "weight_kg": "500",
            "ready_on": soon,
        },
    )
    assert unknown.status == 201 and unknown.body["needs_manager"] is True
    assert unknown.body["quotes"] == [] and unknown.body["origin_text"] == "Qwzxv Farm"

    nowhere = await api.post(
        "/requests",
        {
            "client_id": identity.client_id,
            "destination_id": kano.id,
            "weight_kg": "5",
            "ready_on": soon,
        },
    )
    assert nowhere.status == 422 and "origin_id" in nowhere.field_errors
    past = await api.post(
        "/requests",
        {
            "client_id": identity.client_id,
            "origin_id": lagos.id,
            "destination_id": kano.id,
            "weight_kg": "5",
            "ready_on": "2020-01-01",
        },
    )
    assert past.status == 422 and "ready_on" in past.field_errors
    assert await QuoteRequest.filter(client_id=identity.client_id).count() == 2
