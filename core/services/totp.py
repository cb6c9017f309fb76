"""The optional second factor for admins and directors: time-based one-time codes (RFC 6238).

The shared secret is stored encrypted (Fernet, key derived from SECRET_KEY with HKDF), so a
copy of the database alone does not yield working codes. A secret being set up is not
stored at all until the person proves their app has it: the page carries it encrypted and
time-limited, and only a valid code makes it the account's secret.
"""

from __future__ import annotations

import base64
import datetime as dt
import re
import secrets
from dataclasses import dataclass

import pyotp
from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from tortoise.transactions import in_transaction

from core.errors import InvalidInput
from core.i18n import N_
from core.models import AuditLog, Employee
from core.services import login_throttle
from core.services.access import Actor, Permission, require

ISSUER = "Ona"
STEP_SECONDS = 30
# A code from the step before or after also counts: phone clocks drift.
DRIFT_STEPS = 1
SETUP_TTL = dt.timedelta(minutes=15)
WRONG_CODE = N_("Wrong code. Enter the 6 digits your app shows now.")
_CODE = re.compile(r"^\d{6}$")


def may_use_totp(actor: Actor) -> bool:
    return actor.can(Permission.USE_TOTP)


def _fernet(secret_key: str) -> Fernet:
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"ona-totp-secret").derive(
        secret_key.encode()
    )
    return Fernet(base64.urlsafe_b64encode(key))


def encrypt(secret: str, secret_key: str, now: dt.datetime) -> str:
    return _fernet(secret_key).encrypt_at_time(secret.encode(), int(now.timestamp())).decode()


def decrypt(token: str, secret_key: str, now: dt.datetime, ttl: dt.timedelta | None = None) -> str:
    """The plain secret; raises InvalidToken if tampered with, or older than `ttl`."""
    fernet = _fernet(secret_key)
    if ttl is None:
        return fernet.decrypt(token.encode()).decode()
    return fernet.decrypt_at_time(
        token.encode(), int(ttl.total_seconds()), int(now.timestamp())
    ).decode()


def timestep(moment: dt.datetime) -> int:
    return int(moment.timestamp()) // STEP_SECONDS


def matching_step(secret: str, code: str, now: dt.datetime) -> int | None:
    """The time step whose code this is (within the allowed drift), or None."""
    code = re.sub(r"\s", "", code)
    if not _CODE.fullmatch(code):
        return None
    totp = pyotp.TOTP(secret, interval=STEP_SECONDS)
    current = timestep(now)
    for step in range(current - DRIFT_STEPS, current + DRIFT_STEPS + 1):
        if secrets.compare_digest(totp.generate_otp(step), code):
            return step
    return None


@dataclass(frozen=True, slots=True)
class Setup:
    """What the set-up page shows: the secret as text, as a URI for the QR code, and the
    encrypted token the confirmation form sends back."""

    secret: str
    uri: str
    token: str


def _require_totp_role(actor: Actor) -> None:
    require(actor, Permission.USE_TOTP)


def start_setup(actor: Actor, account_name: str, secret_key: str, now: dt.datetime) -> Setup:
    """A fresh secret for `actor`; nothing is stored until `enable` gets a valid code."""
    _require_totp_role(actor)
    secret = pyotp.random_base32()
    return resume_setup(actor, secret, encrypt(secret, secret_key, now), account_name)


def resume_setup(actor: Actor, secret: str, token: str, account_name: str) -> Setup:
    """The same set-up shown again (after a mistyped code), so the scanned QR stays valid."""
    _require_totp_role(actor)
    uri = pyotp.TOTP(secret, interval=STEP_SECONDS).provisioning_uri(
        name=account_name, issuer_name=ISSUER
    )
    return Setup(secret, uri, token)


def secret_of_setup(token: str, secret_key: str, now: dt.datetime) -> str:
    try:
        return decrypt(token, secret_key, now, SETUP_TTL)
    except (InvalidToken, ValueError):
        raise InvalidInput(
            "code", N_("This set-up has expired. Scan the new QR code and try again.")
        ) from None


async def enable(
    actor: Actor, setup_token: str, code: str, secret_key: str, now: dt.datetime
) -> None:
    """Turn the second factor on once the code proves the app holds the secret."""
    _require_totp_role(actor)
    secret = secret_of_setup(setup_token, secret_key, now)
    if matching_step(secret, code, now) is None:
        raise InvalidInput("code", WRONG_CODE)
    async with in_transaction() as conn:
        employee = await Employee.get(id=actor.employee_id).using_db(conn)
        employee.totp_secret = encrypt(secret, secret_key, now)
        await employee.save(update_fields=["totp_secret"], using_db=conn)
        await AuditLog.create(
            employee=employee,
            actor_label=actor.name,
            action="auth.totp_enabled",
            object_type="employee",
            object_id=str(employee.id),
            using_db=conn,
        )


async def disable(
    actor: Actor, code: str, secret_key: str, *, remote: str, now: dt.datetime
) -> None:
    """Turn the second factor off. It needs a current code, so a borrowed session is not
    enough, and wrong codes count against the account's sign-in throttle."""
    _require_totp_role(actor)
    employee = await Employee.get(id=actor.employee_id)
    if not employee.totp_secret:
        return
    attempt = await login_throttle.begin_attempt(employee.login or "", remote, now)
    if attempt.refused:
        raise login_throttle.TooManyAttempts(attempt.wait)
    try:
        secret = decrypt(employee.totp_secret, secret_key, now)
    except InvalidToken:  # SECRET_KEY changed: only `create-admin` can reset it now
        raise InvalidInput("code", WRONG_CODE) from None
    if matching_step(secret, code, now) is None:
        raise InvalidInput("code", WRONG_CODE)
    async with in_transaction() as conn:
        await login_throttle.mark_succeeded(attempt, conn)
        employee.totp_secret = None
        await employee.save(update_fields=["totp_secret"], using_db=conn)
        await AuditLog.create(
            employee=employee,
            actor_label=actor.name,
            action="auth.totp_disabled",
            object_type="employee",
            object_id=str(employee.id),
            using_db=conn,
        )
