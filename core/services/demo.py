"""Demo data for `make run`: enough of a company to click through on first start."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

from tortoise.transactions import in_transaction

from core.models import (
    CannedReply,
    Carrier,
    Channel,
    ChannelIdentity,
    Client,
    ClientKind,
    Company,
    ContactPerson,
    Employee,
    Interaction,
    InteractionKind,
    Lane,
    Location,
    MailChannel,
    MarketingSource,
    Plan,
    PriceList,
    QuoteRequest,
    RefusalReason,
    Role,
    Segment,
    Shipment,
    ShipmentEvent,
    ShipmentStatus,
    Tag,
    Tariff,
    Task,
    TaskKind,
    TextKind,
)
from core.services import campaigns, mail_templates, pricing, segments
from core.services.access import Actor, ActorKind
from core.services.consent import record_address_consent
from core.services.quote_requests import (
    Place,
    RequestDraft,
    accept_quote,
    decline_quote,
    open_request_for,
)
from core.services.quoting import ready_at
from core.services.shipments import EventInput, record_event


async def database_is_empty() -> bool:
    return not await Employee.exists() and not await Client.exists()


async def seed_demo() -> None:
    """Idempotent: seeds only an empty database."""
    if not await database_is_empty():
        return
    async with in_transaction() as conn:
        director = await Employee.create(name="Funmi Adeyemi", role=Role.DIRECTOR, using_db=conn)
        head = await Employee.create(name="Olga Ivanova", role=Role.HEAD_OF_SALES, using_db=conn)
        manager = await Employee.create(
            name="Tunde Bakare", role=Role.MANAGER, head=head, using_db=conn
        )
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


DEMO_CANNED_REPLIES = {
    "en": ("Hello! I am looking into it now.", "Thank you, I will call you back shortly."),
    "ru": ("Здравствуйте! Уже смотрю.", "Спасибо, скоро перезвоню."),
    "yo": ("Ẹ n lẹ! Mo n wo o báyìí.", "Ẹ ṣé, màá pè yín padà láìpẹ́."),
}


async def seed_demo_workspace() -> int:
    """A week's plan for the demo manager and ready answers for live chats, in three languages.

    Does nothing without the demo people, or when tasks already exist.
    """
    if await Task.exists():
        return 0
    head = await Employee.get_or_none(name="Olga Ivanova", role=Role.HEAD_OF_SALES)
    manager = await Employee.get_or_none(name="Tunde Bakare", role=Role.MANAGER)
    if head is None or manager is None:
        return 0
    company = await Company.get_or_none(id=1)
    zone = ZoneInfo(company.timezone) if company else dt.UTC
    today = dt.datetime.now(zone).date()
    async with in_transaction() as conn:
        plan = await Plan.create(
            title="Follow up this week's quotes",
            employee=manager,
            starts_on=today,
            ends_on=today + dt.timedelta(days=6),
            created_by=head,
            using_db=conn,
        )
        clients = {c.name: c for c in await Client.filter(manager=manager).using_db(conn)}
        tasks = (
            ("Adewale Foods Ltd", TaskKind.CALL, "Call about the Lagos → Kano quote", 0),
            ("Kano Textiles", TaskKind.PAYMENT, "Collect payment for the Abuja order", 1),
            ("Ngozi Eze", TaskKind.OFFER, "Send an offer for the farm pickup", 2),
        )
        for name, kind, title, days in tasks:
            due = dt.datetime.combine(today + dt.timedelta(days=days), dt.time(17), zone)
            await Task.create(
                plan=plan,
                employee=manager,
                client=clients.get(name),
                kind=kind,
                title=title,
                due_at=due.astimezone(dt.UTC),
                created_by=head,
                using_db=conn,
            )
        for language, replies in DEMO_CANNED_REPLIES.items():
            for position, text in enumerate(replies):
                await CannedReply.create(
                    language=language, text=text, position=position, using_db=conn
                )
    return len(tasks)


async def seed_demo_shipments() -> int:
    """The demo order on its way: picked up and on its first leg, reported by the dispatcher.

    Goes through the same event rules as everyone; does nothing when events exist.
    """
    if await ShipmentEvent.exists():
        return 0
    dispatcher = await Employee.get_or_none(name="Chidi Okafor", role=Role.DISPATCHER)
    if dispatcher is None:
        return 0
    actor = Actor(
        kind=ActorKind.STAFF,
        language="en",
        employee_id=dispatcher.id,
        role=Role.DISPATCHER,
        name=dispatcher.name,
    )
    made = 0
    for shipment in await Shipment.all():
        now = dt.datetime.now(dt.UTC)
        for status, place in (
            (ShipmentStatus.PICKED_UP, "Lagos"),
            (ShipmentStatus.IN_TRANSIT, "Lagos"),
        ):
            await record_event(actor, shipment.number, EventInput(status=status, place=place), now)
            made += 1
    return made


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


async def seed_demo_sales() -> int:
    """A few requests in different stages, so the pipeline board has something on day one.

    Made through the same use cases as the bot and the API (priced by the engine over the
    demo network); does nothing without the demo clients and network, or when requests exist.
    """
    if await QuoteRequest.exists() or not await Lane.exists():
        return 0
    manager = await Employee.get_or_none(name="Tunde Bakare", role=Role.MANAGER)
    cities = {
        loc.name: loc
        for loc in await Location.filter(
            name__in=("Lagos", "Ibadan", "Kano", "Abuja"), country="NG"
        ).order_by("population")
    }
    if manager is None or len(cities) < 4:
        return 0
    actor = Actor(
        kind=ActorKind.STAFF,
        language="en",
        employee_id=manager.id,
        role=Role.MANAGER,
        name=manager.name,
    )
    company = await Company.get_or_none(id=1)
    zone = ZoneInfo(company.timezone) if company else dt.UTC
    day = dt.datetime.now(zone).date() + dt.timedelta(days=2)
    made = 0
    plans = (
        ("Adewale Foods Ltd", "Lagos", "Kano", "800", "quoted"),
        ("Kano Textiles", "Lagos", "Abuja", "300", "ordered"),
        ("Ivan Petrov", "Lagos", "Ibadan", "120", "refused"),
        ("Ngozi Eze", "Ogbomosho farm", "Lagos", "2500", "new"),
    )
    for name, origin, destination, weight, stage in plans:
        client = await Client.get_or_none(name=name)
        if client is None:
            continue
        draft = RequestDraft(
            origin=Place(origin, cities[origin].id if origin in cities else None),
            destination=Place(destination, cities[destination].id),
            cargo=pricing.make_cargo(weight_kg=Decimal(weight)),
            ready_on=day,
            ready=ready_at(day, zone, "ready"),
            priority=3,
        )
        opened = await open_request_for(actor, client.id, draft)
        made += 1
        if opened.quote is None or stage == "quoted":
            continue
        identity, _created = await ChannelIdentity.get_or_create(
            channel=Channel.WEBCHAT, external_id=f"demo-{client.id}", defaults={"client": client}
        )
        if stage == "ordered":
            await accept_quote(identity, opened.quote.id, 0)
        else:
            await decline_quote(identity, opened.quote.id, RefusalReason.TOO_EXPENSIVE)
    return made


DEMO_TEMPLATE = {
    "en": (
        "Hello {client_name}! December rates Lagos–Kano are down 10%. Ask {manager_name} "
        "for a quote: {link}",
        "December rates from {company}",
    ),
    "ru": (
        "Здравствуйте, {client_name}! В декабре Лагос–Кано на 10% дешевле. Спросите "
        "{manager_name} о цене: {link}",
        "Декабрьские тарифы {company}",
    ),
    "yo": (
        "Ẹ n lẹ {client_name}! Owó ọkọ̀ Lagos–Kano dín ní 10% ní oṣù Ọpẹ. Béèrè lọ́wọ́ "
        "{manager_name}: {link}",
        "Owó ọkọ̀ oṣù Ọpẹ láti ọ̀dọ̀ {company}",
    ),
}


async def seed_demo_mailings() -> bool:
    """A marketer, an audience, a template in three languages and a draft campaign.

    Two demo clients agreed to offers by email (recorded as signed forms). The campaign is
    left as a draft: the demo has no real bots or mail server to send through.
    """
    if await Segment.exists():
        return False
    marketer = await Employee.get_or_none(role=Role.MARKETER)
    if marketer is None:
        marketer = await Employee.create(name="Amaka Obi", role=Role.MARKETER)
    actor = Actor(
        kind=ActorKind.STAFF,
        language="en",
        employee_id=marketer.id,
        role=Role.MARKETER,
        name=marketer.name,
    )
    for name, email in (
        ("Adewale Foods Ltd", "orders@adewale.example"),
        ("Kano Textiles", "logistics@kanotextiles.example"),
    ):
        client = await Client.get_or_none(name=name)
        if client is None:
            continue
        client.email = email
        await client.save(update_fields=["email"])
        await record_address_consent(
            client.id, Channel.EMAIL, True, "signed form at the office", recorded_by_id=marketer.id
        )
    segment = await segments.save_segment(
        actor,
        "Companies in Lagos and Kano",
        segments.SegmentFilters(kinds=[ClientKind.LEGAL_ENTITY], cities=["Lagos", "Kano"]),
    )
    texts = []
    for language, (body, subject) in DEMO_TEMPLATE.items():
        texts += [
            mail_templates.TextInput(
                language,
                TextKind.MESSENGER,
                body,
                buttons=mail_templates.parse_buttons("Rates | https://ona.example/rates"),
            ),
            mail_templates.TextInput(language, TextKind.EMAIL, body, subject=subject),
            mail_templates.TextInput(language, TextKind.SMS, body),
        ]
    template = await mail_templates.save_template(actor, "December rates", texts)
    await campaigns.create_campaign(
        actor,
        campaigns.CampaignInput(
            name="December rates",
            segment_id=segment.id,
            template_id=template.id,
            channels=[MailChannel.TELEGRAM, MailChannel.VIBER, MailChannel.EMAIL],
            link_url="https://ona.example/rates",
        ),
    )
    return True
