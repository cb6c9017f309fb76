"""The audit trail: who changed what, written in the transaction that made the change."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from enum import Enum
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient

from core.models import AuditLog
from core.services.access import Actor

SECRET_MARK = "•••"  # noqa: S105 (what the trail shows instead of a secret)


def _plain(value: Any) -> Any:
    """JSON-safe and readable in the audit page: enums by value, times and money as text."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, list | tuple | set):
        return [_plain(item) for item in value]
    return value


def changes(
    before: Mapping[str, Any], after: Mapping[str, Any], secret: frozenset[str] = frozenset()
) -> dict[str, list[Any]]:
    """Field -> [old, new] for the fields that differ; secret fields show only that they did."""
    diff: dict[str, list[Any]] = {}
    for name, new in after.items():
        old = before.get(name)
        if _plain(old) != _plain(new):
            diff[name] = (
                [SECRET_MARK, SECRET_MARK] if name in secret else [_plain(old), _plain(new)]
            )
    return diff


async def record(
    actor: Actor | None,
    action: str,
    object_type: str,
    object_id: object | None,
    details: Mapping[str, Any] | None = None,
    *,
    connection: BaseDBAsyncClient | None = None,
) -> AuditLog:
    return await AuditLog.create(
        employee_id=actor.employee_id if actor else None,
        actor_label=(actor.name or actor.kind.value) if actor else "system",
        action=action,
        object_type=object_type,
        object_id=None if object_id is None else str(object_id),
        details={key: _plain(value) for key, value in (details or {}).items()},
        using_db=connection,
    )
