"""A client's quote over a stored network: what the bot's last answer costs, one run.

Builds a seeded network in a fresh SQLite database (the embedded one `make run` uses):
locations on a grid of Nigerian-sized distances, road lanes between neighbours, rail and air
lanes between hubs, each with a carrier cost tariff, and a main price list with one tariff per
mode. Then, for random origin/destination pairs, times:

- the route engine alone on the same lanes, priced once beforehand (the reference: the part of
  a quote no storage can speed up);
- `quote_options` right after an edit (cold): load the network snapshot (lanes, price lists,
  transfers), then price every usable lane for the cargo and run the engine;
- `quote_options` with the snapshot kept (warm): what nearly every quote costs;
- `open_request_for`: a warm quote plus storing the request, its quote and dossier entries in
  one transaction (the bot's answer to the last question).

Prints p50/p95 of each and the ratios to the reference.

    .venv/bin/python bench/quote.py [--locations 400] [--queries 60] [--seed 11]
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from decimal import Decimal
from functools import partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tortoise.transactions import in_transaction

from core.db import close_db, init_db, migrate
from core.models import Carrier, Client, Employee, Lane, Location, PriceList, Role, Tariff
from core.services import pricing, routing
from core.services.access import Actor, ActorKind
from core.services.network_snapshot import forget_network
from core.services.quote_requests import Place, RequestDraft, open_request_for
from core.services.quoting import quote_options

NAMES = (
    "engine alone (reference)",
    "quote_options, snapshot loaded (cold)",
    "quote_options, snapshot kept (warm)",
    "open_request_for (warm, + storing)",
)
COLD_RUNS = 5  # quotes that load the network first, as after an edit
MODES = {"road": ("90", 1.0), "rail": ("55", 1.6), "air": ("600", 0.15)}  # rate/kg, h per step


async def build(locations: int, rng: random.Random) -> list[int]:
    side = int(locations**0.5)
    async with in_transaction() as conn:
        carrier = await Carrier.create(name="Bench Haulage", using_db=conn)
        ids = []
        for n in range(side * side):
            loc = await Location.create(
                name=f"Town {n}",
                country="NG",
                transfer_minutes=60,
                transfer_cost=500,
                using_db=conn,
            )
            ids.append(loc.id)
        main = await PriceList.create(name="Main", currency="NGN", is_main=True, using_db=conn)
        for mode, (rate, _h) in MODES.items():
            await Tariff.create(
                price_list=main, mode=mode, basis="per_kg", currency="NGN",
                breaks=[["0", rate]], minimum_charge=5000, using_db=conn,
            )  # fmt: skip

        async def lane(a: int, b: int, mode: str, hours: float) -> None:
            made = await Lane.create(
                carrier=carrier, origin_id=ids[a], destination_id=ids[b], mode=mode,
                transit_minutes=int(hours * 60), using_db=conn,
            )  # fmt: skip
            cost = Decimal(MODES[mode][0]) * Decimal("0.7")
            await Tariff.create(
                lane=made, mode=mode, basis="per_kg", currency="NGN",
                breaks=[["0", str(cost)]], using_db=conn,
            )  # fmt: skip

        for row in range(side):
            for col in range(side):
                here = row * side + col
                for d_row, d_col in ((0, 1), (1, 0)):
                    r, c = row + d_row, col + d_col
                    if r < side and c < side:
                        hours = 4 + rng.random() * 4
                        await lane(here, r * side + c, "road", hours)
                        await lane(r * side + c, here, "road", hours)
        hubs = rng.sample(range(side * side), max(4, side // 2))
        for a in hubs:
            for b in hubs:
                if a != b:
                    await lane(a, b, "rail", 20 + rng.random() * 20)
                    if rng.random() < 0.3:
                        await lane(a, b, "air", 2 + rng.random())
    return ids


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[int(len(ordered) * 0.95) - 1]


async def timed(run: Callable[[], Awaitable[object]]) -> float:
    start = time.perf_counter()
    await run()
    return (time.perf_counter() - start) * 1000


async def main(locations: int, queries: int, seed: int) -> None:
    rng = random.Random(seed)
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite://{tmp}/bench.sqlite3"
        await migrate(url)
        await init_db(url)
        try:
            ids = await build(locations, rng)
            lanes = await Lane.all().count()
            client = await Client.create(name="Bench Client")
            manager = await Employee.create(name="Bench Manager", role=Role.MANAGER)
            actor = Actor(ActorKind.STAFF, "en", employee_id=manager.id, role=Role.MANAGER)
            cargo = pricing.make_cargo(weight_kg=Decimal(800))
            ready = dt.datetime.now(dt.UTC).replace(microsecond=0) + dt.timedelta(days=2)
            pairs = [tuple(rng.sample(ids, 2)) for _ in range(queries)]

            # The reference: the engine over the same lanes, priced once beforehand.
            rows = await Lane.all()
            network = routing.Network.build(
                (
                    routing.Lane(lane.id, lane.origin_id, lane.destination_id,
                                 routing.Mode(lane.mode), lane.carrier_id, lane.transit_minutes)
                    for lane in rows
                ),
                [routing.Transfer(i, 60, Decimal(500)) for i in ids],
            )  # fmt: skip
            prices = {lane.id: Decimal(MODES[lane.mode][0]) * 800 for lane in rows}
            runs: dict[str, list[float]] = {name: [] for name in NAMES}
            for number, (origin, destination) in enumerate(pairs):
                search = partial(
                    routing.pareto_routes, network, origin, destination, ready, prices
                )
                runs[NAMES[0]].append(await timed(partial(asyncio.to_thread, search)))
                price = partial(quote_options, client.id, origin, destination, cargo, ready, 3)
                if number < COLD_RUNS:
                    forget_network()
                    runs[NAMES[1]].append(await timed(price))
                runs[NAMES[2]].append(await timed(price))
                draft = RequestDraft(
                    Place(f"#{origin}", origin), Place(f"#{destination}", destination),
                    cargo, ready.date(), ready, 3,
                )  # fmt: skip
                runs[NAMES[3]].append(
                    await timed(partial(open_request_for, actor, client.id, draft))
                )
        finally:
            await close_db()
    reference = percentiles(runs[NAMES[0]])
    print(f"network: {len(ids)} locations, {lanes} lanes; {queries} queries, 800 kg, seed {seed}")
    for name in NAMES:
        p50, p95 = percentiles(runs[name])
        print(
            f"{name:40} p50 {p50:7.1f} ms  p95 {p95:7.1f} ms  "
            f"ratio p50 {p50 / reference[0]:6.1f}  p95 {p95 / reference[1]:6.1f}"
        )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--locations", type=int, default=400)
    parser.add_argument("--queries", type=int, default=60)
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args()
    asyncio.run(main(args.locations, args.queries, args.seed))
