"""The three foundation events, caused by a person onboarding in Telegram and delivered by
the running app's own worker, woken by the commits (it polls only once an hour here)."""

from __future__ import annotations

from decimal import Decimal

from core.models import Client, Consent, Interaction, Order, QuoteRequest
from core.services.consent import CONSENT_TEXT_VERSION
from core.services.interactions import Subject
from core.services.webhooks import (
    CLIENT_CREATED,
    CONSENT_CHANGED,
    INTERACTION_LOGGED,
    QUOTE_ACCEPTED,
    REQUEST_CREATED,
    create_endpoint,
)
from tests.contract.test_onboarding import onboard, ru
from tests.contract.test_quote import ORDER_PLACED, _ask_lagos_to_kano, _network, ru_start
from tests.contract.test_quote import ru as ru_n
from tests.webhooks.conftest import Received, verify


def _of(requests: list[Received], event: str) -> list[dict]:
    return [r.json()["data"] for r in requests if r.event == event]


async def test_onboarding_in_telegram_sends_all_three_events(
    runtime, admin, receiver, live_sender, chat_factory
):
    endpoint = await create_endpoint(
        admin, receiver.url, [CLIENT_CREATED, CONSENT_CHANGED, INTERACTION_LOGGED]
    )
    chat = chat_factory("telegram")
    await onboard(chat, "+234 803 555 0101")
    await runtime.supervisor.wait_idle()

    client = await Client.get(phone="+2348035550101")
    logged = await Interaction.filter(client=client).order_by("id")
    assert [i.subject for i in logged] == [
        Subject.STARTED,
        Subject.LANGUAGE,
        Subject.PHONE_SHARED,
        Subject.CLIENT_CREATED,
        Subject.CONSENT_GRANTED,
    ]
    everything = await receiver.wait_for(
        lambda requests: (
            requests
            if len(_of(requests, INTERACTION_LOGGED)) == len(logged)
            and _of(requests, CLIENT_CREATED)
            and _of(requests, CONSENT_CHANGED)
            else None
        )
    )
    assert len(everything) == len(logged) + 2
    assert all(verify(endpoint.secret, r.headers, r.body) for r in everything)

    [created] = _of(everything, CLIENT_CREATED)
    assert created == {
        "id": client.id,
        "name": "Ada",
        "kind": "individual",
        "phone": "+2348035550101",
        "email": None,
        "city": None,
        "language": "ru",
        "source": "telegram",
        "manager_id": None,
        "created_at": created["created_at"],
    }
    assert created["created_at"].startswith(client.created_at.strftime("%Y-%m-%dT%H:%M"))

    consent = await Consent.get(client=client)
    [changed] = _of(everything, CONSENT_CHANGED)
    assert changed == {
        "client_id": client.id,
        "channel": "telegram",
        "purpose": "messages",
        "granted": True,
        "evidence": consent.evidence,
        "text_version": CONSENT_TEXT_VERSION,
        "at": changed["at"],
    }
    assert consent.evidence.startswith("telegram:")

    by_id = {data["id"]: data for data in _of(everything, INTERACTION_LOGGED)}
    assert sorted(by_id) == [i.id for i in logged]
    assert [by_id[i.id]["subject"] for i in logged] == [i.subject for i in logged]
    # Sent as it was when logged: /start and the language came before the phone named
    # the client; the dossier attaches them to the client later.
    assert [by_id[i.id]["client_id"] for i in logged] == [None, None] + [client.id] * 3
    assert {data["channel"] for data in by_id.values()} == {"telegram"}
    assert by_id[logged[2].id]["summary"] == "+2348035550101 (shared)"

    # STOP withdraws consent: one more consent.changed, now granted false.
    await chat.send("стоп")
    await chat.expect(
        ru(
            "Done. You will not receive messages from us on this channel. "
            "You can allow them again in Settings."
        )
    )
    withdrawn = await receiver.wait_for(
        lambda requests: [d for d in _of(requests, CONSENT_CHANGED) if d["granted"] is False]
    )
    assert withdrawn[0]["client_id"] == client.id


async def test_a_quote_ordered_in_the_bot_sends_request_created_and_quote_accepted(
    runtime, admin, receiver, live_sender, chat_factory
):
    await _network()
    endpoint = await create_endpoint(admin, receiver.url, [REQUEST_CREATED, QUOTE_ACCEPTED])
    chat = chat_factory("telegram")
    await onboard(chat, "+234 803 555 0404")
    await _ask_lagos_to_kano(chat, "Cheapest")
    await chat.expect(ru_start("Your quote #{number}, valid until {day}:"))
    await chat.press(ru_n("Order option {n}", n=1))
    await chat.expect(ru_start(ORDER_PLACED))
    await runtime.supervisor.wait_idle()

    both = await receiver.wait_for(
        lambda requests: (
            requests if _of(requests, REQUEST_CREATED) and _of(requests, QUOTE_ACCEPTED) else None
        )
    )
    assert all(verify(endpoint.secret, r.headers, r.body) for r in both)
    request = await QuoteRequest.get(client__phone="+2348035550404")
    [created] = _of(both, REQUEST_CREATED)
    assert created["id"] == request.id and created["state"] == "new"
    assert (created["origin_text"], created["destination_text"]) == ("Lagos", "Kano")
    assert Decimal(created["weight_kg"]) == 500
    order = await Order.get(request=request)
    [accepted] = _of(both, QUOTE_ACCEPTED)
    assert accepted["number"] == order.number and accepted["total"] == "99000.00"
    assert [leg["mode"] for leg in accepted["option"]["legs"]] == ["road", "rail"]
