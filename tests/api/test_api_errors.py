"""Bad requests get a problem+json answer naming the fix: never HTML, a traceback or a 500."""

from __future__ import annotations

import re

import pytest

from admin_web.api.resources import OPERATIONS
from core.models import Client, Role
from core.services.access import roles_with


def _concrete(path: str) -> str:
    return re.sub(r"\{[a-z_]+\}", "1", path)


@pytest.mark.parametrize("op", OPERATIONS, ids=lambda op: f"{op.method} {op.path}")
async def test_every_operation_needs_a_key(op, anonymous):
    reply = await anonymous.request(op.method, _concrete(op.path), json={})
    assert reply.status == 401
    assert reply.headers["WWW-Authenticate"].startswith("Bearer")
    assert reply.body["type"].endswith("#problem-unauthenticated")


@pytest.mark.parametrize("op", OPERATIONS, ids=lambda op: f"{op.method} {op.path}")
async def test_every_operation_refuses_roles_without_its_permission(op, api_as):
    await Client.create(name="Ada")
    outsider = next(role for role in Role if role not in roles_with(op.permission))
    reply = await (await api_as(outsider)).request(op.method, _concrete(op.path), json={})
    assert reply.status == 403, (outsider, reply.body)
    assert reply.body["type"].endswith("#problem-forbidden")


async def test_malformed_bodies_are_400(api):
    bodies = (b"{x", b"[1, 2]", b"", b'"text"', b"null", b"\xff\xfe", b'{"name": "\\ud800"}')
    for raw in bodies:
        reply = await api.request(
            "POST", "/clients", data=raw, headers={"Content-Type": "application/json"}
        )
        assert reply.status == 400, raw
        assert reply.headers["Content-Type"].startswith("application/problem+json")
        assert reply.body["detail"] == "The request body must be a JSON object.", raw
    assert not await Client.exists()


async def test_huge_numbers_and_bodies_are_refused(api):
    huge = await api.post("/clients", json={"name": "Ada", "manager_id": 10**400})
    assert huge.status == 422
    assert "manager_id" in huge.field_errors
    floaty = await api.post("/clients", json={"name": "Ada", "manager_id": 1e308})
    assert floaty.status == 422
    too_large = await api.request(
        "POST",
        "/clients",
        data=b'{"name": "' + b"a" * (2 * 1024 * 1024) + b'"}',
        headers={"Content-Type": "application/json"},
    )
    assert too_large.status == 413
    assert too_large.body["type"].endswith("#problem-too-large")


async def test_query_parameters_are_checked(api):
    repeated = await api.get("/clients?limit=1&limit=2")
    assert repeated.status == 400
    assert repeated.field_errors == {"limit": "Give this parameter once."}
    unknown = await api.get("/clients", params={"sort": "name"})
    assert unknown.field_errors == {"sort": "This field is not allowed."}
    none_taken = await api.get("/clients/1", params={"expand": "tags"})
    assert none_taken.status == 400
    assert none_taken.body["detail"] == "This operation takes no query parameters."
    nul = await api.get("/clients", params={"q": "a\x00b"})
    assert nul.status == 400
    bad_utf8 = await api.get("/clients?q=%ff%fe")
    assert bad_utf8.status in (200, 400)
    assert bad_utf8.headers["Content-Type"].startswith("application/")


async def test_unknown_addresses_and_methods(api):
    missing = await api.get("/invoices")
    assert missing.status == 404
    assert missing.headers["Content-Type"].startswith("application/problem+json")
    wrong_method = await api.request("DELETE", "/clients/1")
    assert wrong_method.status == 405
    assert set(wrong_method.headers["Allow"].split(",")) == {"GET", "PATCH"}
    assert wrong_method.body["detail"] == "This address does not accept DELETE."


async def test_titles_and_details_are_translated(anonymous, api):
    reply = await api.get("/clients/12345", headers={"Accept-Language": "ru"})
    assert reply.body["detail"] == "Не найдено."
    yoruba = await api.get("/clients/1", headers={"Accept-Language": "xx, yo;q=0.5"})
    assert yoruba.body["detail"] == "A kò rí i."
    odd = await anonymous.get("/clients", headers={"Accept-Language": ";;;,\u00e9=q"})
    assert odd.status == 401
