"""Route choice engine: Pareto queries against networkx's single-criterion Dijkstra, one run.

Generates a seeded network over a West Africa + Europe box: 5 000 locations and 100 000 lanes,
mostly road between near neighbours (and feeder roads
to the two nearest ports or airports), rail along corridors between rail terminals, sea between
ports, air between airports; transit time from great-circle distance and mode speed, cost from
distance and mode rate, weekly schedules on part of the rail, sea and air lanes, transfer time
and cost at every location (terminals dearer and slower). Then, for random origin/destination
pairs and ready times, times `pareto_routes` with K = 4 (pricing is done once beforehand, as the
caller prices lanes per cargo, not per query) and networkx's `dijkstra_path_length` on transit
time over the same lanes (a DiGraph keeping the fastest of parallel lanes). Prints p50/p95 of
both and the ratios.

    .venv/bin/python bench/routing.py [--queries 200] [--seed 7]
"""

from __future__ import annotations

import argparse
import math
import random
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import networkx as nx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from core.services.routing import Lane, Mode, Network, Transfer, WeeklySchedule, pareto_routes

LOCATIONS = 5_000
LANES = 100_000
# (lat, lon) box from the Gulf of Guinea to Scandinavia, Dakar to the Black Sea.
BOX = ((4.0, 60.0), (-18.0, 30.0))
# km/h including dwell, handling hours per leg, rate per km for the benchmark cargo.
SPEED = {Mode.ROAD: 55.0, Mode.RAIL: 40.0, Mode.SEA: 28.0, Mode.AIR: 650.0}
HANDLING_H = {Mode.ROAD: 0.5, Mode.RAIL: 4.0, Mode.SEA: 12.0, Mode.AIR: 3.0}
RATE = {Mode.ROAD: 1.10, Mode.RAIL: 0.55, Mode.SEA: 0.20, Mode.AIR: 4.50}
BASE = {Mode.ROAD: 25, Mode.RAIL: 60, Mode.SEA: 150, Mode.AIR: 120}
DETOUR = {Mode.ROAD: 1.3, Mode.RAIL: 1.2, Mode.SEA: 1.4, Mode.AIR: 1.0}


def km(a: tuple[float, float], b: tuple[float, float]) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * 6371 * math.asin(math.sqrt(h))


def nearest(points: dict[int, tuple[float, float]], k: int) -> dict[int, list[int]]:
    """k nearest neighbours by a 1-degree grid search (no numpy needed)."""
    grid: dict[tuple[int, int], list[int]] = {}
    for i, (lat, lon) in points.items():
        grid.setdefault((int(lat), int(lon)), []).append(i)
    result = {}
    for i, p in points.items():
        radius = 1
        while True:
            cx, cy = int(p[0]), int(p[1])
            near = [
                j
                for dx in range(-radius, radius + 1)
                for dy in range(-radius, radius + 1)
                for j in grid.get((cx + dx, cy + dy), ())
                if j != i
            ]
            if len(near) >= k or radius > 60:
                break
            radius += 1
        near.sort(key=lambda j, p=p: km(p, points[j]))
        result[i] = near[:k]
    return result


