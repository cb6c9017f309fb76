"""Duplicates are found by shared email or phone, and merging folds everything into one client."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

from core.errors import InvalidInput, NotFound, PermissionDenied
from core.i18n import gettext
from core.models import (
    AuditLog,
    Channel,
    ChannelIdentity,
    Client,
    Consent,
    ConsentPurpose,
    ConsentState,
    ContactPerson,
    Employee,
    Interaction,
    Plan,
    RelaySession,
    Role,
    Tag,
    Task,
)
from core.services.access import Actor, Permission
from core.services.dossier import client_dossier
from core.services.interactions import subject_label
from core.services.merge import SAME_EMAIL, SAME_PHONE, find_duplicates, merge_clients
from tests.querycount import count_queries

_numbers = itertools.count(2348030000000)
T0 = dt.datetime(2026, 11, 20, 9, 0, tzinfo=dt.UTC)


def phone() -> str:
    return f"+{next(_numbers)}"


async def consent(client: Client, channel: Channel, granted: bool, at: dt.datetime) -> None:
    await Consent.create(
        client=client,
        channel=channel,
        granted=granted,
        text_version="v1",
        text_shown="May we?",
        language="en",
        evidence=f"{channel}:button:1",
        created_at=at,
    )
    await ConsentState.update_or_create(
        client_id=client.id,
        channel=channel,
        purpose=ConsentPurpose.MESSAGES,
        defaults={"granted": granted, "updated_at": at},
    )


async def snapshot() -> dict:
    """Everything a merge may touch, to prove a failed one touched nothing."""
    return {
        "clients": await Client.all().order_by("id").values(),
        "identities": await ChannelIdentity.all().order_by("id").values("id", "client_id"),
        "interactions": await Interaction.all().order_by("id").values("id", "client_id"),
        "consents": await Consent.all().order_by("id").values("id", "client_id"),
        "states": await ConsentState.all().order_by("id").values(),
        "contacts": await ContactPerson.all().order_by("id").values("id", "client_id"),
        "tags": await Tag.filter(clients__id__not_isnull=True)
        .order_by("id", "clients__id")
        .values("id", "clients__id"),
        "audit": await AuditLog.all().count(),
    }


@pytest.fixture
async def pair(runtime, staff):
    """Kept Ada (sparse, older consent) and duplicate Ada B. (rich, newer withdrawal)."""
    manager = await staff(Role.MANAGER, "Mary Manager")
    keep = await Client.create(name="Ada Obi", notes="Prefers calls.", created_at=T0)
    dup = await Client.create(
        name="Ada O.",
        phone="+2348031110000",
        email="ADA@example.com",
        city="Lagos",
        company_name="Obi Foods",
        source="instagram",
        manager_id=manager.employee_id,
        notes="Came from Instagram.",
        created_at=T0 + dt.timedelta(days=1),
    )
    shared, only_dup = await Tag.create(name="vip"), await Tag.create(name="fresh")
    await keep.tags.add(shared)
    await dup.tags.add(shared, only_dup)
    identity = await ChannelIdentity.create(
        channel=Channel.TELEGRAM, external_id="777", chat_id=777, client=dup
    )
    await Interaction.create(
        client=dup, identity=identity, channel=Channel.TELEGRAM, subject="conversation.started"
    )
    await Interaction.create(client=keep, channel=Channel.VIBER, subject="conversation.started")
    await consent(keep, Channel.TELEGRAM, True, T0)
    await consent(keep, Channel.VIBER, True, T0 + dt.timedelta(hours=1))
    await consent(dup, Channel.TELEGRAM, False, T0 + dt.timedelta(days=2))
    await ContactPerson.create(client=dup, name="Bola", phone="+2348039990000")
    return keep, dup


async def test_merge_moves_everything_to_the_kept_client(pair, staff):
    keep, dup = pair
    head = await staff(Role.HEAD_OF_SALES, "Hana Head")

    merged = await merge_clients(head, keep.id, [dup.id])

    assert merged.id == keep.id
    assert not await Client.exists(id=dup.id)
    dossier = await client_dossier(head, keep.id)
    client = dossier.client
    assert (client.phone, client.email, client.city, client.company_name, client.source) == (
        "+2348031110000",
        "ADA@example.com",
        "Lagos",
        "Obi Foods",
        "instagram",
    )
    assert client.manager.name == "Mary Manager"
    assert client.name == "Ada Obi"
    assert client.notes.startswith("Prefers calls.\n\n")
    assert f"Merged from Ada O. (no. {dup.id}, +2348031110000)." in client.notes
    assert client.notes.endswith("Came from Instagram.")

    labels = [subject_label(entry.subject) for entry in dossier.interactions]
    assert labels[0] == "Merged with a duplicate client"
    assert dossier.interactions[0].summary == f"Ada O. (#{dup.id})"
    assert dossier.interactions[0].employee.name == "Hana Head"
    assert {(i.channel, i.subject) for i in dossier.interactions[1:]} == {
        (Channel.TELEGRAM, "conversation.started"),
        (Channel.VIBER, "conversation.started"),
    }
    assert [(c.channel, c.granted) for c in dossier.consents] == [
        (Channel.TELEGRAM, False),
        (Channel.VIBER, True),
        (Channel.TELEGRAM, True),
    ]
    # The newer withdrawal on Telegram wins over the kept client's older grant.
    assert dossier.consent_by_channel == {"telegram": False, "viber": True}
    states = (
        await ConsentState.filter(client_id=keep.id)
        .order_by("channel")
        .values("channel", "granted")
    )
    assert states == [
        {"channel": Channel.TELEGRAM, "granted": False},
        {"channel": Channel.VIBER, "granted": True},
    ]
    assert await ConsentState.all().count() == 2
    assert [i.external_id for i in dossier.identities] == ["777"]
    assert await ContactPerson.filter(client_id=keep.id).values_list("name", flat=True) == ["Bola"]
    assert sorted(t.name for t in await client.tags.all()) == ["fresh", "vip"]
    assert await Tag.filter(clients__id=dup.id).count() == 0

    audit = await AuditLog.get(action="client.merged")
    assert (audit.object_type, audit.object_id, audit.actor_label) == (
        "client",
        str(keep.id),
        "Hana Head",
    )
    assert audit.employee_id == head.employee_id
    assert audit.details["merged"] == [{"id": dup.id, "name": "Ada O.", "phone": "+2348031110000"}]
    assert audit.details["filled"] == [
        "company_name",
        "email",
        "city",
        "source",
        "manager",
        "phone",
    ]
    assert audit.details["moved"] == {
        "identities": 1,
        "interactions": 1,
        "consents": 1,
        "contacts": 1,
    }


async def test_kept_values_win_and_a_tie_in_consent_keeps_the_kept_state(runtime, staff):
    director = await staff(Role.DIRECTOR)
    keep = await Client.create(name="Keep", phone="+2348031110001", city="Abuja")
    first = await Client.create(name="First", city="Kano", email="first@example.com")
    second = await Client.create(name="Second", email="second@example.com", phone=phone())
    await consent(keep, Channel.WEBCHAT, True, T0)
    await consent(second, Channel.WEBCHAT, False, T0)

    await merge_clients(director, keep.id, [first.id, second.id])

    client = await Client.get(id=keep.id)
    assert (client.phone, client.city, client.email) == (
        "+2348031110001",
        "Abuja",
        "first@example.com",
    )
    assert await Client.filter(id__in=[first.id, second.id]).count() == 0
    state = await ConsentState.get(client_id=keep.id, channel=Channel.WEBCHAT)
    assert state.granted is True
    assert await ConsentState.all().count() == 1


@pytest.mark.parametrize("role", [Role.MANAGER, Role.MARKETER, Role.DISPATCHER])
async def test_roles_without_the_permission_cannot_merge(pair, staff, role):
    keep, dup = pair
    before = await snapshot()
    with pytest.raises(PermissionDenied):
        await merge_clients(await staff(role), keep.id, [dup.id])
    assert await snapshot() == before


class MergingManager(Actor):
    """A manager who may merge, as if the grants table allowed it, to prove the scope holds."""

    def can(self, permission: Permission) -> bool:
        return True


async def test_a_scoped_actor_cannot_merge_clients_outside_their_scope(runtime, staff):
    me, other = await staff(Role.MANAGER, "Me"), await staff(Role.MANAGER, "Other")
    actor = MergingManager(
        kind=me.kind, language="en", employee_id=me.employee_id, role=me.role, name=me.name
    )
    mine = await Client.create(name="Mine", manager_id=me.employee_id)
    unassigned = await Client.create(name="Nobody's")
    theirs = await Client.create(name="Theirs", manager_id=other.employee_id)
    before = await snapshot()

    with pytest.raises(NotFound):
        await merge_clients(actor, mine.id, [theirs.id])
    with pytest.raises(NotFound):
        await merge_clients(actor, theirs.id, [mine.id])
    assert await snapshot() == before

    await merge_clients(actor, mine.id, [unassigned.id])
    assert await Client.filter(id__in=[mine.id, unassigned.id]).values_list("name", flat=True) == [
        "Mine"
    ]


async def test_an_unknown_id_merges_nothing(pair, staff):
    keep, dup = pair
    before = await snapshot()
    with pytest.raises(NotFound):
        await merge_clients(await staff(Role.ADMIN), keep.id, [dup.id, 999_999])
    assert await snapshot() == before


async def test_merging_a_client_into_itself_or_into_nothing_is_refused(pair, staff):
    keep, dup = pair
    admin = await staff(Role.ADMIN)
    before = await snapshot()
    with pytest.raises(InvalidInput) as itself:
        await merge_clients(admin, keep.id, [dup.id, keep.id])
    assert itself.value.field == "merge_ids"
    assert gettext(itself.value.msgid) == "A client cannot be merged into itself."
    with pytest.raises(InvalidInput) as nothing:
        await merge_clients(admin, keep.id, [])
    assert gettext(nothing.value.msgid) == "Choose at least one client to merge."
    assert await snapshot() == before


async def test_a_failure_after_the_moves_rolls_everything_back(pair, staff, monkeypatch):
    keep, dup = pair
    before = await snapshot()

    async def broken_audit(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(AuditLog, "create", broken_audit)
    with pytest.raises(RuntimeError):
        await merge_clients(await staff(Role.ADMIN), keep.id, [dup.id])
    monkeypatch.undo()
    assert await snapshot() == before


async def test_duplicates_by_email_and_by_contact_phone(runtime, staff):
    admin = await staff(Role.ADMIN)
    first = await Client.create(name="Kemi", email="Kemi@Example.com", created_at=T0)
    second = await Client.create(
        name="Kemi A.", email="kemi@example.COM", created_at=T0 + dt.timedelta(hours=1)
    )
    await Interaction.create(client=second, channel=Channel.TELEGRAM, subject="menu.opened")
    await Interaction.create(client=second, channel=Channel.TELEGRAM, subject="menu.opened")
    owner = await Client.create(name="Tunde", phone="+2348035550000", created_at=T0)
    company = await Client.create(name="Tunde Logistics", created_at=T0 + dt.timedelta(days=1))
    await ContactPerson.create(client=company, name="Tunde", phone="+2348035550000")
    # Neither a contact carrying its own client's phone nor a lone email is a duplicate.
    alone = await Client.create(
        name="Alone",
        phone="+2348035550001",
        email="alone@example.com",
        created_at=T0 + dt.timedelta(hours=2),
    )
    await ContactPerson.create(client=alone, name="Self", phone="+2348035550001")
    await ContactPerson.create(client=first, name="Tunde's colleague", email="ALONE@example.com")
    # Blank emails are no email at all.
    for name in ("Blank", "Blank too"):
        blank = await Client.create(name=name, email="", created_at=T0)
        await ContactPerson.create(client=blank, name="Nobody", email="")

    groups = await find_duplicates(admin)

    described = [(g.reason, g.key, [(c.name, c.interactions) for c in g.clients]) for g in groups]
    assert described == [
        (SAME_PHONE, "+2348035550000", [("Tunde", 0), ("Tunde Logistics", 0)]),
        (SAME_EMAIL, "alone@example.com", [("Kemi", 0), ("Alone", 0)]),
        (SAME_EMAIL, "kemi@example.com", [("Kemi", 0), ("Kemi A.", 2)]),
    ]
    assert gettext(groups[0].reason) == "Same phone"
    assert groups[0].clients[0].phone == "+2348035550000"
    assert groups[2].clients[1].email == "kemi@example.COM"
    assert groups[2].clients[1].created_at == T0 + dt.timedelta(hours=1)
    assert owner.id == groups[0].clients[0].id


async def test_duplicates_respect_a_managers_scope_and_need_client_access(runtime, staff):
    me, other = await staff(Role.MANAGER), await staff(Role.MANAGER)
    await Client.create(name="Mine", email="x@example.com", manager_id=me.employee_id)
    await Client.create(name="Theirs", email="x@example.com", manager_id=other.employee_id)
    await Client.create(name="Free", email="y@example.com")
    await Client.create(name="Taken", email="y@example.com", manager_id=other.employee_id)
    assert await find_duplicates(me) == []
    await Client.create(name="Free too", email="Y@example.com")
    assert [[c.name for c in g.clients] for g in await find_duplicates(me)] == [
        ["Free", "Free too"]
    ]
    with pytest.raises(PermissionDenied):
        await find_duplicates(await staff(Role.DISPATCHER))


async def _make_groups(numbers: range) -> None:
    """Two groups per number: two clients sharing an email, and a phone on another's contact."""
    clients = []
    for n in numbers:
        clients += [
            Client(name=f"Email {n}", email=f"e{n}@example.com"),
            Client(name=f"Email {n} again", email=f"E{n}@example.com"),
            Client(name=f"Phone {n}", phone=f"+23480399{n:05d}"),
            Client(name=f"Company {n}"),
        ]
    await Client.bulk_create(clients)
    companies = await Client.filter(name__in=[f"Company {n}" for n in numbers]).order_by("id")
    await ContactPerson.bulk_create(
        [
            ContactPerson(client=c, name="Desk", phone=f"+23480399{n:05d}")
            for n, c in zip(numbers, companies, strict=True)
        ]
    )
    interactions = await Client.filter(
        name__in=[f"Email {n}" for n in numbers] + [f"Email {n} again" for n in numbers]
    ).values_list("id", flat=True)
    await Interaction.bulk_create(
        [Interaction(client_id=i, subject="menu.opened") for i in interactions]
    )


