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
from core.models import Company
from core.services import pricing, routing
from core.services.network_snapshot import LaneEntry, network_snapshot

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
    network = await network_snapshot()
    price_list = pricing.applicable_price_list(
        network.client_lists(client_id), network.main_list, day
    )
    if price_list is None:
        return QuoteResult(None, ())
    company = await Company.get_or_none(id=1)
    factors = volumetric_factors(company)
    lanes = [lane for lane in network.lanes if lane.usable(cargo, day, factors)]
    prices: dict[int, pricing.Charge] = {}
    # Many lanes share one tariff (a zone pair, a whole mode): price the cargo once per tariff.
    by_tariff: dict[int, pricing.Charge] = {}
    priced: list[LaneEntry] = []
    for lane in lanes:
        ref = pricing.LaneRef(lane.origin, lane.destination, lane.mode, network.zone_members)
        tariff = pricing.select_tariff(price_list, ref, cargo.cargo_type, day)
        if tariff is None:
            continue
        charge = by_tariff.get(id(tariff))
        if charge is None:
            charge = pricing.price_with_tariff(tariff, cargo, volumetric_factors=factors)
            by_tariff[id(tariff)] = charge
        prices[lane.id] = charge
        priced.append(lane)
    graph = network.graph(priced)
    front = routing.pareto_routes(
        graph,
        origin_id,
        destination_id,
        ready,
        {lane_id: charge.total for lane_id, charge in prices.items()},
        max_legs=MAX_LEGS,
    )
    chosen = routing.pick_options(front, priority, limit)
    vat_rate = Decimal(company.vat_rate) if company else Decimal(0)
    included = bool(company and company.prices_include_vat)
    # Routes are chosen on the client's price; the carriers' cost only matters on the legs shown.
    by_id = {lane.id: lane for lane in priced}
    options = []
    for route in chosen:
        legs = tuple(
            LegQuote(
                leg,
                prices[leg.lane_id],
                _carrier_cost(by_id[leg.lane_id], cargo, day, price_list.currency, factors),
            )
            for leg in route.legs
        )
        transfer_cost = sum((leg.transfer_cost for leg in route.legs), Decimal(0))
        known = [q.cost.total for q in legs if q.cost is not None]
        cost = sum(known, transfer_cost) if len(known) == len(legs) else None
        price = pricing.round_money(route.cost, price_list.currency)
        vat = pricing.apply_vat(price, price_list.currency, vat_rate, prices_include_vat=included)
        options.append(QuoteOption(route, legs, price_list.currency, price, cost, vat))
    return QuoteResult(price_list, tuple(options))


def _carrier_cost(
    lane: LaneEntry,
    cargo: pricing.Cargo,
    day: dt.date,
    currency: str,
    factors: dict[pricing.Mode, Decimal] | None,
) -> pricing.Charge | None:
    for tariff in lane.costs:
        if tariff.currency == currency and tariff.valid_on(day):
            return pricing.price_with_tariff(tariff, cargo, volumetric_factors=factors)
    return None
