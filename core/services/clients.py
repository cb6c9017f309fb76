"""Clients as staff and integrations see and change them: filters, scoped reads, audited writes.

The panel and the JSON API call the same functions. Input arrives as pydantic models (the
shape and length of each field); what needs the database or the company's settings (a phone
in E.164, a unique phone, an existing manager) is checked here and reported as InvalidInput
naming the field. Every write is one transaction with its audit entry.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field
from pydantic_core import PydanticCustomError
from rapidfuzz import fuzz, process
from rapidfuzz.utils import default_process
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.exceptions import IntegrityError
from tortoise.expressions import Q, Subquery
from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

from core.config import SUPPORTED_LANGUAGES
from core.errors import InvalidInput, NotFound
from core.i18n import N_
from core.models import (
    Client,
    ClientKind,
    Consent,
    ConsentPurpose,
    ConsentState,
    ContactPerson,
    Employee,
    Interaction,
    InteractionKind,
    Tag,
)
from core.services import audit, webhooks
from core.services.access import Actor, Permission, require
from core.services.contacts import (
    MAX_ID,
    ContactInput,
    Email,
    PersonName,
    PhoneText,
    RowId,
    blank_to_none,
    clean_phone,
    create_contact,
    lenient_from_query,
    line,
    no_defaults,
    text,
)
from core.services.phones import normalize_phone
from core.services.teams import sees_everyone, team_ids, team_of, work_scope

MAX_TAGS = 20
Language = Literal[SUPPORTED_LANGUAGES]  # type: ignore[valid-type]
TagName = line(60, 1)
InteractionKindInput = Literal["call", "meeting", "email", "message"]


class DuplicateValue(InvalidInput):
    """The value must be unique and another row already has it (the API answers 409)."""


def _utc(value: dt.datetime) -> dt.datetime:
    """Naive times in a filter mean UTC; times too close to year 1 or 9999 are refused."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    try:
        return value.astimezone(dt.UTC)
    except OverflowError:
        raise PydanticCustomError("datetime_range", "is out of range") from None


UtcDatetime = Annotated[dt.datetime, AfterValidator(_utc)]


def _unique_tags(names: list[str]) -> list[str]:
    return list(dict.fromkeys(names))


Tags = Annotated[list[TagName], Field(max_length=MAX_TAGS), AfterValidator(_unique_tags)]


class ClientInput(BaseModel):
    """A new client. Only `name` is required."""

    model_config = ConfigDict(extra="forbid")

    name: PersonName
    kind: ClientKind = ClientKind.INDIVIDUAL
    company_name: line(200) | None = None  # type: ignore[valid-type]
    phone: PhoneText | None = Field(
        None, description="Any common format; stored in E.164. Unique among clients."
    )
    email: Email | None = None
    city: line(100) | None = None  # type: ignore[valid-type]
    language: Language = "en"
    source: line(100) | None = Field(  # type: ignore[valid-type]
        None, description="Marketing source code."
    )
    manager_id: RowId | None = Field(None, description="The employee who works this client.")
    tags: Tags = Field(default_factory=list)
    notes: text(5000) = ""  # type: ignore[valid-type]


class ClientChanges(BaseModel):
    """Fields to change; absent fields stay as they are, null clears an optional field."""

    model_config = ConfigDict(extra="forbid", json_schema_extra=no_defaults)

    name: PersonName = None
    kind: ClientKind = None  # type: ignore[assignment]
    company_name: line(200) | None = None  # type: ignore[valid-type]
    phone: PhoneText | None = None
    email: Email | None = None
    city: line(100) | None = None  # type: ignore[valid-type]
    language: Language = None  # type: ignore[assignment]
    source: line(100) | None = None  # type: ignore[valid-type]
    manager_id: RowId | None = None
    tags: Tags = None  # type: ignore[assignment]
    notes: text(5000) = None  # type: ignore[valid-type]


class ConsentFilter(StrEnum):
    GRANTED = "granted"  # agreed on at least one channel
    WITHDRAWN = "withdrawn"  # answered, and agrees on no channel now
    NONE = "none"  # never answered


