"""A person's first steps: language, phone number, and becoming a known client."""

from __future__ import annotations

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from core.config import SUPPORTED_LANGUAGES
from core.errors import InvalidInput, NotFound
from core.i18n import LANGUAGE_NAMES, N_
from core.models import ChannelIdentity, Client, Employee, Interaction
from core.services import webhooks
from core.services.interactions import Subject, log_interaction
from core.services.phones import normalize_phone


async def note_start(identity: ChannelIdentity) -> None:
    await log_interaction(identity, Subject.STARTED, "/start")


async def choose_language(identity_id: int, language: str) -> str:
    """Store the language on the account and on whoever is behind it; later replies use it."""
    if language not in SUPPORTED_LANGUAGES:
        raise InvalidInput("language", N_("Please choose one of the languages offered."))
    async with in_transaction() as conn:
        identity = await ChannelIdentity.get_or_none(id=identity_id).using_db(conn)
        if identity is None:
            raise NotFound()
        identity.language = language
        await identity.save(update_fields=["language"], using_db=conn)
        if identity.client_id is not None:
            await Client.filter(id=identity.client_id).using_db(conn).update(language=language)
        if identity.employee_id is not None:
            await Employee.filter(id=identity.employee_id).using_db(conn).update(language=language)
        await log_interaction(
            identity, Subject.LANGUAGE, LANGUAGE_NAMES[language], connection=conn
        )
    return language


async def register_phone(
    identity_id: int, raw_phone: str, region: str, *, verified: bool
) -> tuple[Client, bool]:
    """Find the client with this phone or create one, and link the account to it.

    `verified` says the messenger vouched for the number (Telegram's own contact, Viber's
    share-phone); typed numbers are accepted too and marked as typed in the dossier.
    Returns (client, created).
    """
    phone = normalize_phone(raw_phone, region)
    for _attempt in range(2):
        try:
            return await _link_phone(identity_id, phone, verified)
        except IntegrityError:
            continue  # another chat created the same client a moment ago: match it instead
    return await _link_phone(identity_id, phone, verified)


async def _link_phone(identity_id: int, phone: str, verified: bool) -> tuple[Client, bool]:
    async with in_transaction() as conn:
        identity = await ChannelIdentity.get_or_none(id=identity_id).using_db(conn)
        if identity is None:
            raise NotFound()
        client = await Client.get_or_none(phone=phone).using_db(conn)
        created = client is None
        if client is None:
            client = await Client.create(
                name=identity.display_name or phone,
                phone=phone,
                language=identity.language or "en",
                source=identity.channel,
                using_db=conn,
            )
            await webhooks.emit(
                webhooks.CLIENT_CREATED, webhooks.client_data(client), connection=conn
            )
        elif identity.language and client.language != identity.language:
            client.language = identity.language
            await client.save(update_fields=["language"], using_db=conn)
        identity.client_id = client.id
        await identity.save(update_fields=["client_id"], using_db=conn)
        await (
            Interaction.filter(identity_id=identity.id, client_id=None)
            .using_db(conn)
            .update(client_id=client.id)
        )
        how = "shared" if verified else "typed"
        await log_interaction(identity, Subject.PHONE_SHARED, f"{phone} ({how})", connection=conn)
        await log_interaction(
            identity,
            Subject.CLIENT_CREATED if created else Subject.CLIENT_MATCHED,
            client.name,
            connection=conn,
        )
        return client, created


async def note_menu(identity: ChannelIdentity, item: str) -> None:
    await log_interaction(identity, Subject.MENU, item)
