"""The engine's front equals brute force on thousands of random small networks.

The reference below enumerates every walk of at most K lanes from the origin (walks, not just
simple paths: it is the most literal reading of "all routes", and a walk revisiting a location
can never beat its shortcut, so the fronts must agree) and computes departures with datetimes,
day by day, independently of the engine's minute-of-week arithmetic. Fronts are compared as
sets of (arrival, cost) points.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from itertools import pairwise

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.services.routing import Lane, Mode, Network, Transfer, WeeklySchedule, pareto_routes

MONDAY = datetime(2027, 3, 1, tzinfo=UTC)


def _next_departure(ready: datetime, lane: Lane) -> datetime:
    if lane.schedule is None:
        return ready
    for day in range(8):
        date = (ready + timedelta(days=day)).date()
        moment = datetime(date.year, date.month, date.day, tzinfo=UTC) + timedelta(
            minutes=lane.schedule.minute_of_day
        )
        if date.weekday() in lane.schedule.weekdays and moment >= ready:
            return moment
    raise AssertionError("a weekly schedule always departs within 8 days")


def brute_force_front(
    lanes: list[Lane],
    transfers: dict[int, Transfer],
    origin: int,
    destination: int,
    start: datetime,
    priced: dict[int, Decimal],
    max_legs: int,
) -> set[tuple[datetime, Decimal]]:
    ready = start.replace(second=0, microsecond=0)
    if ready < start:
        ready += timedelta(minutes=1)
    outcomes: list[tuple[datetime, Decimal]] = []

    def walk(at: int, time: datetime, cost: Decimal, legs: int) -> None:
        if legs == max_legs:
            return
        for lane in lanes:
            if lane.origin != at or lane.id not in priced:
                continue
            leave, spent = time, cost
            if legs:  # changing lanes at an intermediate location
                transfer = transfers.get(at)
                if transfer:
                    leave += timedelta(minutes=transfer.minutes)
                    spent += transfer.cost
            departure = _next_departure(leave, lane)
            arrival = departure + timedelta(minutes=lane.transit_minutes)
            spent += priced[lane.id]
            if lane.destination == destination:
                outcomes.append((arrival, spent))
            walk(lane.destination, arrival, spent, legs + 1)

    walk(origin, ready, Decimal(0), 0)
    return {
        (t, c)
        for t, c in outcomes
        if not any(t2 <= t and c2 <= c and (t2, c2) != (t, c) for t2, c2 in outcomes)
    }


@st.composite
def scenarios(draw):
    """<= 7 locations, <= 15 lanes, skewed towards networks with several routes to compare."""
    nodes = draw(st.integers(2, 7) | st.integers(4, 7))
    location = st.integers(0, nodes - 1)
    lanes = []
    for lane_id in range(draw(st.integers(0, 15) | st.integers(10, 15))):
        origin = draw(location)
        destination = draw(location.filter(lambda d, o=origin: d != o))
        if origin > destination and draw(st.integers(0, 3)):
            # Mostly "forward" lanes, so that routes from 0 to the last location are plentiful.
            origin, destination = destination, origin
        schedule = None
        if draw(st.booleans()):
            schedule = WeeklySchedule(
                weekdays=frozenset(draw(st.sets(st.integers(0, 6), min_size=1, max_size=3))),
                minute_of_day=draw(st.integers(0, 1439)),
            )
        lanes.append(
            Lane(
                id=lane_id * 7 % 23,  # ids not in insertion order
                origin=origin,
                destination=destination,
                mode=draw(st.sampled_from(list(Mode))),
                carrier_id=draw(st.integers(1, 3)),
                transit_minutes=draw(st.integers(0, 4000) | st.integers(0, 9)),
                schedule=schedule,
            )
        )
    transfers = {}
    for node in draw(st.sets(location)):
        transfers[node] = Transfer(
            location_id=node,
            minutes=draw(st.integers(0, 600)),
            cost=Decimal(draw(st.integers(0, 5000))) / 100,
        )
    priced = {
        lane.id: Decimal(draw(st.integers(0, 90000) | st.integers(0, 9))) / 100
        for lane in lanes
        if draw(st.integers(0, 9)) > 0  # now and then a lane is filtered out by the caller
    }
    origin, destination = 0, nodes - 1
    if draw(st.integers(0, 4)) == 0:
        origin = draw(location)
        destination = draw(location.filter(lambda d: d != origin))
    start = MONDAY + timedelta(seconds=draw(st.integers(0, 7 * 24 * 3600)))
    max_legs = draw(st.integers(1, 4) | st.integers(2, 4))
    return lanes, transfers, origin, destination, start, priced, max_legs


@settings(
    max_examples=600,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(scenarios())
def test_front_equals_brute_force(scenario) -> None:
    lanes, transfers, origin, destination, start, priced, max_legs = scenario
    network = Network.build(lanes, transfers.values())
    front = pareto_routes(network, origin, destination, start, priced, max_legs=max_legs)
    expected = brute_force_front(lanes, transfers, origin, destination, start, priced, max_legs)
    assert {(r.arrival, r.cost) for r in front} == expected
    assert len(front) == len(expected)  # one route per point
    for route in front:  # and each route is what its legs say
        assert len(route.legs) <= max_legs
        assert route.legs[0].origin == origin and route.legs[-1].destination == destination
        assert route.legs[0].departure >= start
        assert route.cost == sum((leg.cost + leg.transfer_cost for leg in route.legs), Decimal(0))
        for before, after in pairwise(route.legs):
            assert after.origin == before.destination
            assert after.departure >= before.arrival + timedelta(minutes=after.transfer_minutes)