class ClientFilters(BaseModel):
    """What a client list can be narrowed by; the panel builds it from its query string."""

    model_config = ConfigDict(extra="forbid")

    q: line(100) | None = Field(  # type: ignore[valid-type]
        None, description="Part of the name, company name, phone or e-mail."
    )
    manager_id: RowId | None = None
    city: line(100) | None = None  # type: ignore[valid-type]
    source: line(100) | None = None  # type: ignore[valid-type]
    tag: line(60) | None = None  # type: ignore[valid-type]
    consent: ConsentFilter | None = Field(
        None,
        description="granted: agrees on some channel; withdrawn: answered, agrees on none; "
        "none: never answered.",
    )
    created_after: UtcDatetime | None = Field(None, description="Inclusive; ISO 8601.")
    created_before: UtcDatetime | None = Field(None, description="Exclusive; ISO 8601.")

    @classmethod
    def from_query(cls, mapping: Mapping[str, str]) -> ClientFilters:
        """Build from a query string, dropping values that do not parse."""
        return lenient_from_query(cls, mapping)


def visible_clients(actor: Actor) -> QuerySet[Client]:
    """Every client the actor may see: managers their own and unassigned ones, a head of
    sales their team's and unassigned ones, everyone else all.

    An integration key with the manager or head role belongs to no employee, so it sees
    the unassigned clients (and, for a head, those of managers in no team) only.
    """
    require(actor, Permission.VIEW_CLIENTS)
    query = Client.all()
    if actor.sees_only_own_clients:
        query = query.filter(Q(manager_id=actor.employee_id) | Q(manager_id=None))
    elif actor.sees_team_clients:
        query = query.filter(Q(manager_id__in=team_ids(actor)) | Q(manager_id=None))
    return query


def visible_interactions(actor: Actor) -> QuerySet[Interaction]:
    """Dossier entries of visible clients, without colleagues' private notes.

    A private note is seen by its author, by the head of sales whose team the author is
    in, and by director and admin: the rule issue 5 calls privacy by role, kept here once.
    """
    query = Interaction.filter(client_id__in=Subquery(visible_clients(actor).values("id")))
    if sees_everyone(actor):
        return query
    return query.filter(Q(is_private=False) | work_scope(actor))


def client_query(actor: Actor, filters: ClientFilters) -> QuerySet[Client]:
    """The actor's clients narrowed by `filters`, unordered and unfetched (the caller pages)."""
    query = visible_clients(actor)
    if filters.q:
        query = query.filter(
            Q(name__icontains=filters.q)
            | Q(company_name__icontains=filters.q)
            | Q(phone__icontains=filters.q)
            | Q(email__icontains=filters.q)
        )
    if filters.manager_id is not None:
        query = query.filter(manager_id=filters.manager_id)
    if filters.city:
        query = query.filter(city__iexact=filters.city)
    if filters.source:
        query = query.filter(source=filters.source)
    if filters.tag:
        query = query.filter(id__in=Subquery(Client.filter(tags__name=filters.tag).values("id")))
    if filters.consent is not None:
        # Consent to messages (offers included); a delivery-updates-only answer is not it.
        messages = ConsentState.filter(purpose=ConsentPurpose.MESSAGES)
        granted = Subquery(messages.filter(granted=True).values("client_id"))
        answered = Subquery(messages.values("client_id"))
        if filters.consent is ConsentFilter.GRANTED:
            query = query.filter(id__in=granted)
        elif filters.consent is ConsentFilter.WITHDRAWN:
            query = query.filter(id__in=answered).exclude(id__in=granted)
        else:
            query = query.exclude(id__in=answered)
    if filters.created_after is not None:
        query = query.filter(created_at__gte=filters.created_after)
    if filters.created_before is not None:
        query = query.filter(created_at__lt=filters.created_before)
    return query


async def get_client(actor: Actor, client_id: int) -> Client:
    """One visible client with its manager and tags loaded; NotFound if out of scope."""
    client = (
        await visible_clients(actor)
        .filter(id=client_id)
        .prefetch_related("manager", "tags")
        .first()
    )
    if client is None:
        raise NotFound()
    return client


async def _check_manager(actor: Actor, manager_id: int | None, conn: BaseDBAsyncClient) -> None:
    if manager_id is None:
        return
    if actor.sees_only_own_clients and manager_id != actor.employee_id:
        raise InvalidInput("manager_id", N_("You can assign clients only to yourself."))
    if actor.sees_team_clients and not await team_of(actor).filter(id=manager_id).exists():
        raise InvalidInput("manager_id", N_("You can assign clients only within your team."))
    if not await Employee.filter(id=manager_id, is_active=True).using_db(conn).exists():
        raise InvalidInput("manager_id", N_("There is no active employee with this id."))


def _phone_taken() -> DuplicateValue:
    return DuplicateValue("phone", N_("Another client already has this phone number."))


async def _check_phone_free(phone: str | None, conn: BaseDBAsyncClient, own_id: int = 0) -> None:
    if phone and await Client.filter(phone=phone).exclude(id=own_id).using_db(conn).exists():
        raise _phone_taken()


