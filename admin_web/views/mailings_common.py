"""What the mailing pages share: labels of states and channels, times in the company's zone,
and turning a service's InvalidInput into the message shown next to a field."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from aiohttp import web

from admin_web.keys import CLOCK, MAILER
from core.errors import InvalidInput
from core.i18n import N_, _, ngettext
from core.models import CampaignState, MailChannel, OutboxState, TextKind
from core.services.sms_channel import SmsEncoding, segments

CAMPAIGN_STATE_LABELS = {
    CampaignState.DRAFT: N_("Draft"),
    CampaignState.SCHEDULED: N_("Scheduled"),
    CampaignState.RUNNING: N_("Running"),
    CampaignState.PAUSED: N_("Paused"),
    CampaignState.CANCELLED: N_("Cancelled"),
    CampaignState.DONE: N_("Finished"),
}
OUTBOX_STATE_LABELS = {
    OutboxState.QUEUED: N_("Queued"),
    OutboxState.SENDING: N_("Sending"),
    OutboxState.SENT: N_("Sent"),
    OutboxState.FAILED: N_("Failed"),
    OutboxState.SKIPPED: N_("Skipped"),
}
CHANNEL_LABELS = {
    MailChannel.TELEGRAM: N_("Telegram"),
    MailChannel.VIBER: N_("Viber"),
    MailChannel.EMAIL: N_("Email"),
    MailChannel.SMS: N_("SMS"),
}
TEXT_KIND_LABELS = {
    TextKind.MESSENGER: N_("Messengers (Telegram, Viber)"),
    TextKind.EMAIL: N_("Email"),
    TextKind.SMS: N_("SMS"),
}
ENCODING_NAMES = {SmsEncoding.GSM7: "GSM-7", SmsEncoding.UCS2: "UCS-2"}
DATETIME_HINT = N_("Enter a date and time like 2026-12-31 09:00.")


def now_of(request: web.Request) -> dt.datetime:
    clock = request.config_dict.get(CLOCK)
    return clock.now() if clock is not None else dt.datetime.now(dt.UTC)


def wake_mailer(request: web.Request) -> None:
    """A launch, a resume or a retry: the process's worker looks for work at once."""
    mailer = request.config_dict.get(MAILER)
    if mailer is not None:
        mailer.wake()  # type: ignore[attr-defined]


def message(exc: InvalidInput) -> str:
    """The error in the reader's language."""
    return _(exc.msgid, **exc.params)


def channel_label(channel: object) -> str:
    try:
        return _(CHANNEL_LABELS[MailChannel(str(channel))])
    except ValueError:
        return str(channel)


def channels_text(channels: list[str]) -> str:
    return " → ".join(channel_label(c) for c in channels)


def sms_parts(text: str) -> str:
    """The SMS counter: 'GSM-7, 2 parts'."""
    encoding, parts = segments(text)
    return ngettext(
        "{encoding}, {n} part", "{encoding}, {n} parts", parts, encoding=ENCODING_NAMES[encoding]
    )


def local_input(moment: dt.datetime | None, zone: ZoneInfo) -> str:
    return moment.astimezone(zone).strftime("%Y-%m-%dT%H:%M") if moment else ""


def local_moment(raw: object, zone: ZoneInfo, field: str) -> dt.datetime | None:
    """A time typed in the company's zone (as datetime-local sends it) in UTC; None if blank."""
    text = str(raw or "").strip()
    if not text:
        return None
    try:
        moment = dt.datetime.fromisoformat(text.replace(" ", "T", 1))
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is not None or not 2000 <= moment.year <= 2100:
        raise InvalidInput(field, DATETIME_HINT)
    return moment.replace(tzinfo=zone).astimezone(dt.UTC)


def day_of(raw: object, field: str) -> dt.date | None:
    text = str(raw or "").strip()
    if not text:
        return None
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        day = None
    if day is None or not 2000 <= day.year <= 2100:
        raise InvalidInput(field, N_("Enter a date like 2026-12-31."))
    return day
