"""Reading clients and their dossiers, scoped by who is asking."""

from __future__ import annotations

from dataclasses import dataclass

from core.errors import NotFound
from core.models import ChannelIdentity, Client, Consent, Interaction
from core.services.access import Actor, Permission, require
from core.services.clients import visible_clients


@dataclass(frozen=True, slots=True)
class Dossier:
    client: Client
    interactions: list[Interaction]
    consents: list[Consent]
    identities: list[ChannelIdentity]
    consent_by_channel: dict[str, bool]


async def client_dossier(actor: Actor, client_id: int, limit: int = 200) -> Dossier:
    require(actor, Permission.VIEW_CLIENTS)
    client = await visible_clients(actor).filter(id=client_id).prefetch_related("manager").first()
    if client is None:
        raise NotFound()
    interactions = (
        await Interaction.filter(client_id=client_id)
        .order_by("-created_at", "-id")
        .limit(limit)
        .prefetch_related("employee")
    )
    consents = (
        await Consent.filter(client_id=client_id).order_by("-created_at", "-id").limit(limit)
    )
    identities = await ChannelIdentity.filter(client_id=client_id).order_by("id")
    state: dict[str, bool] = {}
    for entry in reversed(consents):
        state[entry.channel] = entry.granted
    return Dossier(client, interactions, consents, identities, state)
