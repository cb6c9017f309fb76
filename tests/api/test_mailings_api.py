"""Campaigns over the API: progress and per-recipient outcomes, and the panel's controls."""

from __future__ import annotations

from core.models import MailChannel, Role
from tests.mailings.helpers import campaign_for, client_on, marketer


async def test_an_integration_follows_a_campaign_and_pauses_another(runtime, api_as):
    author = await marketer()
    ada, _ = await client_on("Ada")
    bola, _ = await client_on("Bola", consent=False)
    done = await campaign_for(author, [MailChannel.TELEGRAM])
    await runtime.mailer.drain()

    api = await api_as(Role.MARKETER)
    listed = await api.get("/campaigns")
    assert listed.status == 200, listed.body
    [item] = listed.body["items"]
    assert item["id"] == done.id and item["state"] == "done"
    assert item["progress"]["sent"] == 1 and item["progress"]["skipped"] == 1

    recipients = await api.get(f"/campaigns/{done.id}/recipients")
    outcomes = {r["client_id"]: (r["state"], r["reason"]) for r in recipients.body["items"]}
    assert outcomes[ada.id] == ("sent", "")
    assert outcomes[bola.id] == ("skipped", "no consent to offers on any chosen channel")
    only_sent = await api.get(f"/campaigns/{done.id}/recipients", params={"state": "sent"})
    assert [r["client_id"] for r in only_sent.body["items"]] == [ada.id]

    later = await campaign_for(author, [MailChannel.TELEGRAM])
    paused = await api.post(f"/campaigns/{later.id}/pause")
    assert paused.status == 200 and paused.body["state"] == "paused"
    again = await api.post(f"/campaigns/{later.id}/pause")
    assert again.status == 422
    cancelled = await api.post(f"/campaigns/{later.id}/cancel")
    assert cancelled.body["state"] == "cancelled"

    segments = await api.get("/segments")
    assert len(segments.body["items"]) == 2


async def test_roles_without_mailings_are_refused(runtime, api_as):
    dispatcher = await api_as(Role.DISPATCHER)
    assert (await dispatcher.get("/campaigns")).status == 403
    assert (await dispatcher.get("/segments")).status == 403


async def test_a_managers_key_lists_only_recipients_it_may_see(runtime, api_as):
    from core.models import Employee

    author = await marketer()
    own, _ = await client_on("Unassigned Ada")
    theirs, _ = await client_on("Tunde's Bola")
    tunde = await Employee.create(name="Tunde", role=Role.MANAGER)
    theirs.manager = tunde
    await theirs.save()
    campaign = await campaign_for(author, [MailChannel.TELEGRAM])
    await runtime.mailer.drain()
    everyone = await (await api_as(Role.MARKETER)).get(f"/campaigns/{campaign.id}/recipients")
    assert {r["client_id"] for r in everyone.body["items"]} == {own.id, theirs.id}
    manager = await (await api_as(Role.MANAGER)).get(f"/campaigns/{campaign.id}/recipients")
    assert [r["client_id"] for r in manager.body["items"]] == [own.id]
