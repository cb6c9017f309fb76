"""Contact people, interactions and consent under /clients/{id} and /carriers/{id}."""

from __future__ import annotations

import datetime as dt

from core.models import (
    AuditLog,
    Carrier,
    Channel,
    Client,
    Consent,
    ConsentState,
    ContactPerson,
    Employee,
    Interaction,
    InteractionKind,
    Role,
    WebhookDelivery,
)
from core.services import webhooks
from tests.querycount import count_queries


async def test_contact_people_of_clients_and_carriers(api):
    client = await Client.create(name="Okafor Freight")
    carrier = await Carrier.create(name="Sahel Trucks")

    added = await api.post(
        f"/clients/{client.id}/contacts",
        json={"name": "Ngozi", "position": "Buyer", "phone": "08031112222"},
    )
    assert added.status == 201, added.body
    assert added.body == {
        "id": added.body["id"],
        "client_id": client.id,
        "carrier_id": None,
        "name": "Ngozi",
        "position": "Buyer",
        "phone": "+2348031112222",
        "email": None,
    }
    on_carrier = await api.post(
        f"/carriers/{carrier.id}/contacts", json={"name": "Ibrahim", "email": "i@sahel.example"}
    )
    assert on_carrier.status == 201
    assert (on_carrier.body["carrier_id"], on_carrier.body["client_id"]) == (carrier.id, None)
    assert await AuditLog.filter(action="contact.created").count() == 2

    listed = await api.get(f"/clients/{client.id}/contacts")
    assert [c["name"] for c in listed.body["items"]] == ["Ngozi"]
    assert listed.body["next_cursor"] is None
    carrier_list = await api.get(f"/carriers/{carrier.id}/contacts")
    assert [c["name"] for c in carrier_list.body["items"]] == ["Ibrahim"]

    invalid = await api.post(f"/clients/{client.id}/contacts", json={"position": "Boss"})
    assert invalid.status == 422
    assert invalid.field_errors == {"name": "This field is required."}
    invalid = await api.post(
        f"/carriers/{carrier.id}/contacts", json={"name": "Ibrahim", "email": "nope", "x": 1}
    )
    assert invalid.status == 422
    assert invalid.field_errors == {
        "email": "Enter an e-mail address such as name@example.com.",
        "x": "This field is not allowed.",
    }
    for path in ("/clients/999/contacts", "/carriers/999/contacts"):
        assert (await api.get(path)).status == 404
        assert (await api.post(path, json={"name": "Ghost"})).status == 404
    assert await ContactPerson.all().count() == 2


async def test_contacts_respect_roles_and_manager_scope(api_as):
    musa = await Employee.create(name="Musa", role=Role.MANAGER)
    assigned = await Client.create(name="Assigned", manager=musa)
    carrier = await Carrier.create(name="Sahel")
    await ContactPerson.create(client=assigned, name="Hidden")

    of_client, of_carrier = f"/clients/{assigned.id}/contacts", f"/carriers/{carrier.id}/contacts"
    manager = await api_as(Role.MANAGER)
    assert (await manager.get(of_client)).status == 404
    assert (await manager.post(of_client, json={"name": "X"})).status == 404
    assert (await manager.post(of_carrier, json={"name": "X"})).status == 403
    accountant = await api_as(Role.ACCOUNTANT)
    assert (await accountant.post(of_client, json={"name": "X"})).status == 403
    marketer = await api_as(Role.MARKETER)
    assert (await marketer.get(of_carrier)).status == 403
    assert await ContactPerson.all().count() == 1


