"""API keys: made once and shown once, stored as a hash, revocable, and the only way in."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest

from core.errors import InvalidInput, NotFound, PermissionDenied
from core.models import ApiKey, AuditLog, Carrier, Employee, Role
from core.services.access import ActorKind
from core.services.api_keys import (
    authenticate_api_key,
    create_api_key,
    list_api_keys,
    revoke_api_key,
)
from tests.api.conftest import staff_actor


async def test_a_key_is_shown_once_and_stored_as_a_hash(admin):
    key, plaintext = await create_api_key(admin, "  Website forms ", Role.MANAGER)

    assert plaintext.startswith(f"ona_{key.prefix}_")
    stored = await ApiKey.get(id=key.id)
    assert stored.name == "Website forms"
    assert stored.role is Role.MANAGER
    assert stored.created_by_id == admin.employee_id
    assert stored.key_hash == hashlib.sha256(plaintext.encode()).hexdigest()
    secret = plaintext.split("_", 2)[2]  # the prefix is hex; the secret may hold "_" itself
    assert secret not in str(await ApiKey.filter(id=key.id).values())
    entry = await AuditLog.get(action="api_key.created")
    assert entry.object_id == str(key.id)
    assert entry.employee_id == admin.employee_id
    assert entry.details == {"name": "Website forms", "role": "manager", "prefix": key.prefix}


async def test_only_an_admin_manages_keys(admin):
    director = staff_actor(await Employee.create(name="Dora", role=Role.DIRECTOR))
    with pytest.raises(PermissionDenied):
        await create_api_key(director, "Mine", Role.ADMIN)
    key, _ = await create_api_key(admin, "Theirs", Role.ADMIN)
    with pytest.raises(PermissionDenied):
        await revoke_api_key(director, key.id)
    with pytest.raises(PermissionDenied):
        await list_api_keys(director)
    assert await ApiKey.all().count() == 1


async def test_a_key_needs_a_name_and_a_real_role(admin):
    with pytest.raises(InvalidInput) as no_name:
        await create_api_key(admin, "   ", Role.ADMIN)
    assert no_name.value.field == "name"
    with pytest.raises(InvalidInput) as bad_role:
        await create_api_key(admin, "Key", "overlord")
    assert bad_role.value.field == "role"
    assert not await ApiKey.exists()


async def test_authentication_accepts_only_the_exact_unrevoked_key(admin):
    key, plaintext = await create_api_key(admin, "ERP", "accountant")

    actor = await authenticate_api_key(plaintext)
    assert actor is not None
    assert (actor.kind, actor.role, actor.name, actor.employee_id) == (
        ActorKind.INTEGRATION,
        Role.ACCOUNTANT,
        "ERP",
        None,
    )
    tampered = plaintext[:-1] + ("A" if plaintext[-1] != "A" else "B")
    for wrong in (tampered, plaintext + "x", "", "ona_", "Bearer " + plaintext, "x" * 5000):
        assert await authenticate_api_key(wrong) is None

    await revoke_api_key(admin, key.id)
    assert await authenticate_api_key(plaintext) is None
    revoked = await ApiKey.get(id=key.id)
    assert revoked.revoked_at is not None
    # Revoking again changes nothing and is not audited twice.
    await revoke_api_key(admin, key.id)
    assert (await ApiKey.get(id=key.id)).revoked_at == revoked.revoked_at
    assert await AuditLog.filter(action="api_key.revoked").count() == 1
    with pytest.raises(NotFound):
        await revoke_api_key(admin, 999_999)


async def test_last_use_is_written_at_most_once_a_minute(admin):
    key, plaintext = await create_api_key(admin, "Sync", Role.ADMIN)
    assert key.last_used_at is None

    await authenticate_api_key(plaintext)
    first = (await ApiKey.get(id=key.id)).last_used_at
    assert first is not None
    await authenticate_api_key(plaintext)
    assert (await ApiKey.get(id=key.id)).last_used_at == first

    long_ago = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=2)
    await ApiKey.filter(id=key.id).update(last_used_at=long_ago)
    await authenticate_api_key(plaintext)
    assert (await ApiKey.get(id=key.id)).last_used_at > long_ago + dt.timedelta(minutes=1)


async def test_list_shows_every_key_newest_first(admin):
    older, _ = await create_api_key(admin, "Older", Role.ADMIN)
    await create_api_key(admin, "Newer", Role.MARKETER)
    await revoke_api_key(admin, older.id)

    keys = await list_api_keys(admin)

    assert [k.name for k in keys] == ["Newer", "Older"]
    assert keys[0].created_by.name == "Ada Admin"
    assert keys[1].revoked_at is not None


async def test_requests_without_a_valid_key_are_refused(anonymous, make_key, admin):
    missing = await anonymous.get("/clients")
    assert missing.status == 401
    assert missing.headers["Content-Type"].startswith("application/problem+json")
    assert missing.headers["WWW-Authenticate"] == 'Bearer realm="ona-api"'
    assert missing.body["type"].endswith("#problem-unauthenticated")
    assert missing.body["status"] == 401
    assert "Authorization" in missing.body["detail"]

    invalid = await anonymous.get("/clients", key="ona_0123456789ab_" + "x" * 43)
    assert invalid.status == 401
    assert 'error="invalid_token"' in invalid.headers["WWW-Authenticate"]
    assert invalid.body["detail"] == "This API key is not valid or has been revoked."

    plaintext = await make_key(Role.ADMIN)
    basic = await anonymous.get("/clients", headers={"Authorization": f"Basic {plaintext}"})
    assert basic.status == 401

    assert (await anonymous.get("/clients", key=plaintext)).status == 200
    via_header = await anonymous.get("/clients", headers={"X-API-Key": plaintext})
    assert via_header.status == 200

    key = await ApiKey.get(prefix=plaintext.split("_")[1])
    await revoke_api_key(admin, key.id)
    assert (await anonymous.get("/clients", key=plaintext)).status == 401


async def test_a_carriers_key_names_its_carrier_and_only_it_does(admin):
    with pytest.raises(InvalidInput) as missing:
        await create_api_key(admin, "Trucks", Role.CARRIER)
    assert missing.value.field == "carrier_id"
    carrier = await Carrier.create(name="Lagos Haulage Co")
    with pytest.raises(InvalidInput):
        await create_api_key(admin, "ERP", Role.ACCOUNTANT, carrier.id)
    key, _ = await create_api_key(admin, "Trucks", Role.CARRIER, carrier.id)
    assert key.carrier_id == carrier.id
    entry = await AuditLog.get(action="api_key.created", object_id=str(key.id))
    assert entry.details["carrier_id"] == carrier.id
