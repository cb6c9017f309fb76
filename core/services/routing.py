"""Route choice: the exact time-versus-cost Pareto front over a carrier network, and picks.

This module is pure (no database, no I/O) so it can be tested exhaustively and benchmarked on
its own. The caller loads locations and lanes into `Lane`/`Transfer`, builds a `Network` once,
and for each request prices the usable lanes for the cargo (`priced`: lane id -> cost). A lane
missing from `priced` is not usable for that request; that is how lanes not allowing the cargo
type, not valid on the date or without capacity are left out, so the engine never needs to
know about tariffs or validity.

Why a Pareto front and not a weighted sum: a weighted sum only finds routes on the convex hull
of (time, cost), and a client asking for "balanced" deserves the route in the dent of the
curve too. The front is computed by a multi-criteria label-setting search (Martins' algorithm)
made goal-directed like bi-objective A*: labels (time, cost, legs) leave a heap in
lexicographic order of (time + time bound, cost + cost bound), a label is dropped only when a
label at the same location is at least as good on time, cost AND legs (fewer legs left more
room under the leg limit, so a label with fewer legs is never dominated by one with more), or
when a route already found to the destination is at least as good as its bounds.

Time is integer minutes on an absolute scale, cost integer millionths internally (exact
for any amount with at most six decimal places, and much faster than Decimal in the inner
loop); results are converted back to aware UTC datetimes and the caller's own Decimals.

Departures: a lane either leaves whenever the cargo is ready (`schedule=None`, trucks and
frequent services) or on a weekly schedule (`WeeklySchedule`: weekdays and a UTC time of day);
the wait until the next departure is added. Waiting is first-in-first-out (being ready later
never makes you arrive earlier), which is what keeps label-setting exact on a time-dependent
network.
"""

from __future__ import annotations

import heapq
from bisect import bisect_left
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from enum import IntEnum, StrEnum
from fractions import Fraction
from typing import Any

MINUTES_PER_DAY = 24 * 60
MINUTES_PER_WEEK = 7 * MINUTES_PER_DAY
DEFAULT_MAX_LEGS = 4
# A Monday, so that minute-of-week is simply `minutes % MINUTES_PER_WEEK`.
_EPOCH = datetime(1970, 1, 5, tzinfo=UTC)
_COST_PLACES = 6
_INF = float("inf")


class Mode(StrEnum):
    ROAD = "road"
    RAIL = "rail"
    SEA = "sea"
    AIR = "air"


class Priority(IntEnum):
    """The client's choice, as a point on the 1-5 slider (1 = all time ... 5 = all cost)."""

    FASTEST = 1
    BALANCED = 3
    CHEAPEST = 5


