"""A client's dossier page deep in a long timeline: keyset paging against OFFSET paging.

Seeds one client with many dossier entries (calls, messages, private notes of two
managers) in a fresh SQLite database, then reads pages at several depths as a manager who
may not see the colleague's private notes, the way the bot and the panel do:

- `client_dossier(..., before=id)`: the keyset page (what Ona does);
- the same scoped query with OFFSET (the reference a naive pager would use).

Prints the median of each depth and the ratio of the deepest page to the first for both:
keyset stays flat while OFFSET grows with the depth.

    .venv/bin/python bench/dossier.py [--entries 20000] [--repeats 15]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from core.db import close_db, init_db, migrate
from core.models import Client, Employee, Interaction, Role
from core.services.access import Actor, ActorKind
from core.services.clients import visible_interactions
from core.services.dossier import client_dossier

PAGE = 8


async def seed(entries: int) -> tuple[Actor, int, list[int]]:
    mine = await Employee.create(name="Bench Manager", role=Role.MANAGER)
    other = await Employee.create(name="Other Manager", role=Role.MANAGER)
    client = await Client.create(name="Busy Client", manager=mine)
    await Interaction.bulk_create(
        [
            Interaction(
                client=client,
                employee=mine if n % 3 else other,
                kind="call" if n % 2 else "message",
                subject="contact.other",
                summary=f"entry {n}",
                is_private=n % 7 == 0,
            )
            for n in range(entries)
        ],
        batch_size=2000,
    )
    actor = Actor(ActorKind.STAFF, "en", employee_id=mine.id, role=Role.MANAGER)
    # Where each depth's page starts: the ids a reader paging back would pass as `before`.
    ids = await (
        visible_interactions(actor)
        .filter(client_id=client.id)
        .order_by("-id")
        .values_list("id", flat=True)
    )
    return actor, client.id, ids


async def timed(coro) -> float:
    start = time.perf_counter()
    await coro
    return (time.perf_counter() - start) * 1000


async def main(entries: int, repeats: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite://{tmp}/bench.sqlite3"
        await migrate(url)
        await init_db(url)
        try:
            actor, client_id, ids = await seed(entries)
            depths = [0, len(ids) // 4, len(ids) // 2, len(ids) - PAGE - 1]
            keyset: dict[int, list[float]] = {d: [] for d in depths}
            offset: dict[int, list[float]] = {d: [] for d in depths}
            for _ in range(repeats):
                for depth in depths:
                    before = ids[depth - 1] if depth else None
                    keyset[depth].append(
                        await timed(client_dossier(actor, client_id, PAGE, before))
                    )
                    query = (
                        visible_interactions(actor)
                        .filter(client_id=client_id)
                        .order_by("-id")
                        .offset(depth)
                        .limit(PAGE)
                        .prefetch_related("employee")
                    )
                    offset[depth].append(await timed(query))
        finally:
            await close_db()
    print(f"{entries} entries, {len(ids)} visible to the manager; page of {PAGE}")
    for depth in depths:
        k, o = statistics.median(keyset[depth]), statistics.median(offset[depth])
        print(f"depth {depth:6}: keyset dossier {k:6.2f} ms   offset page {o:6.2f} ms")
    last = depths[-1]
    k_ratio = statistics.median(keyset[last]) / statistics.median(keyset[0])
    o_ratio = statistics.median(offset[last]) / statistics.median(offset[0])
    print(f"deepest / first page: keyset {k_ratio:4.2f}   offset {o_ratio:4.2f}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=20000)
    parser.add_argument("--repeats", type=int, default=15)
    args = parser.parse_args()
    asyncio.run(main(args.entries, args.repeats))
