"""/api/v1/clients: create, read, change, filter, page, and who sees what."""

from __future__ import annotations

import datetime as dt

from core.models import (
    AuditLog,
    Channel,
    Client,
    ConsentState,
    Employee,
    Role,
    Tag,
)
from core.services.clients import ClientFilters, client_query, visible_clients
from tests.api.conftest import staff_actor
from tests.querycount import count_queries

ADA = {"name": "Ada Okafor", "phone": "0803 123 4567", "email": "ada@Example.COM"}


async def test_create_then_read_a_client(api):
    created = await api.post(
        "/clients",
        json={
            **ADA,
            "kind": "legal_entity",
            "company_name": "Okafor Freight Ltd",
            "city": "Lagos",
            "language": "yo",
            "source": "website",
            "tags": ["vip", "export", "vip"],
            "notes": "Prefers calls\nafter 10am",
        },
    )

    assert created.status == 201, created.body
    client = created.body
    assert client["phone"] == "+2348031234567"
    assert client["email"] == "ada@example.com"
    assert client["tags"] == ["export", "vip"]
    assert (client["kind"], client["language"], client["city"]) == ("legal_entity", "yo", "Lagos")
    assert client["manager_id"] is None
    assert created.headers["RateLimit-Limit"] == "120"
    assert sorted(await Tag.all().values_list("name", flat=True)) == ["export", "vip"]
    entry = await AuditLog.get(action="client.created")
    assert entry.object_id == str(client["id"])
    assert entry.actor_label == "admin key"
    assert entry.details["phone"] == "+2348031234567"
    assert entry.details["tags"] == ["vip", "export"]

    read = await api.get(f"/clients/{client['id']}")
    assert read.status == 200
    assert read.body == client


async def test_a_client_can_be_assigned_to_an_active_employee(api):
    manager = await Employee.create(name="Musa Manager", role=Role.MANAGER)
    created = await api.post("/clients", json={"name": "Bola", "manager_id": manager.id})
    assert created.status == 201
    assert (created.body["manager_id"], created.body["manager_name"]) == (
        manager.id,
        "Musa Manager",
    )

    manager.is_active = False
    await manager.save()
    refused = await api.post("/clients", json={"name": "Chidi", "manager_id": manager.id})
    assert refused.status == 422
    assert refused.field_errors == {"manager_id": "There is no active employee with this id."}


async def test_invalid_fields_are_named_and_nothing_is_written(api):
    reply = await api.post(
        "/clients",
        json={
            "phone": "12",
            "email": "not-an-email",
            "language": "fr",
            "kind": "company",
            "manager_id": 10**30,
            "tags": ["ok"] * 3 + ["x" * 61],
            "colour": "blue",
            "city": "Lagos\u0000",
        },
    )

    assert reply.status == 422
    assert reply.headers["Content-Type"].startswith("application/problem+json")
    assert reply.body["type"].endswith("#problem-validation")
    assert reply.body["detail"] == "Some fields are not valid."
    errors = reply.field_errors
    assert errors["name"] == "This field is required."
    assert errors["email"] == "Enter an e-mail address such as name@example.com."
    assert errors["language"] == "Choose one of: en, ru, yo."
    assert errors["kind"] == "Choose one of: individual, legal_entity."
    assert errors["manager_id"] == "Enter a number of at most 2147483647."
    assert errors["tags.3"] == "Enter at most 60 characters."
    assert errors["colour"] == "This field is not allowed."
    assert errors["city"] == "Remove control characters such as tabs and line breaks."
    assert not await Client.exists()

    wrong_types = await api.post("/clients", json={"name": 5, "tags": "vip", "manager_id": "3"})
    assert wrong_types.field_errors == {
        "name": "Enter text.",
        "tags": "Enter a list.",
        "manager_id": "Enter a whole number.",
    }

    bad_phone = await api.post("/clients", json={"name": "Ada", "phone": "12"})
    assert bad_phone.status == 422
    assert bad_phone.field_errors == {
        "phone": "That does not look like a phone number. Try again."
    }
    assert not await Client.exists()


async def test_messages_follow_accept_language(api):
    reply = await api.post(
        "/clients",
        json={"name": "Ada", "phone": "12"},
        headers={"Accept-Language": "ru-RU,ru;q=0.9"},
    )
    assert reply.field_errors == {"phone": "Это не похоже на номер телефона. Попробуйте ещё раз."}
    missing = await api.get("/clients/999", headers={"Accept-Language": "yo"})
    assert missing.body["detail"] == "A kò rí i."


