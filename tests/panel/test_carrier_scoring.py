"""The carriers' reliability score weights: a form for the management, checked, audited, and
used by the carriers report at once."""

from __future__ import annotations

from decimal import Decimal

import aiohttp

from core.models import AuditLog, Company, Role, ShipmentStatus
from core.services.carrier_scoring import DEFAULT_WEIGHTS, Weights, weights_of
from tests.reports.data import client, utc
from tests.reports.data_shipments import carrier, event, shipment

PAGE = "/admin/carrier-scoring"
NOVEMBER = "/admin/reports/carriers?period=custom&from=2026-11-01&to=2026-11-30"


def _weights(on_time: str, exceptions: str, proof: str) -> dict[str, str]:
    return {"on_time": on_time, "exceptions": exceptions, "proof": proof}


async def test_the_weights_are_saved_audited_and_used_by_the_report(panel_for):
    swift = await carrier("Swift Haulage")
    ada = await client("Ada", None, utc(2026, 10, 1))
    # On time, one delay on its one shipment, last leg with proof: 100 × (0.5 + 0 + 0.2) = 70.
    s1 = await shipment(
        ada,
        utc(2026, 11, 10),
        [(swift, "100.00", "80.00")],
        promised=utc(2026, 11, 12),
        delivered=utc(2026, 11, 11),
    )
    await event(s1, ShipmentStatus.DELAYED, utc(2026, 11, 11), leg=0)

    admin = await panel_for(Role.ADMIN)
    form = await admin.open(PAGE)
    assert form.status == 200
    assert 'value="0.5"' in form.html and 'value="0.3"' in form.html
    assert "0.5 × on-time rate + 0.3 ×" in form.text("scoring-formula")
    report = await admin.open(NOVEMBER)
    assert report.rows("report-table")[0][:2] == ["Swift Haulage", "70.0"]

    page = await admin.submit(PAGE, _weights("0.25", "0,25", "0.5"))
    assert page.status == 200 and "Saved." in page.body_text
    company = await Company.get(id=1)
    assert company.reliability_weights == _weights("0.25", "0.25", "0.5")
    assert "0.25 × on-time rate + 0.25 ×" in page.text("scoring-formula")
    entry = await AuditLog.get(object_type="company", object_id="1")
    assert entry.action == "updated"
    assert entry.details == {
        "reliability_weights": [_weights("0.5", "0.3", "0.2"), _weights("0.25", "0.25", "0.5")]
    }
    history = await admin.open("/admin/company/history")
    assert len(history.rows("history")) == 1

    # The report reads the new weights: 100 × (0.25 × 1 + 0.25 × 0 + 0.5 × 1) = 75.
    report = await admin.open(NOVEMBER)
    assert report.rows("report-table")[0][:2] == ["Swift Haulage", "75.0"]
    assert "(0.25 × on-time rate + 0.25 × (1 − exceptions" in report.body_text


async def test_wrong_weights_are_explained_and_nothing_is_saved(panel_for):
    director = await panel_for(Role.DIRECTOR)
    await director.open(PAGE)
    page = await director.submit(PAGE, _weights("0.5", "0.3", "0.3"))
    assert page.status == 422
    assert page.text("weights-error") == (
        "The three weights add up to 1.1, and they must add up to exactly 1: each is the "
        "share of the score that part gives."
    )
    assert 'value="0.3"' in page.html  # what was typed stays in the form
    page = await director.submit(PAGE, _weights("abc", "1.5", ""), csrf_from=PAGE)
    assert page.status == 422
    assert page.field_error("on_time").endswith("Enter a number like 1250.50.")
    assert page.field_error("exceptions").endswith(
        "Enter a number from 0 to 1 with at most three decimals, like 0.25."
    )
    assert page.field_error("proof").endswith("This field is required.")
    page = await director.submit(PAGE, _weights("0.3333", "0.3333", "0.3334"), csrf_from=PAGE)
    assert page.field_error("on_time").endswith(
        "Enter a number from 0 to 1 with at most three decimals, like 0.25."
    )
    page = await director.submit(PAGE, _weights("-0.5", "1", "0.5"), csrf_from=PAGE)
    assert page.field_error("on_time").endswith(
        "Enter a number from 0 to 1 with at most three decimals, like 0.25."
    )
    assert (await Company.get(id=1)).reliability_weights == {}
    assert not await AuditLog.filter(object_type="company").exists()
    # Thirds can be written to the thousandth.
    page = await director.submit(PAGE, _weights("0.333", "0.333", "0.334"), csrf_from=PAGE)
    assert "Saved." in page.body_text


async def test_only_the_management_sets_the_weights_and_only_with_the_form_token(
    runtime, panel_for
):
    for role in (Role.DISPATCHER, Role.MANAGER, Role.HEAD_OF_SALES):
        person = await panel_for(role)
        assert (await person.open(PAGE)).status == 403
        page = await person.submit(PAGE, _weights("1", "0", "0"), csrf_from="/admin")
        assert page.status == 403
    admin = await panel_for(Role.ADMIN)
    await admin.open(PAGE)
    form = aiohttp.FormData(_weights("1", "0", "0"))  # no CSRF token
    async with admin.http.post(runtime.base_url + PAGE, data=form) as response:
        assert response.status == 403
    assert (await Company.get_or_none(id=1)) is None or (
        await Company.get(id=1)
    ).reliability_weights == {}


def test_stored_weights_that_cannot_be_used_fall_back_to_the_defaults():
    assert weights_of(Company(reliability_weights={})) == DEFAULT_WEIGHTS
    assert weights_of(Company(reliability_weights={"on_time": "x"})) == DEFAULT_WEIGHTS
    assert weights_of(Company(reliability_weights=_weights("0.9", "0.9", "0"))) == DEFAULT_WEIGHTS
    assert weights_of(Company(reliability_weights=_weights("1", "0", "0"))) == Weights(
        Decimal("1"), Decimal("0"), Decimal("0")
    )
