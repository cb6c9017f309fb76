"""Staff sign-in and panel sessions: argon2id passwords, throttling, a second factor, and
server-side sessions that end for good when signed out.

A session is a `PanelSession` row; the browser holds only a random token whose SHA-256 is
the row's key, so a copy of the table cannot be replayed as cookies. Every sign-in step
(password, then code when the second factor is on) ends the session it came from and opens
one with a new token, so a token planted or seen before sign-in is worth nothing after it.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import logging
import secrets
from dataclasses import dataclass

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError
from cryptography.fernet import InvalidToken
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.transactions import in_transaction

from core.config import SUPPORTED_LANGUAGES
from core.errors import InvalidInput, OnaError
from core.i18n import N_
from core.models import AuditLog, Employee, LoginAttempt, PanelSession, Role
from core.services import login_throttle, totp
from core.services.access import Actor
from core.services.login_throttle import TooManyAttempts

log = logging.getLogger(__name__)
# OWASP's minimum for argon2id: 19 MiB of memory, 2 passes, 1 lane (about 30 ms here).
ARGON2_MEMORY_KIB = 19456
ARGON2_TIME_COST = 2
ARGON2_PARALLELISM = 1
_hasher = PasswordHasher(
    time_cost=ARGON2_TIME_COST,
    memory_cost=ARGON2_MEMORY_KIB,
    parallelism=ARGON2_PARALLELISM,
    hash_len=32,
    salt_len=16,
    type=Type.ID,
)
_DUMMY_HASH = _hasher.hash(secrets.token_hex(8))
MIN_PASSWORD = 10
MAX_USER_AGENT = 200


class WrongCredentials(OnaError):
    msgid = N_("Wrong login or password.")


class WrongCode(OnaError):
    msgid = totp.WRONG_CODE


@dataclass(frozen=True, slots=True)
class SessionLimits:
    idle: dt.timedelta
    absolute: dt.timedelta
    # Between the password and the code: long enough to open the app, no longer.
    pending: dt.timedelta = dt.timedelta(minutes=5)


@dataclass(frozen=True, slots=True)
class OpenedSession:
    """A new session; `token` goes into the cookie and is not kept anywhere else."""

    token: str
    row: PanelSession

    @property
    def pending(self) -> bool:
        return self.row.employee_id is None


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def hash_password(password: str) -> str:
    return await asyncio.to_thread(_hasher.hash, password)


async def _check_password(login: str, password: str) -> tuple[Employee | None, str | None]:
    """The active employee whose password this is, with a fresh hash when the stored one uses
    other parameters; costs one argon2 verification whether or not the login exists."""
    employee = await Employee.get_or_none(login=login.strip().lower(), is_active=True)
    stored = employee.password_hash if employee and employee.password_hash else _DUMMY_HASH
    try:
        await asyncio.to_thread(_hasher.verify, stored, password)
    except (VerificationError, InvalidHashError):
        return None, None
    if employee is None or not employee.password_hash:
        return None, None
    rehashed = None
    if _hasher.check_needs_rehash(employee.password_hash):
        rehashed = await hash_password(password)
    return employee, rehashed


async def _open(
    conn: BaseDBAsyncClient,
    *,
    employee: Employee | None,
    pending_employee_id: int | None,
    replaces: PanelSession | None,
    user_agent: str,
    now: dt.datetime,
) -> OpenedSession:
    if replaces is not None:
        await (
            PanelSession.filter(id=replaces.id, ended_at=None).using_db(conn).update(ended_at=now)
        )
    token = secrets.token_urlsafe(32)
    row = await PanelSession.create(
        token_hash=hash_token(token),
        employee=employee,
        pending_employee_id=pending_employee_id,
        csrf=secrets.token_urlsafe(32),
        created_at=now,
        last_seen_at=now,
        user_agent=user_agent[:MAX_USER_AGENT],
        using_db=conn,
    )
    return OpenedSession(token, row)


async def _audit(
    conn: BaseDBAsyncClient, action: str, employee: Employee | None, label: str, **details: object
) -> None:
    await AuditLog.create(
        employee=employee,
        actor_label=label,
        action=action,
        object_type="employee",
        object_id=str(employee.id) if employee else None,
        details=details,
        using_db=conn,
    )


async def sign_in_with_password(
    login: str,
    password: str,
    *,
    remote: str,
    user_agent: str,
    replaces: PanelSession | None,
    now: dt.datetime,
) -> OpenedSession:
    """Check the password (unless throttled) and open a session: signed in, or waiting for
    the code when the account has the second factor on.

    Raises TooManyAttempts or WrongCredentials; the message is the same whether the login
    exists or not.
    """
    attempt = await login_throttle.begin_attempt(login, remote, now)
    if attempt.refused:
        raise TooManyAttempts(attempt.wait)
    employee, rehashed = await _check_password(login, password)
    if employee is None:
        known = await Employee.get_or_none(login=attempt.login)
        async with in_transaction() as conn:
            await _audit(
                conn, "auth.sign_in_failed", known, "anonymous", login=attempt.login, ip=remote
            )
        raise WrongCredentials()
    pending = bool(employee.totp_secret)
    if pending:  # not a success yet: the code step records the outcome
        await login_throttle.forget(attempt)
    async with in_transaction() as conn:
        if rehashed:
            employee.password_hash = rehashed
            await employee.save(update_fields=["password_hash"], using_db=conn)
        opened = await _open(
            conn,
            employee=None if pending else employee,
            pending_employee_id=employee.id if pending else None,
            replaces=replaces,
            user_agent=user_agent,
            now=now,
        )
        if not pending:
            await login_throttle.mark_succeeded(attempt, conn)
            await _audit(conn, "auth.signed_in", employee, employee.name, ip=remote)
    return opened


async def pending_employee(session: PanelSession) -> Employee | None:
    """Whose code the pending session waits for (None if the account went inactive)."""
    if session.pending_employee_id is None or session.employee_id is not None:
        return None
    return await Employee.get_or_none(id=session.pending_employee_id, is_active=True)


async def sign_in_with_code(
    session: PanelSession,
    code: str,
    *,
    secret_key: str,
    remote: str,
    user_agent: str,
    now: dt.datetime,
) -> OpenedSession:
    """Second step: a valid, unused code turns the pending session into a signed-in one
    (with a new token). Wrong codes count as failed attempts for the account."""
    employee = await pending_employee(session)
    if employee is None or not employee.totp_secret or not employee.login:
        raise WrongCode()
    attempt = await login_throttle.begin_attempt(employee.login, remote, now)
    if attempt.refused:
        raise TooManyAttempts(attempt.wait)
    try:
        secret = totp.decrypt(employee.totp_secret, secret_key, now)
    except InvalidToken:  # SECRET_KEY changed since it was stored
        log.error("Cannot read the TOTP secret of employee %s; reset it", employee.id)
        raise WrongCode() from None
    step = totp.matching_step(secret, code, now)
    if step is None or await _code_was_used(employee.login, attempt, step):
        async with in_transaction() as conn:
            await _audit(
                conn, "auth.sign_in_failed", employee, employee.name, step="code", ip=remote
            )
        raise WrongCode()
    async with in_transaction() as conn:
        await login_throttle.mark_succeeded(attempt, conn)
        opened = await _open(
            conn,
            employee=employee,
            pending_employee_id=None,
            replaces=session,
            user_agent=user_agent,
            now=now,
        )
        await _audit(conn, "auth.signed_in", employee, employee.name, ip=remote, totp=True)
    return opened


async def _code_was_used(login: str, attempt: login_throttle.Attempt, step: int) -> bool:
    """RFC 6238 wants a code accepted once. We keep no used-step column, so we refuse any
    code whose time step is not later than the step of the account's last successful sign-in:
    a replay of that code is refused, the next code is accepted."""
    last = (
        await LoginAttempt.filter(login=login, succeeded=True, id__lt=attempt.id)
        .order_by("-id")
        .limit(1)
        .values_list("created_at", flat=True)
    )
    return bool(last) and step <= totp.timestep(last[0])


async def load_session(
    token: str, limits: SessionLimits, now: dt.datetime
) -> tuple[PanelSession | None, bool]:
    """The live session for a cookie token (with its employee), and whether a session for
    it existed but is over (timed out or signed out) so the person can be told."""
    if not token or len(token) > 100:
        return None, False
    row = (
        await PanelSession.filter(token_hash=hash_token(token)).select_related("employee").first()
    )
    if row is None:
        return None, True
    if row.ended_at is not None:
        return None, True
    lifetime = limits.absolute if row.employee_id is not None else limits.pending
    if now - row.last_seen_at > limits.idle or now - row.created_at > lifetime:
        await PanelSession.filter(id=row.id, ended_at=None).update(ended_at=now)
        return None, True
    if row.employee_id is not None and not row.employee.is_active:
        return None, True
    return row, False


async def touch(session: PanelSession, now: dt.datetime, every: dt.timedelta) -> None:
    """Keep the idle timer running without a write on every request: at most one per `every`."""
    if now - session.last_seen_at >= every:
        session.last_seen_at = now
        await PanelSession.filter(id=session.id).update(last_seen_at=now)


async def sign_out(session: PanelSession, now: dt.datetime) -> None:
    """End the session on the server: its cookie, replayed later, opens nothing."""
    async with in_transaction() as conn:
        await PanelSession.filter(id=session.id).using_db(conn).update(ended_at=now)
        employee = session.employee if session.employee_id is not None else None
        await _audit(conn, "auth.signed_out", employee, employee.name if employee else "anonymous")


async def active_sessions(
    actor: Actor, limits: SessionLimits, now: dt.datetime
) -> list[PanelSession]:
    """The signed-in person's sessions that would still let a browser in, newest first."""
    return (
        await PanelSession.filter(
            employee_id=actor.employee_id,
            ended_at=None,
            last_seen_at__gte=now - limits.idle,
            created_at__gte=now - limits.absolute,
        )
        .order_by("-last_seen_at", "-id")
        .limit(50)
    )