async def test_a_phone_belongs_to_one_client(api):
    first = await api.post("/clients", json={"name": "Ada", "phone": "+234 803 123 4567"})
    assert first.status == 201

    duplicate = await api.post("/clients", json={"name": "Impostor", "phone": "08031234567"})
    assert duplicate.status == 409
    assert duplicate.body["type"].endswith("#problem-conflict")
    assert duplicate.field_errors == {"phone": "Another client already has this phone number."}

    other = await api.post("/clients", json={"name": "Bola", "phone": "08039876543"})
    moved = await api.patch(f"/clients/{other.body['id']}", json={"phone": "08031234567"})
    assert moved.status == 409
    assert (await Client.get(id=other.body["id"])).phone == "+2348039876543"
    # Saving a client with its own phone is no conflict.
    same = await api.patch(f"/clients/{first.body['id']}", json={"phone": "08031234567"})
    assert same.status == 200
    assert await Client.all().count() == 2


async def test_patch_changes_only_what_is_sent_and_audits_old_and_new(api):
    created = await api.post(
        "/clients", json={"name": "Ada", "city": "Lagos", "source": "fair", "tags": ["vip"]}
    )
    client_id = created.body["id"]

    changed = await api.patch(
        f"/clients/{client_id}", json={"city": None, "name": "Ada O.", "tags": ["new", "vip"]}
    )

    assert changed.status == 200, changed.body
    assert changed.body["name"] == "Ada O."
    assert changed.body["city"] is None
    assert changed.body["source"] == "fair"
    assert changed.body["tags"] == ["new", "vip"]
    entry = await AuditLog.get(action="client.updated")
    assert entry.details == {
        "name": ["Ada", "Ada O."],
        "city": ["Lagos", None],
        "tags": [["vip"], ["new", "vip"]],
    }

    cleared = await api.patch(f"/clients/{client_id}", json={"name": None, "tags": None})
    assert cleared.status == 422
    assert cleared.field_errors == {
        "name": "This field cannot be empty.",
        "tags": "This field cannot be empty.",
    }
    blank = await api.patch(f"/clients/{client_id}", json={"name": "   "})
    assert blank.field_errors == {"name": "This field cannot be empty."}

    nothing = await api.patch(f"/clients/{client_id}", json={})
    assert nothing.status == 200
    assert await AuditLog.filter(action="client.updated").count() == 1


async def test_unknown_and_malformed_client_ids_are_not_found(api):
    for path in ("/clients/999999", "/clients/0", "/clients/abc", "/clients/99999999999999999"):
        for method in ("GET", "PATCH"):
            reply = await api.request(method, path, json={"name": "x"})
            assert reply.status == 404, (method, path)
            assert reply.body["type"].endswith("#problem-not-found")


async def test_filters_narrow_the_list(api):
    manager = await Employee.create(name="Musa", role=Role.MANAGER)
    ada = await api.post(
        "/clients",
        json={"name": "Ada Okafor", "city": "Lagos", "source": "web", "tags": ["vip"]},
    )
    bola = await api.post(
        "/clients",
        json={"name": "Bola Ade", "city": "Abuja", "manager_id": manager.id, "email": "b@x.ng"},
    )
    chidi = await api.post("/clients", json={"name": "Chidi", "city": "lagos", "source": "web"})
    ids = {
        name: reply.body["id"] for name, reply in (("ada", ada), ("bola", bola), ("chidi", chidi))
    }
    now = dt.datetime.now(dt.UTC)
    await ConsentState.create(
        client_id=ids["ada"], channel=Channel.TELEGRAM, granted=True, updated_at=now
    )
    await ConsentState.create(
        client_id=ids["bola"], channel=Channel.VIBER, granted=False, updated_at=now
    )
    await Client.filter(id=ids["chidi"]).update(created_at=now - dt.timedelta(days=10))

    async def names(**params) -> list[str]:
        reply = await api.get("/clients", params=params)
        assert reply.status == 200, reply.body
        return sorted(item["name"] for item in reply.body["items"])

    assert await names(q="okaf") == ["Ada Okafor"]
    assert await names(q="B@X") == ["Bola Ade"]
    assert await names(city="LAGOS") == ["Ada Okafor", "Chidi"]
    assert await names(source="web") == ["Ada Okafor", "Chidi"]
    assert await names(tag="vip") == ["Ada Okafor"]
    assert await names(manager_id=manager.id) == ["Bola Ade"]
    assert await names(consent="granted") == ["Ada Okafor"]
    assert await names(consent="withdrawn") == ["Bola Ade"]
    assert await names(consent="none") == ["Chidi"]
    day_ago = (now - dt.timedelta(days=1)).isoformat()
    assert await names(created_after=day_ago) == ["Ada Okafor", "Bola Ade"]
    assert await names(created_before=day_ago) == ["Chidi"]
    assert await names(created_before=day_ago[:10]) == ["Chidi"]
    assert await names(city="Lagos", source="web", tag="vip") == ["Ada Okafor"]

    bad = await api.get("/clients", params={"consent": "maybe", "created_after": "yesterday"})
    assert bad.status == 400
    assert bad.body["type"].endswith("#problem-malformed-request")
    assert set(bad.field_errors) == {"consent", "created_after"}


def test_the_panel_builds_filters_from_a_query_string_ignoring_bad_values():
    filters = ClientFilters.from_query(
        {"q": " Ada ", "manager_id": "x", "consent": "granted", "created_after": "soon", "z": "1"}
    )
    assert filters.q == "Ada"
    assert filters.manager_id is None
    assert filters.consent == "granted"
    assert filters.created_after is None


