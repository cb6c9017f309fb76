"""A campaign against a Bot API server that enforces the broadcast limit (issue 7).

Seeds N clients, each with a Telegram chat and consent to offers (bulk inserts of the rows
`core.services.consent._record` writes, without one transaction per client), then for each
scenario creates a segment, a template and a campaign through the services, launches it
and starts it with `campaigns.start`, and lets the mailing worker send it to a local fake
Bot API server (bench/fake_bot_api.py) that allows `--rate` messages in any 1 s window and
answers 429 with retry_after above that:

- (a) one worker in this process;
- (b) two worker processes (`python -m bench.mailing_worker`) sharing one limiter through
  Redis: needs PostgreSQL and Redis (DATABASE_URL, REDIS_URL); SQLite runs one worker;
- (c) one worker process killed with SIGKILL mid-campaign and restarted with the same
  MAILING_WORKER_ID, `--kills` times: the odd kills while the server holds the answer to a
  message it has accepted (the worst case), the even ones at a random point within one send
  interval after an accepted message. The outbox rows in `sending` right after each kill are
  the messages in flight.

For each scenario prints what the server saw: messages accepted, the sustained rate (first
to last accepted message) against the allowed one and their ratio, 429 answers (and per
10 000 sends), chats that got two messages within 1 s, recipients never reached (lost) and
extra messages to a chat (duplicates). Exits 1 if a target is missed: ratio < 0.9 (a, b),
more than 1 429 per 10 000 sends, any per-chat violation, lost > 0, duplicates > in flight.

    .venv/bin/python bench/mailing.py [--recipients 2000] [--rate 30] [--worker-rate R]
        [--scenarios abc] [--kills 2]

DATABASE_URL / REDIS_URL select PostgreSQL and Redis; the default is a fresh SQLite file and
the in-process limiter. The issue's own run (100 000 recipients at 30 msg/s) takes 55 minutes
per scenario: `--recipients 100000 --rate 30`.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import os
import random
import secrets
import shutil
import signal
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from redis.asyncio import Redis
from tortoise.transactions import in_transaction

from bench.fake_bot_api import TOKEN, RateLimitedBotAPI, Summary
from bench.mailing_worker import build_worker, close_worker, run_until_done
from core.db import close_db, init_db, migrate
from core.i18n import I18n
from core.models import (
    Campaign,
    Channel,
    ChannelIdentity,
    Client,
    Consent,
    ConsentPurpose,
    ConsentState,
    Employee,
    MailChannel,
    OutboxMessage,
    OutboxState,
    Role,
    TextKind,
)
from core.services import campaigns, mail_templates, segments
from core.services.access import Actor, ActorKind
from core.services.consent import CONSENT_TEXT_VERSION, consent_text
from core.services.mail_templates import TextInput, parse_buttons

ROOT = Path(__file__).resolve().parent.parent
BODY = "Hello {client_name}, new rates to Kano this week."
CHAT_BASE = 5_000_000_000  # far from the ids of real Telegram users a test database may hold
SEED_CHUNK = 5000
MIN_RATIO = 0.9
MAX_429_PER_10K = 1.0
NAMES = {
    "a": "(a) one worker in the bench process",
    "b": "(b) two worker processes, one Redis limiter",
    "c": "(c) one worker process, killed with SIGKILL and restarted",
}


@dataclass
class Kill:
    at: int  # messages the server had accepted
    mode: str  # "answer held" or "random moment"
    in_flight: int  # outbox rows in `sending` right after the kill


@dataclass
class Result:
    scenario: str
    expected: int
    summary: Summary
    elapsed: float  # workers started to campaign done, wall clock
    allowed: float
    lost: int
    states: dict[str, int]
    kills: list[Kill] = field(default_factory=list)
    restarts: float = 0.0  # seconds between a kill and the restarted worker's next send
    load: str = ""  # the load average when the scenario ended

    @property
    def ratio(self) -> float:
        return self.summary.rate / self.allowed

    @property
    def per_10k(self) -> float:
        return self.summary.throttled * 10_000 / max(self.summary.sent, 1)

    @property
    def in_flight(self) -> int:
        return sum(kill.in_flight for kill in self.kills)

    def misses(self) -> list[str]:
        missed = []
        if self.scenario != "c" and self.ratio < MIN_RATIO:
            missed.append(f"ratio {self.ratio:.3f} < {MIN_RATIO}")
        if self.per_10k > MAX_429_PER_10K:
            missed.append(f"{self.per_10k:.1f} 429s per 10 000 sends > {MAX_429_PER_10K:g}")
        if self.summary.chat_violations:
            missed.append(f"{self.summary.chat_violations} per-chat violations")
        if self.lost:
            missed.append(f"{self.lost} recipients lost")
        if self.summary.duplicates > self.in_flight:
            missed.append(f"{self.summary.duplicates} duplicates > {self.in_flight} in flight")
        return missed


# Seeding.


async def _max(model: type, column: str = "id") -> int:
    values = await model.all().order_by(f"-{column}").limit(1).values_list(column, flat=True)
    return int(values[0]) if values and values[0] is not None else 0


async def seed(recipients: int, tag: str) -> None:
    """`recipients` clients with a Telegram chat and a yes to messages (so to offers too)."""
    now = dt.datetime.now(dt.UTC)
    client_id = await _max(Client)
    identity_id = await _max(ChannelIdentity)
    chat_id = max(await _max(ChannelIdentity, "chat_id"), CHAT_BASE)
    shown = consent_text("en")
    async with in_transaction() as conn:
        for start in range(0, recipients, SEED_CHUNK):
            size = min(SEED_CHUNK, recipients - start)
            ids = range(start + 1, start + size + 1)
            await Client.bulk_create(
                [
                    Client(id=client_id + n, name=f"Bench Client {n}", language="en", source=tag)
                    for n in ids
                ],
                batch_size=1000,
                using_db=conn,
            )
            await ChannelIdentity.bulk_create(
                [
                    ChannelIdentity(
                        id=identity_id + n,
                        channel=Channel.TELEGRAM,
                        external_id=f"bench-{chat_id + n}",
                        chat_id=chat_id + n,
                        client_id=client_id + n,
                        language="en",
                    )
                    for n in ids
                ],
                batch_size=1000,
                using_db=conn,
            )
            await Consent.bulk_create(
                [
                    Consent(
                        client_id=client_id + n,
                        identity_id=identity_id + n,
                        channel=Channel.TELEGRAM,
                        purpose=ConsentPurpose.MESSAGES,
                        granted=True,
                        text_version=CONSENT_TEXT_VERSION,
                        text_shown=shown,
                        language="en",
                        evidence="bench:seed",
                    )
                    for n in ids
                ],
                batch_size=1000,
                using_db=conn,
            )
            # As `_record` does for the onboarding answer: its state row and the MARKETING
            # one, which audiences and the worker read.
            await ConsentState.bulk_create(
                [
                    ConsentState(
                        client_id=client_id + n,
                        channel=Channel.TELEGRAM,
                        purpose=purpose,
                        granted=True,
                        updated_at=now,
                    )
                    for n in ids
                    for purpose in (ConsentPurpose.MESSAGES, ConsentPurpose.MARKETING)
                ],
                batch_size=1000,
                using_db=conn,
            )
        if conn.capabilities.dialect == "postgres":
            # Explicit ids do not move the sequences; later inserts must not collide.
            for table in ("client", "channel_identity"):
                await conn.execute_query(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608
                    f"(SELECT MAX(id) FROM {table}))"
                )


async def launch_campaign(author: Employee, tag: str, scenario: str) -> tuple[Campaign, float]:
    """Segment, template, campaign and launch as the panel does; then `campaigns.start`."""
    actor = Actor(
        kind=ActorKind.STAFF,
        language="en",
        employee_id=author.id,
        role=Role(author.role),
        name=author.name,
    )
    name = f"Bench {tag} {scenario}"
    filters = segments.parse_filters({"sources": [tag], "consented_on": "telegram"})
    segment = await segments.save_segment(actor, name, filters)
    template = await mail_templates.save_template(
        actor,
        name,
        [
            TextInput(
                "en",
                TextKind.MESSENGER,
                BODY,
                buttons=parse_buttons("Rates | https://ona.example/rates"),
            )
        ],
    )
    campaign = await campaigns.create_campaign(
        actor,
        campaigns.CampaignInput(
            name=name,
            segment_id=segment.id,
            template_id=template.id,
            channels=[MailChannel.TELEGRAM],
        ),
    )
    now = dt.datetime.now(dt.UTC)
    await campaigns.launch(actor, campaign.id, now)
    began = time.perf_counter()
    assert await campaigns.start(campaign.id, now)
    return campaign, time.perf_counter() - began


# Running the workers.


async def _until(event: asyncio.Event, worker: asyncio.subprocess.Process) -> bool:
    """Wait for `event`; False if the worker process exits first."""
    while not event.is_set():
        if worker.returncode is not None:
            return False
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(event.wait(), 0.01)
    return True


@dataclass
class Bench:
    args: argparse.Namespace
    database_url: str
    redis_url: str
    redis: Redis | None
    tag: str

    def prefix(self, scenario: str) -> str:
        return f"bench:{self.tag}:{scenario}:rate"

    async def spawn(self, owner: str, api_url: str, campaign_id: int, scenario: str):
        env = dict(os.environ, DATABASE_URL=self.database_url)
        env.pop("REDIS_URL", None)
        if self.redis_url:
            env["REDIS_URL"] = self.redis_url
        return await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bench.mailing_worker",
            "--owner",
            owner,
            "--api-url",
            api_url,
            "--token",
            TOKEN,
            "--campaign",
            str(campaign_id),
            "--rate",
            str(self.args.worker_rate),
            "--prefix",
            self.prefix(scenario),
            "--batch",
            str(self.args.batch),
            cwd=ROOT,
            env=env,
        )

    async def in_process(self, server: RateLimitedBotAPI, campaign_id: int) -> None:
        worker = build_worker(
            TOKEN,
            server.url,
            self.args.worker_rate,
            f"bench-{self.tag}-a",
            redis=self.redis,
            prefix=self.prefix("a"),
            batch=self.args.batch,
        )
        try:
            await run_until_done(worker, campaign_id, asyncio.Event())
        finally:
            await close_worker(worker)

    async def two_processes(self, server: RateLimitedBotAPI, campaign_id: int) -> None:
        workers = [
            await self.spawn(f"bench-{self.tag}-b{n}", server.url, campaign_id, "b")
            for n in (1, 2)
        ]
        codes = [await worker.wait() for worker in workers]
        if any(codes):
            raise RuntimeError(f"a worker process failed: exit codes {codes}")

    async def kill_and_restart(self, server: RateLimitedBotAPI, campaign_id: int, expected: int):
        owner = f"bench-{self.tag}-c"
        kills: list[Kill] = []
        downtime = 0.0
        worker = await self.spawn(owner, server.url, campaign_id, "c")
        for k in range(1, self.args.kills + 1):
            target = expected * k // (self.args.kills + 1)
            held = k % 2 == 1
            if held:
                server.hold_at(target)
                event = server.held
            else:
                event = server.reached(target)
            if not await _until(event, worker):
                raise RuntimeError(f"the worker exited ({worker.returncode}) before kill {k}")
            if not held:
                await asyncio.sleep(random.uniform(0, 1 / self.args.worker_rate))
            worker.send_signal(signal.SIGKILL)
            await worker.wait()
            killed_at = time.monotonic()
            in_flight = await OutboxMessage.filter(
                campaign_id=campaign_id, state=OutboxState.SENDING
            ).count()
            kills.append(Kill(server.sent, "answer held" if held else "random moment", in_flight))
            server.release.set()
            next_send = server.reached(server.sent + 1)
            worker = await self.spawn(owner, server.url, campaign_id, "c")
            await _until(next_send, worker)
            downtime += time.monotonic() - killed_at
        if code := await worker.wait():
            raise RuntimeError(f"the restarted worker failed: exit code {code}")
        return kills, downtime

    async def progress(self, server: RateLimitedBotAPI, every: float) -> None:
        began, before = time.monotonic(), 0
        while True:
            await asyncio.sleep(every)
            sent = server.sent
            print(
                f"    {time.monotonic() - began:6.0f} s: {sent} accepted, "
                f"{(sent - before) / every:.1f}/s lately, {server.throttled} × 429",
                flush=True,
            )
            before = sent

    async def scenario(self, author: Employee, scenario: str) -> Result:
        campaign, expansion = await launch_campaign(author, self.tag, scenario)
        chats = set(
            await OutboxMessage.filter(
                campaign_id=campaign.id, state=OutboxState.QUEUED
            ).values_list("address", flat=True)
        )
        print(
            f"\n{NAMES[scenario]}: campaign {campaign.id}, {len(chats)} queued "
            f"(campaigns.start took {expansion:.1f} s)",
            flush=True,
        )
        server = RateLimitedBotAPI(self.args.rate)
        await server.start()
        kills: list[Kill] = []
        downtime = 0.0
        began = time.perf_counter()
        try:
            async with asyncio.TaskGroup() as group:
                reporter = group.create_task(self.progress(server, self.args.progress))
                try:
                    if scenario == "a":
                        await self.in_process(server, campaign.id)
                    elif scenario == "b":
                        await self.two_processes(server, campaign.id)
                    else:
                        kills, downtime = await self.kill_and_restart(
                            server, campaign.id, len(chats)
                        )
                finally:
                    reporter.cancel()
            elapsed = time.perf_counter() - began
        finally:
            await server.stop()
            await self.forget_limiter(scenario)
        received = {str(chat) for chat in server.chats}
        return Result(
            scenario=scenario,
            expected=len(chats),
            summary=server.summary(),
            elapsed=elapsed,
            allowed=float(self.args.rate),
            lost=len(chats - received),
            states=(await campaigns.progress(campaign.id)).counts,
            kills=kills,
            restarts=downtime,
            load=_load(),
        )

    async def forget_limiter(self, scenario: str) -> None:
        if self.redis is None:
            return
        keys = [key async for key in self.redis.scan_iter(f"{self.prefix(scenario)}*")]
        if keys:
            await self.redis.delete(*keys)


def _load() -> str:
    """Other processes on the machine delay the worker; the figures depend on them."""
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def report(result: Result) -> None:
    s = result.summary

    def mark(ok: bool) -> str:
        return "ok" if ok else "MISSED"

    states = ", ".join(f"{k} {v}" for k, v in result.states.items() if v)
    print(f"  sent (accepted by the server): {s.sent} to {s.chats} chats of {result.expected}")
    print(f"  elapsed (workers started to campaign done): {result.elapsed:.1f} s")
    ratio = f"ratio achieved/allowed {result.ratio:.3f}"
    if result.scenario != "c":
        ratio += f" [target >= {MIN_RATIO}: {mark(result.ratio >= MIN_RATIO)}]"
    else:
        running = s.span - result.restarts
        ratio += (
            f"; the span includes {result.restarts:.1f} s from the kills to the restarted "
            f"worker's next send: {(s.sent - 1) / running:.2f} msg/s while a worker ran "
            f"(ratio {(s.sent - 1) / running / result.allowed:.3f})"
        )
    print(
        f"  achieved {s.rate:.2f} msg/s (first to last accepted, {s.span:.1f} s), "
        f"allowed {result.allowed:g} msg/s, {ratio}"
    )
    print(f"  busiest 1 s window: {s.max_in_window} messages")
    print(
        f"  429 answers: {s.throttled} ({result.per_10k:.1f} per 10 000 sends) "
        f"[target <= {MAX_429_PER_10K:g}: {mark(result.per_10k <= MAX_429_PER_10K)}]"
    )
    print(
        f"  per-chat violations (two messages within 1 s): {s.chat_violations} "
        f"[{mark(not s.chat_violations)}]"
    )
    for kill in result.kills:
        print(f"  kill at {kill.at} accepted ({kill.mode}): {kill.in_flight} row(s) in `sending`")
    print(
        f"  lost {result.lost} [{mark(not result.lost)}], duplicates {s.duplicates} "
        f"(in flight at the kills: {result.in_flight}) "
        f"[{mark(s.duplicates <= result.in_flight)}]"
    )
    print(f"  outbox: {states}")
    print(f"  load average at the end of the scenario: {result.load}")


async def main(args: argparse.Namespace) -> int:
    database_url = os.environ.get("DATABASE_URL", "")
    workdir = None
    if not database_url:
        workdir = tempfile.mkdtemp(prefix="ona-bench-mail-")
        database_url = f"sqlite://{workdir}/bench.sqlite3"
    redis_url = os.environ.get("REDIS_URL", "")
    postgres = database_url.startswith(("postgres://", "postgresql://"))
    I18n(default_locale="en").activate()
    await migrate(database_url)
    await init_db(database_url)
    redis = Redis.from_url(redis_url) if redis_url else None
    tag = f"bench-mail-{secrets.token_hex(3)}"
    backend = "PostgreSQL" if postgres else f"SQLite ({database_url.removeprefix('sqlite://')})"
    limiter = "RedisSendRate" if redis else "LocalSendRate (in each process)"
    print(
        f"Mailing benchmark: {args.recipients} recipients; the server allows {args.rate} "
        f"messages in any 1 s window; workers run with TELEGRAM_RATE={args.worker_rate:g}, "
        f"MAILING_BATCH={args.batch}; {backend}, {limiter}; scenarios {args.scenarios}",
        flush=True,
    )
    print(f"load average at start: {_load()} ({os.cpu_count()} CPUs)")
    results: list[Result] = []
    try:
        began = time.perf_counter()
        await seed(args.recipients, tag)
        print(f"seeded {args.recipients} clients in {time.perf_counter() - began:.1f} s")
        author = await Employee.create(name="Bench Marketer", role=Role.MARKETER, language="en")
        bench = Bench(args, database_url, redis_url, redis, tag)
        for scenario in args.scenarios:
            if scenario == "b" and not (postgres and redis):
                print(
                    f"\n{NAMES['b']}: SKIPPED. Several worker processes need PostgreSQL and "
                    "Redis (SQLite runs one worker by design): set DATABASE_URL=postgres://… "
                    "and REDIS_URL=redis://…"
                )
                continue
            result = await bench.scenario(author, scenario)
            report(result)
            results.append(result)
    finally:
        if redis is not None:
            await redis.aclose()
        await close_db()
        if workdir is not None:
            shutil.rmtree(workdir, ignore_errors=True)
    missed = [(r.scenario, m) for r in results for m in r.misses()]
    print(f"\nload average at the end: {_load()}")
    print(
        "| scenario | sent | elapsed s | achieved msg/s | allowed | ratio | 429 | per 10k "
        "| chat violations | lost | duplicates | in flight |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for r in results:
        s = r.summary
        print(
            f"| {r.scenario} | {s.sent} | {r.elapsed:.1f} | {s.rate:.2f} | {r.allowed:g} "
            f"| {r.ratio:.3f} | {s.throttled} | {r.per_10k:.1f} | {s.chat_violations} "
            f"| {r.lost} | {s.duplicates} | {r.in_flight if r.kills else '–'} |"
        )
    for scenario, miss in missed:
        print(f"MISSED ({scenario}): {miss}")
    return 1 if missed else 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--recipients", type=int, default=2000)
    parser.add_argument("--rate", type=int, default=30, help="the server's limit, messages/s")
    parser.add_argument(
        "--worker-rate",
        type=float,
        default=None,
        help="the workers' TELEGRAM_RATE (default: --rate)",
    )
    parser.add_argument("--scenarios", default="abc", help="any of a, b, c")
    parser.add_argument("--kills", type=int, default=2, help="kills in scenario (c)")
    parser.add_argument("--batch", type=int, default=50, help="MAILING_BATCH")
    parser.add_argument("--progress", type=float, default=30.0, help="seconds between lines")
    arguments = parser.parse_args()
    if arguments.worker_rate is None:
        arguments.worker_rate = float(arguments.rate)
    sys.exit(asyncio.run(main(arguments)))
