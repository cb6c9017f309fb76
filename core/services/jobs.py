"""Scheduled entry points. Each is idempotent and only calls a service."""

from __future__ import annotations

import logging

from core.ports import Clock
from core.services.staff import purge_expired_invites

log = logging.getLogger(__name__)


async def purge_invites_job(clock: Clock) -> int:
    removed = await purge_expired_invites(clock)
    log.info("Purged %d expired staff invites", removed)
    return removed