async def _set_tags(client: Client, names: list[str], conn: BaseDBAsyncClient) -> None:
    existing = {tag.name: tag for tag in await Tag.filter(name__in=names).using_db(conn)}
    tags = [existing.get(name) or await Tag.create(name=name, using_db=conn) for name in names]
    await client.tags.clear(using_db=conn)
    if tags:
        await client.tags.add(*tags, using_db=conn)


async def create_client(actor: Actor, data: ClientInput, phone_region: str) -> Client:
    """Create a client (with its tags) and its audit entry in one transaction."""
    require(actor, Permission.EDIT_CLIENTS)
    values: dict[str, Any] = {
        "name": data.name,
        "kind": data.kind,
        "company_name": blank_to_none(data.company_name),
        "phone": clean_phone(data.phone, phone_region),
        "email": blank_to_none(data.email),
        "city": blank_to_none(data.city),
        "language": data.language,
        "source": blank_to_none(data.source),
        "manager_id": data.manager_id,
        "notes": data.notes,
    }
    try:
        async with in_transaction() as conn:
            await _check_manager(actor, data.manager_id, conn)
            await _check_phone_free(values["phone"], conn)
            client = await Client.create(**values, using_db=conn)
            await _set_tags(client, data.tags, conn)
            await webhooks.emit(
                webhooks.CLIENT_CREATED, webhooks.client_data(client), connection=conn
            )
            await audit.record(
                actor,
                "client.created",
                "client",
                client.id,
                {**values, "tags": data.tags},
                connection=conn,
            )
    except IntegrityError:
        # Two requests raced for the same phone: the unique index decided.
        raise _phone_taken() from None
    return await get_client(actor, client.id)


async def update_client(
    actor: Actor, client_id: int, changes: ClientChanges, phone_region: str
) -> Client:
    """Apply the fields present in `changes`; audit the old and new value of each change."""
    require(actor, Permission.EDIT_CLIENTS)
    # Validation already refused null for the fields that cannot be empty.
    wanted: dict[str, Any] = {name: getattr(changes, name) for name in changes.model_fields_set}
    if "phone" in wanted:
        wanted["phone"] = clean_phone(wanted["phone"], phone_region)
    for name in ("company_name", "email", "city", "source"):
        if name in wanted:
            wanted[name] = blank_to_none(wanted[name])
    tags = wanted.pop("tags", None)
    try:
        async with in_transaction() as conn:
            client = (
                await visible_clients(actor)
                .filter(id=client_id)
                .using_db(conn)
                .select_for_update()
                .first()
            )
            if client is None:
                raise NotFound()
            if "manager_id" in wanted:
                await _check_manager(actor, wanted["manager_id"], conn)
            if "phone" in wanted:
                await _check_phone_free(wanted["phone"], conn, own_id=client.id)
            before = {name: getattr(client, name) for name in wanted}
            diff = audit.changes(before, wanted)
            if tags is not None:
                old_tags = sorted(
                    await client.tags.all().using_db(conn).values_list("name", flat=True)
                )
                if old_tags != sorted(tags):
                    diff["tags"] = [old_tags, sorted(tags)]
                    await _set_tags(client, tags, conn)
            if wanted:
                client.update_from_dict(wanted)
                await client.save(using_db=conn)
            if diff:
                await audit.record(
                    actor, "client.updated", "client", client.id, diff, connection=conn
                )
    except IntegrityError:
        raise _phone_taken() from None
    return await get_client(actor, client_id)


async def _visible_client_id(actor: Actor, client_id: int) -> int:
    if not await visible_clients(actor).filter(id=client_id).exists():
        raise NotFound()
    return client_id


async def client_contacts_query(actor: Actor, client_id: int) -> QuerySet[ContactPerson]:
    """The contact people of a visible client; NotFound if the client is out of scope."""
    return ContactPerson.filter(client_id=await _visible_client_id(actor, client_id))


async def add_client_contact(
    actor: Actor, client_id: int, data: ContactInput, phone_region: str
) -> ContactPerson:
    """Add a contact person to a visible client; audited."""
    require(actor, Permission.EDIT_CLIENTS)
    async with in_transaction() as conn:
        if not await visible_clients(actor).filter(id=client_id).using_db(conn).exists():
            raise NotFound()
        return await create_contact(actor, data, phone_region, conn, client_id=client_id)


class InteractionInput(BaseModel):
    """A contact with the client that a person or system logs by hand."""

    model_config = ConfigDict(extra="forbid")

    kind: InteractionKindInput
    subject: line(60, 1)  # type: ignore[valid-type]
    summary: text(2000) = ""  # type: ignore[valid-type]
    private: bool = Field(
        False, description="Seen only by its author, their head of sales and management."
    )


