"""Staff sign-in: argon2id hashes, computed off the event loop."""

from __future__ import annotations

import asyncio
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from tortoise.transactions import in_transaction

from core.errors import InvalidInput
from core.i18n import N_
from core.models import AuditLog, Employee, Role

_hasher = PasswordHasher()  # argon2id with the library's current recommended parameters
_DUMMY_HASH = _hasher.hash(secrets.token_hex(8))
MIN_PASSWORD = 10


async def hash_password(password: str) -> str:
    return await asyncio.to_thread(_hasher.hash, password)


async def authenticate(login: str, password: str) -> Employee | None:
    """The employee if login and password match an active account; same cost either way."""
    employee = await Employee.get_or_none(login=login.strip().lower(), is_active=True)
    stored = employee.password_hash if employee and employee.password_hash else _DUMMY_HASH
    try:
        await asyncio.to_thread(_hasher.verify, stored, password)
    except (VerificationError, InvalidHashError):
        return None
    if employee is None or not employee.password_hash:
        return None
    if _hasher.check_needs_rehash(employee.password_hash):
        employee.password_hash = await hash_password(password)
        await employee.save(update_fields=["password_hash"])
    return employee


async def create_admin(name: str, login: str, password: str | None = None) -> tuple[Employee, str]:
    """Create (or reset) an admin account; returns it with the password to show once."""
    login = login.strip().lower()
    if not login:
        raise InvalidInput("login", N_("Enter a login."))
    password = password or secrets.token_urlsafe(12)
    if len(password) < MIN_PASSWORD:
        raise InvalidInput("password", N_("Use at least 10 characters."))
    password_hash = await hash_password(password)
    async with in_transaction() as conn:
        employee = await Employee.get_or_none(login=login).using_db(conn)
        if employee is None:
            employee = await Employee.create(
                name=name, role=Role.ADMIN, login=login, password_hash=password_hash, using_db=conn
            )
        else:
            employee.password_hash = password_hash
            employee.role = Role.ADMIN
            employee.is_active = True
            await employee.save(using_db=conn)
        await AuditLog.create(
            actor_label="cli",
            action="staff.admin_set",
            object_type="employee",
            object_id=str(employee.id),
            using_db=conn,
        )
    return employee, password
