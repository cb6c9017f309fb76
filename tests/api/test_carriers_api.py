"""/api/v1/carriers: create, read, change, filter and page."""

from __future__ import annotations

from core.models import AuditLog, Carrier, Role


async def test_create_read_and_change_a_carrier(api):
    created = await api.post(
        "/carriers",
        json={
            "name": "Sahel Trucks",
            "phone": "0803 555 0101",
            "email": "ops@sahel.example",
            "country": "ng",
            "city": "Kano",
            "modes": ["sea", "road", "sea"],
        },
    )
    assert created.status == 201, created.body
    carrier = created.body
    assert carrier["phone"] == "+2348035550101"
    assert carrier["country"] == "NG"
    assert carrier["modes"] == ["road", "sea"]
    assert (await AuditLog.get(action="carrier.created")).object_id == str(carrier["id"])

    read = await api.get(f"/carriers/{carrier['id']}")
    assert read.body == carrier

    changed = await api.patch(
        f"/carriers/{carrier['id']}", json={"modes": ["air"], "city": None, "country": "GH"}
    )
    assert changed.status == 200
    assert (changed.body["modes"], changed.body["city"], changed.body["country"]) == (
        ["air"],
        None,
        "GH",
    )
    assert changed.body["name"] == "Sahel Trucks"
    audit = await AuditLog.get(action="carrier.updated")
    assert audit.details == {
        "modes": [["road", "sea"], ["air"]],
        "city": ["Kano", None],
        "country": ["NG", "GH"],
    }


async def test_invalid_carrier_fields_are_named(api):
    reply = await api.post(
        "/carriers",
        json={"name": "", "country": "XX", "modes": ["teleport"], "email": "@"},
    )
    assert reply.status == 422
    assert reply.field_errors == {
        "name": "This field cannot be empty.",
        "country": "Enter a two-letter country code such as NG.",
        "modes.0": "Choose one of: road, rail, sea, air.",
        "email": "Enter at least 3 characters.",
    }
    assert not await Carrier.exists()
    bad = await api.patch("/carriers/1", json={"name": None})
    assert bad.status == 422


async def test_carriers_filter_and_page(api):
    for n in range(5):
        await Carrier.create(name=f"Carrier {n}", country="NG" if n % 2 else "GH", city="Accra")

    ghana = await api.get("/carriers", params={"country": "gh"})
    assert sorted(item["name"] for item in ghana.body["items"]) == [
        "Carrier 0",
        "Carrier 2",
        "Carrier 4",
    ]
    found = await api.get("/carriers", params={"q": "ier 3"})
    assert [item["name"] for item in found.body["items"]] == ["Carrier 3"]
    first = await api.get("/carriers", params={"limit": 2})
    second = await api.get("/carriers", params={"limit": 2, "cursor": first.body["next_cursor"]})
    third = await api.get("/carriers", params={"limit": 2, "cursor": second.body["next_cursor"]})
    names = [i["name"] for page in (first, second, third) for i in page.body["items"]]
    assert names == [f"Carrier {n}" for n in (4, 3, 2, 1, 0)]
    assert third.body["next_cursor"] is None
    assert (await api.get("/carriers", params={"country": "Narnia"})).status == 400


async def test_carrier_permissions_and_missing_carriers(api, api_as):
    carrier = await Carrier.create(name="Sahel")
    manager = await api_as(Role.MANAGER)
    assert (await manager.get(f"/carriers/{carrier.id}")).status == 200
    assert (await manager.post("/carriers", json={"name": "X"})).status == 403
    assert (await manager.patch(f"/carriers/{carrier.id}", json={"name": "X"})).status == 403
    marketer = await api_as(Role.MARKETER)
    assert (await marketer.get("/carriers")).status == 403
    dispatcher = await api_as(Role.DISPATCHER)
    assert (await dispatcher.post("/carriers", json={"name": "Y"})).status == 201

    assert (await api.get("/carriers/424242")).status == 404
    assert (await api.patch("/carriers/424242", json={"name": "Z"})).status == 404
    assert await Carrier.all().count() == 2
