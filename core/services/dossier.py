"""Reading clients and their dossiers, scoped by who is asking.

The timeline is read a page at a time by keyset (entries older than the last id shown),
so the hundredth page of a client with thousands of entries costs what the first does:
one indexed range scan, never an OFFSET.
"""

from __future__ import annotations

from dataclasses import dataclass

from core.errors import NotFound
from core.models import ChannelIdentity, Client, Consent, ConsentState, Interaction
from core.services.access import Actor, Permission, require
from core.services.clients import visible_clients, visible_interactions


@dataclass(frozen=True, slots=True)
class Dossier:
    client: Client
    interactions: list[Interaction]
    consents: list[Consent]
    identities: list[ChannelIdentity]
    consent_by_channel: dict[str, bool]
    # The id to pass as `before` for the next (older) page; None on the last page.
    next_before: int | None = None


async def client_dossier(
    actor: Actor, client_id: int, limit: int = 200, before: int | None = None
) -> Dossier:
    require(actor, Permission.VIEW_CLIENTS)
    client = await visible_clients(actor).filter(id=client_id).prefetch_related("manager").first()
    if client is None:
        raise NotFound()
    timeline = visible_interactions(actor).filter(client_id=client_id)
    if before is not None:
        timeline = timeline.filter(id__lt=before)
    # Ids grow with time, so ordering by id alone keeps the keyset exact and uses the key.
    page = await timeline.order_by("-id").limit(limit + 1).prefetch_related("employee")
    interactions = page[:limit]
    next_before = interactions[-1].id if len(page) > limit else None
    consents = (
        await Consent.filter(client_id=client_id).order_by("-created_at", "-id").limit(limit)
    )
    identities = await ChannelIdentity.filter(client_id=client_id).order_by("id")
    states = await ConsentState.filter(client_id=client_id, purpose="messages")
    state = {entry.channel: entry.granted for entry in states}
    return Dossier(client, interactions, consents, identities, state, next_before)
