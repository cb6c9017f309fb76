"""Scheduled entry points. Each is idempotent and only calls a service."""

from __future__ import annotations

import datetime as dt
import logging

from core.ports import Clock, Notifier, QuoteSender
from core.services.auth import purge_security_records
from core.services.quote_followup import ReminderRun, expire_quotes, remind_unanswered
from core.services.staff import purge_expired_invites

# Sign-in attempts and ended sessions are kept this long for the audit, then forgotten.
SECURITY_RECORDS_KEPT = dt.timedelta(days=90)

log = logging.getLogger(__name__)


async def quote_followup_job(
    clock: Clock, notifier: Notifier, sender: QuoteSender, remind_after_days: int
) -> ReminderRun:
    now = clock.now()
    expired = await expire_quotes(now)
    run = await remind_unanswered(notifier, sender, now, remind_after_days)
    log.info(
        "Quotes: %d expired, %d reminded (%d clients and %d staff reached)",
        expired,
        run.quotes,
        run.clients,
        run.managers,
    )
    return run


async def purge_invites_job(clock: Clock) -> int:
    removed = await purge_expired_invites(clock)
    log.info("Purged %d expired staff invites", removed)
    return removed


async def purge_security_records_job(clock: Clock) -> int:
    removed = await purge_security_records(clock.now(), SECURITY_RECORDS_KEPT)
    log.info("Purged %d old sign-in attempts and sessions", removed)
    return removed