async def end_sessions_of(
    employee_id: int, now: dt.datetime, connection: BaseDBAsyncClient
) -> int:
    """Sign a person out everywhere (a new password, a block), in the caller's transaction."""
    return (
        await PanelSession.filter(employee_id=employee_id, ended_at=None)
        .using_db(connection)
        .update(ended_at=now)
    )


async def end_other_sessions(actor: Actor, keep: PanelSession, now: dt.datetime) -> int:
    """Sign the person out everywhere except this browser; returns how many sessions ended."""
    async with in_transaction() as conn:
        ended = (
            await PanelSession.filter(employee_id=actor.employee_id, ended_at=None)
            .exclude(id=keep.id)
            .using_db(conn)
            .update(ended_at=now)
        )
        employee = await Employee.get(id=actor.employee_id).using_db(conn)
        await _audit(conn, "auth.other_sessions_ended", employee, actor.name, count=ended)
    return ended


async def set_language(actor: Actor, language: str) -> None:
    """Remember the panel language of the signed-in person (and their bot replies)."""
    if language not in SUPPORTED_LANGUAGES:
        raise InvalidInput("language", N_("Choose one of the offered languages."))
    async with in_transaction() as conn:
        employee = await Employee.get(id=actor.employee_id).using_db(conn)
        before = employee.language
        if before == language:
            return
        employee.language = language
        await employee.save(update_fields=["language"], using_db=conn)
        await _audit(
            conn, "staff.language_changed", employee, actor.name, before=before, after=language
        )


