"""Consent to receive messages, per channel, as an append-only log that can prove itself."""

from __future__ import annotations

from tortoise.transactions import in_transaction

from core.errors import NotFound
from core.i18n import N_, current_i18n
from core.models import Channel, ChannelIdentity, Consent, ConsentPurpose, ConsentState
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
        latest = (
            await Consent.filter(
                client_id=identity.client_id, channel=identity.channel, purpose=purpose
            )
            .using_db(conn)
            .order_by("-created_at", "-id")
            .first()
        )
        if latest is not None and latest.granted == granted:
            return latest, False
        language = identity.language or "en"
        entry = await Consent.create(
            client_id=identity.client_id,
            identity=identity,
            channel=identity.channel,
            purpose=purpose,
            granted=granted,
            text_version=CONSENT_TEXT_VERSION,
            text_shown=(
                consent_text(language)
                if purpose is ConsentPurpose.MESSAGES
                else current_i18n().gettext(SERVICE_TEXT, language)
            ),
            language=language,
            evidence=evidence[:200],
            recorded_by_id=recorded_by_id,
            using_db=conn,
        )
        await ConsentState.update_or_create(
            client_id=identity.client_id,
            channel=identity.channel,
            purpose=purpose,
            defaults={"granted": granted, "updated_at": entry.created_at},
            using_db=conn,
        )
        await log_interaction(
            identity,
            Subject.CONSENT_GRANTED if granted else Subject.CONSENT_WITHDRAWN,
            evidence,
            connection=conn,
        )
        await webhooks.emit(
            webhooks.CONSENT_CHANGED, webhooks.consent_data(entry), connection=conn
        )
        return entry, True


async def withdraw_everything(identity_id: int, evidence: str) -> bool:
    """STOP: no offers and no updates on this channel, whatever was answered before."""
    _, changed = await record_consent(identity_id, False, evidence)
    identity = await ChannelIdentity.get(id=identity_id)
    if await service_consent(identity.client_id, Channel(identity.channel)):  # type: ignore[arg-type]
        await record_consent(identity_id, False, evidence, purpose=ConsentPurpose.SERVICE)
        changed = True
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
