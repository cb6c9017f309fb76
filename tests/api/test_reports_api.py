"""Reports over the API: what an integration asks and gets, on a hand-made November in Lagos
(UTC+1), every figure written here by hand, on both databases."""

from __future__ import annotations

import pytest
from jsonschema import Draft202012Validator

from core.models import Employee, RefusalReason, RequestState, Role
from tests.reports.data import client, order, quote, request, utc

NOVEMBER = {"from": "2026-11-01", "to": "2026-11-30"}
NOVEMBER_PERIOD = {"start": "2026-11-01", "end": "2026-11-30", "time_zone": "Africa/Lagos"}
MANAGERS_COLUMNS = [
    "name",
    "new_clients",
    "requests",
    "take_hours",
    "quote_hours",
    "quotes",
    "reminders",
    "orders",
    "refusals",
    "refusal_reasons",
    "revenue",
    "margin",
    "tasks",
    "tasks_done",
    "tasks_late",
    "quality",
    "reply_minutes",
]
EVERY_REPORT = ["managers", "clients", "personnel", "marketing", "routes", "carriers", "overview"]


async def _november():
    """Tunde: Ada's three requests, two ordered (1000.10 at cost 600.05, 500.00 at no cost
    yet), one refused as too expensive. Bisi: Kemi's two requests and no order (a price-only
    client); Femi ordered in October and went quiet in November."""
    tunde = await Employee.create(name="Tunde", role=Role.MANAGER)
    bisi = await Employee.create(name="Bisi", role=Role.MANAGER)
    ada = await client("Ada", tunde, utc(2026, 11, 2))
    kemi = await client("Kemi", bisi, utc(2026, 10, 20))
    femi = await client("Femi", bisi, utc(2026, 9, 1))

    # Taken after 1 h, 3 h and 5 h (median 3 h); first quotes after 2 h and 4 h (median 3 h).
    taken = {"manager": tunde, "taken_by": tunde, "state": RequestState.ORDERED}
    first = await request(ada, utc(2026, 11, 2, 9), taken_at=utc(2026, 11, 2, 10), **taken)
    second = await request(ada, utc(2026, 11, 3, 9), taken_at=utc(2026, 11, 3, 12), **taken)
    await request(
        ada,
        utc(2026, 11, 4, 9),
        manager=tunde,
        taken_by=tunde,
        taken_at=utc(2026, 11, 4, 14),
        state=RequestState.REFUSED,
        state_changed=utc(2026, 11, 6),
        reason=RefusalReason.TOO_EXPENSIVE,
    )
    await order(
        await quote(first, utc(2026, 11, 2, 11), by=tunde),
        utc(2026, 11, 7),
        "1000.10",
        "600.05",
        tunde,
    )
    await order(
        await quote(second, utc(2026, 11, 3, 13), by=tunde),
        utc(2026, 11, 8),
        "500.00",
        None,
        tunde,
    )

    await request(kemi, utc(2026, 11, 10), manager=bisi)
    await request(kemi, utc(2026, 11, 11), manager=bisi)

    october = await request(femi, utc(2026, 10, 5), manager=bisi)
    await order(
        await quote(october, utc(2026, 10, 5, 10), by=bisi),
        utc(2026, 10, 6),
        "300.00",
        "200.00",
        bisi,
    )
    return tunde, bisi


@pytest.fixture
def fixed_clock(runtime, monkeypatch):
    """Today is 15 December 2026 for the app."""
    monkeypatch.setattr(runtime.clock, "now", lambda: utc(2026, 12, 15, 12))


async def test_each_key_lists_the_reports_its_role_may_ask(api_as):
    director = await api_as(Role.DIRECTOR)
    listing = await director.get("/reports")
    assert listing.status == 200, listing.body
    assert [r["key"] for r in listing.body["items"]] == EVERY_REPORT
    assert listing.body["next_cursor"] is None
    managers = listing.body["items"][0]
    assert (managers["number"], managers["title"], managers["question"]) == (
        1,
        "Managers' work",
        "Who brought in and served clients, how fast, and with what result?",
    )
    assert (managers["row_key"], managers["per_person"], managers["flags"]) == (
        "employee_id",
        True,
        [],
    )
    columns = {c["key"]: c for c in managers["columns"]}
    assert managers["columns"][0] == {"key": "name", "label": "Manager", "kind": "text"}
    assert columns["revenue"] == {"key": "revenue", "label": "Revenue", "kind": "money"}
    assert columns["take_hours"]["kind"] == "hours"
    assert columns["refusal_reasons"]["kind"] == "reasons"
    clients = listing.body["items"][1]
    assert clients["flags"] == [
        {"key": "price_only", "label": "Only clients who ask for prices and never order"},
        {"key": "dropped", "label": "Only clients whose activity dropped"},
    ]
    assert {c["key"]: c["kind"] for c in clients["columns"]}["price_only"] == "flag"
    assert {c["key"]: c["kind"] for c in clients["columns"]}["last_contact"] == "date"

    manager = await api_as(Role.MANAGER)
    assert [r["key"] for r in (await manager.get("/reports")).body["items"]] == [
        "managers",
        "clients",
        "personnel",
    ]
    dispatcher = await api_as(Role.DISPATCHER)
    assert [r["key"] for r in (await dispatcher.get("/reports")).body["items"]] == ["carriers"]
    accountant = await api_as(Role.ACCOUNTANT)
    assert (await accountant.get("/reports")).body["items"] == []

    russian = await director.get("/reports", headers={"Accept-Language": "ru"})
    assert russian.body["items"][0]["title"] not in ("", "Managers' work")


