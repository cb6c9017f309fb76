"""Clients entered twice, found and folded into one.

The same person reaches the company on two channels with two numbers, or is typed into the
panel again. Phones are unique, so duplicates show up as a shared email, or as one client's
phone or email appearing on another client's contact person. Merging keeps one client and
moves everything the others gathered to it, so the dossier tells the whole story.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.expressions import Q, Subquery
from tortoise.functions import Count, Lower
from tortoise.transactions import in_transaction

from core.errors import InvalidInput, NotFound
from core.i18n import N_, gettext
from core.models import (
    AuditLog,
    ChannelIdentity,
    Client,
    Consent,
    ConsentState,
    ContactPerson,
    Interaction,
    InteractionKind,
    Order,
    Plan,
    PriceList,
    QuoteRequest,
    RelaySession,
    Shipment,
    Tag,
    Task,
)
from core.services.access import Actor, Permission, require
from core.services.clients import visible_clients
from core.services.interactions import Subject

SAME_EMAIL = N_("Same email")
SAME_PHONE = N_("Same phone")

MAX_GROUPS = 200
MAX_MERGED = 20
# Filled on the kept client from the merged ones, in this order, only where it is empty.
FILLABLE_FIELDS = ("company_name", "email", "city", "source", "manager_id", "phone")


@dataclass(frozen=True, slots=True)
class DuplicateClient:
    id: int
    name: str
    phone: str | None
    email: str | None
    created_at: dt.datetime
    interactions: int


@dataclass(frozen=True, slots=True)
class DuplicateGroup:
    """Clients that look like one person. `reason` is a msgid (SAME_EMAIL, SAME_PHONE):
    translate it where it is shown; `key` is the shared email (lower-cased) or phone."""

    reason: str
    key: str
    clients: list[DuplicateClient]


async def find_duplicates(actor: Actor, limit: int = 50) -> list[DuplicateGroup]:
    """Groups of clients that share an email, or whose phone or email is another's contact's.

    Only clients the actor may see are considered. Five queries whatever the number of
    clients or groups: the shared emails, the matching contact people (phone, email), the
    members of every group, and their interaction counts. Groups come newest first, and a
    set of clients found by two reasons is listed once (phone first).
    """
    require(actor, Permission.VIEW_CLIENTS)
    limit = max(1, min(limit, MAX_GROUPS))
    scope = visible_clients(actor)
    with_email = scope.filter(email__not_isnull=True).exclude(email="")
    with_phone = scope.filter(phone__not_isnull=True).exclude(phone="")
    shared_emails = [
        row["key"]
        for row in await with_email.annotate(key=Lower("email"))
        .group_by("key")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .order_by("key")
        .limit(limit)
        .values("key")
    ]
    visible = Subquery(scope.values("id"))
    phone_contacts = await ContactPerson.filter(
        client_id__in=visible, phone__in=Subquery(with_phone.values("phone"))
    ).values("client_id", "phone")
    email_contacts = (
        await ContactPerson.filter(client_id__in=visible, email__not_isnull=True)
        .exclude(email="")
        .annotate(key=Lower("email"))
        .filter(key__in=Subquery(with_email.annotate(key=Lower("email")).values("key")))
        .values("client_id", "key")
    )
    by_phone: dict[str, set[int]] = defaultdict(set)
    for row in phone_contacts:
        by_phone[row["phone"]].add(row["client_id"])
    by_email: dict[str, set[int]] = defaultdict(set)
    for row in email_contacts:
        by_email[row["key"]].add(row["client_id"])
    for key in shared_emails:
        by_email.setdefault(key, set())
    if not by_phone and not by_email:
        return []

    conditions = []
    if by_email:
        conditions.append(Q(email_key__in=list(by_email)))
    if by_phone:
        conditions.append(Q(phone__in=list(by_phone)))
    owners = set().union(*by_phone.values(), *by_email.values())
    if owners:
        conditions.append(Q(id__in=list(owners)))
    members = await scope.annotate(email_key=Lower("email")).filter(Q(*conditions, join_type="OR"))
    counts = {
        row["client_id"]: row["n"]
        for row in await Interaction.filter(client_id__in=[c.id for c in members])
        .annotate(n=Count("id"))
        .group_by("client_id")
        .values("client_id", "n")
    }
    for client in members:
        if client.phone in by_phone:
            by_phone[client.phone].add(client.id)
        if client.email_key in by_email:  # type: ignore[attr-defined]
            by_email[client.email_key].add(client.id)  # type: ignore[attr-defined]

    found = {c.id: c for c in members}
    groups: list[DuplicateGroup] = []
    seen: set[frozenset[int]] = set()
    candidates = [(SAME_PHONE, key, ids) for key, ids in by_phone.items()]
    candidates += [(SAME_EMAIL, key, ids) for key, ids in by_email.items()]
    for reason, key, ids in candidates:
        present = frozenset(i for i in ids if i in found)
        if len(present) < 2 or present in seen:
            continue
        seen.add(present)
        clients = sorted((found[i] for i in present), key=lambda c: (c.created_at, c.id))
        groups.append(
            DuplicateGroup(
                reason=reason,
                key=key,
                clients=[
                    DuplicateClient(
                        id=c.id,
                        name=c.name,
                        phone=c.phone,
                        email=c.email,
                        created_at=c.created_at,
                        interactions=counts.get(c.id, 0),
                    )
                    for c in clients
                ],
            )
        )
    groups.sort(key=lambda g: (max(c.created_at for c in g.clients), g.key), reverse=True)
    return groups[:limit]


async def merge_clients(actor: Actor, keep_id: int, merge_ids: list[int]) -> Client:
    """Fold `merge_ids` into `keep_id` in one transaction and delete them.

    Moves channel accounts, interactions, the consent log, contact people and tags; keeps,
    per channel and purpose, the most recently updated consent state; fills the kept
    client's empty fields from the merged ones (in the order given); appends a note; logs
    the merge in the kept client's dossier and in the audit trail. Either all of it happens
    or nothing does.
    """
    require(actor, Permission.MERGE_CLIENTS)
    merge_ids = list(dict.fromkeys(merge_ids))
    if not merge_ids:
        raise InvalidInput("merge_ids", N_("Choose at least one client to merge."))
    if keep_id in merge_ids:
        raise InvalidInput("merge_ids", N_("A client cannot be merged into itself."))
    if len(merge_ids) > MAX_MERGED:
        raise InvalidInput(
            "merge_ids", N_("Merge at most {limit} clients at a time."), limit=MAX_MERGED
        )
    all_ids = [keep_id, *merge_ids]
    async with in_transaction() as conn:
        found = {
            c.id: c
            for c in await visible_clients(actor)
            .filter(id__in=all_ids)
            .select_for_update()
            .using_db(conn)
        }
        if len(found) != len(all_ids):
            raise NotFound()
        keep = found[keep_id]
        merged = [found[i] for i in merge_ids]

        moved = {
            "identities": await ChannelIdentity.filter(client_id__in=merge_ids)
            .using_db(conn)
            .update(client_id=keep_id),
            "interactions": await Interaction.filter(client_id__in=merge_ids)
            .using_db(conn)
            .update(client_id=keep_id),
            "consents": await Consent.filter(client_id__in=merge_ids)
            .using_db(conn)
            .update(client_id=keep_id),
            "contacts": await ContactPerson.filter(client_id__in=merge_ids)
            .using_db(conn)
            .update(client_id=keep_id),
        }
        # Everything else that hangs off a client moves too: deleting the duplicate would
        # otherwise cascade its requests, orders, shipments, contracts and live chats away.
        for name, model in (
            ("requests", QuoteRequest),
            ("orders", Order),
            ("shipments", Shipment),
            ("price_lists", PriceList),
            ("relays", RelaySession),
            ("tasks", Task),
            ("plans", Plan),
        ):
            count = (
                await model.filter(client_id__in=merge_ids)
                .using_db(conn)
                .update(client_id=keep_id)
            )
            if count:
                moved[name] = count
        await _merge_consent_states(keep_id, all_ids, conn)
        tags = await Tag.filter(clients__id__in=merge_ids).distinct().using_db(conn)
        if tags:
            await keep.tags.add(*tags, using_db=conn)

        filled = await _fill_empty_fields(keep, merged, conn)
        keep.notes = _with_merge_note(keep.notes, merged)
        await keep.save(using_db=conn)
        await Client.filter(id__in=merge_ids).using_db(conn).delete()

        described = [{"id": c.id, "name": c.name, "phone": c.phone} for c in merged]
        await Interaction.create(
            client_id=keep_id,
            employee_id=actor.employee_id,
            channel=None,
            kind=InteractionKind.SYSTEM,
            subject=Subject.CLIENT_MERGED,
            summary=", ".join(f"{c.name} (#{c.id})" for c in merged)[:2000],
            using_db=conn,
        )
        await AuditLog.create(
            employee_id=actor.employee_id,
            actor_label=actor.name or actor.kind.value,
            action="client.merged",
            object_type="client",
            object_id=str(keep_id),
            details={"merged": described, "filled": filled, "moved": moved},
            using_db=conn,
        )
    return keep


async def _merge_consent_states(
    keep_id: int, client_ids: list[int], conn: BaseDBAsyncClient
) -> None:
    """One state per (channel, purpose) may remain: the latest answer wins, the kept
    client's on a tie. The losers go first so the move never breaks uniqueness."""
    winners: dict[tuple[str, str], ConsentState] = {}
    losers: list[int] = []
    for state in await ConsentState.filter(client_id__in=client_ids).using_db(conn):
        slot = (state.channel, state.purpose)
        current = winners.get(slot)
        if current is None or (state.updated_at, state.client_id == keep_id) > (
            current.updated_at,
            current.client_id == keep_id,
        ):
            if current is not None:
                losers.append(current.id)
            winners[slot] = state
        else:
            losers.append(state.id)
    if losers:
        await ConsentState.filter(id__in=losers).using_db(conn).delete()
    to_move = [s.id for s in winners.values() if s.client_id != keep_id]
    if to_move:
        await ConsentState.filter(id__in=to_move).using_db(conn).update(client_id=keep_id)


async def _fill_empty_fields(
    keep: Client, merged: list[Client], conn: BaseDBAsyncClient
) -> list[str]:
    """Copy what the kept client lacks. A phone is unique, so the donor's is cleared first."""
    filled: list[str] = []
    for field in FILLABLE_FIELDS:
        if getattr(keep, field):
            continue
        donor = next((c for c in merged if getattr(c, field)), None)
        if donor is None:
            continue
        if field == "phone":
            await Client.filter(id=donor.id).using_db(conn).update(phone=None)
        setattr(keep, field, getattr(donor, field))
        filled.append(field.removesuffix("_id"))
    return filled


def _with_merge_note(notes: str, merged: list[Client]) -> str:
    """The kept notes, then one paragraph per merged client with that client's own notes."""
    paragraphs = [notes.rstrip()] if notes.strip() else []
    for client in merged:
        line = gettext(
            "Merged from {name} (no. {id}, {phone}).",
            name=client.name,
            id=client.id,
            phone=client.phone or "-",
        )
        paragraphs.append(f"{line}\n{client.notes.strip()}" if client.notes.strip() else line)
    return "\n\n".join(paragraphs)
