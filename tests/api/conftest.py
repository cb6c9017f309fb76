"""API test helpers: keys per role, and a client that speaks to the running app over HTTP."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import aiohttp
import pytest

from core.models import Carrier, Employee, Role
from core.services.access import Actor, ActorKind
from core.services.api_keys import create_api_key

PREFIX = "/api/v1"


@dataclass
class Reply:
    status: int
    headers: Any
    body: Any

    @property
    def field_errors(self) -> dict[str, str]:
        return {error["field"]: error["message"] for error in self.body.get("errors", [])}


class ApiClient:
    """Requests to /api/v1 with one key; `key=None` sends none."""

    def __init__(self, http: aiohttp.ClientSession, base_url: str, key: str | None) -> None:
        self.http = http
        self.base_url = base_url
        self.key = key

    async def request(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        data: str | bytes | None = None,
        params: Any = None,
        headers: dict[str, str] | None = None,
        key: str | bool | None = True,
    ) -> Reply:
        sent = dict(headers or {})
        chosen = self.key if key is True else key
        if chosen:
            sent["Authorization"] = f"Bearer {chosen}"
        async with self.http.request(
            method,
            self.base_url + PREFIX + path,
            json=json,
            data=data,
            params=params,
            headers=sent,
            allow_redirects=False,
        ) as response:
            text = await response.text()
            content_type = response.headers.get("Content-Type", "")
            body = await response.json(content_type=None) if "json" in content_type else text
            return Reply(response.status, response.headers, body)

    async def get(self, path: str, **kwargs: Any) -> Reply:
        return await self.request("GET", path, **kwargs)

    async def post(self, path: str, json: Any = None, **kwargs: Any) -> Reply:
        return await self.request("POST", path, json=json, **kwargs)

    async def patch(self, path: str, json: Any = None, **kwargs: Any) -> Reply:
        return await self.request("PATCH", path, json=json, **kwargs)


def staff_actor(employee: Employee) -> Actor:
    return Actor(
        kind=ActorKind.STAFF,
        language="en",
        employee_id=employee.id,
        role=employee.role,
        name=employee.name,
    )


@pytest.fixture
async def admin(runtime) -> Actor:
    employee = await Employee.create(name="Ada Admin", role=Role.ADMIN, login="ada")
    return staff_actor(employee)


@pytest.fixture
def make_key(admin) -> Callable[..., Awaitable[str]]:
    async def make(role: Role = Role.ADMIN, name: str | None = None) -> str:
        # A carrier's key names the carrier whose system uses it.
        carrier_id = (
            (await Carrier.create(name=f"Carrier of the {role.value} key")).id
            if role is Role.CARRIER
            else None
        )
        _key, plaintext = await create_api_key(
            admin, name or f"{role.value} key", role, carrier_id
        )
        return plaintext

    return make


@pytest.fixture
def api_as(runtime, http, make_key) -> Callable[[Role], Awaitable[ApiClient]]:
    async def make(role: Role) -> ApiClient:
        return ApiClient(http, runtime.base_url, await make_key(role))

    return make


@pytest.fixture
async def api(api_as) -> ApiClient:
    """An integration with an admin key: may do everything."""
    return await api_as(Role.ADMIN)


@pytest.fixture
def anonymous(runtime, http) -> ApiClient:
    return ApiClient(http, runtime.base_url, None)


@pytest.fixture
def rate_limit(runtime, monkeypatch) -> Callable[[int], None]:
    """Set API_RATE_LIMIT_PER_MINUTE on the running app for one test."""

    def set_limit(limit: int) -> None:
        monkeypatch.setattr(runtime.settings, "api_rate_limit_per_minute", limit)

    return set_limit