async def test_the_managers_report_for_november(api_as):
    tunde, bisi = await _november()
    director = await api_as(Role.DIRECTOR)
    reply = await director.get("/reports/managers", params=NOVEMBER)
    assert reply.status == 200, reply.body
    body = reply.body
    assert (body["key"], body["title"]) == ("managers", "Managers' work")
    assert body["period"] == NOVEMBER_PERIOD
    assert body["compared"] is None
    assert body["total"] == 2
    assert [row["key"] for row in body["rows"]] == [tunde.id, bisi.id]
    assert body["rows"][0]["values"] == {
        "name": "Tunde",
        "new_clients": 1,
        "requests": 3,
        "take_hours": 3.0,
        "quote_hours": 3.0,
        "quotes": 2,
        "reminders": 0,
        "orders": 2,
        "refusals": 1,
        "refusal_reasons": [{"reason": "too_expensive", "label": "too expensive", "count": 1}],
        "revenue": "1500.10",
        "margin": "400.05",
        "tasks": 0,
        "tasks_done": 0,
        "tasks_late": 0,
        "quality": None,
        "reply_minutes": None,
    }
    assert body["rows"][0]["previous"] is None
    bisi_row = body["rows"][1]["values"]
    assert (bisi_row["name"], bisi_row["requests"], bisi_row["revenue"]) == ("Bisi", 2, "0.00")
    assert (bisi_row["take_hours"], bisi_row["refusal_reasons"]) == (None, [])

    # Against October: Bisi had Kemi join and Femi's order; Tunde had nothing then.
    compared = await director.get("/reports/managers", params={**NOVEMBER, "compare": "previous"})
    assert compared.body["compared"] == {
        "start": "2026-10-01",
        "end": "2026-10-31",
        "time_zone": "Africa/Lagos",
    }
    tunde_now, bisi_now = compared.body["rows"]
    assert tunde_now["previous"] is None
    before = bisi_now["previous"]
    assert (before["new_clients"], before["requests"], before["orders"]) == (1, 1, 1)
    assert (before["revenue"], before["margin"]) == ("300.00", "100.00")

    # One person's figures.
    narrowed = await director.get("/reports/managers", params={**NOVEMBER, "person": bisi.id})
    assert narrowed.body["total"] == 1
    assert [row["key"] for row in narrowed.body["rows"]] == [bisi.id]


async def test_a_manager_key_sees_no_ones_figures(api_as):
    """A key belongs to no employee: a manager's key sees only its own figures, which are
    none, even when it names a manager."""
    tunde, _bisi = await _november()
    manager = await api_as(Role.MANAGER)
    for path in ("/reports/managers", "/reports/clients", "/reports/personnel"):
        reply = await manager.get(path, params=NOVEMBER)
        assert reply.status == 200, (path, reply.body)
        assert (reply.body["total"], reply.body["rows"]) == (0, []), path
    named = await manager.get("/reports/managers", params={**NOVEMBER, "person": tunde.id})
    assert (named.body["total"], named.body["rows"]) == (0, [])
    head = await api_as(Role.HEAD_OF_SALES)
    assert (await head.get("/reports/managers", params=NOVEMBER)).body["rows"] == []


async def test_the_clients_report_in_pages_sorted_and_flagged(api_as):
    await _november()
    director = await api_as(Role.DIRECTOR)
    first = await director.get(
        "/reports/clients", params={**NOVEMBER, "limit": 1, "sort": "name", "dir": "asc"}
    )
    assert first.status == 200, first.body
    assert first.body["total"] == 3
    [ada] = first.body["rows"]
    assert ada["values"]["name"] == "Ada"
    assert (ada["values"]["requests"], ada["values"]["orders"]) == (3, 2)
    assert (ada["values"]["revenue"], ada["values"]["margin"]) == ("1500.10", "400.05")
    assert ada["values"]["conversion"] == pytest.approx(66.7)
    assert (ada["values"]["price_only"], ada["values"]["dropped"]) == (False, False)
    assert ada["values"]["last_contact"] is None

    last = await director.get(
        "/reports/clients", params={**NOVEMBER, "limit": 1, "sort": "name", "dir": "desc"}
    )
    assert [row["values"]["name"] for row in last.body["rows"]] == ["Kemi"]

    price_only = await director.get("/reports/clients", params={**NOVEMBER, "flag": "price_only"})
    assert price_only.body["total"] == 1
    [kemi] = price_only.body["rows"]
    assert (kemi["values"]["name"], kemi["values"]["price_only"]) == ("Kemi", True)
    dropped = await director.get("/reports/clients", params={**NOVEMBER, "flag": "dropped"})
    assert [row["values"]["name"] for row in dropped.body["rows"]] == ["Femi"]
    assert dropped.body["rows"][0]["values"]["dropped"] is True


