"""Reading clients and their dossiers, scoped by who is asking."""

from __future__ import annotations

from dataclasses import dataclass

from tortoise.expressions import Q

from core.errors import NotFound
from core.models import ChannelIdentity, Client, Consent, Interaction
from core.services.access import Actor, Permission, require

PAGE_SIZE = 50


@dataclass(frozen=True, slots=True)
class Dossier:
    client: Client
    interactions: list[Interaction]
    consents: list[Consent]
    identities: list[ChannelIdentity]
    consent_by_channel: dict[str, bool]


def _scope(actor: Actor):
    """Managers see their own clients and unassigned ones; management sees everyone."""
    query = Client.all()
    if actor.sees_only_own_clients:
        query = query.filter(Q(manager_id=actor.employee_id) | Q(manager_id=None))
    return query


async def list_clients(actor: Actor, search: str = "", page: int = 1) -> tuple[list[Client], int]:
    require(actor, Permission.VIEW_CLIENTS)
    query = _scope(actor)
    search = search.strip()[:100]
    if search:
        query = query.filter(
            Q(name__icontains=search)
            | Q(phone__icontains=search)
            | Q(company_name__icontains=search)
            | Q(email__icontains=search)
        )
    total = await query.count()
    page = max(page, 1)
    clients = (
        await query.order_by("-created_at", "-id")
        .offset((page - 1) * PAGE_SIZE)
        .limit(PAGE_SIZE)
        .prefetch_related("manager")
    )
    return clients, total


async def client_dossier(actor: Actor, client_id: int, limit: int = 200) -> Dossier:
    require(actor, Permission.VIEW_CLIENTS)
    client = await _scope(actor).filter(id=client_id).prefetch_related("manager").first()
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
