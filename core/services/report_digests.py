"""Report digests: a report a person chose to receive in the bot every week or month.

A weekly digest goes on Mondays for the week before (Monday to Sunday), a monthly one on the
1st for the month before, each built with the person's own scope (a manager's own figures,
a head of sales' team, everyone's for management), in their language, through the same
sending code as a report asked for in the bot (`ReportSender`, bot/report_sender.py).

Each digest is claimed for its period by a conditional update of last_period_start before
it is sent, so a job that runs again, or on another process, sends nothing twice.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Protocol
from zoneinfo import ZoneInfo

from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from core.errors import NotFound, PermissionDenied
from core.i18n import N_
from core.models import Channel, ChannelIdentity, DigestFrequency, Employee, ReportDigest
from core.services import audit
from core.services.access import Actor, ActorKind
from core.services.reports import get_report
from core.services.reports.period import Period, Preset, preset_period

log = logging.getLogger(__name__)

# Said above a digest, in the recipient's language.
DIGEST_INTROS = {
    DigestFrequency.WEEKLY: N_("Your weekly report digest."),
    DigestFrequency.MONTHLY: N_("Your monthly report digest."),
}
PRESETS = {
    DigestFrequency.WEEKLY: Preset.LAST_WEEK,
    DigestFrequency.MONTHLY: Preset.LAST_MONTH,
}


class ReportSender(Protocol):
    """Sends a report to one chat, in `language`: a chart and an XLSX file where the channel
    takes files, else a short summary with a link to the panel, followed by the report's
    notes, as a report asked for in the bot is (a digest is read without the panel page that
    explains its figures); bot/report_sender.py implements it. `intro` is a message id said
    above the report. False when the chat cannot be reached."""

    async def send_report(
        self,
        channel: Channel,
        chat_id: int,
        language: str,
        actor: Actor,
        key: str,
        preset: Preset,
        period: Period,
        intro: str | None = None,
    ) -> bool: ...


def _own(actor: Actor, key: str) -> int:
    """The person's employee id, once the report is known to be theirs to open."""
    get_report(actor, key)  # NotFound / PermissionDenied
    if actor.employee_id is None:
        raise PermissionDenied()
    return actor.employee_id


async def digests_of(actor: Actor, key: str) -> set[DigestFrequency]:
    """Which digests of the report the person receives."""
    employee_id = _own(actor, key)
    found = await ReportDigest.filter(employee_id=employee_id, report=key).values_list(
        "frequency", flat=True
    )
    return {DigestFrequency(f) for f in found}


async def set_digest(
    actor: Actor, key: str, frequency: DigestFrequency, on: bool
) -> set[DigestFrequency]:
    """Turn the person's own digest of a report on or off; audited when it changes.

    Returns the digests of the report the person receives afterwards.
    """
    employee_id = _own(actor, key)
    async with in_transaction() as conn:
        # One change at a time per person, so two taps cannot both create the row.
        await Employee.select_for_update().using_db(conn).get(id=employee_id)
        existing = (
            await ReportDigest.filter(employee_id=employee_id, report=key, frequency=frequency)
            .using_db(conn)
            .first()
        )
        if on and existing is None:
            digest = await ReportDigest.create(
                employee_id=employee_id, report=key, frequency=frequency, using_db=conn
            )
            await audit.record(
                actor,
                "report_digest.on",
                "report_digest",
                digest.id,
                {"report": key, "frequency": frequency},
                connection=conn,
            )
        elif not on and existing is not None:
            await existing.delete(using_db=conn)
            await audit.record(
                actor,
                "report_digest.off",
                "report_digest",
                existing.id,
                {"report": key, "frequency": frequency},
                connection=conn,
            )
        found = (
            await ReportDigest.filter(employee_id=employee_id, report=key)
            .using_db(conn)
            .values_list("frequency", flat=True)
        )
    return {DigestFrequency(f) for f in found}


def due_digests(today: dt.date, zone: ZoneInfo) -> dict[DigestFrequency, Period]:
    """The digests due on this local day and the period each covers."""
    due = {}
    if today.weekday() == 0:
        due[DigestFrequency.WEEKLY] = preset_period(PRESETS[DigestFrequency.WEEKLY], today, zone)
    if today.day == 1:
        due[DigestFrequency.MONTHLY] = preset_period(PRESETS[DigestFrequency.MONTHLY], today, zone)
    return due


def _not_sent_for(start: dt.date) -> Q:
    return Q(last_period_start__isnull=True) | Q(last_period_start__lt=start)


def _actor_of(employee: Employee, identity: ChannelIdentity) -> Actor:
    """The person as the bot sees them (core.services.identities.actor_for)."""
    return Actor(
        kind=ActorKind.STAFF,
        language=employee.language or identity.language or "",
        identity_id=identity.id,
        employee_id=employee.id,
        role=employee.role,
        name=employee.name,
        carrier_id=employee.carrier_id,  # type: ignore[attr-defined]
    )


async def send_due_digests(sender: ReportSender, now: dt.datetime, zone: ZoneInfo) -> int:
    """Send every digest due today (company time) that has not gone for its period.

    Returns how many digests reached at least one of their person's chats.
    """
    today = now.astimezone(zone).date()
    sent = 0
    for frequency, period in due_digests(today, zone).items():
        digests = await (
            ReportDigest.filter(_not_sent_for(period.start), frequency=frequency)
            .filter(employee__is_active=True)
            .select_related("employee")
            .order_by("id")
        )
        for digest in digests:
            if await _send_one(sender, digest, frequency, period):
                sent += 1
    return sent


async def _send_one(
    sender: ReportSender, digest: ReportDigest, frequency: DigestFrequency, period: Period
) -> bool:
    employee: Employee = digest.employee  # type: ignore[assignment]
    chats = await ChannelIdentity.filter(
        employee_id=employee.id, chat_id__not_isnull=True, subscribed=True
    ).order_by("id")
    if not chats:
        return False
    try:
        # The role may have changed since the digest was chosen, or the report gone.
        get_report(_actor_of(employee, chats[0]), digest.report)
    except (NotFound, PermissionDenied):
        return False
    claimed = await ReportDigest.filter(_not_sent_for(period.start), id=digest.id).update(
        last_period_start=period.start
    )
    if not claimed:
        return False  # another run sent it for this period
    reached = False
    for identity in chats:
        actor = _actor_of(employee, identity)
        try:
            delivered = await sender.send_report(
                Channel(identity.channel),
                identity.chat_id,
                actor.language,
                actor,
                digest.report,
                PRESETS[frequency],
                period,
                DIGEST_INTROS[frequency],
            )
        except Exception:
            # One broken report must not keep the others' digests from going out.
            log.exception("Digest %s (%s) could not be built or sent", digest.id, digest.report)
            delivered = False
        reached = reached or delivered
    return reached