async def test_presets_count_from_today_in_the_company_zone(api_as, fixed_clock):
    await _november()
    director = await api_as(Role.DIRECTOR)
    last_month = await director.get("/reports/managers", params={"period": "last_month"})
    assert last_month.body["period"] == NOVEMBER_PERIOD
    assert last_month.body["total"] == 2
    this_month = await director.get("/reports/managers")
    assert this_month.body["period"]["start"] == "2026-12-01"
    assert this_month.body["period"]["end"] == "2026-12-31"
    assert this_month.body["rows"] == []


async def test_roles_keys_and_periods_that_are_refused(api_as):
    director = await api_as(Role.DIRECTOR)
    dispatcher = await api_as(Role.DISPATCHER)
    forbidden = await dispatcher.get("/reports/managers", params=NOVEMBER)
    assert forbidden.status == 403
    assert forbidden.headers["Content-Type"].startswith("application/problem+json")
    assert forbidden.body["type"] == "/api/v1/docs#problem-forbidden"
    assert (await dispatcher.get("/reports/carriers", params=NOVEMBER)).status == 200

    unknown = await director.get("/reports/nosuch")
    assert unknown.status == 404
    assert unknown.body["type"] == "/api/v1/docs#problem-not-found"

    cases = [
        (
            {"from": "2026-12-01", "to": "2026-11-01"},
            {"to": "The end date is before the start date."},
        ),
        (
            {"from": "2026-11-31", "to": "2026-12-01"},
            {"from": "Enter a date in ISO 8601 form, such as 2026-01-31."},
        ),
        (
            {"from": "31.11.2026", "to": "2026-12-01"},
            {"from": "Enter a date in ISO 8601 form, such as 2026-01-31."},
        ),
        ({"from": "0001-01-01", "to": "2026-12-01"}, {"from": "This date is out of range."}),
        ({"period": "custom", "from": "2026-11-01"}, {"to": "Choose both dates."}),
        (
            {"period": "last_month", "to": "2026-11-30"},
            {"to": "Give dates only with period=custom."},
        ),
        (
            {"from": "2020-01-01", "to": "2026-11-30"},
            {"to": "Choose a period of at most three years."},
        ),
        (
            {**NOVEMBER, "sort": "salary"},
            {"sort": f"Choose one of: {', '.join(MANAGERS_COLUMNS)}."},
        ),
        ({**NOVEMBER, "flag": "dropped"}, {"flag": "This field is not allowed."}),
        ({**NOVEMBER, "limit": 5001}, {"limit": "Enter a number of at most 5000."}),
        (
            {**NOVEMBER, "compare": "year"},
            {"compare": "Choose one of: none, previous, last_year."},
        ),
    ]
    for params, errors in cases:
        reply = await director.get("/reports/managers", params=params)
        assert reply.status == 400, (params, reply.status, reply.body)
        assert reply.body["type"] == "/api/v1/docs#problem-malformed-request"
        assert reply.field_errors == errors, params
    not_per_person = await director.get("/reports/carriers", params={**NOVEMBER, "person": 1})
    assert not_per_person.field_errors == {"person": "This field is not allowed."}
    wrong_flag = await director.get("/reports/clients", params={**NOVEMBER, "flag": "vip"})
    assert wrong_flag.field_errors == {"flag": "Choose one of: price_only, dropped."}


async def test_every_report_answers_as_documented_in_every_order(api_as, anonymous, rate_limit):
    """Each report's rows come out typed by their columns and match the OpenAPI document,
    sorted by any of its columns either way, compared or not."""
    rate_limit(1_000)
    await _november()
    document = (await anonymous.get("/openapi.json")).body
    answer = Draft202012Validator(
        {"$ref": "#/components/schemas/ReportResultOut", "components": document["components"]}
    )
    admin = await api_as(Role.ADMIN)
    for key in EVERY_REPORT:
        reply = await admin.get(f"/reports/{key}", params={**NOVEMBER, "compare": "last_year"})
        assert reply.status == 200, (key, reply.body)
        answer.validate(reply.body)
        columns = [c["key"] for c in reply.body["columns"]]
        assert all(set(row["values"]) == set(columns) for row in reply.body["rows"]), key
        assert all(isinstance(note, str) and note for note in reply.body["notes"]), key
        for column in columns:
            for direction in ("asc", "desc"):
                params = {**NOVEMBER, "sort": column, "dir": direction, "limit": 2}
                sorted_reply = await admin.get(f"/reports/{key}", params=params)
                assert sorted_reply.status == 200, (key, column, sorted_reply.body)
                answer.validate(sorted_reply.body)
