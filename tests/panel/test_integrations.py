"""API keys and webhooks as an admin manages them in the panel."""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import AsyncIterator

import aiohttp
import pytest

from core.models import Role, WebhookDelivery, WebhookEndpoint
from tests.webhooks.conftest import Receiver


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    server = Receiver()
    await server.start()
    yield server
    await server.stop()


async def test_an_api_key_is_shown_once_works_and_can_be_revoked(runtime, panel_for):
    admin = await panel_for(Role.ADMIN)
    page = await admin.submit(
        "/admin/api-keys/new", {"name": "ERP", "role": "manager"}, csrf_from="/admin/api-keys/new"
    )
    assert page.headers["Cache-Control"] == "no-store"
    key = page.text("new-key")
    assert re.fullmatch(r"ona_[0-9a-f]{12}_\S+", key)
    headers = {"Authorization": f"Bearer {key}"}
    async with aiohttp.ClientSession() as http:
        async with http.get(f"{runtime.base_url}/api/v1/clients", headers=headers) as r:
            assert r.status == 200
        listing = await admin.open("/admin/api-keys")
        assert listing.rows("api-keys-list")[0][:2] == ["ERP", "Manager"]
        assert key not in listing.html  # never shown again
        key_id = re.search(r'href="/admin/api-keys/(\d+)"', listing.html).group(1)
        await admin.open(f"/admin/api-keys/{key_id}")
        page = await admin.submit(f"/admin/api-keys/{key_id}/revoke", {})
        assert "Revoked" in page.text("key-status")
        async with http.get(f"{runtime.base_url}/api/v1/clients", headers=headers) as r:
            assert r.status == 401


async def test_an_admin_key_cannot_be_made_in_the_panel(panel_for):
    admin = await panel_for(Role.ADMIN)
    page = await admin.submit(
        "/admin/api-keys/new",
        {"name": "God mode", "role": "admin"},
        csrf_from="/admin/api-keys/new",
    )
    assert page.status == 422
    assert page.text("field-role").endswith("Pick from the list.")


async def test_register_a_webhook_send_a_test_event_and_resend(runtime, panel_for, receiver):
    admin = await panel_for(Role.ADMIN)
    page = await admin.submit(
        "/admin/webhooks/new",
        [("url", "ftp://nowhere"), ("events", "client.created"), ("is_active", "on")],
        csrf_from="/admin/webhooks/new",
    )
    assert page.status == 422
    assert "http:// or https://" in page.text("field-url")
    page = await admin.submit(
        "/admin/webhooks/new",
        [("url", receiver.url), ("events", "client.created"), ("is_active", "on")],
    )
    assert "Saved." in page.body_text
    endpoint = await WebhookEndpoint.get(url=receiver.url)
    assert endpoint.events == ["client.created"]

    page = await admin.submit(f"/admin/webhooks/{endpoint.id}/test", {})
    assert "Queued for delivery." in page.body_text
    [ping] = await receiver.wait_for(lambda reqs: reqs[:1])
    assert ping.event == "ping"
    stamp = ping.headers["Ona-Timestamp"]
    expected = hmac.new(
        endpoint.secret.encode(), f"{stamp}.".encode() + ping.body, hashlib.sha256
    ).hexdigest()
    assert ping.headers["Ona-Signature"] == f"v1={expected}"

    delivery = await WebhookDelivery.get(endpoint=endpoint)
    await runtime.supervisor.wait_idle()
    page = await admin.open(f"/admin/webhooks/deliveries/{delivery.id}")
    assert page.rows("attempts")[0][1] == "200"
    assert "thanks" in page.rows("attempts")[0][3]
    assert '"event": "ping"' in page.text("payload")

    page = await admin.submit(f"/admin/webhooks/deliveries/{delivery.id}/resend", {})
    assert "Queued for delivery." in page.body_text
    await receiver.wait_for(lambda reqs: len(reqs) >= 2)
    assert receiver.requests[1].headers["Ona-Delivery"] == ping.headers["Ona-Delivery"]
