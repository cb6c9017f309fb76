"""Every panel route, for every role: allowed roles get the page, the others get 403.

The expectations come from core.services.access, the one place roles become permissions, so
a route added with the wrong permission, or none, fails here.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest

from admin_web.routes import PANEL_ROUTES
from core.models import (
    ApiKey,
    Campaign,
    CannedReply,
    Carrier,
    Client,
    ContactSubject,
    Employee,
    Lane,
    Location,
    MailTemplate,
    MarketingSource,
    Order,
    Plan,
    PriceList,
    Quote,
    QuoteRequest,
    Role,
    Segment,
    Shipment,
    ShipmentDocument,
    ShipmentLeg,
    Tariff,
    Task,
    TemplateText,
    WebhookDelivery,
    WebhookEndpoint,
    Zone,
)
from core.services.access import Actor, ActorKind
from core.services.reports import reports_for
from core.services.shipments import new_tracking_token
from tests.panel.panel_client import Panel

SKIP = {"logout", "login", "login.submit"}  # covered by the sign-in tests


async def _objects() -> dict[str, int]:
    """One object per path parameter, so routes with an id have something to open."""
    target = await Employee.create(name="Target Person", role=Role.MANAGER)
    source = await MarketingSource.create(code="radio", name="Radio")
    client = await Client.create(name="Ada Client", phone="+2348030000000")
    carrier = await Carrier.create(name="Trans Sahara")
    key = await ApiKey.create(name="ERP", prefix="abc123", key_hash="0" * 64, role=Role.MANAGER)
    endpoint = await WebhookEndpoint.create(url="http://127.0.0.1:9/x", secret="s", events=[])
    delivery = await WebhookDelivery.create(
        endpoint=endpoint, event="ping", event_id="e1", payload={}, state="failed"
    )
    # Mailings: a running campaign, so its page, progress and every action can be opened.
    segment = await Segment.create(name="Everyone", filters={})
    template = await MailTemplate.create(name="Autumn offers")
    await TemplateText.create(template=template, language="en", kind="messenger", body="Hi")
    campaign = await Campaign.create(
        name="Autumn", segment=segment, template=template, channels=["telegram"], state="running"
    )
    return {
        "segment_id": segment.id,
        "template_id": template.id,
        "campaign_id": campaign.id,
        "staff": target.id,
        "sources": source.id,
        "clients": client.id,
        "carriers": carrier.id,
        "api-keys": key.id,
        "webhooks": endpoint.id,
        "delivery_id": delivery.id,
        "locations": (await Location.create(name="Apapa Port")).id,
        "zones": (await Zone.create(name="South-West")).id,
        "price-lists": (await PriceList.create(name="Main", currency="NGN", is_main=True)).id,
        "tariffs": (
            await Tariff.create(
                price_list=await PriceList.get(name="Main"),
                mode="road",
                basis="flat",
                currency="NGN",
                rate=1000,
            )
        ).id,
        "requests": (
            await QuoteRequest.create(
                client=client,
                origin_text="Lagos",
                destination_text="Kano",
                cargo_type="general",
                weight_kg=100,
                ready_on=dt.date(2026, 12, 1),
                state_changed_at=dt.datetime.now(dt.UTC),
            )
        ).id,
        "pipeline": 0,
        "canned-replies": (await CannedReply.create(language="en", text="Hello!")).id,
        "subjects": (await ContactSubject.create(code="custom.test", name="Visit")).id,
        "lanes": (
            await Lane.create(
                carrier=carrier,
                origin=await Location.create(name="Lagos"),
                destination=await Location.create(name="Kano"),
                mode="road",
                transit_minutes=600,
            )
        ).id,
    }


async def _own_work(employee: Employee) -> dict[str, int]:
    """A plan and a task of the signed-in person: pages scoped to whose work one sees."""
    plan = await Plan.create(
        title="December",
        employee=employee,
        starts_on=dt.date(2026, 12, 1),
        ends_on=dt.date(2026, 12, 31),
    )
    due = dt.datetime.now(dt.UTC) + dt.timedelta(days=1)
    task = await Task.create(plan=plan, employee=employee, title="Call Ada", due_at=due)
    return {"plans": plan.id, "tasks": task.id}


async def _shipment(runtime, employee: Employee) -> dict[str, int | str]:
    """A shipment with a photo; its leg is carried by the signed-in person's company, so a
    carrier's people may open it too."""
    carrier = await Carrier.create(name="Own Trucks")
    await Employee.filter(id=employee.id).update(carrier_id=carrier.id)
    request = await QuoteRequest.first()
    now = dt.datetime.now(dt.UTC)
    quote = await Quote.create(request=request, currency="NGN", valid_until=now)
    order = await Order.create(
        request=request,
        quote=quote,
        client_id=request.client_id,
        option={},
        currency="NGN",
        price=1,
        vat=0,
        total=1,
        number="ON-26-00001",
    )
    shipment = await Shipment.create(
        number=order.number,
        order=order,
        client_id=request.client_id,
        promised_at=now,
        eta=now,
        tracking_token=new_tracking_token(),
    )
    await ShipmentLeg.create(
        shipment=shipment,
        position=0,
        mode="road",
        origin="Lagos",
        destination="Kano",
        carrier=carrier,
        departs_at=now,
        arrives_at=now,
    )
    await runtime.media.save("shipments/test/photo.gif", b"GIF89a....", "image/gif")
    document = await ShipmentDocument.create(
        shipment=shipment,
        kind="photo",
        key="shipments/test/photo.gif",
        content_type="image/gif",
        size=10,
        employee=employee,  # added by the signed-in person, so a carrier's people see it too
    )
    return {"number": shipment.number, "doc_id": document.id}


def _url(path: str, ids: dict[str, int]) -> str:
    section = path.strip("/").split("/")[0]

    def value(match: re.Match) -> str:
        name = match.group(1)
        return str(ids.get(name) or ids.get(section) or ids["clients"])

    return "/admin" + re.sub(r"\{(\w+)[^}]*\}", value, path)


@pytest.mark.parametrize("role", list(Role))
async def test_each_role_opens_exactly_what_it_may(runtime, panel_for, role):
    ids = await _objects()
    panel: Panel = await panel_for(role)
    ids.update(await _own_work(panel.employee))  # type: ignore[attr-defined]
    ids.update(await _shipment(runtime, panel.employee))  # type: ignore[arg-type, attr-defined]
    actor = Actor(kind=ActorKind.STAFF, language="en", role=role)
    mine = reports_for(actor)
    report_key = mine[0].key if mine else "managers"
    wrong: list[str] = []
    for route in PANEL_ROUTES:
        if route.public or route.name in SKIP:
            continue
        allowed = route.permission is None or actor.can(route.permission)
        if route.name.startswith("reports.") and not reports_for(actor):
            allowed = False  # the reports page opens, but there is no report for the role
        url = _url(route.path, {**ids, "key": report_key})
        if route.name == "staff.activity":  # one's own log: open to everyone signed in
            url = f"/admin/staff/{panel.employee.id}/activity"  # type: ignore[attr-defined]
        if route.method == "GET":
            page = await panel.open(url)
        else:
            await panel.open("/admin/")
            page = await panel.submit(url, {})
        if allowed == (page.status == 403):
            wrong.append(f"{route.method} {url} ({route.name}): {page.status}")
        if allowed and route.method == "GET" and page.status != 200:
            wrong.append(f"{route.method} {url} ({route.name}): {page.status}")
        if "/admin/login" in page.url:
            wrong.append(f"{route.method} {url} sent a signed-in {role} to the sign-in page")
    assert not wrong, "\n".join(wrong)
