"""Sign-in throttling per account: a growing delay after 10 failures, at most 100 an hour.

Every attempt is written down *before* the password (or code) is checked, as a failure, and
turned into a success only when it succeeds. The limits are computed from the attempts
recorded before this one, so parallel guesses see each other and cannot slip through
together. A refused attempt is deleted again: being refused costs an attacker nothing they
can measure and does not push the legitimate owner's wait further out.

Unknown logins are throttled exactly like real ones, so the answers do not tell which
logins exist.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from tortoise.backends.base.client import BaseDBAsyncClient

from core.errors import OnaError
from core.i18n import N_, ngettext
from core.models import LoginAttempt

FREE_FAILURES = 10
FIRST_DELAY = dt.timedelta(seconds=15)
MAX_DELAY = dt.timedelta(minutes=15)
HOURLY_FAILURES = 100
WINDOW = dt.timedelta(hours=1)
MAX_LOGIN = 100
# Enough consecutive failures to reach MAX_DELAY; counting further changes nothing.
_DELAY_HORIZON = FREE_FAILURES + math.ceil(math.log2(MAX_DELAY / FIRST_DELAY)) + 1


class TooManyAttempts(OnaError):
    """Refused before anything was checked; `wait` says for how long (see refusal_message)."""

    msgid = N_("Too many attempts. Try again later.")

    def __init__(self, wait: dt.timedelta) -> None:
        super().__init__()
        self.wait = wait


def normalize_login(login: str) -> str:
    """The key attempts are counted under: what `authenticate` looks the account up by."""
    return login.strip().lower()[:MAX_LOGIN]


def delay_after(failures: int) -> dt.timedelta:
    """The wait after `failures` consecutive failures: 0, then 15 s doubling up to 15 min."""
    if failures < FREE_FAILURES:
        return dt.timedelta(0)
    return min(FIRST_DELAY * 2 ** (failures - FREE_FAILURES), MAX_DELAY)


@dataclass(frozen=True, slots=True)
class Attempt:
    """One recorded attempt; `wait` is zero when it may go ahead."""

    id: int
    login: str
    wait: dt.timedelta

    @property
    def refused(self) -> bool:
        return self.wait > dt.timedelta(0)


async def begin_attempt(login: str, remote: str, now: dt.datetime) -> Attempt:
    """Record an attempt for `login` (as failed until proven otherwise) and say whether it may
    go ahead. A refused attempt is already forgotten when this returns."""
    key = normalize_login(login)
    row = await LoginAttempt.create(login=key, succeeded=False, remote=remote[:64], created_at=now)
    wait = await _wait_before(key, row.id, now)
    if wait > dt.timedelta(0):
        await LoginAttempt.filter(id=row.id).delete()
    return Attempt(row.id, key, wait)


async def _wait_before(login: str, attempt_id: int, now: dt.datetime) -> dt.timedelta:
    earlier = LoginAttempt.filter(login=login, id__lt=attempt_id)
    # Ids, not timestamps, order the attempts: two can share a timestamp, never an id.
    last_success = (
        await earlier.filter(succeeded=True).order_by("-id").limit(1).values_list("id", flat=True)
    )
    since_success = earlier.filter(succeeded=False)
    if last_success:
        since_success = since_success.filter(id__gt=last_success[0])
    streak = (
        await since_success.order_by("-id")
        .limit(_DELAY_HORIZON)
        .values_list("created_at", flat=True)
    )
    wait = dt.timedelta(0)
    if streak:
        wait = max(wait, streak[0] + delay_after(len(streak)) - now)
    in_window = (
        await earlier.filter(succeeded=False, created_at__gt=now - WINDOW)
        .order_by("-created_at")
        .limit(HOURLY_FAILURES)
        .values_list("created_at", flat=True)
    )
    if len(in_window) >= HOURLY_FAILURES:
        wait = max(wait, in_window[-1] + WINDOW - now)
    return wait


async def mark_succeeded(attempt: Attempt, connection: BaseDBAsyncClient | None = None) -> None:
    """The attempt succeeded: it ends the streak of failures before it."""
    await LoginAttempt.filter(id=attempt.id).using_db(connection).update(succeeded=True)


async def forget(attempt: Attempt) -> None:
    """Neither success nor failure (a right password still waiting for its code)."""
    await LoginAttempt.filter(id=attempt.id).delete()


def refusal_message(wait: dt.timedelta) -> str:
    """The translated refusal, in whole seconds under a minute, else in whole minutes."""
    seconds = max(1, math.ceil(wait.total_seconds()))
    if seconds < 60:
        return ngettext(
            "Too many attempts. Try again in {n} second.",
            "Too many attempts. Try again in {n} seconds.",
            seconds,
        )
    return ngettext(
        "Too many attempts. Try again in {n} minute.",
        "Too many attempts. Try again in {n} minutes.",
        math.ceil(seconds / 60),
    )
