"""Consent to receive messages, per channel, as an append-only log that can prove itself."""

from __future__ import annotations

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.transactions import in_transaction

from core.errors import NotFound
from core.i18n import N_, current_i18n
from core.models import (
    Channel,
    ChannelIdentity,
    Client,
    Consent,
    ConsentPurpose,
    ConsentState,
    Interaction,
    InteractionKind,
)
from core.services import webhooks
from core.services.interactions import Subject, log_interaction

# Change the version whenever the wording below changes: old grants keep the text they saw.
CONSENT_TEXT_VERSION = "2026-11-v1"
CONSENT_TEXT = N_(
    "May we send you messages on this channel about your quotes, orders and deliveries, "
    "and occasional offers from us? You can withdraw at any time in Settings or by "
    "sending STOP."
)
STOP_WORD = N_("STOP")
# The narrower question a client can answer in Settings after saying no to messages.
SERVICE_TEXT = N_(
    "Updates about your own quotes, orders and deliveries on this channel, and nothing else."
)
# Asked when a client chooses offers on their own, or recorded by staff for email and SMS.
MARKETING_TEXT = N_("Offers and news from us on this channel. You can stop them at any time.")
ADDRESS_CHANNELS = (Channel.EMAIL, Channel.SMS)


def consent_text(language: str) -> str:
    """The exact wording shown to the person and stored with their answer."""
    return current_i18n().gettext(CONSENT_TEXT, language)


def stop_words() -> set[str]:
    """STOP in every language we speak, compared case-insensitively."""
    return {word.casefold() for word in current_i18n().every_translation(STOP_WORD)}


async def current_consent(
    client_id: int, channel: Channel, purpose: ConsentPurpose = ConsentPurpose.MESSAGES
) -> bool | None:
    """The latest answer on this channel, or None if the question was never answered."""
    latest = (
        await Consent.filter(client_id=client_id, channel=channel, purpose=purpose)
        .order_by("-created_at", "-id")
        .first()
    )
    return None if latest is None else latest.granted


async def service_consent(client_id: int, channel: Channel) -> bool:
    """May we send service updates (orders, deliveries) on this channel?

    The latest answer to either question counts: the onboarding question covers service
    updates, a separate service answer can narrow or widen it, and a STOP ends both.
    """
    latest = (
        await Consent.filter(
            client_id=client_id,
            channel=channel,
            purpose__in=(ConsentPurpose.MESSAGES, ConsentPurpose.SERVICE),
        )
        .order_by("-created_at", "-id")
        .first()
    )
    return bool(latest and latest.granted)


async def marketing_consent(client_id: int, channel: Channel) -> bool:
    """May we send offers and news (mailings) on this channel?

    Like service updates: the latest answer to the onboarding question or to the marketing
    question counts, so "no offers, thanks" keeps the onboarding yes for service updates.
    """
    latest = (
        await Consent.filter(
            client_id=client_id,
            channel=channel,
            purpose__in=(ConsentPurpose.MESSAGES, ConsentPurpose.MARKETING),
        )
        .order_by("-created_at", "-id")
        .first()
    )
    return bool(latest and latest.granted)


def _text_shown(purpose: ConsentPurpose, language: str) -> str:
    wording = {
        ConsentPurpose.MESSAGES: CONSENT_TEXT,
        ConsentPurpose.SERVICE: SERVICE_TEXT,
        ConsentPurpose.MARKETING: MARKETING_TEXT,
    }[purpose]
    return current_i18n().gettext(wording, language)