def generate(seed: int) -> tuple[Network, list[Lane], dict[int, Decimal]]:
    rng = random.Random(seed)
    points = {i: (rng.uniform(*BOX[0]), rng.uniform(*BOX[1])) for i in range(LOCATIONS)}
    ids = list(points)
    ports = set(rng.sample(ids, 300))
    airports = set(rng.sample(ids, 220))
    rail = set(rng.sample(ids, 1_500))
    pairs: list[tuple[int, int, Mode]] = []

    for a, near in nearest({i: points[i] for i in rail}, 4).items():
        pairs += [(a, b, Mode.RAIL) for b in near] + [(b, a, Mode.RAIL) for b in near]
    port_list = sorted(ports)
    for a in port_list:
        for b in rng.sample(port_list, 15):
            if a != b and km(points[a], points[b]) < 5_000:
                pairs += [(a, b, Mode.SEA), (b, a, Mode.SEA)]
    airport_list = sorted(airports)
    for a in airport_list:
        for b in rng.sample(airport_list, 25):
            if a != b:
                pairs += [(a, b, Mode.AIR), (b, a, Mode.AIR)]
    # Feeder trucking: every location to and from its two nearest ports or airports.
    hubs = sorted(ports | airports)
    grid_hubs = {h: points[h] for h in hubs}
    for a in ids:
        for b in sorted(hubs, key=lambda h, p=points[a]: km(p, grid_hubs[h]))[:2]:
            if a != b:
                pairs += [(a, b, Mode.ROAD), (b, a, Mode.ROAD)]
    neighbours = nearest(points, 10)
    road = [(a, b, Mode.ROAD) for a, near in neighbours.items() for b in near]
    pairs += road
    while len(pairs) < LANES:  # second carriers on busy road links
        pairs.append(rng.choice(road))
    pairs = pairs[:LANES]

    lanes, priced = [], {}
    for lane_id, (a, b, mode) in enumerate(pairs, start=1):
        dist = km(points[a], points[b]) * DETOUR[mode]
        noise = rng.uniform(0.85, 1.25)
        minutes = round((dist / SPEED[mode] + HANDLING_H[mode]) * 60 * noise)
        schedule = None
        if (
            mode is not Mode.ROAD
            and rng.random() < {Mode.RAIL: 0.5, Mode.SEA: 1, Mode.AIR: 0.6}[mode]
        ):
            schedule = WeeklySchedule(
                weekdays=frozenset(rng.sample(range(7), rng.randint(1, 3))),
                minute_of_day=rng.randrange(0, 1440, 15),
            )
        lanes.append(Lane(lane_id, a, b, mode, rng.randint(1, 400), minutes, schedule))
        priced[lane_id] = Decimal(str(round((BASE[mode] + dist * RATE[mode]) * noise, 2)))
    transfers = []
    for i in ids:
        terminal = i in ports or i in airports or i in rail
        transfers.append(
            Transfer(
                location_id=i,
                minutes=rng.randint(120, 720) if terminal else rng.randint(20, 90),
                cost=Decimal(rng.randint(2_000, 15_000) if terminal else rng.randint(300, 1_500))
                / 100,
            )
        )
    return Network.build(lanes, transfers), lanes, priced


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, math.ceil(q * len(ordered)) - 1)]


def timed(call: Callable[[], object]) -> tuple[float, object]:
    began = time.perf_counter()
    result = call()
    return (time.perf_counter() - began) * 1000, result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    began = time.perf_counter()
    network, lanes, priced = generate(args.seed)
    graph = nx.DiGraph()
    for lane in lanes:
        old = graph.get_edge_data(lane.origin, lane.destination)
        if old is None or old["minutes"] > lane.transit_minutes:
            graph.add_edge(lane.origin, lane.destination, minutes=lane.transit_minutes)
    modes = {m: sum(1 for x in lanes if x.mode is m) for m in Mode}
    built = time.perf_counter() - began
    print(f"network: {LOCATIONS} locations, {len(lanes)} lanes {modes}, "
          f"{graph.number_of_edges()} distinct links, built in {built:.1f} s")  # fmt: skip

    rng = random.Random(args.seed + 1)
    monday = datetime(2027, 3, 1, tzinfo=UTC)
    ours, ref, fronts, legs = [], [], [], []
    for _ in range(args.queries):
        origin, destination = rng.sample(range(LOCATIONS), 2)
        start = monday + timedelta(minutes=rng.randrange(7 * 24 * 60))
        ms, front = timed(
            lambda o=origin, d=destination, s=start: pareto_routes(network, o, d, s, priced)
        )
        ours.append(ms)
        fronts.append(len(front))
        legs += [len(r.legs) for r in front]

        def reference(o: int = origin, d: int = destination) -> float | None:
            try:
                return nx.dijkstra_path_length(graph, o, d, weight="minutes")
            except nx.NetworkXNoPath:
                return None

        ms, _ = timed(reference)
        ref.append(ms)

    reached = sum(1 for n in fronts if n)
    print(f"queries: {args.queries}, with a route in <= 4 legs: {reached}, "
          f"front size mean {statistics.mean(fronts):.1f} max {max(fronts)}, "
          f"legs per option mean {statistics.mean(legs or [0]):.2f}")  # fmt: skip
    p50, p95 = percentile(ours, 0.5), percentile(ours, 0.95)
    r50, r95 = percentile(ref, 0.5), percentile(ref, 0.95)
    print(f"pareto_routes K=4:        p50 {p50:7.1f} ms   p95 {p95:7.1f} ms   max {max(ours):.1f}")
    print(f"networkx dijkstra (time): p50 {r50:7.1f} ms   p95 {r95:7.1f} ms   max {max(ref):.1f}")
    print(f"ratio ours/reference:     p50 {p50 / r50:7.2f}      p95 {p95 / r95:7.2f}")
    print(f"aim p95 < 100 ms: {'met' if p95 < 100 else 'NOT met'}; "
          f"within 5x: {'met' if p95 <= 5 * r95 else 'NOT met'}")  # fmt: skip


if __name__ == "__main__":
    main()
