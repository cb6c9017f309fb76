"""Requests, quotes and orders: what a client asks, what we offer, what they accept.

Each use case is one transaction: the request exists with its state, its quote and its
dossier entry, or nothing does. Options are priced before the transaction opens (reads
only), so a slow quote never holds locks.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.exceptions import IntegrityError
from tortoise.expressions import Q, Subquery
from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

from core.errors import InvalidInput, NotFound
from core.i18n import N_
from core.models import (
    ChannelIdentity,
    Client,
    Interaction,
    InteractionKind,
    Location,
    Order,
    Quote,
    QuoteRequest,
    RefusalReason,
    RequestState,
)
from core.services import audit, pricing
from core.services.access import Actor, Permission, require
from core.services.clients import visible_clients
from core.services.company import current_company
from core.services.consent import current_consent
from core.services.interactions import Subject
from core.services.pipeline import move
from core.services.quoting import QuoteOption, QuoteResult, quote_options, ready_at
from core.services.shipments import create_for_order
from core.services.webhooks.events import (
    QUOTE_ACCEPTED,
    REQUEST_CREATED,
    order_data,
    request_data,
)
from core.services.webhooks.outbox import emit

DEFAULT_VALID_DAYS = 7


REFUSAL_LABELS: dict[RefusalReason, str] = {
    RefusalReason.TOO_EXPENSIVE: N_("Too expensive"),
    RefusalReason.TOO_SLOW: N_("Too slow"),
    RefusalReason.JUST_CHECKING: N_("Just checking prices"),
    RefusalReason.OTHER: N_("Other reason"),
}


@dataclass(frozen=True, slots=True)
class Place:
    """Where a client said: a known location, or only the text they typed."""

    text: str
    location_id: int | None = None


@dataclass(frozen=True, slots=True)
class RequestDraft:
    origin: Place
    destination: Place
    cargo: pricing.Cargo
    ready_on: dt.date
    ready: dt.datetime  # the ready moment in UTC, see quoting.ready_at
    priority: int


@dataclass(frozen=True, slots=True)
class Opened:
    request: QuoteRequest
    quote: Quote | None


def freeze_option(option: QuoteOption, names: dict[int, str]) -> dict[str, Any]:
    """An option as the client saw it, kept as text so a later price change cannot alter it."""
    return {
        "legs": [
            {
                "lane_id": q.leg.lane_id,
                "mode": q.leg.mode.value,
                "carrier_id": q.leg.carrier_id,
                "origin_id": q.leg.origin,
                "destination_id": q.leg.destination,
                "origin": names.get(q.leg.origin, ""),
                "destination": names.get(q.leg.destination, ""),
                "departure": q.leg.departure.isoformat(),
                "arrival": q.leg.arrival.isoformat(),
                "price": str(q.price.total),
                "cost": None if q.cost is None else str(q.cost.total),
            }
            for q in option.legs
        ],
        "departure": option.route.departure.isoformat(),
        "arrival": option.route.arrival.isoformat(),
        "transfers": option.route.transfers,
        "price": str(option.vat.net),
        "vat": str(option.vat.vat),
        "total": str(option.vat.gross),
        "cost": None if option.cost is None else str(option.cost),
        "margin": None if option.margin is None else str(option.vat.net - option.cost),
    }


async def location_names(result: QuoteResult) -> dict[int, str]:
    stops = {
        end
        for option in result.options
        for leg in option.route.legs
        for end in (leg.origin, leg.destination)
    }
    return dict(await Location.filter(id__in=stops).values_list("id", "name"))


async def open_request(
    identity: ChannelIdentity,
    draft: RequestDraft,
    *,
    valid_days: int = DEFAULT_VALID_DAYS,
    now: dt.datetime | None = None,
) -> Opened:
    """Store a client's request and, when the engine can price it, its quote.

    Unknown places or no priced route leave the request new and marked for a manager.
    """
    if identity.client_id is None:  # type: ignore[attr-defined]
        raise InvalidInput("client", N_("Please send /start first."))
    client = await Client.get(id=identity.client_id)  # type: ignore[attr-defined]
    return await _open(client, identity, draft, valid_days, now, sent=True)


async def open_request_for(
    actor: Actor,
    client_id: int,
    draft: RequestDraft,
    *,
    valid_days: int = DEFAULT_VALID_DAYS,
    now: dt.datetime | None = None,
    price: bool = True,
) -> Opened:
    """A request made for a client: by an integration (a website's quote form), priced at once
    and shown by the caller; or by a manager (price=False), left for them to price and send,
    so that until they do it stays on the managers' list of waiting requests.
    """
    require(actor, Permission.MAKE_QUOTES)
    client = await visible_clients(actor).filter(id=client_id).first()
    if client is None:
        raise InvalidInput("client_id", N_("No client has that #id or phone."))
    # The caller shows the options; until a person sends the quote it is not "sent" (no
    # reminder is due about a quote the client never saw from us).
    return await _open(client, None, draft, valid_days, now, sent=False, price=price)


async def _open(
    client: Client,
    identity: ChannelIdentity | None,
    draft: RequestDraft,
    valid_days: int,
    now: dt.datetime | None,
    *,
    sent: bool,
    price: bool = True,
) -> Opened:
    origin_id, destination_id = draft.origin.location_id, draft.destination.location_id
    if origin_id is not None and origin_id == destination_id:
        raise InvalidInput("destination", N_("The destination must differ from the origin."))
    result = QuoteResult(None, ())
    if price and origin_id is not None and destination_id is not None:
        result = await quote_options(
            client.id, origin_id, destination_id, draft.cargo, draft.ready, draft.priority
        )
    names = await location_names(result)
    now = now or dt.datetime.now(dt.UTC)
    cargo = draft.cargo
    async with in_transaction() as conn:
        request = await QuoteRequest.create(
            client=client,
            manager_id=client.manager_id,  # type: ignore[attr-defined]
            channel=identity.channel if identity else None,
            origin_id=origin_id,
            destination_id=destination_id,
            origin_text=draft.origin.text[:200],
            destination_text=draft.destination.text[:200],
            cargo_type=cargo.cargo_type.value,
            weight_kg=cargo.weight_kg,
            volume_m3=cargo.volume_m3,
            pieces=cargo.pieces,
            ready_on=draft.ready_on,
            priority=draft.priority,
            state=RequestState.NEW,
            needs_manager=not result.options,
            state_changed_at=now,
            using_db=conn,
        )
        await _log(conn, identity, Subject.QUOTE_REQUESTED, _route_text(draft), request)
        await emit(REQUEST_CREATED, request_data(request), connection=conn)
        quote = None
        if result.options:
            assert result.price_list is not None
            quote = await Quote.create(
                request=request,
                price_list_id=result.price_list.id,
                currency=result.options[0].currency,
                options=[freeze_option(o, names) for o in result.options],
                valid_until=now + dt.timedelta(days=valid_days),
                sent_at=now if sent else None,
                using_db=conn,
            )
            request = await move(
                request.id, RequestState.QUOTED, None, connection=conn, by_use_case=True, now=now
            )
            await _log(conn, identity, Subject.QUOTE_SENT, f"#{quote.id}", request)
    return Opened(request, quote)


def _route_text(draft: RequestDraft) -> str:
    return f"{draft.origin.text} → {draft.destination.text}, {draft.cargo.weight_kg} kg"


async def _log(
    conn: BaseDBAsyncClient,
    identity: ChannelIdentity | None,
    subject: str,
    summary: str,
    request: QuoteRequest,
    employee_id: int | None = None,
) -> None:
    await Interaction.create(
        client_id=request.client_id,  # type: ignore[attr-defined]
        identity=identity,
        employee_id=employee_id,
        channel=identity.channel if identity else None,
        kind=InteractionKind.MESSAGE if identity else InteractionKind.SYSTEM,
        subject=subject,
        summary=summary,
        using_db=conn,
    )


async def _client_quote(
    conn: BaseDBAsyncClient, client_id: int | None, quote_id: int
) -> tuple[Quote, QuoteRequest]:
    """The quote, only if it is this client's, with its request locked for the answer."""
    quote = await Quote.filter(id=quote_id).using_db(conn).first()
    if quote is None:
        raise NotFound()
    request = (
        await QuoteRequest.filter(id=quote.request_id)  # type: ignore[attr-defined]
        .using_db(conn)
        .select_for_update()
        .first()
    )
    if request is None or client_id is None or request.client_id != client_id:  # type: ignore[attr-defined]
        raise NotFound()
    return quote, request


def _check_answerable(quote: Quote, request: QuoteRequest, now: dt.datetime) -> None:
    if quote.answered_at is None and (
        quote.valid_until < now or request.state is RequestState.EXPIRED
    ):
        raise InvalidInput("quote", N_("This quote has expired. Please request a new one."))
    if quote.answered_at is not None or request.state is not RequestState.QUOTED:
        raise InvalidInput("quote", N_("This quote has already been answered."))


async def accept_quote(
    identity: ChannelIdentity, quote_id: int, option: int, *, now: dt.datetime | None = None
) -> Order:
    """The client's "Order this": an order with the option's route and price frozen."""
    now = now or dt.datetime.now(dt.UTC)
    async with in_transaction() as conn:
        quote, request = await _client_quote(conn, identity.client_id, quote_id)  # type: ignore[attr-defined]
        _check_answerable(quote, request, now)
        if not 0 <= option < len(quote.options):
            raise InvalidInput("option", N_("That option is not in this quote."))
        chosen = quote.options[option]
        order = await Order.create(
            request=request,
            quote=quote,
            client_id=request.client_id,  # type: ignore[attr-defined]
            manager_id=request.manager_id,  # type: ignore[attr-defined]
            option=chosen,
            currency=quote.currency,
            price=Decimal(chosen["price"]),
            vat=Decimal(chosen["vat"]),
            total=Decimal(chosen["total"]),
            cost=None if chosen["cost"] is None else Decimal(chosen["cost"]),
            using_db=conn,
        )
        order.number = order_number(order.id, now)
        await order.save(update_fields=["number"], using_db=conn)
        # The order is also the shipment the client and the carriers follow from now on.
        await create_for_order(order, conn)
        quote.accepted_option = option
        quote.answered_at = now
        await quote.save(update_fields=["accepted_option", "answered_at"], using_db=conn)
        await move(
            request.id, RequestState.ORDERED, None, connection=conn, by_use_case=True, now=now
        )
        await _log(conn, identity, Subject.QUOTE_ACCEPTED, order.number, request)
        await emit(QUOTE_ACCEPTED, order_data(order), connection=conn)
    return order


def order_number(order_id: int, now: dt.datetime) -> str:
    """Short enough to read over the phone, unique because it carries the row id."""
    return f"ON-{now:%y}-{order_id:05d}"


async def decline_quote(
    identity: ChannelIdentity,
    quote_id: int,
    reason: RefusalReason,
    note: str = "",
    *,
    now: dt.datetime | None = None,
) -> QuoteRequest:
    """The client's "Not now": the request is refused with the reason, for the reports."""
    now = now or dt.datetime.now(dt.UTC)
    async with in_transaction() as conn:
        quote, request = await _client_quote(conn, identity.client_id, quote_id)  # type: ignore[attr-defined]
        _check_answerable(quote, request, now)
        quote.answered_at = now
        await quote.save(update_fields=["answered_at"], using_db=conn)
        request.refusal_reason = reason
        request.refusal_note = note[:1000]
        await request.save(update_fields=["refusal_reason", "refusal_note"], using_db=conn)
        request = await move(request.id, RequestState.REFUSED, None, connection=conn, now=now)
        await _log(conn, identity, Subject.QUOTE_DECLINED, reason.value, request)
    return request


async def ask_manager(identity: ChannelIdentity, request_id: int) -> QuoteRequest:
    """The client wants a person: the request is marked so it shows in the managers' queue."""
    async with in_transaction() as conn:
        request = (
            await QuoteRequest.filter(id=request_id).using_db(conn).select_for_update().first()
        )
        if request is None or request.client_id != identity.client_id:  # type: ignore[attr-defined]
            raise NotFound()
        request.needs_manager = True
        await request.save(update_fields=["needs_manager"], using_db=conn)
        await _log(conn, identity, Subject.QUOTE_MANAGER_ASKED, f"#{request.id}", request)
    return request


def visible_requests(actor: Actor) -> QuerySet[QuoteRequest]:
    """Requests of the clients the actor may see (the clients list's rule), and the ones they
    manage or took from the queue (a colleague's client's request passed on to them)."""
    mine = Q(client_id__in=Subquery(visible_clients(actor).values("id")))
    if actor.sees_only_own_clients and actor.employee_id is not None:
        mine |= Q(manager_id=actor.employee_id) | Q(taken_by_id=actor.employee_id)
    return QuoteRequest.filter(mine)


async def move_by_staff(
    actor: Actor, request_id: int, target: RequestState, *, now: dt.datetime | None = None
) -> QuoteRequest:
    """A move made by a person on the board or through the API, audited as theirs."""
    require(actor, Permission.MAKE_QUOTES)
    if not await visible_requests(actor).filter(id=request_id).exists():
        raise NotFound()
    return await move(request_id, target, actor, now=now)


@dataclass(frozen=True, slots=True)
class StaffQuote:
    request: QuoteRequest
    quote: Quote
    identity: ChannelIdentity | None  # where to send it; None when no chat may receive it
    repeated: bool = False  # the same submission again: stored and sent the first time


def override_option(
    option: dict[str, Any], price: Decimal, currency: str, vat_rate: Decimal
) -> dict[str, Any]:
    """The option at a price a person set, before VAT (as the forms say, whether or not the
    price lists include it); the engine's price is kept beside it."""
    if price <= 0:
        raise InvalidInput("override", N_("A price must be more than zero."))
    net = pricing.round_money(price, currency)
    vat = pricing.apply_vat(net, currency, vat_rate, prices_include_vat=False)
    cost = None if option["cost"] is None else Decimal(option["cost"])
    return {
        **option,
        "price": str(vat.net),
        "vat": str(vat.vat),
        "total": str(vat.gross),
        "margin": None if cost is None else str(vat.net - cost),
        "override": {"engine_price": option["price"]},
    }


async def _reply_identity(client_id: int, channel: str | None) -> ChannelIdentity | None:
    """The chat a quote goes to: the request's channel, else the client's latest, with consent."""
    identities = await ChannelIdentity.filter(client_id=client_id, chat_id__not_isnull=True)
    identities.sort(key=lambda i: (i.channel != channel, -i.id))
    for identity in identities:
        if await current_consent(client_id, identity.channel):
            return identity
    return None


@dataclass(frozen=True, slots=True)
class StaffOptions:
    price_list: pricing.PriceList
    options: list[dict[str, Any]]  # frozen, with the changed prices applied


async def staff_options(
    client_id: int, draft: RequestDraft, overrides: dict[int, Decimal], *, strict: bool = True
) -> StaffOptions:
    """The options a manager looks at (and sends): the engine's, with their own prices.

    A price for an option the engine no longer offers is an error when sending (strict) and
    left out when only showing, so the manager still sees what there is.
    """
    origin_id, destination_id = draft.origin.location_id, draft.destination.location_id
    if origin_id is None or destination_id is None:
        raise InvalidInput("origin", N_("Type known places to price the request."))
    result = await quote_options(
        client_id, origin_id, destination_id, draft.cargo, draft.ready, draft.priority
    )
    if not result.options or result.price_list is None:
        raise InvalidInput(
            "destination",
            N_(
                "No priced route between these places for this cargo. A manager prices it by hand."
            ),
        )
    names = await location_names(result)
    options = [freeze_option(o, names) for o in result.options]
    company = await current_company()
    for index, price in overrides.items():
        if not 0 <= index < len(options):
            if not strict:
                continue
            raise InvalidInput("override", N_("That option is not in this quote."))
        options[index] = override_option(
            options[index], price, result.price_list.currency, Decimal(company.vat_rate)
        )
    return StaffOptions(result.price_list, options)


async def staff_quote(
    actor: Actor,
    client_id: int,
    draft: RequestDraft,
    *,
    request_id: int | None = None,
    overrides: dict[int, Decimal] | None = None,
    reason: str = "",
    valid_days: int = DEFAULT_VALID_DAYS,
    now: dt.datetime | None = None,
    submission: str | None = None,
) -> StaffQuote:
    """A manager's quote for a client, stored and ready to send: a new request, or an answer
    to an open one (a request a client made that needs a person).

    A changed price needs a reason; both are kept on the quote and in the audit trail.
    `submission` (a token of the form) makes a repeated post return the quote it made.
    """
    require(actor, Permission.MAKE_QUOTES)
    if submission is not None:
        made = await _submitted(actor, submission)
        if made is not None:
            return made
    overrides = overrides or {}
    reason = reason.strip()[:500]
    if overrides and not reason:
        raise InvalidInput("override_reason", N_("Say why the price is changed."))
    client = await visible_clients(actor).filter(id=client_id).first()
    if client is None:
        raise InvalidInput("client", N_("No client has that #id or phone."))
    priced = await staff_options(client.id, draft, overrides)
    options, price_list = priced.options, priced.price_list
    now = now or dt.datetime.now(dt.UTC)
    try:
        async with in_transaction() as conn:
            request = await _staff_request(conn, actor, client, draft, request_id, now)
            # A new quote replaces the ones still open: only the latest can be ordered.
            await (
                Quote.filter(request_id=request.id, answered_at=None, valid_until__gt=now)
                .using_db(conn)
                .update(valid_until=now)
            )
            quote = await Quote.create(
                request=request,
                price_list_id=price_list.id,
                created_by_id=actor.employee_id,
                currency=price_list.currency,
                options=options,
                override_reason=reason if overrides else "",
                submission=submission,
                valid_until=now + dt.timedelta(days=valid_days),
                sent_at=now,
                using_db=conn,
            )
            request = await move(
                request.id, RequestState.QUOTED, actor, connection=conn, by_use_case=True, now=now
            )
            if request.needs_manager:
                request.needs_manager = False
                await request.save(update_fields=["needs_manager"], using_db=conn)
            await _log(
                conn,
                None,
                Subject.QUOTE_SENT,
                f"#{quote.id}",
                request,
                employee_id=actor.employee_id,
            )
            if overrides:
                await audit.record(
                    actor,
                    "quote.price_overridden",
                    "quote",
                    quote.id,
                    {
                        "reason": reason,
                        "prices": {
                            str(i + 1): [o["override"]["engine_price"], o["price"]]
                            for i, o in enumerate(options)
                            if "override" in o
                        },
                    },
                    connection=conn,
                )
    except IntegrityError:
        # The same submission posted twice at once: the other post made the quote.
        made = await _submitted(actor, submission) if submission else None
        if made is None:
            raise
        return made
    identity = await _reply_identity(client.id, request.channel)
    return StaffQuote(request, quote, identity)


async def _submitted(actor: Actor, submission: str) -> StaffQuote | None:
    """The quote a form submission already made (a double click, a resent form), if any."""
    quote = await Quote.get_or_none(submission=submission, created_by_id=actor.employee_id)
    if quote is None:
        return None
    request = await QuoteRequest.get(id=quote.request_id)  # type: ignore[attr-defined]
    return StaffQuote(request, quote, None, repeated=True)


async def _staff_request(
    conn: BaseDBAsyncClient,
    actor: Actor,
    client: Client,
    draft: RequestDraft,
    request_id: int | None,
    now: dt.datetime,
) -> QuoteRequest:
    """The open request being answered (its places now known), or a new one for the client."""
    cargo = draft.cargo
    fields = {
        "origin_id": draft.origin.location_id,
        "destination_id": draft.destination.location_id,
        "origin_text": draft.origin.text[:200],
        "destination_text": draft.destination.text[:200],
        "cargo_type": cargo.cargo_type.value,
        "weight_kg": cargo.weight_kg,
        "volume_m3": cargo.volume_m3,
        "pieces": cargo.pieces,
        "ready_on": draft.ready_on,
        "priority": draft.priority,
    }
    if request_id is None:
        request = await QuoteRequest.create(
            client=client,
            manager_id=client.manager_id or actor.employee_id,  # type: ignore[attr-defined]
            state=RequestState.NEW,
            state_changed_at=now,
            using_db=conn,
            **fields,
        )
        await emit(REQUEST_CREATED, request_data(request), connection=conn)
        return request
    request = (
        await QuoteRequest.filter(id=request_id, client_id=client.id)
        .using_db(conn)
        .select_for_update()
        .first()
    )
    if request is None:
        raise InvalidInput("request", N_("That request is not this client's."))
    if request.state not in (RequestState.NEW, RequestState.QUOTED):
        raise InvalidInput("request", N_("This request is past quoting."))
    for name, value in fields.items():
        setattr(request, name, value)
    if request.manager_id is None:  # type: ignore[attr-defined]
        request.manager_id = actor.employee_id  # type: ignore[attr-defined]
    await request.save(using_db=conn)
    return request


def draft_of(request: QuoteRequest, zone: dt.tzinfo, today: dt.date) -> RequestDraft:
    """A stored request as the engine takes it; a ready day already past is moved to today."""
    day = max(request.ready_on, today)
    return RequestDraft(
        origin=Place(request.origin_text, request.origin_id),  # type: ignore[attr-defined]
        destination=Place(request.destination_text, request.destination_id),  # type: ignore[attr-defined]
        cargo=pricing.make_cargo(
            weight_kg=Decimal(request.weight_kg),
            cargo_type=pricing.CargoType(request.cargo_type),
            pieces=request.pieces,
            volume_m3=Decimal(request.volume_m3) if request.volume_m3 else None,
        ),
        ready_on=day,
        ready=ready_at(day, zone, "ready", today=today),
        priority=request.priority,
    )


def waiting_requests(actor: Actor) -> QuerySet[QuoteRequest]:
    """Open requests a person has to answer, oldest first: the managers' to-do list."""
    return (
        visible_requests(actor)
        .filter(needs_manager=True, state__in=(RequestState.NEW, RequestState.QUOTED))
        .order_by("created_at", "id")
    )
