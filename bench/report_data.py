"""The reports' data set (issue 8): a seeded company two years deep, written fast.

At --scale 1.0, the issue's sizes: 1 000 000 quote requests, 400 000 orders (each with its
quote, shipment and legs), 2 000 000 dossier entries and 500 000 tracking events (within a
few), 100 000 clients with their acquisition sources and channel accounts, 40 managers in 4
teams, 60 carriers, 66 places in West Africa and overseas, tasks, live chats, reminders,
monthly marketing costs and campaigns. Every moment falls between 1 November 2024 and 1 November
2026 (UTC), so a one-year period holds about half of it. The same seed and scale give the
same rows, whichever database they go to.

What makes the figures worth reporting: clients differ in size (a Pareto weight), a quarter
only ever ask for prices, some stop coming back; managers differ in speed; directions follow
the cities' weights; carriers differ in lateness and damage; a few shipments are still on
their way at the end. Event histories: every delivery and exception is recorded (the CSV
import and carrier reports), and full step-by-step histories are added to as many shipments
as the events budget allows.

Rows go in through each database's fast path into a migrated, empty database: COPY
(asyncpg `copy_records_to_table`, foreign-key triggers off for the session) on PostgreSQL,
`executemany` in large transactions on SQLite. Times and money are written the way Tortoise
writes them (SQLite: '2026-11-29 04:53:24.745835+00:00' and decimals as text).

    .venv/bin/python -m bench.report_data --db sqlite:///tmp/reports.sqlite3 --scale 0.05
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import math
import random
import sqlite3
import sys
import time
from bisect import bisect_right
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from itertools import accumulate
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

SEED = 8
START = dt.datetime(2024, 11, 1, tzinfo=dt.UTC)
END = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)
ZONE = "Africa/Lagos"
T0, T1 = START.timestamp(), END.timestamp()
SPAN = T1 - T0
MINUTE, HOUR, DAY = 60.0, 3600.0, 86400.0

# -- What the company looks like --------------------------------------------------------

# Cities in West Africa: (name, country, weight, sea gateway, air gateway).
CITIES = (
    ("Lagos", "NG", 30, "Apapa Port", "Lagos Airport"),
    ("Abuja", "NG", 12, "Apapa Port", "Abuja Airport"),
    ("Kano", "NG", 10, "Apapa Port", "Kano Airport"),
    ("Port Harcourt", "NG", 9, "Onne Port", "Port Harcourt Airport"),
    ("Ibadan", "NG", 8, "Apapa Port", "Lagos Airport"),
    ("Benin City", "NG", 5, "Apapa Port", "Lagos Airport"),
    ("Kaduna", "NG", 5, "Apapa Port", "Kano Airport"),
    ("Onitsha", "NG", 5, "Onne Port", "Port Harcourt Airport"),
    ("Enugu", "NG", 4, "Onne Port", "Port Harcourt Airport"),
    ("Aba", "NG", 4, "Onne Port", "Port Harcourt Airport"),
    ("Jos", "NG", 3, "Apapa Port", "Abuja Airport"),
    ("Ilorin", "NG", 3, "Apapa Port", "Lagos Airport"),
    ("Warri", "NG", 3, "Onne Port", "Port Harcourt Airport"),
    ("Abeokuta", "NG", 3, "Apapa Port", "Lagos Airport"),
    ("Calabar", "NG", 2, "Onne Port", "Port Harcourt Airport"),
    ("Owerri", "NG", 2, "Onne Port", "Port Harcourt Airport"),
    ("Maiduguri", "NG", 2, "Apapa Port", "Kano Airport"),
    ("Sokoto", "NG", 2, "Apapa Port", "Kano Airport"),
    ("Accra", "GH", 8, "Tema Port", "Accra Airport"),
    ("Kumasi", "GH", 4, "Tema Port", "Accra Airport"),
    ("Takoradi", "GH", 2, "Tema Port", "Accra Airport"),
    ("Tamale", "GH", 1, "Tema Port", "Accra Airport"),
    ("Cotonou", "BJ", 5, "Cotonou Port", "Cotonou Airport"),
    ("Parakou", "BJ", 1, "Cotonou Port", "Cotonou Airport"),
    ("Lomé", "TG", 4, "Lomé Port", "Lomé Airport"),
    ("Abidjan", "CI", 5, "Abidjan Port", "Abidjan Airport"),
    ("Bouaké", "CI", 1, "Abidjan Port", "Abidjan Airport"),
    ("Dakar", "SN", 3, "Dakar Port", "Dakar Airport"),
    ("Douala", "CM", 3, "Douala Port", "Douala Airport"),
    ("Yaoundé", "CM", 2, "Douala Port", "Douala Airport"),
    ("Niamey", "NE", 2, "Cotonou Port", "Niamey Airport"),
    ("Ouagadougou", "BF", 2, "Lomé Port", "Ouagadougou Airport"),
    ("Bamako", "ML", 1, "Dakar Port", "Bamako Airport"),
)
GATEWAYS = (
    ("Apapa Port", "NG", "port"),
    ("Onne Port", "NG", "port"),
    ("Tema Port", "GH", "port"),
    ("Cotonou Port", "BJ", "port"),
    ("Lomé Port", "TG", "port"),
    ("Abidjan Port", "CI", "port"),
    ("Dakar Port", "SN", "port"),
    ("Douala Port", "CM", "port"),
    ("Lagos Airport", "NG", "airport"),
    ("Abuja Airport", "NG", "airport"),
    ("Kano Airport", "NG", "airport"),
    ("Port Harcourt Airport", "NG", "airport"),
    ("Accra Airport", "GH", "airport"),
    ("Cotonou Airport", "BJ", "airport"),
    ("Lomé Airport", "TG", "airport"),
    ("Abidjan Airport", "CI", "airport"),
    ("Dakar Airport", "SN", "airport"),
    ("Douala Airport", "CM", "airport"),
    ("Niamey Airport", "NE", "airport"),
    ("Ouagadougou Airport", "BF", "airport"),
    ("Bamako Airport", "ML", "airport"),
)
OVERSEAS = (
    ("Shanghai", "CN", 6),
    ("Guangzhou", "CN", 4),
    ("Shenzhen", "CN", 4),
    ("Ningbo", "CN", 3),
    ("Dubai", "AE", 4),
    ("Rotterdam", "NL", 3),
    ("Antwerp", "BE", 2),
    ("Hamburg", "DE", 2),
    ("Istanbul", "TR", 2),
    ("Mumbai", "IN", 2),
    ("London", "GB", 2),
    ("Houston", "US", 1),
)
RAIL = frozenset({"Lagos", "Ibadan", "Abeokuta", "Abuja", "Kaduna", "Kano", "Warri"})
# (mode, carriers, base rate per kg in NGN, transit days low/high)
MODES = {
    "road": (34, 70, (1.0, 3.0)),
    "rail": (3, 45, (2.0, 4.0)),
    "sea": (14, 180, (24.0, 40.0)),
    "air": (9, 3000, (1.5, 3.5)),
}
SOURCES = (
    # code, name, share of clients, monthly cost in NGN (0: free)
    ("website", "Website", 16, 250_000),
    ("google_ads", "Google Ads", 14, 2_400_000),
    ("facebook", "Facebook and Instagram", 12, 1_600_000),
    ("referral", "Referral", 14, 0),
    ("exhibition", "Trade fairs", 6, 3_000_000),
    ("telegram_channel", "Telegram channel", 9, 400_000),
    ("partners", "Partner forwarders", 7, 900_000),
    ("cold_calls", "Cold calls", 6, 700_000),
    ("linkedin", "LinkedIn", 5, 1_100_000),
    ("radio", "Radio", 3, 1_800_000),
    ("mailing", "Mailings", 3, 150_000),
)
CARGO = (
    ("general", 45),
    ("pallets", 20),
    ("containers", 8),
    ("perishable", 7),
    ("fragile", 7),
    ("vehicles", 5),
    ("documents", 5),
    ("hazardous", 3),
)
CHANNELS = (("telegram", 60), ("viber", 25), ("webchat", 15))
REASONS = ("too_expensive", "too_slow", "just_checking", "other")
REASON_WEIGHTS = (50, 20, 15, 15)
REASON_WEIGHTS_PRICE_ONLY = (30, 5, 60, 5)
LOGGED = (
    ("contact.quote_follow_up", "call", 30),
    ("contact.new_offer", "call", 20),
    ("contact.payment", "email", 15),
    ("contact.complaint", "call", 5),
    ("contact.other", "message", 15),
    ("contact.new_offer", "meeting", 8),
    ("contact.other", "email", 7),
)
FIRST = (
    "Ade", "Bisi", "Chidi", "Dayo", "Emeka", "Folake", "Gbenga", "Hauwa", "Ife", "Jide",
    "Kemi", "Lola", "Musa", "Ngozi", "Obi", "Paul", "Rukayat", "Segun", "Tunde", "Uche",
    "Victor", "Wale", "Yemi", "Zainab", "Amina", "Kofi", "Ama", "Yaw", "Koffi", "Aïcha",
)  # fmt: skip
LAST = (
    "Adeyemi", "Bello", "Chukwu", "Danjuma", "Eze", "Fashola", "Garba", "Ibrahim", "Johnson",
    "Kalu", "Lawal", "Mensah", "Nwosu", "Okafor", "Oyelaran", "Quaye", "Sani", "Tijani",
    "Usman", "Williams", "Yusuf", "Boateng", "Diallo", "Traoré", "Koné", "Mbeki",
)  # fmt: skip
TRADE = (
    "Trading", "Foods", "Textiles", "Pharma", "Motors", "Agro", "Plastics", "Electronics",
    "Builders", "Cosmetics", "Steel", "Beverages", "Furniture", "Paper", "Energy",
)  # fmt: skip
KEY_EVENTS = frozenset({"delivered", "delayed", "damaged", "lost", "returned"})
REASON_OF_STATE = {"sent": "", "skipped": "no consent", "failed": "blocked"}
CARRIER_WORDS = (
    "Sahel", "Delta", "Niger", "Atlantic", "Savanna", "Gulf", "Harmattan", "Baobab", "Kola",
    "Benue", "Volta", "Lagoon", "Crescent", "Unity", "Eagle", "Royal", "Prime", "Swift",
)  # fmt: skip
CARRIER_KIND = {
    "road": "Haulage",
    "rail": "Rail Freight",
    "sea": "Shipping Line",
    "air": "Air Cargo",
}

# Columns written per table, in the order of the row tuples below.
COLUMNS: dict[str, tuple[str, ...]] = {
    "company": (
        "id", "name", "currency", "timezone", "work_starts", "work_ends", "work_days",
        "quiet_starts", "quiet_ends", "updated_at", "prices_include_vat", "vat_rate",
        "factor_air", "factor_rail", "factor_road", "factor_sea", "reliability_weights",
    ),
    "employee": (
        "id", "name", "role", "login", "language", "is_active", "created_at", "email",
        "head_id", "on_duty", "reminder_time",
    ),
    "carrier": ("id", "name", "phone", "email", "country", "modes", "created_at", "city", "notes"),
    "location": (
        "id", "name", "kind", "country", "population", "names", "transfer_minutes",
        "transfer_cost", "is_active", "created_at",
    ),
    "marketing_source": ("id", "code", "name", "is_active", "created_at"),
    "marketing_cost": ("id", "source", "month", "amount", "note", "updated_at", "created_by_id"),
    "client": (
        "id", "kind", "name", "company_name", "phone", "email", "city", "language", "source",
        "created_at", "updated_at", "manager_id", "notes",
    ),
    "channel_identity": (
        "id", "channel", "external_id", "chat_id", "display_name", "language", "subscribed",
        "created_at", "client_id",
    ),
    "consent_state": ("id", "channel", "purpose", "granted", "updated_at", "client_id"),
    "quote_request": (
        "id", "channel", "origin_text", "destination_text", "cargo_type", "weight_kg",
        "volume_m3", "pieces", "ready_on", "priority", "state", "needs_manager", "taken_at",
        "refusal_reason", "refusal_note", "created_at", "state_changed_at", "client_id",
        "destination_id", "manager_id", "origin_id", "taken_by_id",
    ),
    "quote": (
        "id", "currency", "options", "override_reason", "valid_until", "sent_at",
        "accepted_option", "answered_at", "reminders_sent", "last_reminder_at", "created_at",
        "created_by_id", "request_id",
    ),
    "quote_reminder": (
        "id", "recipient", "channel", "delivered", "created_at", "employee_id", "quote_id",
    ),
    "sales_order": (
        "id", "number", "option", "currency", "price", "vat", "total", "cost", "cancelled_at",
        "created_at", "client_id", "manager_id", "quote_id", "request_id",
    ),
    "shipment": (
        "id", "number", "status", "current_leg", "promised_at", "eta", "last_event_at",
        "delivered_at", "missing_proof", "late_alerted_at", "tracking_token",
        "tracking_expires_at", "created_at", "client_id", "manager_id", "order_id",
    ),
    "shipment_leg": (
        "id", "position", "mode", "origin", "destination", "departs_at", "arrives_at",
        "carrier_id", "destination_location_id", "origin_location_id", "shipment_id", "cost",
        "price",
    ),
    "shipment_event": (
        "id", "leg", "status", "note", "place", "occurred_at", "recorded_at", "source",
        "overridden", "late_minutes", "idempotency_key", "carrier_id", "employee_id",
        "shipment_id",
    ),
    "shipment_document": (
        "id", "kind", "key", "content_type", "size", "name", "recipient_name", "created_at",
        "employee_id", "event_id", "shipment_id",
    ),
    "interaction": (
        "id", "channel", "kind", "subject", "summary", "created_at", "client_id", "employee_id",
        "identity_id", "is_private", "relay_id",
    ),
    "relay_session": (
        "id", "channel", "state", "started_at", "taken_at", "first_reply_at", "closed_at",
        "closed_by", "client_id", "identity_id", "manager_id", "request_id",
    ),
    "task": (
        "id", "kind", "title", "due_at", "created_at", "done_at", "result", "late", "quality",
        "quality_comment", "rated_at", "client_id", "created_by_id", "employee_id",
        "rated_by_id",
    ),
    "staff_reminder": ("id", "kind", "day", "sent_at", "employee_id", "request_id"),
    "mail_segment": ("id", "name", "filters", "created_at", "updated_at", "created_by_id"),
    "mail_template": ("id", "name", "created_at", "updated_at"),
    "mail_campaign": (
        "id", "name", "channels", "link_url", "state", "scheduled_at", "allow_paid_broadcast",
        "paid_budget_stars", "created_at", "started_at", "finished_at", "created_by_id",
        "segment_id", "template_id", "cost",
    ),
    "mail_outbox": (
        "id", "channel", "address", "language", "state", "reason", "provider_id", "attempts",
        "due_at", "sent_at", "delivered_at", "token", "clicks", "first_click_at", "created_at",
        "updated_at", "campaign_id", "client_id",
    ),
}  # fmt: skip


@dataclass(frozen=True, slots=True)
class Sizes:
    clients: int
    requests: int
    orders: int
    interactions: int
    events: int
    tasks: int
    relays: int
    outbox_per_campaign: int

    @classmethod
    def at(cls, scale: float) -> Sizes:
        def n(full: int) -> int:
            return max(10, round(full * scale))

        return cls(
            clients=n(100_000),
            requests=n(1_000_000),
            orders=n(400_000),
            interactions=n(2_000_000),
            events=n(500_000),
            tasks=n(160_000),
            relays=n(60_000),
            outbox_per_campaign=n(4_000),
        )


# -- Where rows go -----------------------------------------------------------------------


def _json(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


class Sink:
    """Buffers rows per table and writes them in batches; converts values per database."""

    def __init__(self) -> None:
        self.rows: dict[str, list[tuple[Any, ...]]] = defaultdict(list)
        self.counts: Counter[str] = Counter()
        self.buffered = 0

    def put(self, table: str, row: tuple[Any, ...]) -> None:
        self.rows[table].append(row)
        self.buffered += 1

    async def flush(self) -> None:
        for table, rows in self.rows.items():
            if rows:
                await self.write(table, rows)
                self.counts[table] += len(rows)
        self.rows = defaultdict(list)
        self.buffered = 0

    async def write(self, table: str, rows: list[tuple[Any, ...]]) -> None:
        raise NotImplementedError

    async def close(self) -> None:
        raise NotImplementedError

    # Values as each database client takes them.
    ts: Callable[[float], Any]
    money: Callable[[int], Any]  # from cents
    kilos: Callable[[int], Any]  # from grams (three decimals)
    flag: Callable[[bool], Any]
    js: Callable[[Any], Any]
    day: Callable[[dt.date], Any]


def _pg_ts(moment: float) -> dt.datetime:
    return dt.datetime.fromtimestamp(moment, dt.UTC)


class PostgresSink(Sink):
    ts = staticmethod(_pg_ts)
    money = staticmethod(lambda cents: Decimal(cents).scaleb(-2))
    kilos = staticmethod(lambda grams: Decimal(grams).scaleb(-3))
    flag = staticmethod(bool)
    js = staticmethod(_json)
    day = staticmethod(lambda value: value)

    def __init__(self, url: str) -> None:
        super().__init__()
        # Tortoise's own URL parameters (statement_cache_size…) are not asyncpg's.
        self.url = url.replace("postgres://", "postgresql://", 1).split("?", 1)[0]

    async def open(self) -> None:
        import asyncpg

        self.conn = await asyncpg.connect(self.url)
        # The rows are consistent by construction; skipping the foreign-key triggers makes
        # COPY several times faster.
        await self.conn.execute("SET session_replication_role = replica")

    async def write(self, table: str, rows: list[tuple[Any, ...]]) -> None:
        await self.conn.copy_records_to_table(table, records=rows, columns=COLUMNS[table])

    async def close(self) -> None:
        for table in self.counts:
            await self.conn.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608
                f"(SELECT COALESCE(MAX(id), 0) + 1 FROM {table}), false)"
            )
        await self.conn.execute("SET session_replication_role = DEFAULT")
        # What autovacuum would do soon after such a load: statistics and the visibility map.
        await self.conn.execute("VACUUM (ANALYZE)")
        await self.conn.close()


def _sqlite_ts(moment: float) -> str:
    return dt.datetime.fromtimestamp(moment, dt.UTC).isoformat(" ")


def _decimal_text(places: int) -> Callable[[int], str]:
    unit = 10**places

    def text(value: int) -> str:
        return f"{value // unit}.{value % unit:0{places}d}"

    return text


MONEY_TEXT = _decimal_text(2)


class SqliteSink(Sink):
    ts = staticmethod(_sqlite_ts)
    money = staticmethod(_decimal_text(2))
    kilos = staticmethod(_decimal_text(3))
    flag = staticmethod(int)
    js = staticmethod(_json)
    day = staticmethod(lambda value: value.isoformat())

    def __init__(self, url: str) -> None:
        super().__init__()
        self.path = url.removeprefix("sqlite://").split("?", 1)[0]

    async def open(self) -> None:
        self.db = sqlite3.connect(self.path, isolation_level=None)
        self.db.execute("PRAGMA synchronous = OFF")
        self.db.execute("PRAGMA cache_size = -512000")
        self.db.execute("BEGIN")

    async def write(self, table: str, rows: list[tuple[Any, ...]]) -> None:
        columns = COLUMNS[table]
        names = ", ".join(f'"{c}"' for c in columns)
        marks = ", ".join("?" * len(columns))
        insert = f'INSERT INTO "{table}" ({names}) VALUES ({marks})'  # noqa: S608
        self.db.executemany(insert, rows)

    async def flush(self) -> None:
        await super().flush()
        self.db.execute("COMMIT")
        self.db.execute("BEGIN")

    async def close(self) -> None:
        self.db.execute("COMMIT")
        self.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        self.db.close()


def sink_for(url: str) -> Sink:
    if url.startswith("sqlite://"):
        return SqliteSink(url)
    if url.startswith(("postgres://", "postgresql://")):
        return PostgresSink(url)
    raise SystemExit(f"not a database URL this bench knows: {url}")


# -- The company ---------------------------------------------------------------------------


class Picker:
    """A weighted choice by bisection over cumulative weights."""

    __slots__ = ("cum", "items", "total")

    def __init__(self, items: Sequence[Any], weights: Sequence[float]) -> None:
        self.items = list(items)
        self.cum = list(accumulate(weights))
        self.total = self.cum[-1]

    def __call__(self, rng: random.Random) -> Any:
        return self.items[
            min(bisect_right(self.cum, rng.random() * self.total), len(self.cum) - 1)
        ]


@dataclass(slots=True)
class Leg:
    mode: str
    origin: int  # location ids
    destination: int
    days: float
    rate: float  # NGN per kg


class Generator:
    def __init__(self, sink: Sink, sizes: Sizes, seed: int = SEED) -> None:
        self.sink = sink
        self.n = sizes
        self.rng = random.Random(seed)
        self.ids: Counter[str] = Counter()

    def next_id(self, table: str) -> int:
        self.ids[table] += 1
        return self.ids[table]

    def daytime(self, moment: float) -> float:
        """Most work happens between 08:00 and 18:00 in Lagos (07:00–17:00 UTC)."""
        if self.rng.random() < 0.8:
            return moment - moment % DAY + 7 * HOUR + self.rng.random() * 10 * HOUR
        return moment

    def lognormal(self, median: float, sigma: float) -> float:
        return self.rng.lognormvariate(math.log(median), sigma)

    # The fixed parts: people, places, carriers, sources ---------------------------------

    def staff(self) -> None:
        s, ts, flag = self.sink, self.sink.ts, self.sink.flag
        hired = ts(T0 - 400 * DAY)

        def person(name: str, role: str, head: int | None = None, login: str | None = None):
            eid = self.next_id("employee")
            email = f"{name.lower().replace(' ', '.')}@ona.example"
            s.put(
                "employee",
                (
                    eid,
                    name,
                    role,
                    login,
                    "en",
                    flag(True),
                    hired,
                    email,
                    head,
                    flag(True),
                    "09:00",
                ),
            )
            return eid

        rng = self.rng
        self.admin = person("Ada Admin", "admin", login="admin")
        self.director = person("Dapo Director", "director", login="director")
        self.heads = [person(f"{rng.choice(FIRST)} {LAST[i]}", "head_of_sales") for i in range(4)]
        self.managers = []
        for i in range(40):
            name = f"{FIRST[i % len(FIRST)]} {LAST[(i * 7 + 3) % len(LAST)]}"
            self.managers.append(person(name, "manager", head=self.heads[i // 10]))
        self.marketers = [person(f"{rng.choice(FIRST)} Marketer {i}", "marketer") for i in (1, 2)]
        self.dispatchers = [
            person(f"{rng.choice(FIRST)} Dispatch {i}", "dispatcher") for i in range(5)
        ]
        person("Ama Accounts", "accountant")
        # Managers differ: how much of the work goes to each, and how fast they are.
        self.manager_pick = Picker(
            self.managers, [self.lognormal(1.0, 0.5) for _ in self.managers]
        )
        self.speed = {m: self.lognormal(1.0, 0.45) for m in self.managers}
        self.head_of = {m: self.heads[i // 10] for i, m in enumerate(self.managers)}

    def company(self) -> None:
        s = self.sink
        s.put(
            "company",
            (1, "Ona Logistics", "NGN", ZONE, "08:00", "18:00", s.js([0, 1, 2, 3, 4]),
             "21:00", "08:00", s.ts(T0), s.flag(False), s.kilos(75), s.kilos(167_000),
             s.kilos(333_000), s.kilos(333_000), s.kilos(1_000_000), s.js({})),
        )  # fmt: skip
        for code, name, _share, _cost in SOURCES:
            s.put(
                "marketing_source",
                (self.next_id("marketing_source"), code, name, s.flag(True), s.ts(T0 - 300 * DAY)),
            )
        month = START.date()
        while month < END.date():
            for code, _name, _share, cost in SOURCES:
                if cost:
                    amount = round(cost * (0.8 + 0.4 * self.rng.random())) * 100
                    entered = dt.datetime.combine(month, dt.time(10), dt.UTC).timestamp()
                    s.put(
                        "marketing_cost",
                        (self.next_id("marketing_cost"), code, s.day(month), s.money(amount),
                         "", s.ts(entered + 3 * DAY), self.marketers[0]),
                    )  # fmt: skip
            month = (month + dt.timedelta(days=32)).replace(day=1)

    def places(self) -> None:
        s, rng = self.sink, self.rng
        self.location: dict[str, int] = {}
        self.location_name: dict[int, str] = {}
        created = s.ts(T0 - 500 * DAY)

        def place(name: str, country: str, kind: str, population: int) -> None:
            lid = self.next_id("location")
            self.location[name] = lid
            self.location_name[lid] = name
            s.put(
                "location",
                (lid, name, kind, country, population, s.js([]), 240 if kind != "city" else 0,
                 s.money(2_500_000 if kind != "city" else 0), s.flag(True), created),
            )  # fmt: skip

        for name, country, weight, *_ in CITIES:
            place(name, country, "city", weight * 400_000)
        for name, country, kind in GATEWAYS:
            place(name, country, kind, 0)
        for name, country, weight in OVERSEAS:
            place(name, country, "city", weight * 2_000_000)

        # Carriers per mode, a few big ones doing most of the work, each with its own
        # lateness and care.
        self.carriers: dict[str, Picker] = {}
        self.lateness: dict[int, float] = {}
        self.damage: dict[int, float] = {}
        for mode, (count, _rate, _days) in MODES.items():
            ids = []
            for k in range(count):
                cid = self.next_id("carrier")
                word = CARRIER_WORDS[(cid * 5) % len(CARRIER_WORDS)]
                name = f"{word} {CARRIER_KIND[mode]} {cid}"
                abroad = mode in ("sea", "air") and not k % 3
                country = rng.choice(["CN", "AE", "NL"]) if abroad else "NG"
                s.put(
                    "carrier",
                    (cid, name, f"+234700{cid:06d}", f"ops@carrier{cid}.example", country,
                     s.js([mode]), s.ts(T0 - 600 * DAY), None, ""),
                )  # fmt: skip
                ids.append(cid)
                self.lateness[cid] = 0.05 + 0.35 * rng.random() ** 2
                self.damage[cid] = 0.002 + 0.02 * rng.random() ** 3
            self.carriers[mode] = Picker(ids, [1 / (k + 1) ** 0.8 for k in range(count)])

        # Directions and the legs each takes; a direction may be served more than one way.
        loc = self.location
        pairs, weights, self.routes = [], [], {}
        wa = [(name, country, weight, port, air) for name, country, weight, port, air in CITIES]

        def leg(mode: str, a: str, b: str, factor: float = 1.0) -> Leg:
            _count, rate, (low, high) = MODES[mode]
            days = (low + (high - low) * rng.random()) * factor
            return Leg(mode, loc[a], loc[b], days, rate * factor * (0.8 + 0.4 * rng.random()))

        for a, ca, wa_, port_a, air_a in wa:
            for b, cb, wb, _port_b, air_b in wa:
                if a == b:
                    continue
                if ca == cb:
                    ways = [(1.0, [leg("road", a, b)])]
                    if a in RAIL and b in RAIL:
                        ways.append((0.35, [leg("rail", a, b)]))
                    pairs.append((a, b))
                    weights.append(wa_ * wb * 4)
                else:
                    ways = [(1.0, [leg("road", a, b, 2.2)])]
                    if rng.random() < 0.3:
                        ways.append((0.15, [leg("road", a, air_a, 0.3), leg("air", air_a, air_b)]))
                    pairs.append((a, b))
                    weights.append(wa_ * wb * 0.6)
                self.routes[(loc[a], loc[b])] = Picker(
                    [w for _p, w in ways], [p for p, _w in ways]
                )
            for o, _co, wo in OVERSEAS:
                imports = [(0.7, [leg("sea", o, port_a), leg("road", port_a, a, 0.5)])]
                imports.append((0.3, [leg("air", o, air_a), leg("road", air_a, a, 0.3)]))
                if port_a == "Apapa Port" and a in RAIL and a != "Lagos":
                    imports.append((0.2, [leg("sea", o, port_a), leg("rail", port_a, a)]))
                self.routes[(loc[o], loc[a])] = Picker(
                    [w for _p, w in imports], [p for p, _w in imports]
                )
                pairs.append((o, a))
                weights.append(wo * wa_ * 1.5)
                exports = [(0.75, [leg("road", a, port_a, 0.5), leg("sea", port_a, o)])]
                exports.append((0.25, [leg("road", a, air_a, 0.3), leg("air", air_a, o)]))
                self.routes[(loc[a], loc[o])] = Picker(
                    [w for _p, w in exports], [p for p, _w in exports]
                )
                pairs.append((a, o))
                weights.append(wo * wa_ * 0.4)
        self.direction = Picker([(loc[a], loc[b]) for a, b in pairs], weights)
        self.cargo = Picker([c for c, _w in CARGO], [w for _c, w in CARGO])
        self.logged = Picker([(s_, k) for s_, k, _w in LOGGED], [w for _s, _k, w in LOGGED])

    # Clients -----------------------------------------------------------------------------

    def clients(self) -> None:
        s, rng, n = self.sink, self.rng, self.n.clients
        ts, flag = s.ts, s.flag
        # A third were clients before the period the data covers, the rest came since.
        before = round(n * 0.3)
        created = sorted(
            [T0 - rng.random() * 3 * 365 * DAY for _ in range(before)]
            + [self.daytime(T0 + rng.random() * SPAN) for _ in range(n - before)]
        )
        self.client_created = created
        weights, self.client_manager, self.price_only, self.churn = [], [], [], []
        self.client_channel: list[str] = []
        source = Picker([c for c, *_ in SOURCES], [share for _c, _n, share, _cost in SOURCES])
        channel = Picker([c for c, _w in CHANNELS], [w for _c, w in CHANNELS])
        cities = Picker([c[0] for c in CITIES], [c[2] for c in CITIES])
        for i, at in enumerate(created):
            cid = i + 1
            weight = min(rng.paretovariate(1.4), 300.0)
            only_prices = rng.random() < 0.25
            self.price_only.append(only_prices)
            weights.append(weight * (0.5 if only_prices else 1.0))
            self.churn.append(
                at + rng.random() * (T1 + DAY - at) if rng.random() < 0.2 else T1 + DAY
            )
            manager = self.manager_pick(rng) if rng.random() < 0.93 else None
            self.client_manager.append(manager)
            legal = rng.random() < 0.6
            first, last = rng.choice(FIRST), rng.choice(LAST)
            company = f"{last} {rng.choice(TRADE)} Ltd" if legal else None
            language = "en" if rng.random() < 0.85 else rng.choice(("yo", "ru"))
            src = source(rng) if rng.random() < 0.95 else None
            s.put(
                "client",
                (cid, "legal_entity" if legal else "individual", f"{first} {last}", company,
                 f"+23480{cid:08d}", f"client{cid}@mail.example", cities(rng), language, src,
                 ts(at), ts(at + rng.random() * 30 * DAY), manager, ""),
            )  # fmt: skip
            # One messenger account per client, with the consent it gave.
            ch = channel(rng)
            self.client_channel.append(ch)
            external = (
                str(300_000_000 + cid)
                if ch == "telegram"
                else f"v{cid:09d}=="
                if ch == "viber"
                else f"w-{rng.getrandbits(64):016x}"
            )
            chat = None if ch == "webchat" else 300_000_000 + cid
            s.put(
                "channel_identity",
                (cid, ch, external, chat, f"{first} {last}", language, flag(True), ts(at), cid),
            )
            s.put(
                "consent_state",
                (cid, ch, "messages", flag(rng.random() < 0.85), ts(at + 60), cid),
            )
        self.client_cum = list(accumulate(weights))

    def client_at(self, moment: float) -> int:
        """A client who exists at `moment` and still comes back, weighted by size."""
        k = bisect_right(self.client_created, moment)
        if k == 0:
            return 0
        total = self.client_cum[k - 1]
        for _ in range(4):
            i = min(bisect_right(self.client_cum, self.rng.random() * total), k - 1)
            if self.churn[i] > moment:
                return i
        return i

    # The timeline --------------------------------------------------------------------------

    def timeline(self) -> Iterator[None]:
        """Requests in time order, with what follows each; chats, tasks and logged contacts
        interleaved at their own times so row ids grow with time as in a real database."""
        rng, n = self.rng, self.n
        count = n.requests
        times = sorted(self.daytime(T0 + rng.random() * SPAN) for _ in range(count))
        # Decided up front: who asks, which requests get a quote, and exactly which of those
        # become orders (clients who only ask for prices never order).
        who = [self.client_at(t) for t in times]
        quoted = [rng.random() < 0.85 for _ in range(count)]
        eligible = [
            i
            for i in range(count)
            if quoted[i] and not self.price_only[who[i]] and times[i] < T1 - 2 * DAY
        ]
        ordered = bytearray(count)
        for i in rng.sample(eligible, min(n.orders, len(eligible))):
            ordered[i] = 1
        self.shipments_done = 0
        self.events_written = 0
        self.interactions_written = 0

        relays = sorted(self.daytime(T0 + rng.random() * SPAN) for _ in range(n.relays))
        tasks = sorted(self.daytime(T0 + rng.random() * SPAN) for _ in range(n.tasks))
        campaigns = [dt.datetime.combine(d, dt.time(9), dt.UTC).timestamp() for d in self.months()]
        r = k = c = 0
        for i, t in enumerate(times):
            while r < len(relays) and relays[r] <= t:
                self.relay(relays[r])
                r += 1
            while k < len(tasks) and tasks[k] <= t:
                self.task(tasks[k])
                k += 1
            while c < len(campaigns) and campaigns[c] <= t:
                self.campaign(c + 1, campaigns[c])
                c += 1
            self.request(i + 1, t, who[i], quoted[i], bool(ordered[i]))
            # Contacts managers log by hand fill the dossier up to its share at this point.
            due = n.interactions * (i + 1) // count
            while self.interactions_written < due:
                self.logged_contact(t + rng.random() * HOUR)
            if self.sink.buffered >= 50_000:
                yield
        for moment in relays[r:]:
            self.relay(moment)
        for moment in tasks[k:]:
            self.task(moment)
        for number in range(c, len(campaigns)):
            self.campaign(number + 1, campaigns[number])

    @staticmethod
    def months() -> list[dt.date]:
        months, month = [], START.date().replace(day=15)
        while month < END.date():
            months.append(month)
            month = (month + dt.timedelta(days=31)).replace(day=15)
        return months

    def interaction(
        self,
        moment: float,
        client: int,
        subject: str,
        summary: str,
        *,
        kind: str = "message",
        channel: str | None = None,
        employee: int | None = None,
        identity: int | None = None,
        private: bool = False,
        relay: int | None = None,
    ) -> None:
        s = self.sink
        self.interactions_written += 1
        s.put(
            "interaction",
            (self.next_id("interaction"), channel, kind, subject, summary, s.ts(moment),
             client + 1, employee, identity, s.flag(private), relay),
        )  # fmt: skip

    def logged_contact(self, moment: float) -> None:
        rng = self.rng
        client = self.client_at(moment)
        subject, kind = self.logged(rng)
        manager = self.client_manager[client] or self.manager_pick(rng)
        channel = self.client_channel[client] if kind == "message" else None
        self.interaction(
            moment,
            client,
            subject,
            "Talked about the next shipment and the rates."
            if kind == "call"
            else "Sent the details.",
            kind=kind,
            channel=channel,
            employee=manager,
            private=rng.random() < 0.08,
        )

    def request(self, rid: int, t: float, client: int, quoted: bool, ordered: bool) -> None:
        s, rng = self.sink, self.rng
        ts, flag = s.ts, s.flag
        cid = client + 1
        owner = self.client_manager[client]
        channel = self.client_channel[client] if rng.random() < 0.85 else None
        identity = cid if channel else None
        origin, destination = self.direction(rng)
        legs: list[Leg] = self.routes[(origin, destination)](rng)
        grams = int(min(max(self.lognormal(600, 1.2), 1.0), 40_000.0) * 1000)
        if legs[0].mode == "air" or (len(legs) > 1 and legs[1].mode == "air"):
            grams = max(grams // 20, 500)
        kg = grams / 1000
        cargo = self.cargo(rng)
        needs = rng.random() < 0.35
        taken_by = taken_at = None
        if needs or rng.random() < 0.3:
            taken_by = owner or self.manager_pick(rng)
            taken_at = t + self.lognormal(25 * MINUTE, 1.1) * self.speed[taken_by]
        handler = taken_by or owner
        unknown = rng.random() < 0.03
        state, changed, reason = "new", t, None

        self.interaction(
            t, client, "quote.requested",
            f"{self.location_name[origin]} → {self.location_name[destination]}, {kg:g} kg",
            channel=channel, identity=identity,
            kind="message" if channel else "system",
        )  # fmt: skip
        if rng.random() < 0.04 and handler:
            s.put(
                "staff_reminder",
                (self.next_id("staff_reminder"), "stale_request", None, ts(t + 4 * HOUR),
                 handler, rid),
            )  # fmt: skip

        quotes: list[tuple[int, float]] = []
        option = None
        if quoted:
            manual = taken_by is not None
            if manual:
                first_sent = taken_at + self.lognormal(90 * MINUTE, 1.0) * self.speed[taken_by]
            else:
                first_sent = t + 5 + rng.random() * 60
            option, price, cost = self.option(legs, kg, first_sent)
            quotes.append((self.next_id("quote"), first_sent))
            if manual and rng.random() < 0.1:
                quotes.append((self.next_id("quote"), first_sent + self.lognormal(DAY, 0.7)))
            sent = quotes[-1][1]
            quote_by = taken_by if manual else None

            if ordered:
                at = min(sent + self.lognormal(6 * HOUR, 1.2), sent + 6 * DAY, T1 - 60)
                state, changed, number = self.order(
                    rid, cid, handler, quotes[-1][0], at, option, price, cost
                )
                answered, accepted = at, 0
                self.interaction(
                    at, client, "quote.accepted", number,
                    channel=channel, identity=identity, kind="message" if channel else "system",
                )  # fmt: skip
            else:
                accepted = None
                refuse = rng.random() < (0.6 if self.price_only[client] else 0.45)
                answered = sent + self.lognormal(DAY, 1.0) if refuse else None
                if answered is not None and answered < min(sent + 7 * DAY, T1):
                    weights = (
                        REASON_WEIGHTS_PRICE_ONLY if self.price_only[client] else REASON_WEIGHTS
                    )
                    reason = rng.choices(REASONS, weights)[0]
                    state, changed = "refused", answered
                    self.interaction(
                        answered, client, "quote.declined", reason, channel=channel,
                        identity=identity, kind="message" if channel else "system",
                    )  # fmt: skip
                elif sent + 7 * DAY < T1:
                    answered = None
                    state, changed = "expired", sent + 7 * DAY
                else:
                    answered = None
                    state, changed = "quoted", sent
            options = s.js([option])
            for number, (qid, at) in enumerate(quotes):
                last = number == len(quotes) - 1
                reminders, reminded = 0, None
                answer = answered if last else None
                unanswered = answer is None or answer > at + 2 * DAY
                if unanswered and at + 2 * DAY < T1 and rng.random() < 0.6:
                    reminders, reminded = 1, at + 2 * DAY
                    s.put(
                        "quote_reminder",
                        (self.next_id("quote_reminder"), "client", channel,
                         flag(rng.random() < 0.92), ts(reminded), None, qid),
                    )  # fmt: skip
                    if handler and rng.random() < 0.3:
                        s.put(
                            "quote_reminder",
                            (self.next_id("quote_reminder"), "manager", "telegram", flag(True),
                             ts(reminded + 60), handler, qid),
                        )  # fmt: skip
                s.put(
                    "quote",
                    (qid, "NGN", options, "", ts(at + 7 * DAY), ts(at),
                     accepted if last else None, ts(answer) if answer else None, reminders,
                     ts(reminded) if reminded else None, ts(at), quote_by, rid),
                )  # fmt: skip
        elif t + 3 * DAY < T1:
            if rng.random() < 0.8:
                state, changed = "expired", t + 7 * DAY
            else:
                state, changed, reason = "refused", t + self.lognormal(DAY, 1.0), "other"
        if changed >= T1:
            state, changed = "new", t
        if state == "refused" and reason is None:
            reason = "too_expensive"  # an order cancelled after it was placed

        s.put(
            "quote_request",
            (rid, channel,
             "" if unknown else self.location_name[origin],
             self.location_name[destination],
             cargo, s.kilos(grams), s.kilos(max(grams // 250, 1)), max(1, grams // 200_000),
             s.day(dt.datetime.fromtimestamp(t + 2 * DAY, dt.UTC).date()),
             rng.choice((2, 3, 3, 3, 4)), state, flag(needs),
             ts(taken_at) if taken_at else None, reason,
             "Found a cheaper offer." if reason == "too_expensive" else "",
             ts(t), ts(changed), cid, destination, owner, None if unknown else origin, taken_by),
        )  # fmt: skip

    def option(self, legs: list[Leg], kg: float, sent: float) -> tuple[dict[str, Any], int, int]:
        """The frozen option a quote offers (as core/services/quote_requests.freeze_option
        writes it), with its price and cost in cents."""
        rng = self.rng
        money = MONEY_TEXT
        departure = sent - sent % HOUR + (24 + rng.random() * 48) * HOUR
        at = departure
        frozen, price, cost = [], 0, 0
        for leg in legs:
            carrier = self.carriers[leg.mode](rng)
            leg_price = max(int(kg * leg.rate * (0.9 + 0.2 * rng.random()) * 100), 1_500_000)
            leg_cost = int(leg_price * (0.68 + 0.2 * rng.random()))
            arrival = at + leg.days * DAY
            frozen.append(
                {
                    "lane_id": None,
                    "mode": leg.mode,
                    "carrier_id": carrier,
                    "origin_id": leg.origin,
                    "destination_id": leg.destination,
                    "origin": self.location_name[leg.origin],
                    "destination": self.location_name[leg.destination],
                    "departure": _pg_ts(at).isoformat(),
                    "arrival": _pg_ts(arrival).isoformat(),
                    "price": money(leg_price),
                    "cost": money(leg_cost),
                }
            )
            price += leg_price
            cost += leg_cost
            at = arrival + 12 * HOUR
        vat = price * 75 // 1000
        option = {
            "legs": frozen,
            "departure": _pg_ts(departure).isoformat(),
            "arrival": frozen[-1]["arrival"],
            "transfers": len(legs) - 1,
            "price": money(price),
            "vat": money(vat),
            "total": money(price + vat),
            "cost": money(cost),
            "margin": money(price - cost),
        }
        return option, price, cost

    def order(
        self,
        rid: int,
        cid: int,
        manager: int | None,
        quote: int,
        at: float,
        option: dict[str, Any],
        price: int,
        cost: int,
    ) -> tuple[str, float, str]:
        """The order, its shipment, legs, events and proof; returns the request's state."""
        s, rng = self.sink, self.rng
        ts, flag, money = s.ts, s.flag, s.money
        oid = self.next_id("sales_order")
        number = f"ON-{dt.datetime.fromtimestamp(at, dt.UTC):%y}-{oid:06d}"
        cost_known = rng.random() > 0.03
        cancelled = at + self.lognormal(DAY, 0.8) if rng.random() < 0.02 else None
        if cancelled is not None and cancelled >= T1:
            cancelled = None
        vat = price * 75 // 1000
        s.put(
            "sales_order",
            (oid, number, s.js(option), "NGN", money(price), money(vat), money(price + vat),
             money(cost) if cost_known else None, ts(cancelled) if cancelled else None, ts(at),
             cid, manager, quote, rid),
        )  # fmt: skip

        # The shipment: planned times are the option's; what happened is drawn per carrier.
        sid = oid
        planned = [
            (
                dt.datetime.fromisoformat(leg["departure"]).timestamp(),
                dt.datetime.fromisoformat(leg["arrival"]).timestamp(),
            )
            for leg in option["legs"]
        ]
        carriers = [leg["carrier_id"] for leg in option["legs"]]
        for position, leg in enumerate(option["legs"]):
            s.put(
                "shipment_leg",
                (self.next_id("shipment_leg"), position, leg["mode"], leg["origin"],
                 leg["destination"], ts(planned[position][0]), ts(planned[position][1]),
                 carriers[position], leg["destination_id"], leg["origin_id"], sid,
                 s.money(int(Decimal(leg["cost"]) * 100)) if cost_known else None,
                 s.money(int(Decimal(leg["price"]) * 100))),
            )  # fmt: skip
        promised = planned[-1][1]
        events: list[tuple[float, str, int, int]] = []  # (moment, status, leg, late minutes)
        delay = 0.0
        self.shipments_done += 1
        if cancelled is None:
            late_chance = sum(self.lateness[c] for c in carriers) / len(carriers)
            pickup = planned[0][0] + rng.random() * 4 * HOUR
            events.append((pickup, "picked_up", 0, 0))
            for position, (departs, arrives) in enumerate(planned):
                if rng.random() < late_chance:
                    slip = self.lognormal(10 * HOUR, 1.1)
                else:
                    slip = -rng.random() * 6 * HOUR
                delay = max(delay, 0.0) + slip
                start = max(departs, pickup) + max(delay, 0.0) * 0.3
                events.append((start, "in_transit", position, max(0, int(delay * 0.3 / 60))))
                if slip > 6 * HOUR and rng.random() < 0.5:
                    halfway = start + (arrives - departs) / 2
                    events.append((halfway, "delayed", position, int(delay / 60)))
                if rng.random() < self.damage[carriers[position]]:
                    events.append((start + (arrives - departs) * 0.6, "damaged", position, 0))
                if position < len(planned) - 1:
                    late = max(0, int(delay / 60))
                    events.append((arrives + delay, "at_terminal", position, late))
            last = len(planned) - 1
            done = promised + delay
            ending = rng.random()
            if ending < 0.003:
                final = (done, "lost", last, int(max(delay, 0) / 60))
            elif ending < 0.006:
                final = (done, "returned", last, int(max(delay, 0) / 60))
            else:
                late = max(0, int((delay - 4 * HOUR) / 60))
                events.append((done - 4 * HOUR, "out_for_delivery", last, late))
                final = (done, "delivered", last, max(0, int(delay / 60)))
            events.append(final)
            events = [e for e in events if e[0] < T1]
            events.sort()
            # Every delivery and exception is on record; step-by-step histories are kept for as
            # many shipments as the events budget allows.
            due = self.n.events * self.shipments_done // self.n.orders
            key = [e for e in events if e[1] in KEY_EVENTS]
            if self.events_written + len(key) >= due:
                events = key

        status, delivered, last_at = "booked", None, None
        current = 0
        for moment, what, position, _late in events:
            if what in ("in_transit", "at_terminal"):
                current = max(current, position + (what == "at_terminal"))
            status, last_at = what, moment
            if what == "delivered":
                delivered = moment
        current = min(current, len(planned) - 1)
        missing = delivered is not None and rng.random() < 0.07
        finished = status in ("delivered", "lost", "returned")
        late_alert = promised + 6 * HOUR if delay > 6 * HOUR and promised + 6 * HOUR < T1 else None
        s.put(
            "shipment",
            (sid, number, status, current, ts(promised),
             ts(delivered if delivered else promised + max(delay, 0.0)),
             ts(last_at) if last_at else None, ts(delivered) if delivered else None,
             flag(missing), ts(late_alert) if late_alert else None,
             f"{rng.getrandbits(192):048x}", ts(last_at + 30 * DAY) if finished else None,
             ts(at), cid, manager, oid),
        )  # fmt: skip
        delivered_event = None
        for moment, what, position, late in events:
            eid = self.next_id("shipment_event")
            source = rng.choice(("carrier", "carrier", "api", "import", "staff"))
            staff = source == "staff"
            s.put(
                "shipment_event",
                (eid, position, what, "Cargo damaged in handling." if what == "damaged" else "",
                 self.location_name[option["legs"][position]["destination_id"]],
                 ts(moment), ts(moment + rng.random() * 2 * HOUR), source, flag(False), late,
                 f"{source}-{eid}" if source in ("api", "import") else None,
                 None if staff else carriers[position],
                 rng.choice(self.dispatchers) if staff else None, sid),
            )  # fmt: skip
            if what == "delivered":
                delivered_event = eid
        self.events_written += len(events)
        if delivered is not None and not missing:
            s.put(
                "shipment_document",
                (self.next_id("shipment_document"), "proof", f"proof/{sid}/{delivered_event}.jpg",
                 "image/jpeg", 180_000 + rng.randrange(400_000), "delivery-note.jpg",
                 f"{rng.choice(FIRST)} {rng.choice(LAST)}", ts(delivered + 600), None,
                 delivered_event, sid),
            )  # fmt: skip

        if cancelled is not None:
            return "refused", cancelled, number
        if delivered is not None:
            return "delivered", delivered, number
        if events:
            return "in_transit", events[0][0], number
        return "ordered", at, number

    def relay(self, moment: float) -> None:
        s, rng = self.sink, self.rng
        ts = s.ts
        rid = self.next_id("relay_session")
        client = self.client_at(moment)
        manager = self.client_manager[client] or self.manager_pick(rng)
        speed = self.speed[manager]
        taken = moment + self.lognormal(3 * MINUTE, 1.0) * speed
        reply = taken + self.lognormal(2 * MINUTE, 1.0) * speed if rng.random() < 0.92 else None
        closed = (reply or taken) + self.lognormal(25 * MINUTE, 0.8)
        channel = self.client_channel[client]
        s.put(
            "relay_session",
            (rid, channel, "closed", ts(moment), ts(taken), ts(reply) if reply else None,
             ts(closed), "manager", client + 1, client + 1, manager, None),
        )  # fmt: skip
        self.interaction(
            moment, client, "relay.client_message", "Hello, where is my cargo?",
            channel=channel, identity=client + 1, relay=rid,
        )  # fmt: skip
        if reply is not None:
            self.interaction(
                reply, client, "relay.manager_reply", "It left the terminal this morning.",
                channel=channel, employee=manager, relay=rid,
            )  # fmt: skip

    def task(self, due: float) -> None:
        s, rng = self.sink, self.rng
        ts, flag = s.ts, s.flag
        employee = self.manager_pick(rng)
        head = self.head_of[employee]
        created = due - rng.random() * 7 * DAY
        done = late = quality = rated = None
        if due < T1 and rng.random() < 0.85:
            if rng.random() < 0.2 * self.speed[employee]:
                done = due + self.lognormal(5 * HOUR, 1.0)
            else:
                done = due - rng.random() * 20 * HOUR
            if done >= T1:
                done = None
        if done is not None:
            late = done > due
            if rng.random() < 0.6:
                quality = rng.choices((1, 2, 3, 4, 5), (3, 7, 20, 40, 30))[0]
                rated = done + rng.random() * DAY
        client = self.client_at(created) + 1 if rng.random() < 0.6 else None
        kind = rng.choice(("call", "call", "meeting", "offer", "payment", "other"))
        s.put(
            "task",
            (self.next_id("task"), kind, f"{kind.title()} about the next shipments", ts(due),
             ts(created), ts(done) if done else None, "Done." if done else "",
             flag(bool(late)), quality, "", ts(rated) if rated else None, client, head,
             employee, head if quality else None),
        )  # fmt: skip

    def campaign(self, number: int, moment: float) -> None:
        s, rng = self.sink, self.rng
        ts = s.ts
        if number == 1:
            segment = (1, "All clients who agreed", s.js({}), ts(T0), ts(T0), self.marketers[0])
            s.put("mail_segment", segment)
            s.put("mail_template", (1, "Monthly rates", ts(T0), ts(T0)))
        finished = moment + 2 * DAY
        s.put(
            "mail_campaign",
            (number, f"Rates for {dt.datetime.fromtimestamp(moment, dt.UTC):%B %Y}",
             s.js(["telegram", "viber", "email"]), "https://ona.example/rates", "done",
             ts(moment), s.flag(False), 0, ts(moment - 3 * DAY), ts(moment),
             ts(finished) if finished < T1 else None, self.marketers[number % 2], 1, 1,
             s.money(rng.randrange(50_000, 400_000) * 100)),
        )  # fmt: skip
        known = bisect_right(self.client_created, moment)
        for client in rng.sample(range(known), min(self.n.outbox_per_campaign, known)):
            channel = self.client_channel[client]
            channel = "email" if channel == "webchat" else channel
            roll = rng.random()
            state = "sent" if roll < 0.85 else "failed" if roll < 0.9 else "skipped"
            sent = moment + rng.random() * DAY if state == "sent" else None
            clicked = sent + rng.random() * DAY if sent and rng.random() < 0.06 else None
            s.put(
                "mail_outbox",
                (self.next_id("mail_outbox"), channel, f"client{client + 1}@mail.example",
                 "en", state, REASON_OF_STATE[state],
                 "", 1, ts(moment), ts(sent) if sent else None, ts(sent + 5) if sent else None,
                 f"{rng.getrandbits(128):032x}", 1 if clicked else 0,
                 ts(clicked) if clicked else None, ts(moment), ts(sent or moment), number,
                 client + 1),
            )  # fmt: skip

    def daily_reminders(self) -> None:
        s = self.sink
        day = START.date()
        while day < END.date():
            if day.weekday() < 5:
                at = dt.datetime.combine(day, dt.time(8), dt.UTC).timestamp()
                for manager in self.managers:
                    s.put(
                        "staff_reminder",
                        (self.next_id("staff_reminder"), "tasks_due", s.day(day), s.ts(at),
                         manager, None),
                    )  # fmt: skip
            day += dt.timedelta(days=1)