async def test_finding_duplicates_costs_the_same_queries_for_3_or_60_groups(runtime, staff):
    admin = await staff(Role.ADMIN)
    await _make_groups(range(3))
    with count_queries() as few:
        small = await find_duplicates(admin, limit=200)
    assert len(small) == 6
    await _make_groups(range(3, 60))
    with count_queries() as many:
        large = await find_duplicates(admin, limit=200)
    assert len(large) == 120
    assert all(len(g.clients) == 2 for g in large)
    assert all(c.interactions == 1 for g in large if g.reason == SAME_EMAIL for c in g.clients)
    assert many.count == few.count, (few.statements, many.statements)
    assert few.count <= 5


async def test_merge_keeps_the_duplicates_work_chats_and_tasks(pair, staff):
    """Deleting the duplicate must not cascade its live chats, tasks and plans away."""
    keep, dup = pair
    head = await staff(Role.HEAD_OF_SALES, "Hana Head")
    identity = await ChannelIdentity.get(client=dup)
    manager = await Employee.create(name="Mo Manager", role=Role.MANAGER)
    relay = await RelaySession.create(client=dup, identity=identity, channel=identity.channel)
    task = await Task.create(employee=manager, client=dup, title="Call Ada", due_at=T0)
    plan = await Plan.create(
        title="Ada", employee=manager, client=dup, starts_on=T0.date(), ends_on=T0.date()
    )

    await merge_clients(head, keep.id, [dup.id])

    for row in (relay, task, plan):
        await row.refresh_from_db()
        assert row.client_id == keep.id
    audit = await AuditLog.get(action="client.merged")
    assert audit.details["moved"]["relays"] == 1 and audit.details["moved"]["tasks"] == 1
