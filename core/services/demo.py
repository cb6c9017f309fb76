"""Demo data for `make run`: enough of a company to click through on first start."""

from __future__ import annotations

from decimal import Decimal

from tortoise.transactions import in_transaction

from core.models import (
    Carrier,
    Client,
    ClientKind,
    ContactPerson,
    Employee,
    Interaction,
    InteractionKind,
    Lane,
    Location,
    MarketingSource,
    PriceList,
    Role,
    Tag,
    Tariff,
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


async def seed_demo_network() -> bool:
    """A small Nigerian network priced at a main list, so the quote page answers on day one.

    Needs the world's cities (load_world_cities) and the demo carriers; does nothing without them
    or when lanes already exist.
    """
    if await Lane.exists():
        return False
    names = ("Lagos", "Ibadan", "Kano", "Abuja")
    cities = {
        loc.name: loc
        for loc in await Location.filter(name__in=names, country="NG").order_by("-population")
    }
    road = await Carrier.get_or_none(name="Lagos Haulage Co")
    rail = await Carrier.get_or_none(name="Northern Rail Freight")
    if len(cities) < len(names) or road is None or rail is None:
        return False
    minutes_per_hour = 60
    async with in_transaction() as conn:
        ibadan = cities["Ibadan"]
        ibadan.transfer_minutes, ibadan.transfer_cost = 180, Decimal(15000)
        await ibadan.save(using_db=conn)
        main = await PriceList.create(
            name="Main price list", currency="NGN", is_main=True, using_db=conn
        )
        # Road is priced per lane (distance matters), rail at one rate for the whole mode.
        for mode, rate, origin, destination in (
            ("road", "300", "Lagos", "Kano"),
            ("road", "60", "Lagos", "Ibadan"),
            ("road", "250", "Lagos", "Abuja"),
            ("rail", "90", None, None),
        ):
            await Tariff.create(
                price_list=main,
                mode=mode,
                basis="per_kg",
                currency="NGN",
                origin=cities.get(origin) if origin else None,
                destination=cities.get(destination) if destination else None,
                breaks=[["0", rate], ["1000", str(Decimal(rate) * Decimal("0.8"))]],
                minimum_charge=Decimal(25000),
                surcharges=[["fuel", "percent", "0.12", "0"]],
                using_db=conn,
            )
        for carrier, mode, origin, destination, transit, cost_rate, days in (
            (road, "road", "Lagos", "Kano", 26, "120", []),
            (road, "road", "Lagos", "Ibadan", 3, "60", []),
            (road, "road", "Lagos", "Abuja", 14, "100", []),
            (rail, "rail", "Ibadan", "Kano", 30, "45", [0, 3]),
        ):
            lane = await Lane.create(
                carrier=carrier,
                mode=mode,
                origin=cities[origin],
                destination=cities[destination],
                transit_minutes=transit * minutes_per_hour,
                departure_days=days,
                departure_time="06:00" if days else None,
                using_db=conn,
            )
            await Tariff.create(
                lane=lane,
                mode=mode,
                basis="per_kg",
                currency="NGN",
                breaks=[["0", cost_rate]],
                using_db=conn,
            )
    return True
