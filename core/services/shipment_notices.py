"""Telling people a shipment moved: the client on every event, the manager when it runs late.

A client notice is a row queued in the event's transaction, for the channel the client used
last among those where they agreed to service updates. It is due at once, or at the end of
the company's quiet hours for news that can wait (an exception never waits). Sending claims
the row first (pending → sent), so a notice goes out once even if two processes try.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from zoneinfo import ZoneInfo

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.transactions import in_transaction

from core.i18n import N_, format_datetime, gettext
from core.models import (
    Channel,
    ChannelIdentity,
    Client,
    Company,
    Employee,
    Interaction,
    NotificationState,
    Role,
    Shipment,
    ShipmentEvent,
    ShipmentNotice,
    ShipmentStatus,
)
from core.ports import Notifier
from core.services.company import current_company, zone_of
from core.services.consent import service_consent
from core.services.shipment_status import FINAL, STATUS_LABELS, URGENT
from core.services.staff_alerts import alert_staff
from core.services.webhooks import SHIPMENT_LATE, emit

MAX_ATTEMPTS = 3
RETRY_AFTER = dt.timedelta(minutes=10)
NOTICE = N_("Shipment {number}: {status}{place}.\nTrack it here: {link}")
NOTICE_ETA = N_("Shipment {number}: {status}{place}. Expected by {eta}.\nTrack it here: {link}")
LATE_ALERT = N_(
    "Shipment {number} for {client} is running late: expected {eta} instead of {promised}."
)


def in_quiet_hours(company: Company, moment: dt.datetime) -> dt.datetime | None:
    """The end of the quiet hours `moment` falls in (UTC), or None outside them."""
    if not company.quiet_starts or not company.quiet_ends:
        return None
    zone = zone_of(company)
    local = moment.astimezone(zone)
    starts = dt.time.fromisoformat(company.quiet_starts)
    ends = dt.time.fromisoformat(company.quiet_ends)
    now = local.time()
    if starts <= ends:
        quiet = starts <= now < ends
        end_day = local.date()
    else:  # over midnight, e.g. 21:00 to 08:00
        quiet = now >= starts or now < ends
        end_day = local.date() + dt.timedelta(days=1) if now >= starts else local.date()
    if not quiet:
        return None
    return dt.datetime.combine(end_day, ends, zone).astimezone(dt.UTC)


async def _channel_in_use(client_id: int, conn: BaseDBAsyncClient) -> ChannelIdentity | None:
    """The client's chat they wrote from last, among those that can be reached."""
    identities = list(
        await ChannelIdentity.filter(
            client_id=client_id, subscribed=True, chat_id__not_isnull=True
        ).using_db(conn)
    )
    if not identities:
        return None
    last = (
        await Interaction.filter(client_id=client_id, identity_id__in=[i.id for i in identities])
        .using_db(conn)
        .order_by("-id")
        .first()
    )
    if last is not None:
        return next(i for i in identities if i.id == last.identity_id)  # type: ignore[attr-defined]
    return max(identities, key=lambda i: i.id)


async def queue_notice(
    shipment: Shipment, event: ShipmentEvent, now: dt.datetime, conn: BaseDBAsyncClient
) -> ShipmentNotice | None:
    """Queue the client's notice of `event`, inside the event's transaction."""
    identity = await _channel_in_use(shipment.client_id, conn)  # type: ignore[attr-defined]
    if identity is None:
        return None
    if not await service_consent(shipment.client_id, Channel(identity.channel)):  # type: ignore[attr-defined]
        return await ShipmentNotice.create(
            event=event,
            identity=identity,
            state=NotificationState.SKIPPED,
            due_at=now,
            reason="no consent to service messages on this channel",
            using_db=conn,
        )
    due = now
    if ShipmentStatus(event.status) not in URGENT:
        due = in_quiet_hours(await current_company(), now) or now
    return await ShipmentNotice.create(event=event, identity=identity, due_at=due, using_db=conn)