async def test_log_and_list_interactions(api, api_as):
    client = await Client.create(name="Ada")
    employee = await Employee.create(name="Musa", role=Role.MANAGER)
    await Interaction.create(client=client, employee=employee, subject="Old call", kind="call")

    logged = await api.post(
        f"/clients/{client.id}/interactions",
        json={"kind": "meeting", "subject": "Site visit", "summary": "Agreed on\nweekly loads"},
    )
    assert logged.status == 201, logged.body
    assert logged.body["kind"] == "meeting"
    assert logged.body["employee_id"] is None
    assert logged.body["channel"] is None
    assert logged.body["summary"] == "Agreed on\nweekly loads"
    entry = await Interaction.get(id=logged.body["id"])
    assert (entry.client_id, entry.kind) == (client.id, InteractionKind.MEETING)
    assert (await AuditLog.get(action="interaction.logged")).details["subject"] == "Site visit"

    listed = await api.get(f"/clients/{client.id}/interactions")
    assert [(i["subject"], i["employee_name"]) for i in listed.body["items"]] == [
        ("Site visit", None),
        ("Old call", "Musa"),
    ]

    invalid = await api.post(
        f"/clients/{client.id}/interactions", json={"kind": "system", "subject": ""}
    )
    assert invalid.status == 422
    assert invalid.field_errors == {
        "kind": "Choose one of: call, meeting, email, message.",
        "subject": "This field cannot be empty.",
    }
    assert (
        await api.post("/clients/999/interactions", json={"kind": "call", "subject": "x"})
    ).status == 404
    assert (await api.get("/clients/999/interactions")).status == 404
    accountant = await api_as(Role.ACCOUNTANT)
    assert (await accountant.get(f"/clients/{client.id}/interactions")).status == 200
    refused = await accountant.post(
        f"/clients/{client.id}/interactions", json={"kind": "call", "subject": "x"}
    )
    assert refused.status == 403
    assert await Interaction.all().count() == 2


async def test_interaction_list_costs_the_same_for_many_entries(api):
    client = await Client.create(name="Ada")
    employee = await Employee.create(name="Musa", role=Role.MANAGER)
    await api.get("/clients")

    async def count() -> int:
        with count_queries() as queries:
            reply = await api.get(f"/clients/{client.id}/interactions", params={"limit": 100})
        assert reply.status == 200
        return queries.count

    await Interaction.create(client=client, employee=employee, subject="s")
    few = await count()
    for _ in range(25):
        await Interaction.create(client=client, employee=employee, subject="s")
    assert await count() == few


async def _consent(client: Client, channel: Channel, granted: bool, at: dt.datetime) -> None:
    await Consent.create(
        client=client,
        channel=channel,
        granted=granted,
        text_version="v1",
        text_shown="May we message you?",
        language="en",
        evidence=f"{channel}:button:1",
    )
    await ConsentState.update_or_create(
        client=client, channel=channel, defaults={"granted": granted, "updated_at": at}
    )


async def test_consent_shows_current_answers_and_the_log(api, api_as):
    client = await Client.create(name="Ada")
    now = dt.datetime.now(dt.UTC)
    await _consent(client, Channel.TELEGRAM, True, now)
    await _consent(client, Channel.VIBER, True, now)
    await _consent(client, Channel.TELEGRAM, False, now)

    report = await api.get(f"/clients/{client.id}/consent", params={"limit": 2})

    assert report.status == 200, report.body
    assert report.body["client_id"] == client.id
    assert [(s["channel"], s["granted"]) for s in report.body["states"]] == [
        ("telegram", False),
        ("viber", True),
    ]
    assert [(e["channel"], e["granted"]) for e in report.body["items"]] == [
        ("telegram", False),
        ("viber", True),
    ]
    assert report.body["items"][0]["text_shown"] == "May we message you?"
    rest = await api.get(
        f"/clients/{client.id}/consent", params={"cursor": report.body["next_cursor"]}
    )
    assert [(e["channel"], e["granted"]) for e in rest.body["items"]] == [("telegram", True)]
    assert rest.body["next_cursor"] is None

    assert (await api.get("/clients/999/consent")).status == 404
    dispatcher = await api_as(Role.DISPATCHER)
    assert (await dispatcher.get(f"/clients/{client.id}/consent")).status == 403


async def test_api_writes_queue_webhook_events(api, admin):
    await webhooks.create_endpoint(
        admin, "http://127.0.0.1:9/hook", ["client.created", "interaction.logged"]
    )

    created = await api.post("/clients", json={"name": "Ada", "city": "Lagos"})
    client_id = created.body["id"]
    logged = await api.post(
        f"/clients/{client_id}/interactions", json={"kind": "call", "subject": "Intro"}
    )

    deliveries = {d.event: d for d in await WebhookDelivery.all()}
    assert set(deliveries) == {"client.created", "interaction.logged"}
    assert deliveries["client.created"].payload["data"]["id"] == client_id
    assert deliveries["interaction.logged"].payload["data"]["id"] == logged.body["id"]