async def client_interactions_query(actor: Actor, client_id: int) -> QuerySet[Interaction]:
    """The dossier entries of a visible client the actor may read (the caller pages them)."""
    return visible_interactions(actor).filter(client_id=await _visible_client_id(actor, client_id))


async def log_client_interaction(
    actor: Actor,
    client_id: int,
    data: InteractionInput,
    *,
    attachment: tuple[str, str] | None = None,
) -> Interaction:
    """Append a call, meeting, e-mail or message to a visible client's dossier; audited.

    The entry names the employee behind the actor; an integration key has none.
    `attachment` is (kind, the messenger's file reference), e.g. a voice note.
    """
    require(actor, Permission.LOG_INTERACTIONS)
    async with in_transaction() as conn:
        if not await visible_clients(actor).filter(id=client_id).using_db(conn).exists():
            raise NotFound()
        entry = await Interaction.create(
            client_id=client_id,
            employee_id=actor.employee_id,
            kind=InteractionKind(data.kind),
            subject=data.subject,
            summary=data.summary,
            is_private=data.private,
            attachment_kind=attachment[0] if attachment else None,
            attachment_ref=attachment[1] if attachment else None,
            using_db=conn,
        )
        await audit.record(
            actor,
            "interaction.logged",
            "interaction",
            entry.id,
            {
                "client_id": client_id,
                "kind": data.kind,
                "subject": data.subject,
                "private": data.private,
            },
            connection=conn,
        )
        await webhooks.emit(
            webhooks.INTERACTION_LOGGED, webhooks.interaction_data(entry), connection=conn
        )
    return await Interaction.filter(id=entry.id).prefetch_related("employee").get()


async def client_consent_states(actor: Actor, client_id: int) -> list[ConsentState]:
    """The current answer per channel and purpose of a visible client."""
    await _visible_client_id(actor, client_id)
    return await ConsentState.filter(client_id=client_id).order_by("channel", "purpose")


async def client_consents_query(actor: Actor, client_id: int) -> QuerySet[Consent]:
    """The consent log of a visible client (the caller orders and pages it)."""
    return Consent.filter(client_id=await _visible_client_id(actor, client_id))


async def client_by_reference(actor: Actor, text: str, phone_region: str) -> Client | None:
    """The visible client a person means by "#id" or a phone number typed any usual way."""
    text = text.strip()
    digits = text[1:]
    if text.startswith("#") and digits.isascii() and digits.isdigit() and len(digits) <= 10:
        client_id = int(digits)
        if client_id > MAX_ID:
            return None
        return await visible_clients(actor).filter(id=client_id).first()
    try:
        phone = normalize_phone(text, phone_region)
    except InvalidInput:
        return None
    return await visible_clients(actor).filter(phone=phone).first()


async def search_clients(actor: Actor, typed: str, limit: int = 8) -> list[Client] | None:
    """Visible clients whose name, company or phone has what was typed; None if too short."""
    text = typed.strip()[:100]
    digits = "".join(c for c in text if c.isdigit())
    if len(text) < 2:
        return None
    match = Q(name__icontains=text) | Q(company_name__icontains=text)
    if len(digits) >= 4:
        match |= Q(phone__contains=digits)
    return list(await visible_clients(actor).filter(match).order_by("name", "id").limit(limit))


# How many of the actor's clients a "did you mean" looks through (the latest changed first).
SUGGESTION_POOL = 5000


async def suggest_clients(actor: Actor, typed: str, limit: int = 5) -> list[Client]:
    """Visible clients whose name or company is close to what was typed (a typo, another
    spelling): what a search with no match offers instead of a dead end."""
    text = typed.strip()[:100]
    if len(text) < 2:
        return []
    pool = await (
        visible_clients(actor)
        .order_by("-updated_at", "-id")
        .limit(SUGGESTION_POOL)
        .values_list("id", "name", "company_name")
    )
    choices = {row[0]: f"{row[1]} {row[2] or ''}".strip() for row in pool}
    close = process.extract(
        text, choices, scorer=fuzz.WRatio, processor=default_process, limit=limit, score_cutoff=60
    )
    ids = [key for _label, _score, key in close]
    found = {c.id: c for c in await Client.filter(id__in=ids)}
    return [found[i] for i in ids if i in found]


async def recent_clients(actor: Actor, limit: int = 5) -> list[Client]:
    """The visible clients changed last: what a manager most likely wants next."""
    return list(await visible_clients(actor).order_by("-updated_at", "-id").limit(limit))
