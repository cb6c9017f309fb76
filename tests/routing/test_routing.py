"""Hand-made networks whose answers are worked out in the comments."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from itertools import pairwise

import pytest

from core.services.routing import (
    Lane,
    Mode,
    Network,
    Priority,
    Route,
    Transfer,
    WeeklySchedule,
    pareto_routes,
    pick_options,
)

# Monday 1 March 2027, 08:00 UTC.
READY = datetime(2027, 3, 1, 8, 0, tzinfo=UTC)
LAGOS, IBADAN, KANO, ABUJA, PORT = 1, 2, 3, 4, 5
HOUR = 60


def lane(id: int, a: int, b: int, minutes: int, mode: Mode = Mode.ROAD, **kw) -> Lane:
    return Lane(id=id, origin=a, destination=b, mode=mode, carrier_id=100 + id,
                transit_minutes=minutes, **kw)  # fmt: skip


def points(front: tuple[Route, ...]) -> list[tuple[timedelta, Decimal]]:
    return [(r.duration, r.cost) for r in front]


def three_ways() -> tuple[Network, dict[int, Decimal]]:
    """Lagos -> Kano: air (2 h, 900), road via Ibadan (30 h, 150), road then rail (18 h, 400)."""
    lanes = [
        lane(1, LAGOS, KANO, 2 * HOUR, Mode.AIR),
        lane(2, LAGOS, IBADAN, 3 * HOUR),
        lane(3, IBADAN, KANO, 27 * HOUR),
        lane(4, IBADAN, KANO, 15 * HOUR, Mode.RAIL),
    ]
    priced = {1: Decimal("900.00"), 2: Decimal("50.00"), 3: Decimal("100.00"), 4: Decimal("350")}
    return Network.build(lanes), priced


def test_front_has_air_mixed_and_road_and_explains_each_leg() -> None:
    network, priced = three_ways()
    front = pareto_routes(network, LAGOS, KANO, READY, priced)

    assert points(front) == [
        (timedelta(hours=2), Decimal("900.00")),
        (timedelta(hours=18), Decimal("400.00")),
        (timedelta(hours=30), Decimal("150.00")),
    ]
    mixed = front[1]
    assert mixed.lane_ids == (2, 4)
    assert [(leg.mode, leg.carrier_id) for leg in mixed.legs] == [
        (Mode.ROAD, 102),
        (Mode.RAIL, 104),
    ]
    road, rail = mixed.legs
    assert (road.origin, road.destination, rail.origin, rail.destination) == (
        LAGOS,
        IBADAN,
        IBADAN,
        KANO,
    )
    assert road.departure == READY and road.arrival == READY + timedelta(hours=3)
    assert rail.departure == road.arrival and rail.arrival == READY + timedelta(hours=18)
    assert (road.cost, rail.cost) == (Decimal("50.00"), Decimal("350"))
    assert mixed.departure == READY and mixed.arrival == READY + timedelta(hours=18)
    assert mixed.transit == timedelta(hours=18) and mixed.transfers == 1


def test_priorities_pick_from_the_front() -> None:
    network, priced = three_ways()
    front = pareto_routes(network, LAGOS, KANO, READY, priced)

    assert [r.lane_ids for r in pick_options(front, Priority.FASTEST)] == [(1,), (2, 4), (2, 3)]
    assert [r.lane_ids for r in pick_options(front, Priority.CHEAPEST)] == [(2, 3), (2, 4), (1,)]
    # Normalised: air (0, 1), mixed (16/28, 250/750), road (1, 0). Balanced: 0.5, 0.452, 0.5;
    # air and road tie and the one with fewer transfers comes first.
    assert [r.lane_ids for r in pick_options(front, Priority.BALANCED)] == [(2, 4), (1,), (2, 3)]
    # Slider 2 (3/4 time): air 0.25, mixed 0.512, road 0.75.
    assert [r.lane_ids for r in pick_options(front, 2, limit=2)] == [(1,), (2, 4)]
    assert pick_options((), Priority.BALANCED) == []
    with pytest.raises(ValueError):
        pick_options(front, 6)


def test_equal_scores_fall_back_to_tie_breaker_then_lane_ids() -> None:
    # Two routes symmetric around balanced, both with one transfer: (0, 1) and (1, 0).
    lanes = [lane(7, LAGOS, IBADAN, HOUR), lane(8, IBADAN, KANO, HOUR),
             lane(5, LAGOS, ABUJA, 9 * HOUR), lane(6, ABUJA, KANO, HOUR)]  # fmt: skip
    priced = {7: Decimal(500), 8: Decimal(500), 5: Decimal(10), 6: Decimal(10)}
    front = pareto_routes(Network.build(lanes), LAGOS, KANO, READY, priced)
    assert [r.lane_ids for r in pick_options(front, Priority.BALANCED)] == [(5, 6), (7, 8)]
    by_carrier = pick_options(
        front, Priority.BALANCED, tie_breaker=lambda r: -r.legs[0].carrier_id
    )
    assert [r.lane_ids for r in by_carrier] == [(7, 8), (5, 6)]


def test_weekly_departures_add_the_wait() -> None:
    # Road Lagos -> Port arrives Monday 12:00; the ship leaves Wednesday and Friday at 06:00.
    ship = WeeklySchedule(weekdays=frozenset({2, 4}), minute_of_day=6 * HOUR)
    lanes = [
        lane(1, LAGOS, PORT, 4 * HOUR),
        lane(2, PORT, KANO, 10 * HOUR, Mode.SEA, schedule=ship),
        lane(3, LAGOS, KANO, 70 * HOUR),  # a truck all the way: Thursday 06:00, later and dearer
    ]
    priced = {1: Decimal(10), 2: Decimal(20), 3: Decimal(100)}
    front = pareto_routes(Network.build(lanes), LAGOS, KANO, READY, priced)

    assert len(front) == 1
    first, sea = front[0].legs
    assert first.arrival == datetime(2027, 3, 1, 12, 0, tzinfo=UTC)
    assert sea.departure == datetime(2027, 3, 3, 6, 0, tzinfo=UTC)
    assert front[0].arrival == datetime(2027, 3, 3, 16, 0, tzinfo=UTC)

    # Ready on Friday 07:00: the Friday ship is gone by the time cargo reaches port, so the
    # next one is Wednesday, and the truck (Monday 05:00) wins on time.
    later = pareto_routes(
        Network.build(lanes), LAGOS, KANO, datetime(2027, 3, 5, 7, 0, tzinfo=UTC), priced
    )
    assert points(later) == [
        (timedelta(hours=70), Decimal(100)),
        (timedelta(hours=5 * 24 + 9), Decimal(30)),
    ]
    assert later[1].legs[1].departure == datetime(2027, 3, 10, 6, 0, tzinfo=UTC)


def test_ready_date_is_rounded_up_to_the_minute_and_must_be_aware() -> None:
    network, priced = three_ways()
    front = pareto_routes(network, LAGOS, KANO, READY + timedelta(seconds=1), priced)
    assert front[0].departure == READY + timedelta(minutes=1)
    with pytest.raises(ValueError):
        pareto_routes(network, LAGOS, KANO, READY.replace(tzinfo=None), priced)


def test_transfer_cost_changes_the_answer() -> None:
    # Via Ibadan: 60 + 60 = 120 against 150 direct, until Ibadan's terminal charges 40.
    lanes = [lane(1, LAGOS, IBADAN, 5 * HOUR), lane(2, IBADAN, KANO, 5 * HOUR),
             lane(3, LAGOS, KANO, 10 * HOUR)]  # fmt: skip
    priced = {1: Decimal(60), 2: Decimal(60), 3: Decimal(150)}
    without = pareto_routes(Network.build(lanes), LAGOS, KANO, READY, priced)
    assert [r.lane_ids for r in without] == [(1, 2)]

    terminal = Transfer(location_id=IBADAN, minutes=2 * HOUR, cost=Decimal(40))
    front = pareto_routes(Network.build(lanes, [terminal]), LAGOS, KANO, READY, priced)
    assert [r.lane_ids for r in front] == [(3,)]
    # With a quick cheap transfer both survive: faster-and-dearer against slower-and-cheaper.
    quick = Transfer(location_id=IBADAN, minutes=HOUR, cost=Decimal(20))
    front = pareto_routes(Network.build(lanes, [quick]), LAGOS, KANO, READY, priced)
    assert points(front) == [
        (timedelta(hours=10), Decimal(150)),
        (timedelta(hours=11), Decimal(140)),
    ]
    assert front[1].legs[1].transfer_minutes == HOUR
    assert front[1].legs[1].transfer_cost == Decimal(20)
    assert front[1].legs[1].departure == READY + timedelta(hours=6)


def test_no_transfer_charge_at_the_origin() -> None:
    lanes = [lane(1, LAGOS, KANO, HOUR)]
    origin_terminal = Transfer(location_id=LAGOS, minutes=5 * HOUR, cost=Decimal(999))
    front = pareto_routes(
        Network.build(lanes, [origin_terminal]), LAGOS, KANO, READY, {1: Decimal(5)}
    )
    assert points(front) == [(timedelta(hours=1), Decimal(5))]


def test_leg_limit_excludes_a_cheaper_five_leg_route() -> None:
    chain = [LAGOS, 11, 12, 13, 14, KANO]
    lanes = [lane(i + 1, a, b, HOUR) for i, (a, b) in enumerate(pairwise(chain))]
    lanes.append(lane(9, LAGOS, KANO, 10 * HOUR))
    priced = {i: Decimal(1) for i in range(1, 6)} | {9: Decimal(100)}
    network = Network.build(lanes)

    assert points(pareto_routes(network, LAGOS, KANO, READY, priced)) == [
        (timedelta(hours=10), Decimal(100))
    ]
    assert points(pareto_routes(network, LAGOS, KANO, READY, priced, max_legs=5)) == [
        (timedelta(hours=5), Decimal(5))
    ]


def test_fewer_legs_are_not_dominated_by_more_legs_under_the_limit() -> None:
    """A slow direct lane to Abuja must survive the fast two-leg way there.

    With K = 3: Lagos -> Ibadan -> Abuja arrives at 2 h for 2, Lagos -> Abuja at 10 h for 5.
    From Abuja, Kano is 1 h for 100 direct or 2 h for 2 via the port. The cheap way from Abuja
    needs two more legs, which only the one-leg arrival has left: (12 h, 9) is on the front.
    """
    lanes = [
        lane(1, LAGOS, IBADAN, HOUR), lane(2, IBADAN, ABUJA, HOUR),
        lane(3, LAGOS, ABUJA, 10 * HOUR), lane(4, ABUJA, KANO, HOUR),
        lane(5, ABUJA, PORT, HOUR), lane(6, PORT, KANO, HOUR),
    ]  # fmt: skip
    priced = {
        1: Decimal(1),
        2: Decimal(1),
        3: Decimal(5),
        4: Decimal(100),
        5: Decimal(2),
        6: Decimal(2),
    }
    front = pareto_routes(Network.build(lanes), LAGOS, KANO, READY, priced, max_legs=3)
    assert points(front) == [(timedelta(hours=3), Decimal(102)), (timedelta(hours=12), Decimal(9))]
    assert [r.lane_ids for r in front] == [(1, 2, 4), (3, 5, 6)]


def test_lanes_left_out_of_pricing_are_not_used() -> None:
    network, priced = three_ways()
    del priced[1]  # say the air lane does not take dangerous goods
    front = pareto_routes(network, LAGOS, KANO, READY, priced)
    assert [r.lane_ids for r in front] == [(2, 4), (2, 3)]


def test_unreachable_destination_gives_an_empty_front() -> None:
    network, priced = three_ways()
    assert pareto_routes(network, KANO, LAGOS, READY, priced) == ()
    assert pareto_routes(network, 999, KANO, READY, priced) == ()
    assert pareto_routes(network, LAGOS, 999, READY, priced) == ()


def test_same_origin_and_destination_is_refused() -> None:
    network, priced = three_ways()
    with pytest.raises(ValueError, match="same location"):
        pareto_routes(network, LAGOS, LAGOS, READY, priced)


def test_equal_routes_keep_the_one_with_fewer_legs() -> None:
    lanes = [
        lane(1, LAGOS, IBADAN, HOUR),
        lane(2, IBADAN, KANO, HOUR),
        lane(3, LAGOS, KANO, 2 * HOUR),
    ]
    priced = {1: Decimal(1), 2: Decimal(1), 3: Decimal(2)}
    front = pareto_routes(Network.build(lanes), LAGOS, KANO, READY, priced)
    assert [r.lane_ids for r in front] == [(3,)]


def test_bad_inputs_are_refused() -> None:
    with pytest.raises(ValueError):
        lane(1, LAGOS, LAGOS, HOUR)
    with pytest.raises(ValueError):
        lane(1, LAGOS, KANO, -1)
    with pytest.raises(ValueError):
        WeeklySchedule(weekdays=frozenset({7}), minute_of_day=0)
    with pytest.raises(ValueError):
        WeeklySchedule(weekdays=frozenset(), minute_of_day=0)
    with pytest.raises(ValueError):
        Network.build([lane(1, LAGOS, KANO, HOUR), lane(1, KANO, LAGOS, HOUR)])
    network, _ = three_ways()
    with pytest.raises(ValueError, match="decimal places"):
        pareto_routes(network, LAGOS, KANO, READY, {1: Decimal("0.0000001")})
    with pytest.raises(ValueError):
        pareto_routes(network, LAGOS, KANO, READY, {1: Decimal(-1)})