async def send_due_notices(notifier: Notifier, now: dt.datetime, public_url: str) -> int:
    """Send every notice whose time has come; each one once."""
    due = await ShipmentNotice.filter(state=NotificationState.PENDING, due_at__lte=now).order_by(
        "due_at", "id"
    )
    zone = zone_of(await current_company())
    sent = 0
    for notice in due:
        async with in_transaction() as conn:
            claimed = (
                await ShipmentNotice.filter(id=notice.id, state=NotificationState.PENDING)
                .using_db(conn)
                .update(state=NotificationState.SENT, sent_at=now)
            )
        if not claimed:
            continue
        event = await ShipmentEvent.get(id=notice.event_id).prefetch_related("shipment")  # type: ignore[attr-defined]
        identity = await ChannelIdentity.get(id=notice.identity_id)  # type: ignore[attr-defined]
        shipment: Shipment = event.shipment  # type: ignore[attr-defined]
        # Consent may have been withdrawn while the notice waited out the quiet hours.
        if not await service_consent(shipment.client_id, Channel(identity.channel)):  # type: ignore[attr-defined]
            await ShipmentNotice.filter(id=notice.id).update(
                state=NotificationState.SKIPPED, reason="consent withdrawn before sending"
            )
            continue
        client = await Client.get(id=shipment.client_id)  # type: ignore[attr-defined]
        language = identity.language or client.language
        status = STATUS_LABELS[ShipmentStatus(event.status)]
        final = ShipmentStatus(event.status) in FINAL  # no "expected by" on an ended one
        ok = await notifier.notify(
            Channel(identity.channel),
            identity.chat_id,  # type: ignore[arg-type]
            language,
            NOTICE if final else NOTICE_ETA,
            number=shipment.number,
            status=_translated(status),
            place=f", {event.place}" if event.place else "",
            eta=_local_time(shipment.eta, zone),
            link=f"{public_url}/t/{shipment.tracking_token}",
        )
        if ok:
            sent += 1
            continue
        attempts = notice.attempts + 1
        if attempts < MAX_ATTEMPTS:
            # Tried again later (a network error, the platform busy), not in a tight loop.
            await ShipmentNotice.filter(id=notice.id).update(
                state=NotificationState.PENDING,
                attempts=attempts,
                due_at=now + RETRY_AFTER * attempts,
                sent_at=None,
            )
        else:
            await ShipmentNotice.filter(id=notice.id).update(
                state=NotificationState.FAILED,
                attempts=attempts,
                reason="the channel did not accept the message",
            )
    return sent


def _translated(message: str) -> Callable[[], str]:
    return lambda: gettext(message)


def _local_time(moment: dt.datetime, zone: ZoneInfo) -> Callable[[], str]:
    return lambda: format_datetime(moment, zone)


async def alert_late_shipments(notifier: Notifier, now: dt.datetime, margin: dt.timedelta) -> int:
    """A shipment expected later than promised by more than `margin`, or past its ETA with
    no delivery, is reported once to its manager (else the heads of sales)."""
    open_ = await Shipment.filter(late_alerted_at=None).exclude(status__in=tuple(FINAL))
    late = [s for s in open_ if s.eta < now - margin or s.eta - s.promised_at > margin]
    zone = zone_of(await current_company())
    alerted = 0
    for shipment in late:
        claimed = await Shipment.filter(id=shipment.id, late_alerted_at=None).update(
            late_alerted_at=now
        )
        if not claimed:
            continue
        staff = []
        if shipment.manager_id:  # type: ignore[attr-defined]
            manager = await Employee.get_or_none(id=shipment.manager_id, is_active=True)  # type: ignore[attr-defined]
            staff = [manager] if manager else []
        if not staff:
            staff = list(await Employee.filter(role=Role.HEAD_OF_SALES, is_active=True))
        client = await Client.get(id=shipment.client_id)  # type: ignore[attr-defined]
        await alert_staff(
            notifier,
            staff,
            LATE_ALERT,
            number=shipment.number,
            client=client.name,
            eta=_local_time(max(shipment.eta, now), zone),
            promised=_local_time(shipment.promised_at, zone),
        )
        async with in_transaction() as conn:
            await emit(
                SHIPMENT_LATE,
                {
                    "shipment": shipment.number,
                    "promised_at": shipment.promised_at,
                    "eta": shipment.eta,
                },
                connection=conn,
            )
        alerted += 1
    return alerted
