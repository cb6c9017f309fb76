"""Exports read back as Excel shows them: translated headers, local times, text kept as text."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from decimal import Decimal

from openpyxl import load_workbook

from core.models import Carrier, Client, ClientKind, Employee, Role, Tag
from core.services.xlsx_export import (
    MONEY_FORMAT,
    Column,
    carrier_columns,
    client_columns,
    export_xlsx,
    in_chunks,
)
from tests.querycount import count_queries

CREATED = dt.datetime(2026, 11, 27, 23, 30, tzinfo=dt.UTC)


def read(data: bytes) -> tuple[list[list], object]:
    sheet = load_workbook(io.BytesIO(data)).active
    return [[cell.value for cell in row] for row in sheet.iter_rows()], sheet


async def test_client_export_shows_what_the_panel_shows(runtime):
    zone = runtime.settings.zone
    manager = await Employee.create(name="Mary Manager", role=Role.MANAGER)
    company = await Client.create(
        name="Adewale Foods Ltd",
        kind=ClientKind.LEGAL_ENTITY,
        company_name="Adewale Foods Ltd",
        phone="+2348031234567",
        email="orders@adewale.example",
        city="Lagos",
        language="yo",
        source="instagram",
        manager=manager,
        created_at=CREATED,
    )
    await company.tags.add(await Tag.create(name="wholesale"), await Tag.create(name="vip"))
    await Client.create(name='=HYPERLINK("http://evil.example","x")', created_at=CREATED)

    rows = in_chunks(Client.all(), prefetch=("manager", "tags"))
    data = await export_xlsx(rows, client_columns(zone), "Clients")

    values, sheet = read(data)
    assert sheet.title == "Clients"
    assert sheet.freeze_panes == "A2"
    assert values[0] == [
        "Name",
        "Kind",
        "Company",
        "Phone",
        "Email",
        "City",
        "Language",
        "Source",
        "Manager",
        "Tags",
        "Created",
    ]
    # 23:30 UTC is already the next day in Lagos (UTC+1): the file shows the Lagos time.
    assert zone.key == "Africa/Lagos"
    local = dt.datetime(2026, 11, 28, 0, 30)
    assert values[1] == [
        "Adewale Foods Ltd",
        "Company",
        "Adewale Foods Ltd",
        "+2348031234567",
        "orders@adewale.example",
        "Lagos",
        "Yorùbá",
        "instagram",
        "Mary Manager",
        "vip, wholesale",
        local,
    ]
    assert sheet.cell(row=2, column=11).number_format == "yyyy-mm-dd hh:mm"
    # A phone starting with + stays text, and the formula-looking name is inert text.
    phone = sheet.cell(row=2, column=4)
    assert (phone.value, phone.data_type) == ("+2348031234567", "s")
    formula = sheet.cell(row=3, column=1)
    assert formula.value == '=HYPERLINK("http://evil.example","x")'
    assert formula.data_type == "s"
    assert formula.quotePrefix is True
    assert values[2][1:10] == ["Individual", None, None, None, None, "English", None, None, None]


@dataclass
class Invoice:
    number: str
    amount: Decimal | None
    issued: dt.datetime
    note: str


async def test_generic_columns_money_empty_cells_and_formula_guard(runtime):
    zone = runtime.settings.zone
    issued = dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.UTC)
    invoices = [
        Invoice("A-1", Decimal("1234.50"), issued, "+1 pallet"),
        Invoice("A-2", None, issued, "-discount"),
        Invoice("A-3", Decimal("7"), issued, "@admin\x07 please"),
    ]
    columns = [
        Column("Number", lambda i: i.number, width=12),
        Column("Amount", lambda i: i.amount),
        Column("Issued", lambda i: i.issued, number_format="dd.mm.yyyy"),
        Column("Note", lambda i: i.note),
    ]

    data = await export_xlsx(invoices, columns, "Invoices: March/April [draft]", zone=zone)

    values, sheet = read(data)
    assert sheet.title == "Invoices  March April  draft"
    assert sheet.column_dimensions["A"].width == 12
    local = dt.datetime(2026, 3, 1, 13, 0)  # noon UTC is 13:00 in Lagos
    assert values[1:] == [
        ["A-1", 1234.5, local, "+1 pallet"],
        ["A-2", None, local, "-discount"],
        ["A-3", 7, local, "@admin please"],
    ]
    amount = sheet.cell(row=2, column=2)
    assert (amount.data_type, amount.number_format) == ("n", MONEY_FORMAT)
    assert sheet.cell(row=2, column=3).number_format == "dd.mm.yyyy"
    for row in (2, 3, 4):
        note = sheet.cell(row=row, column=4)
        assert (note.data_type, note.quotePrefix) == ("s", True)
    assert sheet.cell(row=2, column=1).quotePrefix is False


async def test_carrier_export(runtime):
    zone = runtime.settings.zone
    await Carrier.create(
        name="Gulf Sea Lines",
        country="AE",
        city="Dubai",
        modes=["sea", "road"],
        created_at=CREATED,
    )
    data = await export_xlsx(in_chunks(Carrier.all()), carrier_columns(zone), "Carriers")
    values, _ = read(data)
    assert values == [
        ["Name", "Phone", "Email", "Country", "City", "Transport modes", "Created"],
        [
            "Gulf Sea Lines",
            None,
            None,
            "AE",
            "Dubai",
            "sea, road",
            dt.datetime(2026, 11, 28, 0, 30),
        ],
    ]


async def test_reading_in_chunks_costs_queries_per_chunk_not_per_row(runtime):
    manager = await Employee.create(name="M", role=Role.MANAGER)
    tag = await Tag.create(name="t")
    await Client.bulk_create([Client(name=f"Client {n}", manager=manager) for n in range(7)])
    for client in await Client.all():
        await client.tags.add(tag)

    with count_queries() as queries:
        names = [
            c.name + c.manager.name + c.tags[0].name
            async for c in in_chunks(Client.all(), prefetch=("manager", "tags"), size=3)
        ]
    assert names == [f"Client {n}Mt" for n in range(7)]
    # Three chunks (3, 3, 1 rows), each: the clients, their managers, and the tags (two
    # queries: the link table, then the tags), whatever the chunk holds.
    assert queries.count == 3 * 4, queries.statements