async def purge_security_records(now: dt.datetime, keep: dt.timedelta) -> int:
    """Delete sign-in attempts and ended or expired sessions older than `keep` (a scheduler
    job's body); returns how many rows went."""
    cutoff = now - keep
    async with in_transaction() as conn:
        attempts = await LoginAttempt.filter(created_at__lt=cutoff).using_db(conn).delete()
        ended = await PanelSession.filter(last_seen_at__lt=cutoff).using_db(conn).delete()
    return attempts + ended


async def create_admin(name: str, login: str, password: str | None = None) -> tuple[Employee, str]:
    """Create (or reset) an admin account; returns it with the password to show once.

    A reset also turns the second factor off and ends the account's sessions."""
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
            # The way back in for someone who lost their authenticator (or after SECRET_KEY
            # changed): whoever can run the CLI on the server is trusted with it.
            employee.totp_secret = None
            await employee.save(using_db=conn)
            # A reset password ends every session opened with the old one.
            await (
                PanelSession.filter(employee_id=employee.id, ended_at=None)
                .using_db(conn)
                .update(ended_at=dt.datetime.now(dt.UTC))
            )
        await AuditLog.create(
            actor_label="cli",
            action="staff.admin_set",
            object_type="employee",
            object_id=str(employee.id),
            using_db=conn,
        )
    return employee, password
