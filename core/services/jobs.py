"""Scheduled entry points. Each is idempotent and only calls a service."""

from __future__ import annotations

import datetime as dt
import logging

from core.ports import Clock, Notifier, QuoteSender
from core.services.auth import purge_security_records
from core.services.company import current_company, zone_of
from core.services.quote_followup import ReminderRun, expire_quotes, remind_unanswered
from core.services.relay import alert_slow_replies
from core.services.shipment_notices import alert_late_shipments, send_due_notices
from core.services.staff import purge_expired_invites
from core.services.staff_reminders import remind_due_tasks, remind_stale_requests

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


async def task_reminders_job(clock: Clock, notifier: Notifier) -> int:
    """Every few minutes: whoever's reminder time has come today hears what is due."""
    zone = zone_of(await current_company())
    sent = await remind_due_tasks(notifier, clock.now(), zone)
    if sent:
        log.info("Task reminders: %d people reminded", sent)
    return sent


async def stale_requests_job(clock: Clock, notifier: Notifier, days: int) -> int:
    sent = await remind_stale_requests(notifier, clock.now(), days)
    log.info("Quiet requests: %d reminded", sent)
    return sent


async def slow_replies_job(clock: Clock, notifier: Notifier, minutes: int) -> int:
    """Every minute: clients in a live chat waiting too long raise an alert, once."""
    alerted = await alert_slow_replies(notifier, clock.now(), dt.timedelta(minutes=minutes))
    if alerted:
        log.info("Live chats: %d slow replies reported", alerted)
    return alerted


async def shipment_notices_job(clock: Clock, notifier: Notifier, public_url: str) -> int:
    """Every minute: client notices whose time has come (after quiet hours), each once."""
    sent = await send_due_notices(notifier, clock.now(), public_url)
    if sent:
        log.info("Shipment notices: %d sent", sent)
    return sent


async def late_shipments_job(clock: Clock, notifier: Notifier, hours: int) -> int:
    alerted = await alert_late_shipments(notifier, clock.now(), dt.timedelta(hours=hours))
    if alerted:
        log.info("Late shipments: %d reported", alerted)
    return alerted


# Report digests (issue 8), imported here so the job stays one block at the end.
from core.services.report_digests import ReportSender, send_due_digests  # noqa: E402


async def report_digests_job(clock: Clock, sender: ReportSender) -> int:
    """Daily at 08:00: on Mondays last week's digests, on the 1st last month's, each once."""
    zone = zone_of(await current_company())
    sent = await send_due_digests(sender, clock.now(), zone)
    if sent:
        log.info("Report digests: %d sent", sent)
    return sent
