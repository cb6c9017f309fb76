"""Every registered report for a one-year period on the issue's data set, against its own SQL.

Migrates a fresh database, fills it with bench/report_data.py (or reuses a filled one), then
for each report in the registry (core/services/reports), as the director, for the year from
1 November 2025 to 31 October 2026 in the company's zone (about half the data):

- build(): the report as the panel, the bot, the downloads and the digests get it: the role
  and scope check, every query, the Python that names and shapes the rows, the chart data;
- the floor: the SQL statements that build() ran, captured with their parameters at the
  connection, replayed one after another through the same connection's `execute_query`
  (no report code).

After warm-up builds (six on PostgreSQL, where a prepared statement may switch to a generic
plan from its sixth run: the app's steady state), build and floor run alternately three
times; the medians are compared.

Prints both, their ratio and the verdict against issue 8's targets: under 2 s on PostgreSQL
and under 5 s on SQLite, and within 1.5x of the floor. Exits with 1 when a report misses.

    .venv/bin/python -m bench.reports --db postgres://postgres@127.0.0.1:5432/bench_reports
    .venv/bin/python -m bench.reports --db sqlite:///tmp/bench_reports.sqlite3 --scale 0.05
    .venv/bin/python -m bench.reports --db … --reuse --only managers --statements 5 --explain 2

A PostgreSQL URL ending in `?statement_cache_size=0` measures with every statement planned
for its own values (no generic plans).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import platform
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tortoise import connections

from bench.report_data import SEED, generate
from core.db import close_db, init_db, migrate
from core.i18n import I18n
from core.models import Company, Employee, Role
from core.services.access import Actor, ActorKind
from core.services.reports import REGISTRY, build
from core.services.reports.base import Window
from core.services.reports.period import Compare, Period

YEAR = (dt.date(2025, 11, 1), dt.date(2026, 11, 1))  # the data runs from 2024-11-01 to 2026-11-01
LIMIT_S = {"postgres": 2.0, "sqlite": 5.0}
MAX_RATIO = 1.5
RUNS = 3
# PostgreSQL plans a prepared statement (asyncpg prepares and keeps every query) for its
# parameters five times, then may switch to a generic plan: the app's steady state, which
# both build() and the floor are measured in.
WARMUPS = {"postgres": 6, "sqlite": 1}
COUNTED = (
    "client",
    "quote_request",
    "quote",
    "sales_order",
    "shipment",
    "shipment_leg",
    "shipment_event",
    "interaction",
    "task",
    "relay_session",
)
DEFAULT_DB = f"sqlite://{Path(tempfile.gettempdir()) / 'bench_reports.sqlite3'}"

Statement = tuple[str, list[Any] | None]


@dataclass
class Figures:
    key: str
    rows: int = 0
    statements: list[Statement] = field(default_factory=list)
    build_s: float = 0.0
    floor_s: float = 0.0
    at_once_s: float = 0.0
    slowest: list[tuple[float, str]] = field(default_factory=list)
    error: str = ""

    @property
    def ratio(self) -> float:
        """Against the quicker of the two floors: build() runs its independent statements
        at once, so the statements one after another are no floor for it."""
        floor = min(self.floor_s, self.at_once_s or self.floor_s)
        return self.build_s / floor if floor else float("inf")

    def passed(self, limit: float) -> bool:
        return not self.error and self.build_s < limit and self.ratio <= MAX_RATIO


class Capture:
    """Records every statement the default connection runs while on (the reports read
    through `execute_query`, ORM reads included)."""

    def __init__(self) -> None:
        self.client_class = type(connections.get("default"))
        self.original = self.client_class.execute_query
        self.statements: list[Statement] = []
        self.on = False
        original, capture = self.original, self

        async def execute_query(client: Any, query: str, values: list | None = None) -> Any:
            if capture.on:
                capture.statements.append((query, list(values) if values else None))
            return await original(client, query, values)

        self.client_class.execute_query = execute_query  # type: ignore[method-assign]

    def start(self) -> None:
        self.statements = []
        self.on = True

    def stop(self) -> list[Statement]:
        self.on = False
        return self.statements

    def remove(self) -> None:
        self.client_class.execute_query = self.original  # type: ignore[method-assign]


def dialect_of(url: str) -> str:
    return "sqlite" if url.startswith("sqlite://") else "postgres"


def remove_sqlite(url: str) -> None:
    path = url.removeprefix("sqlite://").split("?", 1)[0]
    for extra in ("", "-wal", "-shm"):
        Path(f"{path}{extra}").unlink(missing_ok=True)


async def fresh_database(url: str) -> None:
    """An empty database at `url`: the SQLite file removed, or the PostgreSQL one re-created."""
    if dialect_of(url) == "sqlite":
        remove_sqlite(url)
        return
    import asyncpg

    parts = urlsplit(url.replace("postgres://", "postgresql://", 1))
    name = parts.path.lstrip("/")
    admin = await asyncpg.connect(urlunsplit(parts._replace(path="/postgres", query="")))
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()


async def timed(run: Callable[[], Awaitable[object]]) -> float:
    start = time.perf_counter()
    await run()
    return time.perf_counter() - start


async def replay(statements: list[Statement]) -> list[float]:
    conn = connections.get("default")
    spent = []
    for query, values in statements:
        start = time.perf_counter()
        await conn.execute_query(query, values)
        spent.append(time.perf_counter() - start)
    return spent


async def replay_at_once(statements: list[Statement]) -> float:
    """All of a report's statements started together (each on its own pooled connection on
    PostgreSQL, as build() runs its independent ones): the SQL's lower bound when it is
    spread over the cores."""
    conn = connections.get("default")
    start = time.perf_counter()
    await asyncio.gather(*(conn.execute_query(query, values) for query, values in statements))
    return time.perf_counter() - start


async def actor_for(key: str) -> Actor | None:
    """The director, or whoever of admin and marketer the report lets in first."""
    report = REGISTRY[key]
    for role in (Role.DIRECTOR, Role.ADMIN, Role.MARKETER, Role.HEAD_OF_SALES):
        if role in report.roles:
            person = await Employee.filter(role=role).order_by("id").first()
            if person is not None:
                return Actor(ActorKind.STAFF, "en", employee_id=person.id, role=role)
    return None


async def measure(
    key: str,
    period: Period,
    compare: Compare,
    capture: Capture,
    warmups: int,
    window: Window | None,
    at_the_same_time: bool,
) -> Figures:
    """`at_the_same_time`: the database runs statements at once (PostgreSQL's pool; SQLite
    has one connection, where "at once" is one after another again)."""
    figures = Figures(key)
    actor = await actor_for(key)
    if actor is None:
        figures.error = "no role of director, admin, marketer or head of sales may see it"
        return figures

    async def run() -> None:
        await build(actor, key, period, compare, window)

    try:
        capture.start()
        result = await build(actor, key, period, compare, window)
        figures.statements = capture.stop()
        figures.rows = len(result.rows)
        for _ in range(warmups - 1):
            await run()
        # Build and floor alternate, so a change in the machine's load touches both alike.
        builds, floors, at_once, per_statement = [], [], [], []
        for _ in range(RUNS):
            builds.append(await timed(run))
            spent = await replay(figures.statements)
            floors.append(sum(spent))
            per_statement.append(spent)
            if at_the_same_time:
                at_once.append(await replay_at_once(figures.statements))
    except Exception as error:  # one report's failure is reported, the others still run
        capture.stop()
        figures.error = f"{type(error).__name__}: {error}"
        return figures
    figures.build_s = statistics.median(builds)
    figures.floor_s = statistics.median(floors)
    figures.at_once_s = statistics.median(at_once) if at_once else 0.0
    middle = sorted(range(RUNS), key=lambda n: floors[n])[RUNS // 2]
    figures.slowest = sorted(
        (
            (spent, query)
            for spent, (query, _v) in zip(per_statement[middle], figures.statements, strict=True)
        ),
        reverse=True,
    )
    return figures


async def explain(query: str, values: list[Any] | None, dialect: str) -> list[str]:
    """The plan of one captured statement: run with ANALYZE on PostgreSQL, the query plan on
    SQLite."""
    conn = connections.get("default")
    if dialect == "postgres":
        _, rows = await conn.execute_query("EXPLAIN (ANALYZE, BUFFERS) " + query, values)
        return [row["QUERY PLAN"] for row in rows]
    _, rows = await conn.execute_query("EXPLAIN QUERY PLAN " + query, values)
    return [str(row["detail"]) for row in rows]


async def row_counts() -> dict[str, int]:
    conn = connections.get("default")
    counts = {}
    for table in COUNTED:
        _, rows = await conn.execute_query(f"SELECT COUNT(*) AS n FROM {table}")  # noqa: S608
        counts[table] = int(rows[0]["n"])
    return counts


async def server_version(dialect: str) -> str:
    conn = connections.get("default")
    if dialect == "postgres":
        _, rows = await conn.execute_query("SHOW server_version")
        return f"PostgreSQL {rows[0]['server_version']}"
    _, rows = await conn.execute_query("SELECT sqlite_version() AS v")
    return f"SQLite {rows[0]['v']}"


async def main(args: argparse.Namespace) -> int:
    url, dialect = args.db, dialect_of(args.db)
    limit = LIMIT_S[dialect]
    if not args.reuse:
        await fresh_database(url)
    await migrate(url)
    await init_db(url)
    try:
        filled = (await row_counts())["quote_request"] > 0
    finally:
        await close_db()
    if not filled:
        print(f"generating the data set at scale {args.scale}, seed {args.seed} …", flush=True)
        started = time.perf_counter()
        await generate(url, args.scale, args.seed, log=lambda line: print(line, flush=True))
        print(f"generated in {time.perf_counter() - started:.0f} s", flush=True)
    I18n().activate()
    await init_db(url)
    try:
        counts = await row_counts()
        company = await Company.first()
        zone = ZoneInfo(company.timezone if company else "Africa/Lagos")
        period = Period(YEAR[0], YEAR[1], zone)
        print(
            f"{await server_version(dialect)} on {platform.node()} "
            f"({os.cpu_count()} CPUs, Python {platform.python_version()}), "
            f"load average {os.getloadavg()[0]:.1f}"
        )
        print(
            "rows: " + ", ".join(f"{table} {n:,}".replace(",", " ") for table, n in counts.items())
        )
        print(
            f"period {period.start} to {period.last_day} ({zone.key}), compare: {args.compare}; "
            f"{WARMUPS[dialect]} warm-up builds, then median of {RUNS} (build and floor "
            f"alternating); target < {limit:g} s and ratio ≤ {MAX_RATIO}"
        )
        keys = sorted(REGISTRY, key=lambda k: (REGISTRY[k].number, k))
        if args.only:
            keys = [k for k in keys if k in args.only]
        capture = Capture()
        results = []
        try:
            for key in keys:
                figures = await measure(
                    key,
                    period,
                    Compare(args.compare),
                    capture,
                    WARMUPS[dialect],
                    None if args.files else Window(),
                    dialect == "postgres",
                )
                results.append(figures)
                print_line(figures, limit)
                shown = max(args.statements, args.explain)
                for spent, query in figures.slowest[:shown]:
                    print(f"      {spent * 1000:9.1f} ms  {' '.join(query.split())[:150]}")
                for _spent, query in figures.slowest[: args.explain]:
                    values = next(v for q, v in figures.statements if q == query)
                    print("      " + " ".join(query.split()))
                    for line in await explain(query, values, dialect):
                        print("        " + line)
        finally:
            capture.remove()
    finally:
        await close_db()
    print(f"load average {os.getloadavg()[0]:.1f}")
    missed = [f.key for f in results if not f.passed(limit)]
    print(
        f"{len(results) - len(missed)} of {len(results)} reports meet the targets"
        + (f"; missed: {', '.join(missed)}" if missed else "")
    )
    return 1 if missed else 0


def print_line(f: Figures, limit: float) -> None:
    if f.error:
        print(f"{f.key:12} FAIL  {f.error}", flush=True)
        return
    verdict = "ok  " if f.passed(limit) else "MISS"
    print(
        f"{f.key:12} {verdict}  build {f.build_s * 1000:8.0f} ms"
        f"   floor {f.floor_s * 1000:8.0f} ms, at once "
        + (f"{f.at_once_s * 1000:6.0f} ms" if f.at_once_s else "     —   ")
        + f"   ratio {f.ratio:5.2f}"
        f"   {len(f.statements):2} statements, {f.rows} rows",
        flush=True,
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default=DEFAULT_DB, help="sqlite:///path or postgres://…")
    parser.add_argument("--scale", type=float, default=1.0, help="1.0 is the issue's sizes")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument(
        "--reuse", action="store_true", help="keep the database; generate only if it is empty"
    )
    parser.add_argument("--compare", choices=[c.value for c in Compare], default="none")
    parser.add_argument(
        "--files",
        action="store_true",
        help="every row, as the files and the bot build it (default: the panel's page)",
    )
    parser.add_argument("--only", nargs="*", help="report keys to run (default: all)")
    parser.add_argument(
        "--statements",
        type=int,
        default=0,
        metavar="N",
        help="show each report's N slowest statements",
    )
    parser.add_argument(
        "--explain", type=int, default=0, metavar="N", help="and the plans of the N slowest"
    )
    sys.exit(asyncio.run(main(parser.parse_args())))
