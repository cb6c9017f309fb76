"""Demo data for `make run`: enough of a company to click through on first start."""

from __future__ import annotations

from tortoise.transactions import in_transaction

from core.models import (
    Carrier,
    Client,
    ClientKind,
    ContactPerson,
    Employee,
    Interaction,
    InteractionKind,
    MarketingSource,
    Role,
    Tag,
)


async def database_is_empty() -> bool:
    return not await Employee.exists() and not await Client.exists()


async def seed_demo() -> None:
    """Idempotent: seeds only an empty database."""
    if not await database_is_empty():
        return
    async with in_transaction() as conn:
        director = await Employee.create(name="Funmi Adeyemi", role=Role.DIRECTOR, using_db=conn)
        manager = await Employee.create(name="Tunde Bakare", role=Role.MANAGER, using_db=conn)
        await Employee.create(name="Olga Ivanova", role=Role.HEAD_OF_SALES, using_db=conn)
        await Employee.create(name="Chidi Okafor", role=Role.DISPATCHER, using_db=conn)
        del director
        demo_tag = await Tag.create(name="demo", using_db=conn)
        for code, label in (("telegram", "Telegram"), ("viber", "Viber"), ("webchat", "Web chat")):
            await MarketingSource.create(code=code, name=label, using_db=conn)
        await MarketingSource.create(code="demo", name="Demo data", using_db=conn)
        clients = [
            ("Adewale Foods Ltd", ClientKind.LEGAL_ENTITY, "+2348031234567", "Lagos", "yo"),
            ("Kano Textiles", ClientKind.LEGAL_ENTITY, "+2348051234567", "Kano", "en"),
            ("Ivan Petrov", ClientKind.INDIVIDUAL, "+79161234567", "Moscow", "ru"),
            ("Ngozi Eze", ClientKind.INDIVIDUAL, "+2348061234567", "Ibadan", "en"),
        ]
        for name, kind, phone, city, lang in clients:
            client = await Client.create(
                name=name,
                kind=kind,
                company_name=name if kind is ClientKind.LEGAL_ENTITY else None,
                phone=phone,
                city=city,
                language=lang,
                source="demo",
                manager=manager,
                using_db=conn,
            )
            await client.tags.add(demo_tag, using_db=conn)
            await Interaction.create(
                client=client,
                employee=manager,
                kind=InteractionKind.CALL,
                subject="demo.call",
                summary="Introductory call",
                using_db=conn,
            )
        for name, country, modes in (
            ("Lagos Haulage Co", "NG", ["road"]),
            ("Northern Rail Freight", "NG", ["rail"]),
            ("Gulf Sea Lines", "AE", ["sea"]),
        ):
            carrier = await Carrier.create(name=name, country=country, modes=modes, using_db=conn)
            await ContactPerson.create(
                carrier=carrier, name="Dispatch desk", position="Dispatcher", using_db=conn
            )
