"""Keyset pagination with opaque cursors: stable while rows are added, one query per page.

A cursor is the base64url of the last row id seen; the next page holds the rows with smaller
ids (newest first). Offsets would skip or repeat rows when someone adds a client between two
page requests; a keyset does not, and costs the same on page 1 and page 1 000.
"""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass
from typing import Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field, field_validator
from pydantic_core import PydanticCustomError
from tortoise.models import Model
from tortoise.queryset import QuerySet

from core.services.contacts import MAX_ID

DEFAULT_LIMIT = 50
MAX_LIMIT = 100
_CURSOR = re.compile(r"id:([1-9][0-9]{0,9})")

M = TypeVar("M", bound=Model)


class BadCursor(ValueError):
    """The cursor was not made by `encode_cursor`, or was altered."""


def encode_cursor(last_id: int) -> str:
    return base64.urlsafe_b64encode(f"id:{last_id}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> int:
    """The last id of the previous page; BadCursor for anything `encode_cursor` did not make."""
    if not cursor or len(cursor) > 40:
        raise BadCursor(cursor)
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode("ascii")
    except (binascii.Error, ValueError):
        raise BadCursor(cursor) from None
    found = _CURSOR.fullmatch(raw)
    if found is None or int(found.group(1)) > MAX_ID:
        raise BadCursor(cursor)
    return int(found.group(1))


class PageQuery(BaseModel):
    """`limit` and `cursor` as a list endpoint accepts them; mixed into its filter model."""

    model_config = ConfigDict(extra="forbid")

    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description="Items per page (1 to 100).")
    cursor: str | None = Field(
        None,
        max_length=40,
        description="`next_cursor` from the previous page; omit it for the first page.",
    )

    @field_validator("cursor")
    @classmethod
    def _check_cursor(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                decode_cursor(value)
            except BadCursor:
                raise PydanticCustomError("cursor", "is not a cursor from this API") from None
        return value


@dataclass(frozen=True, slots=True)
class Page(Generic[M]):
    items: list[M]
    next_cursor: str | None


async def paginate(query: QuerySet[M], limit: int, cursor: str | None = None) -> Page[M]:
    """One page of `query`, newest (highest id) first, plus the cursor of the next page.

    Prefetching set on `query` applies to the page's rows only, so related data costs the
    same number of queries whatever the page size.
    """
    limit = max(1, min(limit, MAX_LIMIT))
    if cursor:
        query = query.filter(id__lt=decode_cursor(cursor))
    rows = await query.order_by("-id").limit(limit + 1)
    if len(rows) > limit:
        rows = rows[:limit]
        return Page(rows, encode_cursor(rows[-1].id))
    return Page(rows, None)
