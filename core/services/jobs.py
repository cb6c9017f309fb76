"""Scheduled entry points. Each is idempotent and only calls a service."""

from __future__ import annotations

import datetime as dt
import logging

from core.ports import Clock
from core.services.auth import purge_security_records
from core.services.staff import purge_expired_invites

# Sign-in attempts and ended sessions are kept this long for the audit, then forgotten.
SECURITY_RECORDS_KEPT = dt.timedelta(days=90)

log = logging.getLogger(__name__)


async def purge_invites_job(clock: Clock) -> int:
    removed = await purge_expired_invites(clock)
    log.info("Purged %d expired staff invites", removed)
    return removed


async def purge_security_records_job(clock: Clock) -> int:
    removed = await purge_security_records(clock.now(), SECURITY_RECORDS_KEPT)
    log.info("Purged %d old sign-in attempts and sessions", removed)
    return removed