async def generate(url: str, scale: float = 1.0, seed: int = SEED, log=print) -> Counter[str]:
    """Fill the migrated, empty database at `url`; returns the rows written per table."""
    sizes = Sizes.at(scale)
    sink = sink_for(url)
    await sink.open()
    started = time.perf_counter()
    gen = Generator(sink, sizes, seed)
    gen.staff()
    gen.company()
    gen.places()
    gen.clients()
    gen.daily_reminders()
    await sink.flush()
    for step, _ in enumerate(gen.timeline(), 1):
        await sink.flush()
        if step % 20 == 0:
            done = sink.counts["quote_request"]
            log(
                f"  {done:>9} of {sizes.requests} requests, {time.perf_counter() - started:6.0f} s"
            )
    await sink.flush()
    log(f"  written in {time.perf_counter() - started:.0f} s; finishing (indexes, statistics)")
    await sink.close()
    return sink.counts


async def main(url: str, scale: float, seed: int) -> None:
    from core.db import migrate

    await migrate(url)
    started = time.perf_counter()
    counts = await generate(url, scale, seed)
    print(f"scale {scale}, seed {seed}: {time.perf_counter() - started:.0f} s")
    for table, rows in sorted(counts.items(), key=lambda item: -item[1]):
        print(f"  {table:20} {rows:>10}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--db", required=True, help="sqlite:///path or postgres://… (migrated here)"
    )
    parser.add_argument("--scale", type=float, default=1.0, help="1.0 is the issue's sizes")
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args()
    asyncio.run(main(args.db, args.scale, args.seed))
