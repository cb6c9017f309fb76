"""Every segment filter selects exactly the clients a marketer would pick by hand, and a
manager's campaign reaches only the manager's own and unassigned clients."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from core.errors import InvalidInput
from core.models import (
    Channel,
    Client,
    ClientKind,
    ConsentPurpose,
    ConsentState,
    MailChannel,
    Order,
    Quote,
    QuoteRequest,
    RequestState,
    Role,
    Tag,
)
from core.services.segments import audience, count, parse_filters
from tests.mailings.helpers import campaign_for, chat_of, client_on, marketer, outbox
from tests.services.conftest import actor_for


def _at(day: str) -> dt.datetime:
    return dt.datetime.fromisoformat(day).replace(hour=10, tzinfo=dt.UTC)


async def _request(client: Client, state: RequestState) -> QuoteRequest:
    return await QuoteRequest.create(
        client=client,
        cargo_type="general",
        weight_kg=Decimal(500),
        ready_on=dt.date(2026, 1, 10),
        state=state,
        state_changed_at=dt.datetime.now(dt.UTC),
    )


async def _order(client: Client, day: str, cancelled: bool = False) -> Order:
    request = await _request(client, RequestState.REFUSED if cancelled else RequestState.ORDERED)
    quote = await Quote.create(
        request=request, currency="NGN", valid_until=dt.datetime.now(dt.UTC)
    )
    order = await Order.create(
        request=request,
        quote=quote,
        client=client,
        option={},
        currency="NGN",
        price=Decimal(100),
        vat=Decimal(0),
        total=Decimal(100),
        cancelled_at=_at(day) if cancelled else None,
    )
    await Order.filter(id=order.id).update(created_at=_at(day))
    return order


async def _tag(client: Client, *names: str) -> None:
    for name in names:
        tag, _ = await Tag.get_or_create(name=name)
        await client.tags.add(tag)


@pytest.fixture
async def people(runtime):
    """Four clients who differ in every way a filter can tell."""
    mira = await marketer()
    mo = await marketer("Mo Manager", Role.MANAGER)
    nia = await marketer("Nia Manager", Role.MANAGER)
    ada, _ = await client_on(
        "Ada", city="Lagos", source="instagram", manager=mo, kind=ClientKind.INDIVIDUAL
    )
    bola, _ = await client_on(
        "Bola",
        Channel.EMAIL,
        email="bola@example.com",
        city="LAGOS",
        language="ru",
        source="referral",
        kind=ClientKind.LEGAL_ENTITY,
    )
    chidi, _ = await client_on(
        "Chidi", consent=False, city="Kano", language="yo", source="instagram", manager=nia
    )
    dayo, _ = await client_on("Dayo", consent=False, kind=ClientKind.LEGAL_ENTITY, manager=mo)
    await _tag(ada, "vip")
    await _tag(bola, "vip", "importer")
    await _tag(chidi, "importer")
    await _order(ada, "2026-09-01")
    await _order(ada, "2026-11-20")
    await _order(chidi, "2026-10-01")
    await _order(chidi, "2026-11-25", cancelled=True)  # a cancelled order counts for nothing
    for day in ("2026-02-01", "2026-04-01", "2026-06-01"):
        await _order(dayo, day)
    await _request(bola, RequestState.NEW)
    await _request(chidi, RequestState.QUOTED)
    await _request(dayo, RequestState.EXPIRED)
    return {
        "marketer": mira,
        "mo": mo,
        "nia": nia,
        "ada": ada,
        "bola": bola,
        "chidi": chidi,
        "dayo": dayo,
    }


CASES = [
    ({}, {"ada", "bola", "chidi", "dayo"}),
    ({"kinds": ["legal_entity"]}, {"bola", "dayo"}),
    ({"kinds": ["individual", "legal_entity"]}, {"ada", "bola", "chidi", "dayo"}),
    ({"cities": ["lagos"]}, {"ada", "bola"}),
    ({"cities": [" KANO ", "Lagos"]}, {"ada", "bola", "chidi"}),
    ({"cities": ["Abuja"]}, set()),
    ({"languages": ["ru", "yo"]}, {"bola", "chidi"}),
    ({"sources": ["instagram"]}, {"ada", "chidi"}),
    ({"tags": ["vip"]}, {"ada", "bola"}),
    ({"tags": ["vip", "importer"]}, {"ada", "bola", "chidi"}),
    ({"last_order_after": "2026-10-01"}, {"ada", "chidi"}),
    ({"last_order_before": "2026-10-01"}, {"dayo"}),
    ({"last_order_after": "2026-07-01", "last_order_before": "2026-11-01"}, {"chidi"}),
    ({"min_orders": 2}, {"ada", "dayo"}),
    ({"min_orders": 0}, {"ada", "bola", "chidi", "dayo"}),
    ({"max_orders": 1}, {"bola", "chidi"}),
    ({"max_orders": 0}, {"bola"}),
    ({"min_orders": 1, "max_orders": 2}, {"ada", "chidi"}),
    ({"has_open_request": True}, {"bola", "chidi"}),
    ({"has_open_request": False}, {"ada", "dayo"}),
    ({"consented_on": "telegram"}, {"ada"}),
    ({"consented_on": "email"}, {"bola"}),
    ({"consented_on": "viber"}, set()),
    ({"kinds": ["individual"], "cities": ["lagos"], "tags": ["vip"]}, {"ada"}),
]


async def test_each_filter_selects_the_expected_clients(people):
    # One database for every case: the clients are the same, only the filters change.
    actor = actor_for(people["marketer"])
    for filters, expected in CASES:
        parsed = parse_filters(filters)
        names = {client.name.lower() for client in await audience(actor, parsed)}
        assert names == expected, filters
        assert await count(actor, parsed) == len(expected), filters


async def test_the_manager_filter(people):
    actor = actor_for(people["marketer"])
    chosen = parse_filters({"manager_ids": [people["mo"].id]})
    assert {c.name for c in await audience(actor, chosen)} == {"Ada", "Dayo"}


async def test_a_withdrawal_drops_the_client_from_a_consent_filter(people):
    actor = actor_for(people["marketer"])
    await ConsentState.filter(client_id=people["ada"].id, purpose=ConsentPurpose.MARKETING).update(
        granted=False
    )
    assert await count(actor, parse_filters({"consented_on": "telegram"})) == 0


async def test_a_manager_reaches_only_their_own_and_unassigned_clients(runtime, people):
    mo = actor_for(people["mo"])
    assert {c.name for c in await audience(mo, parse_filters({}))} == {"Ada", "Bola", "Dayo"}
    others = parse_filters({"manager_ids": [people["nia"].id]})
    assert await count(mo, others) == 0

    # Everyone agrees to offers on Telegram; Mo's campaign still skips Nia's client.
    for name in ("bola", "chidi", "dayo"):
        await chat_of(people[name], Channel.TELEGRAM)
    campaign = await campaign_for(people["mo"], [MailChannel.TELEGRAM])
    await runtime.mailer.drain()
    rows = await outbox(campaign)
    assert set(rows) == {people[n].id for n in ("ada", "bola", "dayo")}


def test_a_bad_filter_value_is_refused_with_its_field():
    with pytest.raises(InvalidInput) as refused:
        parse_filters({"min_orders": -1})
    assert refused.value.field == "min_orders"
    with pytest.raises(InvalidInput) as refused:
        parse_filters({"kinds": ["alien"]})
    assert refused.value.field == "kinds"
