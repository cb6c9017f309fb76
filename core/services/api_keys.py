"""API keys: how an integration proves who it is to the JSON API, and acts with one role.

A key reads `ona_<prefix>_<secret>`. The prefix is stored in clear to find the row (and to
show in the panel which key is which); of the whole key only its SHA-256 is kept, so the
database cannot give a key away. A key is shown once, when it is made.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
import secrets

from tortoise.transactions import in_transaction

from core.errors import InvalidInput, NotFound
from core.i18n import N_
from core.models import ApiKey, Carrier, Role
from core.services import audit
from core.services.access import Actor, ActorKind, Permission, require

KEY_PATTERN = re.compile(r"ona_([0-9a-f]{12})_([A-Za-z0-9_-]{43})")
MAX_KEY_LENGTH = 80
MAX_NAME = 200
# Writing last_used_at on every request would turn each read into a write; a minute is
# precise enough to tell a live key from a forgotten one.
LAST_USED_PRECISION = dt.timedelta(minutes=1)


def _hash(plaintext: str) -> str:
    return hashlib.sha256(plaintext.encode()).hexdigest()


def key_prefix(plaintext: str) -> str | None:
    """The prefix of a well-formed key (also the rate limiter's bucket), else None."""
    if len(plaintext) > MAX_KEY_LENGTH:
        return None
    found = KEY_PATTERN.fullmatch(plaintext)
    return found.group(1) if found else None


async def create_api_key(
    actor: Actor, name: str, role: Role | str, carrier_id: int | None = None
) -> tuple[ApiKey, str]:
    """Make a key acting with `role`; returns the row and the key, which is never shown again.

    A carrier's key names the carrier whose system uses it; no other key names one.
    """
    require(actor, Permission.MANAGE_INTEGRATIONS)
    name = name.strip()
    if not name or len(name) > MAX_NAME:
        raise InvalidInput("name", N_("Enter a name of 1 to 200 characters."))
    try:
        role = Role(role)
    except ValueError:
        raise InvalidInput("role", N_("Choose one of the roles.")) from None
    if (role is Role.CARRIER) != (carrier_id is not None):
        raise (
            InvalidInput("carrier_id", N_("Choose the carrier whose system uses this key."))
            if role is Role.CARRIER
            else InvalidInput("carrier_id", N_("Only a carrier's key names a carrier."))
        )
    if carrier_id is not None and not await Carrier.exists(id=carrier_id):
        raise InvalidInput("carrier_id", N_("No carrier has that #id."))
    prefix = secrets.token_hex(6)
    plaintext = f"ona_{prefix}_{secrets.token_urlsafe(32)}"
    async with in_transaction() as conn:
        key = await ApiKey.create(
            name=name,
            prefix=prefix,
            key_hash=_hash(plaintext),
            role=role,
            carrier_id=carrier_id,
            created_by_id=actor.employee_id,
            using_db=conn,
        )
        await audit.record(
            actor,
            "api_key.created",
            "api_key",
            key.id,
            {"name": name, "role": role, "prefix": prefix}
            | ({"carrier_id": carrier_id} if carrier_id is not None else {}),
            connection=conn,
        )
    return key, plaintext


async def revoke_api_key(actor: Actor, key_id: int) -> ApiKey:
    """Stop a key from working at once. Revoking a revoked key changes nothing."""
    require(actor, Permission.MANAGE_INTEGRATIONS)
    async with in_transaction() as conn:
        key = await ApiKey.filter(id=key_id).using_db(conn).select_for_update().first()
        if key is None:
            raise NotFound()
        if key.revoked_at is None:
            key.revoked_at = dt.datetime.now(dt.UTC)
            await key.save(update_fields=["revoked_at"], using_db=conn)
            await audit.record(
                actor,
                "api_key.revoked",
                "api_key",
                key.id,
                {"name": key.name, "prefix": key.prefix},
                connection=conn,
            )
    return key


async def list_api_keys(actor: Actor) -> list[ApiKey]:
    """Every key, newest first, revoked ones included (the panel shows them greyed)."""
    require(actor, Permission.MANAGE_INTEGRATIONS)
    return await ApiKey.all().order_by("-created_at", "-id").prefetch_related("created_by")


async def authenticate_api_key(plaintext: str) -> Actor | None:
    """The integration actor for a valid, unrevoked key; None for anything else."""
    prefix = key_prefix(plaintext)
    if prefix is None:
        return None
    key = await ApiKey.get_or_none(prefix=prefix)
    if key is None or not hmac.compare_digest(_hash(plaintext), key.key_hash):
        return None
    if key.revoked_at is not None:
        return None
    now = dt.datetime.now(dt.UTC)
    if key.last_used_at is None or now - key.last_used_at >= LAST_USED_PRECISION:
        await ApiKey.filter(id=key.id).update(last_used_at=now)
    return Actor(
        kind=ActorKind.INTEGRATION,
        role=key.role,
        language="en",
        name=key.name,
        carrier_id=key.carrier_id,  # type: ignore[attr-defined]
    )
