"""Staff onboarding (one-time invites that link a messenger account to an Employee), and
what a person sets about their own working day."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
from dataclasses import dataclass
from urllib.parse import quote

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.transactions import in_transaction

from core.errors import InvalidInput, InviteInvalid, PermissionDenied
from core.i18n import N_
from core.models import AuditLog, Carrier, ChannelIdentity, Employee, Role, StaffInvite
from core.ports import Clock
from core.services import audit
from core.services.access import Actor
from core.services.interactions import Subject, log_interaction

MAX_NAME = 200


def _hash(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class Invite:
    employee: Employee
    code: str
    expires_at: dt.datetime


async def invite_staff(
    name: str,
    role: Role,
    clock: Clock,
    ttl: dt.timedelta,
    *,
    invited_by: str = "cli",
    carrier_id: int | None = None,
) -> Invite:
    """Create the employee and a single-use code valid for `ttl`; only the code's hash is kept.

    A carrier's person (Role.CARRIER) speaks for one carrier, named by `carrier_id`.
    """
    name = name.strip()
    if not name or len(name) > MAX_NAME:
        raise InvalidInput("name", N_("Enter a name of 1 to 200 characters."))
    if role is Role.CARRIER and carrier_id is None:
        raise InvalidInput("carrier_id", N_("A carrier's person needs their carrier's #id."))
    if role is not Role.CARRIER and carrier_id is not None:
        raise InvalidInput("carrier_id", N_("Only a carrier's person is linked to a carrier."))
    async with in_transaction() as conn:
        if (
            carrier_id is not None
            and not await Carrier.filter(id=carrier_id).using_db(conn).exists()
        ):
            raise InvalidInput("carrier_id", N_("No carrier has that #id."))
        employee = await Employee.create(
            name=name, role=role, carrier_id=carrier_id, using_db=conn
        )
        return await issue_invite(employee, clock, ttl, invited_by=invited_by, connection=conn)


async def issue_invite(
    employee: Employee,
    clock: Clock,
    ttl: dt.timedelta,
    *,
    invited_by: str,
    invited_by_id: int | None = None,
    connection: BaseDBAsyncClient,
) -> Invite:
    """A new single-use code for an existing employee (a lost phone, a second messenger)."""
    code = secrets.token_urlsafe(18)
    expires_at = clock.now() + ttl
    await StaffInvite.create(
        code_hash=_hash(code), employee=employee, expires_at=expires_at, using_db=connection
    )
    await AuditLog.create(
        employee_id=invited_by_id,
        actor_label=invited_by,
        action="staff.invited",
        object_type="employee",
        object_id=str(employee.id),
        details={"role": employee.role.value},
        using_db=connection,
    )
    return Invite(employee=employee, code=code, expires_at=expires_at)


async def redeem_invite(code: str, identity_id: int, clock: Clock) -> Employee:
    """Link the account to the invited employee. Each code works once, before it expires."""
    if not code or len(code) > 64:
        raise InviteInvalid()
    now = clock.now()
    async with in_transaction() as conn:
        invite = await StaffInvite.get_or_none(code_hash=_hash(code)).using_db(conn)
        if invite is None or invite.used_at is not None or invite.expires_at <= now:
            raise InviteInvalid()
        claimed = await (
            StaffInvite.filter(id=invite.id, used_at=None).using_db(conn).update(used_at=now)
        )
        if claimed != 1:
            raise InviteInvalid()
        identity = await ChannelIdentity.get(id=identity_id).using_db(conn)
        employee = await Employee.get(id=invite.employee_id).using_db(conn)
        identity.employee_id = employee.id
        await identity.save(update_fields=["employee_id"], using_db=conn)
        if identity.language:
            employee.language = identity.language
            await employee.save(update_fields=["language"], using_db=conn)
        await AuditLog.create(
            employee=employee,
            actor_label=employee.name,
            action="staff.linked",
            object_type="channel_identity",
            object_id=str(identity.id),
            details={"channel": identity.channel},
            using_db=conn,
        )
        await log_interaction(identity, Subject.STAFF_LINKED, employee.name, connection=conn)
    return employee


async def purge_expired_invites(clock: Clock) -> int:
    """Nightly: forget codes that can no longer be used. Idempotent."""
    return await StaffInvite.filter(expires_at__lte=clock.now(), used_at=None).delete()


def invite_links(
    code: str, public_url: str | None, viber_bot_name: str | None, telegram_username: str | None
) -> dict[str, str]:
    """Where the invited person opens their code, per channel."""
    links = {"any": f"/start {code}"}
    if telegram_username:
        links["telegram"] = f"https://t.me/{telegram_username}?start={code}"
    if viber_bot_name:
        links["viber"] = f"viber://pa?chatURI={quote(viber_bot_name)}&context={code}"
    base = public_url or ""
    links["webchat"] = f"{base}/chat?start={code}"
    return links


REMINDER_TIME = re.compile(r"^([01]?\d|2[0-3])[:.]([0-5]\d)$")


async def set_my_workday(
    actor: Actor, *, reminder_time: str | None = None, on_duty: bool | None = None
) -> Employee:
    """A person sets their own reminder time ("HH:MM", company zone) or duty state; audited."""
    if actor.employee_id is None:
        raise PermissionDenied()
    changes: dict[str, object] = {}
    if reminder_time is not None:
        found = REMINDER_TIME.match(reminder_time.strip())
        if found is None:
            raise InvalidInput("reminder_time", N_("Please type a time like 08:30."))
        changes["reminder_time"] = f"{int(found.group(1)):02d}:{found.group(2)}"
    if on_duty is not None:
        changes["on_duty"] = on_duty
    async with in_transaction() as conn:
        employee = await Employee.select_for_update().using_db(conn).get(id=actor.employee_id)
        before = {key: getattr(employee, key) for key in changes}
        employee.update_from_dict(changes)
        await employee.save(update_fields=list(changes), using_db=conn)
        await audit.record(
            actor,
            "staff.workday_changed",
            "employee",
            employee.id,
            audit.changes(before, changes),
            connection=conn,
        )
    return employee
