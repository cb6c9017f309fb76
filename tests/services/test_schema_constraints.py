"""The constraints the code relies on exist after every migration, on both databases.

SQLite rebuilds a table for some schema changes and such a rebuild once dropped a unique
constraint silently: these catch it.
"""

from __future__ import annotations

import datetime as dt

import pytest
from tortoise.exceptions import IntegrityError

from core.models import Channel, Client, ConsentPurpose, ConsentState


async def test_one_current_consent_per_client_channel_and_purpose(runtime):
    client = await Client.create(name="Ada")
    now = dt.datetime.now(dt.UTC)
    key = {"client": client, "channel": Channel.EMAIL, "purpose": ConsentPurpose.MARKETING}
    await ConsentState.create(**key, granted=True, updated_at=now)
    with pytest.raises(IntegrityError):
        await ConsentState.create(**key, granted=False, updated_at=now)