async def _record(
    conn: BaseDBAsyncClient,
    *,
    client_id: int,
    channel: Channel,
    purpose: ConsentPurpose,
    granted: bool,
    evidence: str,
    language: str,
    identity: ChannelIdentity | None = None,
    recorded_by_id: int | None = None,
) -> tuple[Consent | None, bool]:
    """One answer, its current-state row, the dossier entry and the webhook, all in `conn`."""
    latest = (
        await Consent.filter(client_id=client_id, channel=channel, purpose=purpose)
        .using_db(conn)
        .order_by("-created_at", "-id")
        .first()
    )
    if latest is not None and latest.granted == granted:
        return latest, False
    entry = await Consent.create(
        client_id=client_id,
        identity=identity,
        channel=channel,
        purpose=purpose,
        granted=granted,
        text_version=CONSENT_TEXT_VERSION,
        text_shown=_text_shown(purpose, language),
        language=language,
        evidence=evidence[:200],
        recorded_by_id=recorded_by_id,
        using_db=conn,
    )
    # The MARKETING state row is the effective answer for mailings (the latest of the
    # onboarding answer and an explicit marketing one), so audiences filter on one row.
    purposes = [purpose]
    if purpose is ConsentPurpose.MESSAGES:
        purposes.append(ConsentPurpose.MARKETING)
    for state_purpose in purposes:
        await ConsentState.update_or_create(
            client_id=client_id,
            channel=channel,
            purpose=state_purpose,
            defaults={"granted": granted, "updated_at": entry.created_at},
            using_db=conn,
        )
    subject = Subject.CONSENT_GRANTED if granted else Subject.CONSENT_WITHDRAWN
    if identity is not None:
        await log_interaction(identity, subject, evidence, connection=conn)
    else:
        await Interaction.create(
            client_id=client_id,
            channel=channel,
            kind=InteractionKind.SYSTEM,
            subject=subject,
            summary=evidence[:200],
            employee_id=recorded_by_id,
            using_db=conn,
        )
    await webhooks.emit(webhooks.CONSENT_CHANGED, webhooks.consent_data(entry), connection=conn)
    return entry, True


async def record_consent(
    identity_id: int,
    granted: bool,
    evidence: str,
    *,
    recorded_by_id: int | None = None,
    purpose: ConsentPurpose = ConsentPurpose.MESSAGES,
) -> tuple[Consent | None, bool]:
    """Record a grant or withdrawal made on the identity's channel, for one purpose.

    Returns (the log entry, changed). An answer equal to the current state changes nothing
    and writes nothing, so a repeated STOP or a double tap leaves one entry.
    """
    async with in_transaction() as conn:
        identity = (
            await ChannelIdentity.filter(id=identity_id)
            .using_db(conn)
            .select_for_update()
            .get_or_none()
        )
        if identity is None or identity.client_id is None:
            raise NotFound()
        return await _record(
            conn,
            client_id=identity.client_id,
            channel=Channel(identity.channel),
            purpose=purpose,
            granted=granted,
            evidence=evidence,
            language=identity.language or "en",
            identity=identity,
            recorded_by_id=recorded_by_id,
        )


async def record_address_consent(
    client_id: int,
    channel: Channel,
    granted: bool,
    evidence: str,
    *,
    recorded_by_id: int | None = None,
    purpose: ConsentPurpose = ConsentPurpose.MARKETING,
) -> tuple[Consent | None, bool]:
    """Consent for a channel reached by address (email, SMS), which has no chat to ask in.

    Staff record what the client agreed to (on a call, on a signed form: the evidence says
    which); an unsubscribe link records the withdrawal itself.
    """
    if channel not in ADDRESS_CHANNELS:
        raise ValueError(channel)
    async with in_transaction() as conn:
        client = await Client.filter(id=client_id).using_db(conn).select_for_update().first()
        if client is None:
            raise NotFound()
        return await _record(
            conn,
            client_id=client_id,
            channel=channel,
            purpose=purpose,
            granted=granted,
            evidence=evidence,
            language=client.language,
            recorded_by_id=recorded_by_id,
        )


async def withdraw_everything(identity_id: int, evidence: str) -> bool:
    """STOP: no offers and no updates on this channel, whatever was answered before."""
    _, changed = await record_consent(identity_id, False, evidence)
    identity = await ChannelIdentity.get(id=identity_id)
    channel = Channel(identity.channel)
    if await service_consent(identity.client_id, channel):  # type: ignore[arg-type]
        await record_consent(identity_id, False, evidence, purpose=ConsentPurpose.SERVICE)
        changed = True
    if await marketing_consent(identity.client_id, channel):  # type: ignore[arg-type]
        await record_consent(identity_id, False, evidence, purpose=ConsentPurpose.MARKETING)
        changed = True
    return changed


async def stop_offers(identity_id: int, evidence: str) -> bool:
    """ "Stop these messages" under a mailing: no more offers here, service updates stay."""
    _, changed = await record_consent(
        identity_id, False, evidence, purpose=ConsentPurpose.MARKETING
    )
    return changed


async def withdraw_for_channel_account(channel: Channel, external_id: str, evidence: str) -> bool:
    """The platform says the person left (Viber `unsubscribed`): withdraw for their client."""
    identity = await ChannelIdentity.get_or_none(channel=channel, external_id=external_id)
    if identity is None:
        return False
    identity.subscribed = False
    await identity.save(update_fields=["subscribed"])
    if identity.client_id is None:
        return False
    return await withdraw_everything(identity.id, evidence)