async def test_pages_walk_every_client_once_newest_first(api):
    ids = [(await Client.create(name=f"Client {n}")).id for n in range(7)]

    seen: list[int] = []
    cursor = None
    pages = 0
    while True:
        params = {"limit": 3, **({"cursor": cursor} if cursor else {})}
        reply = await api.get("/clients", params=params)
        assert reply.status == 200
        seen += [item["id"] for item in reply.body["items"]]
        pages += 1
        cursor = reply.body["next_cursor"]
        if cursor is None:
            break

    assert pages == 3
    assert seen == sorted(ids, reverse=True)
    default = await api.get("/clients")
    assert len(default.body["items"]) == 7
    assert default.body["next_cursor"] is None


async def test_bad_paging_parameters_are_refused(api):
    for params, field in (
        ({"cursor": "bm90LWEtY3Vyc29y"}, "cursor"),
        ({"cursor": "!!!"}, "cursor"),
        ({"limit": 0}, "limit"),
        ({"limit": 101}, "limit"),
        ({"limit": "ten"}, "limit"),
        ({"limit": "99999999999999999999999"}, "limit"),
        ({"page": 2}, "page"),
    ):
        reply = await api.get("/clients", params=params)
        assert reply.status == 400, params
        assert field in reply.field_errors, reply.body
    assert (await api.get("/clients", params={"cursor": "!!!"})).field_errors == {
        "cursor": "This cursor is not valid. Start again from the first page."
    }


async def test_the_list_runs_as_many_queries_for_30_clients_as_for_1(api):
    manager = await Employee.create(name="Musa", role=Role.MANAGER)
    tag = await Tag.create(name="vip")

    async def add(count: int) -> None:
        for n in range(count):
            client = await Client.create(name=f"C{n}", manager=manager)
            await client.tags.add(tag)

    async def queries_for_list() -> int:
        with count_queries() as queries:
            reply = await api.get("/clients", params={"limit": 100})
        assert reply.status == 200
        assert all(item["manager_name"] == "Musa" for item in reply.body["items"])
        assert all(item["tags"] == ["vip"] for item in reply.body["items"])
        return queries.count

    await api.get("/clients")  # the key's first use records last_used_at once
    await add(1)
    few = await queries_for_list()
    await add(29)
    many = await queries_for_list()
    assert few == many


async def test_a_manager_key_sees_and_changes_only_unassigned_clients(api_as):
    musa = await Employee.create(name="Musa", role=Role.MANAGER)
    assigned = await Client.create(name="Assigned", manager=musa)
    free = await Client.create(name="Unassigned")
    manager_api = await api_as(Role.MANAGER)

    listed = await manager_api.get("/clients")
    assert [item["name"] for item in listed.body["items"]] == ["Unassigned"]
    assert (await manager_api.get(f"/clients/{assigned.id}")).status == 404
    assert (await manager_api.patch(f"/clients/{assigned.id}", json={"name": "X"})).status == 404
    assert (await manager_api.get(f"/clients/{free.id}")).status == 200

    take = await manager_api.patch(f"/clients/{free.id}", json={"manager_id": musa.id})
    assert take.status == 422
    assert take.field_errors == {"manager_id": "You can assign clients only to yourself."}
    created = await manager_api.post("/clients", json={"name": "New lead"})
    assert created.status == 201
    assert created.body["manager_id"] is None


async def test_a_staff_manager_sees_own_and_unassigned_clients(runtime):
    musa = await Employee.create(name="Musa", role=Role.MANAGER)
    other = await Employee.create(name="Ngozi", role=Role.MANAGER)
    await Client.create(name="Mine", manager=musa)
    await Client.create(name="Hers", manager=other)
    await Client.create(name="Nobody's")

    actor = staff_actor(musa)
    names = (
        await client_query(actor, ClientFilters()).order_by("name").values_list("name", flat=True)
    )
    assert names == ["Mine", "Nobody's"]
    assert (
        await visible_clients(
            staff_actor(await Employee.create(name="Di", role=Role.DIRECTOR))
        ).count()
        == 3
    )


async def test_roles_without_the_permission_are_forbidden(api_as):
    client = await Client.create(name="Ada")
    accountant = await api_as(Role.ACCOUNTANT)
    assert (await accountant.get("/clients")).status == 200
    refused = await accountant.post("/clients", json={"name": "Bola"})
    assert refused.status == 403
    assert refused.body["type"].endswith("#problem-forbidden")
    assert refused.body["detail"] == "You are not allowed to do that."
    assert (await accountant.patch(f"/clients/{client.id}", json={"name": "X"})).status == 403
    dispatcher = await api_as(Role.DISPATCHER)
    assert (await dispatcher.get("/clients")).status == 403
    assert (await dispatcher.get(f"/clients/{client.id}")).status == 403
    assert await Client.all().count() == 1
