"""Quotes: the stored network and price lists, through the pricing and routing engines.

For one request this loads the lanes usable for the cargo on the ready date, prices each
lane twice — at the client's price list (what the client pays, and what routes are chosen
on) and at the carrier's own tariff (what it costs us, for the margin) — and asks the route
engine for the exact time/price Pareto front, then picks up to three options by priority.
Transfers at intermediate terminals add their time, and their cost to both price and cost.
Everything is in the price list's currency; lanes whose cost tariff is in another currency
keep their price but have no margin (no FX yet).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from core.errors import InvalidInput
from core.i18n import N_
from core.models import Company, Lane, Location, PriceList, Tariff, Zone
from core.services import pricing, routing

MAX_LEGS = 4
MAX_DAYS_AHEAD = 365
# Cargo "ready on a date" is taken as ready at this local hour; the route engine needs a moment.
READY_HOUR = dt.time(9)


@dataclass(frozen=True, slots=True)
class LegQuote:
    leg: routing.Leg
    price: pricing.Charge
    cost: pricing.Charge | None


@dataclass(frozen=True, slots=True)
class QuoteOption:
    route: routing.Route
    legs: tuple[LegQuote, ...]
    currency: str
    price: Decimal  # legs' prices plus transfers, before VAT as configured
    cost: Decimal | None  # carriers' costs plus transfers; None if a leg has no known cost
    vat: pricing.VatBreakdown

    @property
    def margin(self) -> Decimal | None:
        return None if self.cost is None else self.price - self.cost


@dataclass(frozen=True, slots=True)
class QuoteResult:
    price_list: pricing.PriceList | None
    options: tuple[QuoteOption, ...]


def ready_at(
    day: dt.date, zone: dt.tzinfo, field: str, today: dt.date | None = None
) -> dt.datetime:
    """When cargo ready on `day` (a local date) starts moving, as an aware UTC moment.

    A date in the past or more than a year ahead is the person's mistake, said next to `field`.
    """
    today = today or dt.datetime.now(zone).date()
    if not today <= day <= today + dt.timedelta(days=MAX_DAYS_AHEAD):
        raise InvalidInput(field, N_("Give a ready date from today to a year ahead."))
    return dt.datetime.combine(day, READY_HOUR, zone).astimezone(dt.UTC)


def _tariff(row: Tariff, zones_used: set[int]) -> pricing.Tariff:
    scope: pricing.tariffs.Scope
    if row.origin_id is not None and row.destination_id is not None:  # type: ignore[attr-defined]
        scope = pricing.LaneScope(row.origin_id, row.destination_id)  # type: ignore[attr-defined]
    elif row.origin_zone_id is not None and row.destination_zone_id is not None:  # type: ignore[attr-defined]
        zones_used.update((row.origin_zone_id, row.destination_zone_id))  # type: ignore[attr-defined]
        scope = pricing.ZoneScope(row.origin_zone_id, row.destination_zone_id)  # type: ignore[attr-defined]
    else:
        scope = pricing.ModeWide()
    return pricing.Tariff(
        id=row.id,
        mode=pricing.Mode(row.mode),
        basis=pricing.Basis(row.basis),
        currency=row.currency,
        scope=scope,
        rate=Decimal(row.rate),
        breaks=tuple(pricing.WeightBreak(Decimal(str(f)), Decimal(str(r))) for f, r in row.breaks),
        cargo_types=frozenset(pricing.CargoType(t) for t in row.cargo_types),
        minimum_charge=Decimal(row.minimum_charge),
        surcharges=tuple(
            pricing.Surcharge(
                pricing.SurchargeCode(code),
                pricing.SurchargeKind(kind),
                Decimal(str(value)),
                Decimal(str(minimum)),
            )
            for code, kind, value, minimum in row.surcharges
        ),
        valid_from=row.valid_from,
        valid_to=row.valid_to,
        next_break_cheaper=row.next_break_cheaper,
    )


async def _price_lists(client_id: int | None) -> tuple[list[PriceList], PriceList | None]:
    rows = await PriceList.filter(is_active=True).prefetch_related("tariffs")
    main = next((r for r in rows if r.is_main), None)
    own = [r for r in rows if client_id is not None and r.client_id == client_id]  # type: ignore[attr-defined]
    return own, main


def _engine_list(row: PriceList, zones_used: set[int]) -> pricing.PriceList:
    return pricing.PriceList(
        id=row.id,
        name=row.name,
        currency=row.currency,
        tariffs=tuple(_tariff(t, zones_used) for t in row.tariffs),  # type: ignore[attr-defined]
        valid_from=row.valid_from,
        valid_to=row.valid_to,
        is_main=row.is_main,
        client_id=row.client_id,  # type: ignore[attr-defined]
    )


def volumetric_factors(company: Company | None) -> dict[pricing.Mode, Decimal] | None:
    """The company's chargeable kg per m³ of each mode; None keeps the engine's defaults."""
    if company is None:
        return None
    return {
        pricing.Mode.ROAD: Decimal(company.factor_road),
        pricing.Mode.RAIL: Decimal(company.factor_rail),
        pricing.Mode.SEA: Decimal(company.factor_sea),
        pricing.Mode.AIR: Decimal(company.factor_air),
    }


def _usable(
    lane: Lane, cargo: pricing.Cargo, day: dt.date, factors: dict[pricing.Mode, Decimal] | None
) -> bool:
    if lane.valid_from and day < lane.valid_from:
        return False
    if lane.valid_to and day > lane.valid_to:
        return False
    if lane.cargo_types and cargo.cargo_type.value not in lane.cargo_types:
        return False
    chargeable = pricing.chargeable_weight(cargo, pricing.Mode(lane.mode), factors)
    return lane.capacity_kg is None or chargeable <= lane.capacity_kg


def _schedule(lane: Lane) -> routing.WeeklySchedule | None:
    if not lane.departure_days or not lane.departure_time:
        return None
    hours, minutes = (int(part) for part in lane.departure_time.split(":"))
    return routing.WeeklySchedule(frozenset(lane.departure_days), hours * 60 + minutes)


async def quote_options(
    client_id: int | None,
    origin_id: int,
    destination_id: int,
    cargo: pricing.Cargo,
    ready: dt.datetime,
    priority: routing.Priority | int,
    *,
    limit: int = 3,
) -> QuoteResult:
    """Up to `limit` priced options, the one the priority prefers first.

    No price list, or no route the price list can price: an empty result (the request then
    goes to a manager). Same origin and destination is the person's mistake: InvalidInput.
    """
    if origin_id == destination_id:
        raise InvalidInput("destination", N_("The destination must differ from the origin."))
    day = ready.date()
    zones_used: set[int] = set()
    own_rows, main_row = await _price_lists(client_id)
    own = [_engine_list(r, zones_used) for r in own_rows]
    main = _engine_list(main_row, zones_used) if main_row is not None else None
    price_list = pricing.applicable_price_list(own, main, day)
    if price_list is None:
        return QuoteResult(None, ())
    company = await Company.get_or_none(id=1)
    factors = volumetric_factors(company)
    lanes = [
        lane
        for lane in await Lane.filter(is_active=True).prefetch_related("tariffs")
        if _usable(lane, cargo, day, factors)
    ]
    zone_members = await _zone_members(zones_used)
    prices: dict[int, pricing.Charge] = {}
    costs: dict[int, pricing.Charge | None] = {}
    for lane in lanes:
        ref = pricing.LaneRef(
            lane.origin_id,  # type: ignore[attr-defined]
            lane.destination_id,  # type: ignore[attr-defined]
            pricing.Mode(lane.mode),
            zone_members,
        )
        charge = pricing.quote_lane(price_list, ref, cargo, day, volumetric_factors=factors)
        if charge is None:
            continue
        prices[lane.id] = charge
        costs[lane.id] = _carrier_cost(lane, cargo, day, price_list.currency, factors)
    locations = {
        lane_end
        for lane in lanes
        for lane_end in (lane.origin_id, lane.destination_id)  # type: ignore[attr-defined]
    }
    transfers = [
        routing.Transfer(loc.id, loc.transfer_minutes, Decimal(loc.transfer_cost))
        for loc in await Location.filter(id__in=locations)
        if loc.transfer_minutes or loc.transfer_cost
    ]
    network = routing.Network.build(
        (
            routing.Lane(
                lane.id,
                lane.origin_id,  # type: ignore[attr-defined]
                lane.destination_id,  # type: ignore[attr-defined]
                routing.Mode(lane.mode),
                lane.carrier_id,  # type: ignore[attr-defined]
                lane.transit_minutes,
                _schedule(lane),
            )
            for lane in lanes
            if lane.id in prices
        ),
        transfers,
    )
    front = routing.pareto_routes(
        network,
        origin_id,
        destination_id,
        ready,
        {lane_id: charge.total for lane_id, charge in prices.items()},
        max_legs=MAX_LEGS,
    )
    chosen = routing.pick_options(front, priority, limit)
    vat_rate = Decimal(company.vat_rate) if company else Decimal(0)
    included = bool(company and company.prices_include_vat)
    options = []
    for route in chosen:
        legs = tuple(LegQuote(leg, prices[leg.lane_id], costs[leg.lane_id]) for leg in route.legs)
        transfer_cost = sum((leg.transfer_cost for leg in route.legs), Decimal(0))
        known = [q.cost.total for q in legs if q.cost is not None]
        cost = sum(known, transfer_cost) if len(known) == len(legs) else None
        price = pricing.round_money(route.cost, price_list.currency)
        vat = pricing.apply_vat(price, price_list.currency, vat_rate, prices_include_vat=included)
        options.append(QuoteOption(route, legs, price_list.currency, price, cost, vat))
    return QuoteResult(price_list, tuple(options))


def _carrier_cost(
    lane: Lane,
    cargo: pricing.Cargo,
    day: dt.date,
    currency: str,
    factors: dict[pricing.Mode, Decimal] | None,
) -> pricing.Charge | None:
    for row in lane.tariffs:  # type: ignore[attr-defined]
        tariff = _tariff(row, set())
        if tariff.currency == currency and tariff.valid_on(day):
            return pricing.price_with_tariff(tariff, cargo, volumetric_factors=factors)
    return None


async def _zone_members(zone_ids: set[int]) -> dict[int, frozenset[int]]:
    if not zone_ids:
        return {}
    zones = await Zone.filter(id__in=zone_ids).prefetch_related("locations")
    return {z.id: frozenset(loc.id for loc in z.locations) for z in zones}  # type: ignore[attr-defined]
