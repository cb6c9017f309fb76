"""Database lifecycle: the Tortoise config, start-up, shutdown and the committed migrations."""

from __future__ import annotations

from typing import Any

from tortoise import Tortoise
from tortoise.backends.base.config_generator import expand_db_url
from tortoise.migrations.api import migrate as run_migrations

MODELS_MODULE = "core.models"
MIGRATIONS_MODULE = "core.migrations"

# Used only by `python main.py makemigrations`: the autodetector compares models with the
# committed migration files and never touches this database.
MAKEMIGRATIONS_CONFIG: dict[str, Any] = {}


def tortoise_config(database_url: str) -> dict[str, Any]:
    url = database_url.replace("postgresql://", "postgres://", 1)
    if url.startswith("sqlite://") and "synchronous=" not in url:
        # WAL (Tortoise's default) with NORMAL sync: no corruption on a crash, one fsync per
        # checkpoint instead of one per transaction.
        url += ("&" if "?" in url else "?") + "synchronous=NORMAL"
    connection: str | dict[str, Any] = url
    if url.startswith("postgres://"):
        # asyncpg prepares and keeps each statement; after a few runs PostgreSQL may switch
        # it to a generic plan that cannot see a report's period bounds (measured 1.1 to 2
        # times slower, docs/performance.md). Plan every run for its own values instead.
        connection = expand_db_url(url)
        connection["credentials"]["server_settings"] = {"plan_cache_mode": "force_custom_plan"}
        # A report runs its independent statements at once, one pooled connection each;
        # Tortoise's default of 5 would leave other requests waiting behind one report.
        # (`?maxsize=` in the URL still wins.)
        connection["credentials"].setdefault("maxsize", 10)
    return {
        "connections": {"default": connection},
        "apps": {
            "models": {
                "models": [MODELS_MODULE],
                "migrations": MIGRATIONS_MODULE,
                "default_connection": "default",
            }
        },
        "use_tz": True,
        "timezone": "UTC",
    }


MAKEMIGRATIONS_CONFIG.update(tortoise_config("sqlite://:memory:"))


async def init_db(database_url: str) -> None:
    """Connect for the whole process.

    The global fallback makes the connection visible to tasks that were not started from the
    task that called this (aiohttp's request tasks, APScheduler's jobs, polling): Tortoise 1.x
    otherwise keeps its context per task.
    """
    _ensure_sqlite_dir(database_url)
    await Tortoise.init(config=tortoise_config(database_url), _enable_global_fallback=True)


async def migrate(database_url: str) -> None:
    """Apply the committed migrations; safe to run on every start."""
    _ensure_sqlite_dir(database_url)
    try:
        await run_migrations(config=tortoise_config(database_url))
    finally:
        await Tortoise.close_connections()


async def close_db() -> None:
    await Tortoise.close_connections()


def _ensure_sqlite_dir(database_url: str) -> None:
    if not database_url.startswith("sqlite://"):
        return
    path = database_url.removeprefix("sqlite://").split("?", 1)[0]
    if path and path != ":memory:":
        from pathlib import Path

        Path(path).parent.mkdir(parents=True, exist_ok=True)
