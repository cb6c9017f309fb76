"""Messenger accounts: finding or creating the ChannelIdentity behind a chat."""

from __future__ import annotations

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from core.models import Channel, ChannelIdentity, Employee
from core.services.access import Actor, ActorKind

MAX_NAME = 200


async def telegram_identity(user_id: int, display_name: str) -> ChannelIdentity:
    """Telegram's own ids are stable and unique, so they are both external id and chat id."""
    identity = await ChannelIdentity.get_or_none(
        channel=Channel.TELEGRAM, external_id=str(user_id)
    )
    if identity is not None:
        return await _with_people(identity)
    try:
        return await ChannelIdentity.create(
            channel=Channel.TELEGRAM,
            external_id=str(user_id),
            chat_id=user_id,
            display_name=display_name[:MAX_NAME],
        )
    except IntegrityError:  # the same person's parallel update created it first
        identity = await ChannelIdentity.get(channel=Channel.TELEGRAM, external_id=str(user_id))
        return await _with_people(identity)


async def _with_people(identity: ChannelIdentity) -> ChannelIdentity:
    """Load the client and employee behind the account, skipping the query when there is none.

    Cheaper than a select_related join for the common case of a person not yet registered.
    """
    related = [name for name in ("client", "employee") if getattr(identity, f"{name}_id")]
    if related:
        await identity.fetch_related(*related)
    return identity


async def sequenced_identity(
    channel: Channel, external_id: str, display_name: str = ""
) -> ChannelIdentity:
    """Viber and web chat have string ids; their chat id comes from our own row sequence."""
    identity = await ChannelIdentity.get_or_none(channel=channel, external_id=external_id)
    if identity is not None:
        return identity
    try:
        async with in_transaction() as conn:
            identity = await ChannelIdentity.create(
                channel=channel,
                external_id=external_id,
                display_name=display_name[:MAX_NAME],
                using_db=conn,
            )
            identity.chat_id = identity.id
            await identity.save(update_fields=["chat_id"], using_db=conn)
    except IntegrityError:
        identity = await ChannelIdentity.get(channel=channel, external_id=external_id)
    return identity


async def identity_by_chat(channel: Channel, chat_id: int) -> ChannelIdentity | None:
    identity = await ChannelIdentity.get_or_none(channel=channel, chat_id=chat_id)
    return None if identity is None else await _with_people(identity)


def actor_for(identity: ChannelIdentity, default_language: str) -> Actor:
    """Staff status wins: an employee who is also a client works from the staff menu.

    Related rows are read only when their id is set, so a brand-new account needs no query.
    """
    employee: Employee | None = identity.employee if identity.employee_id else None
    if employee is not None and employee.is_active:
        return Actor(
            kind=ActorKind.STAFF,
            language=employee.language or identity.language or default_language,
            identity_id=identity.id,
            employee_id=employee.id,
            role=employee.role,
            name=employee.name,
            carrier_id=employee.carrier_id,  # type: ignore[attr-defined]
        )
    client = identity.client if identity.client_id else None
    if client is not None:
        return Actor(
            kind=ActorKind.CLIENT,
            language=client.language or default_language,
            identity_id=identity.id,
            client_id=client.id,
            name=client.name,
        )
    return Actor(
        kind=ActorKind.ANONYMOUS,
        language=identity.language or default_language,
        identity_id=identity.id,
        name=identity.display_name,
    )