@dataclass(frozen=True, slots=True)
class WeeklySchedule:
    """Departures on the given weekdays (0 = Monday, as `datetime.weekday()`) at one UTC time.

    `minute_of_day` is minutes after 00:00 UTC. A carrier with several departure times a day is
    several lanes; that keeps the admin form and this type simple.
    """

    weekdays: frozenset[int]
    minute_of_day: int
    week_minutes: tuple[int, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not self.weekdays or any(d not in range(7) for d in self.weekdays):
            raise ValueError("weekdays must be a non-empty set of 0..6 (0 = Monday)")
        if not 0 <= self.minute_of_day < MINUTES_PER_DAY:
            raise ValueError("minute_of_day must be within 0..1439")
        minutes = tuple(sorted(d * MINUTES_PER_DAY + self.minute_of_day for d in self.weekdays))
        object.__setattr__(self, "week_minutes", minutes)


@dataclass(frozen=True, slots=True)
class Lane:
    """A carrier's offer between two locations; one leg of a route."""

    id: int
    origin: int
    destination: int
    mode: Mode
    carrier_id: int
    transit_minutes: int
    schedule: WeeklySchedule | None = None  # None: departs whenever the cargo is ready

    def __post_init__(self) -> None:
        if self.origin == self.destination:
            raise ValueError(f"lane {self.id} starts and ends at the same location")
        if self.transit_minutes < 0:
            raise ValueError(f"lane {self.id} has a negative transit time")


@dataclass(frozen=True, slots=True)
class Transfer:
    """Handling time and cost when cargo changes lanes at a location (not at the origin)."""

    location_id: int
    minutes: int
    cost: Decimal

    def __post_init__(self) -> None:
        if self.minutes < 0 or self.cost < 0:
            raise ValueError(f"transfer at {self.location_id} has a negative time or cost")


@dataclass(frozen=True, slots=True)
class Leg:
    lane_id: int
    origin: int
    destination: int
    mode: Mode
    carrier_id: int
    departure: datetime
    arrival: datetime
    cost: Decimal
    # Paid at this leg's origin before it departs; zero on the first leg.
    transfer_minutes: int = 0
    transfer_cost: Decimal = Decimal(0)


@dataclass(frozen=True, slots=True)
class Route:
    """One option: its legs and totals. `arrival` and `cost` are the two objectives."""

    ready: datetime
    legs: tuple[Leg, ...]
    cost: Decimal

    @property
    def departure(self) -> datetime:
        return self.legs[0].departure

    @property
    def arrival(self) -> datetime:
        return self.legs[-1].arrival

    @property
    def duration(self) -> timedelta:
        """From the ready date to arrival: what the client waits, and what the engine minimises."""
        return self.arrival - self.ready

    @property
    def transit(self) -> timedelta:
        """From the first departure to arrival."""
        return self.arrival - self.departure

    @property
    def transfers(self) -> int:
        return len(self.legs) - 1

    @property
    def lane_ids(self) -> tuple[int, ...]:
        return tuple(leg.lane_id for leg in self.legs)


# One outgoing lane as the search sees it: (lane id, destination, transit, week departures).
_Arc = tuple[int, int, int, tuple[int, ...] | None]
# One incoming lane for the reverse bounds: (lane id, origin, transit).
_RevArc = tuple[int, int, int]


@dataclass(frozen=True, slots=True)
class Network:
    """Lanes indexed for the search. Build once, query many times with different pricing."""

    lanes: Mapping[int, Lane]
    transfers: Mapping[int, Transfer]
    out_arcs: Mapping[int, tuple[_Arc, ...]]
    in_arcs: Mapping[int, tuple[_RevArc, ...]]
    transfer_minutes: Mapping[int, int]
    transfer_units: Mapping[int, int]

    @classmethod
    def build(cls, lanes: Iterable[Lane], transfers: Iterable[Transfer] = ()) -> Network:
        by_id: dict[int, Lane] = {}
        for lane in lanes:
            if lane.id in by_id:
                raise ValueError(f"lane id {lane.id} appears twice")
            by_id[lane.id] = lane
        out: dict[int, list[_Arc]] = {}
        into: dict[int, list[_RevArc]] = {}
        # Lanes in id order, so that equal routes are always found in the same order.
        for lane in sorted(by_id.values(), key=lambda x: x.id):
            week = lane.schedule.week_minutes if lane.schedule else None
            out.setdefault(lane.origin, []).append(
                (lane.id, lane.destination, lane.transit_minutes, week)
            )
            into.setdefault(lane.destination, []).append(
                (lane.id, lane.origin, lane.transit_minutes)
            )
        by_location = {t.location_id: t for t in transfers}
        return cls(
            lanes=by_id,
            transfers=by_location,
            out_arcs={k: tuple(v) for k, v in out.items()},
            in_arcs={k: tuple(v) for k, v in into.items()},
            transfer_minutes={k: t.minutes for k, t in by_location.items()},
            transfer_units={k: _units(t.cost) for k, t in by_location.items()},
        )


def _units(cost: Decimal) -> int:
    """Cost in millionths as an int; refuses amounts this would round (exactness first)."""
    scaled = Decimal(cost).scaleb(_COST_PLACES)
    units = int(scaled)
    if units != scaled or units < 0:
        raise ValueError(
            f"cost {cost} must be non-negative with at most {_COST_PLACES} decimal places"
        )
    return units


def _to_minutes(moment: datetime) -> int:
    """Minutes since the Monday epoch, rounded up: cargo is not ready before `moment`."""
    if moment.tzinfo is None:
        raise ValueError("start must be a timezone-aware datetime")
    seconds = (moment - _EPOCH) // timedelta(microseconds=1)
    return -(-seconds // 60_000_000)


def _from_minutes(minutes: int) -> datetime:
    return _EPOCH + timedelta(minutes=minutes)


def _next_departure(ready: int, week: tuple[int, ...]) -> int:
    """The first scheduled departure at or after `ready` (FIFO: non-decreasing in `ready`)."""
    into_week = ready % MINUTES_PER_WEEK
    i = bisect_left(week, into_week)
    if i < len(week):
        return ready - into_week + week[i]
    return ready - into_week + MINUTES_PER_WEEK + week[0]


def _lane_units(cache: dict[int, int], priced: Mapping[int, Decimal], lane_id: int) -> int:
    """A lane's cost in units, converted on first use in a query; -1 when it is not usable.

    Callers look in `cache` themselves first: the call is only paid once per lane and query.
    """
    cost = priced.get(lane_id)
    units = -1 if cost is None else _units(cost)
    cache[lane_id] = units
    return units


def _reverse_bounds(
    network: Network,
    destination: int,
    priced: Mapping[int, Decimal],
    cache: dict[int, int],
    rounds: int,
) -> list[dict[int, tuple[int, int]]]:
    """bounds[r][v] = (least time, least cost) from v to the destination in at most r legs.

    Time and cost are minimised separately and waits are ignored, so both are lower bounds
    (admissible); transfers at the locations strictly after v are counted, v's own is already
    in the label. A location missing from bounds[r] cannot reach the destination in r legs,
    which is the strongest pruning with a small leg limit. Round r only relaxes lanes into
    locations improved in round r-1 (Bellman-Ford with a frontier), and the last round a query
    needs is K-2 (`_last_bounds` does K-1 forward, for the origin's neighbours only), so this
    touches far fewer lanes than a full reverse Dijkstra would.
    """
    tr_min = network.transfer_minutes
    tr_units = network.transfer_units
    in_arcs = network.in_arcs
    bounds = [{destination: (0, 0)}]
    changed = {destination}
    for _ in range(rounds):
        prev = bounds[-1]
        cur = dict(prev)
        improved: set[int] = set()
        for w in changed:
            tw, cw = prev[w]
            if w != destination:
                tw += tr_min.get(w, 0)
                cw += tr_units.get(w, 0)
            for lane_id, u, transit in in_arcs.get(w, ()):
                lane_cost = cache.get(lane_id)
                if lane_cost is None:
                    lane_cost = _lane_units(cache, priced, lane_id)
                if lane_cost < 0 or u == destination:
                    continue
                nt = tw + transit
                nc = cw + lane_cost
                old = cur.get(u)
                if old is None:
                    cur[u] = (nt, nc)
                    improved.add(u)
                elif nt < old[0] or nc < old[1]:
                    cur[u] = (min(nt, old[0]), min(nc, old[1]))
                    improved.add(u)
        bounds.append(cur)
        changed = improved
    return bounds


def _last_bounds(
    network: Network,
    origin: int,
    destination: int,
    priced: Mapping[int, Decimal],
    cache: dict[int, int],
    previous: Mapping[int, tuple[int, int]],
) -> dict[int, tuple[int, int]]:
    """Bounds with K-1 legs left, needed only where the first leg can end: the origin's
    neighbours. Relaxing their few outgoing lanes is much cheaper than a last reverse round
    over the in-lanes of everything two legs from the destination.
    """
    tr_min = network.transfer_minutes
    tr_units = network.transfer_units
    result: dict[int, tuple[int, int]] = {}
    for _lane, w, _transit, _week in network.out_arcs.get(origin, ()):
        if w in result:
            continue
        if w == destination:
            result[w] = (0, 0)
            continue
        best_t, best_c = previous.get(w, (_INF, _INF))
        for lane_id, x, transit, _w in network.out_arcs.get(w, ()):
            after = previous.get(x)
            if after is None:
                continue
            lane_cost = cache.get(lane_id)
            if lane_cost is None:
                lane_cost = _lane_units(cache, priced, lane_id)
            if lane_cost < 0:
                continue
            t = transit + after[0]
            c = lane_cost + after[1]
            if x != destination:
                t += tr_min.get(x, 0)
                c += tr_units.get(x, 0)
            best_t = min(best_t, t)
            best_c = min(best_c, c)
        if best_t != _INF:
            result[w] = (int(best_t), int(best_c))
    return result


def pareto_routes(
    network: Network,
    origin: int,
    destination: int,
    start: datetime,
    priced: Mapping[int, Decimal],
    max_legs: int = DEFAULT_MAX_LEGS,
) -> tuple[Route, ...]:
    """The exact Pareto front of (arrival, cost) over routes of at most `max_legs` lanes.

    `start` is when the cargo is ready at `origin` (aware datetime, rounded up to the minute).
    `priced` maps every usable lane id to its cost for this cargo; other lanes are ignored.
    Returns one route per front point, earliest arrival (most expensive) first; among routes
    with the same arrival and cost, the one with fewest legs, then the first found (lanes are
    explored in id order, so the answer is deterministic). No route: an empty tuple.
    Same origin and destination is a question for the caller, not a route: ValueError.
    """
    if origin == destination:
        raise ValueError("origin and destination are the same location")
    if max_legs < 1:
        raise ValueError("max_legs must be at least 1")
    t0 = _to_minutes(start)
    if origin not in network.out_arcs:
        return ()
    cache: dict[int, int] = {}
    bounds = _reverse_bounds(network, destination, priced, cache, max(max_legs - 2, 0))
    if max_legs >= 2:
        bounds.append(_last_bounds(network, origin, destination, priced, cache, bounds[-1]))

    out_arcs = network.out_arcs
    tr_min = network.transfer_minutes
    tr_units = network.transfer_units
    # labels[i] = (location, time, cost, legs, parent index, lane id, departure)
    labels: list[tuple[int, int, int, int, int, int, int]] = [(origin, t0, 0, 0, -1, -1, t0)]
    heap: list[tuple[int, int, int, int]] = [(t0, 0, 0, 0)]
    settled: dict[int, list[tuple[int, int, int]]] = {}
    found: list[int] = []
    best_cost: float = _INF  # least cost at the destination so far, and its arrival
    best_time: float = _INF
    heappush, heappop = heapq.heappush, heapq.heappop

    while heap:
        f_time, f_cost, legs, index = heappop(heap)
        # Every destination label found so far arrived no later than f_time (heap order), so
        # one with cost <= f_cost dominates everything this label can still become.
        if f_cost > best_cost or (f_cost == best_cost and f_time > best_time):
            continue
        node, time, cost, _legs, _parent, _lane, _dep = labels[index]
        at_node = settled.get(node)
        if at_node is None:
            at_node = settled[node] = []
        else:
            dominated = False
            for t2, c2, l2 in at_node:
                if t2 <= time and c2 <= cost and l2 <= legs:
                    dominated = True
                    break
            if dominated:
                continue
        at_node.append((time, cost, legs))
        if node == destination:
            found.append(index)
            if cost < best_cost:
                best_cost, best_time = cost, time
            continue
        if legs == max_legs:
            continue
        reach = bounds[max_legs - legs - 1]
        next_legs = legs + 1
        for lane_id, w, transit, week in out_arcs.get(node, ()):
            bound = reach.get(w)
            if bound is None:
                continue
            lane_cost = cache.get(lane_id)
            if lane_cost is None:
                lane_cost = _lane_units(cache, priced, lane_id)
            if lane_cost < 0:
                continue
            departure = time if week is None else _next_departure(time, week)
            new_time = departure + transit
            new_cost = cost + lane_cost
            if w != destination:
                new_time += tr_min.get(w, 0)
                new_cost += tr_units.get(w, 0)
            nf_time = new_time + bound[0]
            nf_cost = new_cost + bound[1]
            if nf_cost > best_cost or (nf_cost == best_cost and nf_time > best_time):
                continue
            labels.append((w, new_time, new_cost, next_legs, index, lane_id, departure))
            heappush(heap, (nf_time, nf_cost, next_legs, len(labels) - 1))

    return _front(network, labels, found, priced, start)


def _front(
    network: Network,
    labels: Sequence[tuple[int, int, int, int, int, int, int]],
    found: Iterable[int],
    priced: Mapping[int, Decimal],
    start: datetime,
) -> tuple[Route, ...]:
    """Destination labels -> routes on the front, one per (arrival, cost), earliest first."""
    ranked = sorted(found, key=lambda i: (labels[i][1], labels[i][2], labels[i][3]))
    keep: list[int] = []
    least_cost: float = _INF
    for i in ranked:
        if labels[i][2] < least_cost:
            least_cost = labels[i][2]
            keep.append(i)
    return tuple(_route(network, labels, i, priced, start) for i in keep)


def _route(
    network: Network,
    labels: Sequence[tuple[int, int, int, int, int, int, int]],
    index: int,
    priced: Mapping[int, Decimal],
    start: datetime,
) -> Route:
    chain = []
    while labels[index][4] >= 0:
        chain.append(labels[index])
        index = labels[index][4]
    chain.reverse()
    legs = []
    total = Decimal(0)
    for n, (_node, _t, _c, _l, _parent, lane_id, departure) in enumerate(chain):
        lane = network.lanes[lane_id]
        transfer = network.transfers.get(lane.origin) if n else None
        tr_minutes = transfer.minutes if transfer else 0
        tr_cost = transfer.cost if transfer else Decimal(0)
        cost = priced[lane_id]
        total += cost + tr_cost
        legs.append(
            Leg(
                lane_id=lane_id,
                origin=lane.origin,
                destination=lane.destination,
                mode=lane.mode,
                carrier_id=lane.carrier_id,
                departure=_from_minutes(departure),
                arrival=_from_minutes(departure + lane.transit_minutes),
                cost=cost,
                transfer_minutes=tr_minutes,
                transfer_cost=tr_cost,
            )
        )
    return Route(ready=start, legs=tuple(legs), cost=total)


def pick_options(
    front: Sequence[Route],
    priority: Priority | int,
    limit: int = 3,
    tie_breaker: Callable[[Route], Any] | None = None,
) -> list[Route]:
    """Up to `limit` distinct routes from the front, the chosen one first, then the runners-up.

    The score is the weighted sum of time and cost each normalised to 0..1 over the front
    (weights from the 1-5 slider: 1 = all time, 3 = half and half, 5 = all cost), computed
    exactly with fractions so equal scores really are equal. Fastest and Cheapest are the
    slider's ends; on a Pareto front no two routes share an arrival or a cost, so they need no
    tie-break. Ties: fewer transfers, then `tie_breaker` (the hook for carrier reliability
    once reports exist; smaller is better), then lane ids in lexicographic order.
    """
    slider = int(priority)
    if not 1 <= slider <= 5:
        raise ValueError("priority must be within 1..5")
    if not front:
        return []
    weight_cost = Fraction(slider - 1, 4)
    weight_time = 1 - weight_cost
    times = [r.duration // timedelta(minutes=1) for r in front]
    costs = [Fraction(r.cost) for r in front]
    t_min, t_span = min(times), max(times) - min(times)
    c_min, c_span = min(costs), max(costs) - min(costs)

    def key(pair: tuple[int, Route]) -> tuple[Any, ...]:
        n, route = pair
        norm_t = Fraction(times[n] - t_min, t_span) if t_span else Fraction(0)
        norm_c = (costs[n] - c_min) / c_span if c_span else Fraction(0)
        score = weight_time * norm_t + weight_cost * norm_c
        extra = tie_breaker(route) if tie_breaker else 0
        return (score, route.transfers, extra, route.lane_ids)

    ranked = sorted(enumerate(front), key=key)
    chosen: list[Route] = []
    seen: set[tuple[datetime, Decimal]] = set()
    for _, route in ranked:
        point = (route.arrival, route.cost)
        if point not in seen:
            seen.add(point)
            chosen.append(route)
        if len(chosen) == limit:
            break
    return chosen
