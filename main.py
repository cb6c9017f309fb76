"""Ona's composition root and command line.

Only this module constructs things: settings, database, Redis, the Dispatcher and its Bots,
the web application, the scheduler, and the supervisor that owns all detached work.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import gc
import logging
import signal
import sys
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from aiogram import Bot, Dispatcher
from aiohttp import web
from apscheduler.triggers.cron import CronTrigger
from redis.asyncio import Redis
from tortoise import connections

from admin_web.app import create_app
from admin_web.keys import CHANNELS, CLOCK, MAILER, MEDIA, NOTIFIER, QUOTE_SENDER
from bot.channels.registry import VIBER_BOT_TOKEN, WEBCHAT_BOT_TOKEN, ChannelRegistry
from bot.channels.telegram import WEBHOOK_PATH as TELEGRAM_PATH
from bot.channels.telegram import TelegramWebhook, build_telegram_bot
from bot.channels.viber.inbound import WEBHOOK_PATH as VIBER_PATH
from bot.channels.viber.inbound import ViberWebhook
from bot.channels.viber.session import ViberSession
from bot.channels.webchat import WebChat, WebChatHub, WebChatSession
from bot.dedupe import Deduplicator, MemoryDeduplicator, RedisDeduplicator
from bot.dispatcher import build_dispatcher
from bot.mailing_senders import MessengerSender
from bot.notifier import BotNotifier
from bot.quote_sender import BotQuoteSender
from bot.report_sender import BotReportSender
from core.config import ConfigError, Settings, TelegramMode, load_settings
from core.db import close_db, init_db, migrate
from core.errors import InvalidInput, OnaError
from core.i18n import N_, I18n
from core.models import Channel, MailChannel, Role
from core.ports import SystemClock
from core.scheduling import LeaderLock, Scheduler
from core.services import auth, demo, jobs, locations, staff
from core.services.mailing_senders import (
    EmailChannelSender,
    SmsChannelSender,
    sms_from_settings,
    smtp_from_settings,
)
from core.services.mailing_worker import ChannelSender, MailingWorker
from core.services.media import MediaStore, store_from
from core.services.send_rate import Limits, LocalSendRate, RedisSendRate, SendRate
from core.services.shipments import set_tracking_link_days
from core.services.webhooks import WebhookSender
from core.supervisor import Supervisor

log = logging.getLogger("ona")


class ProcessRole(StrEnum):
    ALL = "all"
    WEB = "web"
    WORKER = "worker"


@dataclass
class Runtime:
    """Everything one `serve` process runs; tests start it on port 0 exactly as production does."""

    settings: Settings
    role: ProcessRole = ProcessRole.ALL
    clock: Any = field(default_factory=SystemClock)
    i18n: I18n = field(init=False)
    supervisor: Supervisor = field(init=False)
    registry: ChannelRegistry = field(init=False)
    dispatcher: Dispatcher = field(init=False)
    redis: Redis | None = field(init=False, default=None)
    scheduler: Scheduler | None = field(init=False, default=None)
    webhooks: WebhookSender | None = field(init=False, default=None)
    app: web.Application | None = field(init=False, default=None)
    webchat_hub: WebChatHub | None = field(init=False, default=None)
    dedupe: Deduplicator = field(init=False)
    notifier: BotNotifier = field(init=False)
    quote_sender: BotQuoteSender = field(init=False)
    report_sender: BotReportSender = field(init=False)
    media: MediaStore = field(init=False)
    mailer: MailingWorker | None = field(init=False, default=None)
    _mailer_stop: asyncio.Event = field(init=False, default_factory=asyncio.Event)
    _mail_channels: list[Any] = field(init=False, default_factory=list)
    port: int = field(init=False, default=0)
    _runner: web.AppRunner | None = field(init=False, default=None)
    _telegram_mode: str = field(init=False, default="off")

    @property
    def serves_web(self) -> bool:
        return self.role in (ProcessRole.ALL, ProcessRole.WEB)

    @property
    def runs_jobs(self) -> bool:
        return self.role in (ProcessRole.ALL, ProcessRole.WORKER)

    @property
    def base_url(self) -> str:
        return f"http://{self.settings.host}:{self.port}"

    async def start(self) -> None:
        settings = self.settings
        self.i18n = I18n(default_locale=settings.default_language)
        self.i18n.activate()
        self.redis = await _connect_redis(settings.redis_url)
        await init_db(settings.database_url)
        self.supervisor = Supervisor()
        self.registry = ChannelRegistry()
        self.media = store_from(settings)
        set_tracking_link_days(settings.tracking_link_days)
        self.dispatcher = build_dispatcher(
            settings, self.i18n, self.registry, self.clock, self.redis, self.media
        )
        self.notifier = BotNotifier(self.registry, self.i18n)
        self.quote_sender = BotQuoteSender(self.registry, self.i18n)
        self.report_sender = BotReportSender(self.registry, self.i18n, settings.public_url or "")
        dedupe: Deduplicator = (
            RedisDeduplicator(self.redis) if self.redis else MemoryDeduplicator()
        )
        self.dedupe = dedupe
        routes: list[web.AbstractRouteDef] = []
        routes += await self._start_telegram(dedupe)
        routes += await self._start_viber(dedupe)
        self.webchat_hub = WebChatHub()
        webchat_bot = Bot(token=WEBCHAT_BOT_TOKEN, session=WebChatSession(self.webchat_hub))
        self.registry.add(Channel.WEBCHAT, webchat_bot)
        webchat = WebChat(
            self.dispatcher,
            webchat_bot,
            self.webchat_hub,
            dedupe,
            self.supervisor,
            settings.public_url,
            settings.default_language,
        )
        routes += webchat.routes()
        if self.runs_jobs:
            self._start_scheduler()
            self.webhooks = WebhookSender(
                self.supervisor,
                self.clock,
                timeout=settings.webhook_timeout_seconds,
                max_age=dt.timedelta(hours=settings.webhook_max_age_hours),
            )
            self.webhooks.start()
            self.mailer = self._build_mailer()
            if settings.mailing_worker:
                self.supervisor.spawn(
                    self.mailer.run(self._mailer_stop), name="mailing-worker", long_running=True
                )
        if self.serves_web:
            self.app = create_app(settings, self.i18n, self.health, self.redis)
            self.app.add_routes(routes)
            self.app[CLOCK] = self.clock
            self.app[CHANNELS] = self.registry
            self.app[QUOTE_SENDER] = self.quote_sender
            self.app[NOTIFIER] = self.notifier
            self.app[MEDIA] = self.media
            self.app[MAILER] = self.mailer
            self._runner = web.AppRunner(self.app, access_log=None, handle_signals=False)
            await self._runner.setup()
            site = web.TCPSite(self._runner, settings.host, settings.port)
            await site.start()
            self.port = self._runner.addresses[0][1]
            log.info("Ona is serving on %s (web chat at %s/chat)", self.base_url, self.base_url)
        # Everything built so far lives as long as the process: keep the cyclic collector
        # from re-scanning it on every collection while updates are being handled.
        gc.freeze()

    async def _start_telegram(self, dedupe: Deduplicator) -> list[web.AbstractRouteDef]:
        settings = self.settings
        if settings.telegram_bot_token is None:
            log.info("Telegram is off: TELEGRAM_BOT_TOKEN is not set")
            return []
        bot = build_telegram_bot(
            settings.telegram_bot_token.get_secret_value(), settings.telegram_api_url
        )
        self.registry.add(Channel.TELEGRAM, bot)
        if settings.telegram_mode is TelegramMode.POLLING:
            self._telegram_mode = "polling"
            if self.runs_jobs:
                self.supervisor.spawn(
                    self._poll_telegram(bot), name="telegram-polling", long_running=True
                )
            return []
        self._telegram_mode = "webhook"
        secret = settings.telegram_webhook_secret
        assert secret is not None and settings.public_url is not None  # checked by Settings
        webhook = TelegramWebhook(
            self.dispatcher, bot, secret.get_secret_value(), dedupe, self.supervisor
        )
        if self.serves_web:
            try:
                await webhook.register(settings.public_url)
            except Exception:
                log.warning("Could not register the Telegram webhook; will keep serving it")
        return [web.post(TELEGRAM_PATH, webhook.handle)]

    async def _poll_telegram(self, bot: Bot) -> None:
        await bot.delete_webhook(drop_pending_updates=False)
        await self.dispatcher.start_polling(
            bot, handle_signals=False, close_bot_session=False, polling_timeout=25
        )

    async def _start_viber(self, dedupe: Deduplicator) -> list[web.AbstractRouteDef]:
        settings = self.settings
        if settings.viber_auth_token is None:
            log.info("Viber is off: VIBER_AUTH_TOKEN is not set")
            return []
        token = settings.viber_auth_token.get_secret_value()
        session = ViberSession(settings.viber_api_url, token, settings.viber_bot_name)
        bot = Bot(token=VIBER_BOT_TOKEN, session=session)
        self.registry.add(Channel.VIBER, bot)
        webhook = ViberWebhook(self.dispatcher, bot, token, dedupe, self.supervisor)
        if self.serves_web and settings.public_url:
            self.supervisor.spawn(
                _viber_set_webhook(session, settings.public_url + VIBER_PATH),
                name="viber-set-webhook",
            )
        return [web.post(VIBER_PATH, webhook.handle)]

    def _build_mailer(self) -> MailingWorker:
        """The mailing worker with every channel that is configured (docs/mailings.md)."""
        settings = self.settings

        def limiter(limits: Limits, prefix: str = "ona:rate") -> SendRate:
            if self.redis is not None:
                return RedisSendRate(self.redis, limits, prefix=prefix)
            return LocalSendRate(limits)

        senders: dict[MailChannel, ChannelSender] = {}
        rates: dict[MailChannel, SendRate] = {}
        telegram = self.registry.bot(Channel.TELEGRAM)
        if telegram is not None:
            senders[MailChannel.TELEGRAM] = MessengerSender(
                telegram, MailChannel.TELEGRAM, self.i18n
            )
            rates[MailChannel.TELEGRAM] = limiter(
                Limits(rate=settings.telegram_rate, per_chat_interval=1.0)
            )
        viber = self.registry.bot(Channel.VIBER)
        if viber is not None:
            senders[MailChannel.VIBER] = MessengerSender(viber, MailChannel.VIBER, self.i18n)
            rates[MailChannel.VIBER] = limiter(Limits(rate=settings.viber_rate))
        email = smtp_from_settings(settings)
        if email is not None:
            self._mail_channels.append(email)
            senders[MailChannel.EMAIL] = EmailChannelSender(email)
        sms = sms_from_settings(settings)
        if sms is not None:
            self._mail_channels.append(sms)
            senders[MailChannel.SMS] = SmsChannelSender(sms)
            rates[MailChannel.SMS] = limiter(Limits(rate=settings.sms_rate))
        return MailingWorker(
            senders,
            rates,
            self.clock,
            settings.public_url or self.base_url,
            notifier=self.notifier,
            owner=settings.mailing_worker_id,
            batch=settings.mailing_batch,
            paid_rate=limiter(
                Limits(rate=settings.telegram_paid_rate, per_chat_interval=1.0), "ona:paid-rate"
            ),
        )

    def _start_scheduler(self) -> None:
        self.scheduler = Scheduler(
            self.supervisor, LeaderLock(self.redis), timezone=self.settings.zone
        )
        clock = self.clock
        self.scheduler.add_job(
            "purge-expired-invites",
            lambda: jobs.purge_invites_job(clock),
            CronTrigger(hour=3, minute=15, timezone=self.settings.zone),
        )
        notifier, sender = self.notifier, self.quote_sender
        reminder_days = self.settings.quote_reminder_days
        # Hourly, so a quote is reminded about within the hour it turns N days old.
        self.scheduler.add_job(
            "quote-followup",
            lambda: jobs.quote_followup_job(clock, notifier, sender, reminder_days),
            CronTrigger(minute=5, timezone=self.settings.zone),
        )
        # Every minute, so each person's chosen reminder time is met to the minute.
        self.scheduler.add_job(
            "task-reminders",
            lambda: jobs.task_reminders_job(clock, notifier),
            CronTrigger(minute="*", timezone=self.settings.zone),
        )
        stale_days = self.settings.stale_request_days
        self.scheduler.add_job(
            "stale-requests",
            lambda: jobs.stale_requests_job(clock, notifier, stale_days),
            CronTrigger(minute=10, timezone=self.settings.zone),
        )
        response_minutes = self.settings.relay_response_minutes
        self.scheduler.add_job(
            "slow-replies",
            lambda: jobs.slow_replies_job(clock, notifier, response_minutes),
            CronTrigger(minute="*", timezone=self.settings.zone),
        )
        public_url = self.settings.public_url or ""
        self.scheduler.add_job(
            "shipment-notices",
            lambda: jobs.shipment_notices_job(clock, notifier, public_url or self.base_url),
            CronTrigger(minute="*", timezone=self.settings.zone),
        )
        late_hours = self.settings.shipment_late_hours
        self.scheduler.add_job(
            "late-shipments",
            lambda: jobs.late_shipments_job(clock, notifier, late_hours),
            CronTrigger(minute="*/15", timezone=self.settings.zone),
        )
        self.scheduler.add_job(
            "purge-security-records",
            lambda: jobs.purge_security_records_job(clock),
            CronTrigger(hour=3, minute=30, timezone=self.settings.zone),
        )
        # Mondays and the 1st: each person's report digests for the week or month before.
        report_sender = self.report_sender
        self.scheduler.add_job(
            "report-digests",
            lambda: jobs.report_digests_job(clock, report_sender),
            CronTrigger(hour=8, minute=0, timezone=self.settings.zone),
        )
        self.scheduler.start()

    async def health(self) -> dict[str, Any]:
        report: dict[str, Any] = {"status": "ok"}
        try:
            await connections.get("default").execute_query("SELECT 1")
            report["database"] = "ok"
        except Exception as exc:
            report["database"] = f"error: {type(exc).__name__}"
            report["status"] = "degraded"
        if self.redis is None:
            report["redis"] = "off"
        else:
            try:
                await self.redis.ping()
                report["redis"] = "ok"
            except Exception as exc:
                report["redis"] = f"error: {type(exc).__name__}"
                report["status"] = "degraded"
        report["scheduler"] = (
            "off"
            if self.scheduler is None
            else ("leader" if self.scheduler.is_leader else "standby")
        )
        report["channels"] = {
            "telegram": self._telegram_mode,
            "viber": "on" if self.registry.bot(Channel.VIBER) else "off",
            "webchat": "on",
        }
        return report

    async def stop(self) -> None:
        if self.scheduler is not None:
            await self.scheduler.stop()
        self._mailer_stop.set()
        if self.mailer is not None:
            self.mailer.wake()
        if self.webhooks is not None:
            await self.webhooks.stop()
        if self._telegram_mode == "polling" and self.dispatcher._running_lock.locked():
            await self.dispatcher.stop_polling()
        if self.webchat_hub is not None:
            await self.webchat_hub.close_all()
        if self._runner is not None:
            await self._runner.cleanup()
        await self.supervisor.drain()
        for channel in self._mail_channels:
            await channel.close()
        await self.registry.close()
        await self.dispatcher.storage.close()
        if self.redis is not None:
            await self.redis.aclose()
        await close_db()


async def _viber_set_webhook(session: ViberSession, url: str) -> None:
    try:
        await session.set_webhook(url)
        log.info("Viber webhook set to %s", url)
    except Exception:
        log.warning("Could not set the Viber webhook to %s", url)


async def _connect_redis(url: str | None) -> Redis | None:
    if not url:
        return None
    redis = Redis.from_url(url, socket_connect_timeout=3)
    try:
        await redis.ping()
    except Exception as exc:
        await redis.aclose()
        raise ConfigError(f"REDIS_URL: cannot reach Redis ({type(exc).__name__})") from None
    return redis


async def serve(settings: Settings, role: ProcessRole) -> None:
    runtime = Runtime(settings, role)
    await runtime.start()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    try:
        await stop.wait()
    finally:
        log.info("Stopping…")
        await runtime.stop()


async def seed_demo(
    settings: Settings, if_empty: bool, size: str = "demo", scale: float = 1.0
) -> None:
    # Consent records keep the wording shown, in the client's language.
    I18n(default_locale=settings.default_language).activate()
    if size == "large":
        await seed_large(settings, if_empty, scale)
        return
    await init_db(settings.database_url)
    try:
        if if_empty and not await demo.database_is_empty():
            return
        await demo.seed_demo()
        cities = await locations.load_world_cities()
        await demo.seed_demo_network()
        await demo.seed_demo_sales()
        await demo.seed_demo_workspace()
        await demo.seed_demo_shipments()
        await demo.seed_demo_mailings()
        _employee, password = await auth.create_admin("Administrator", "admin")
        print(f"Demo data loaded, with {cities} of the world's cities as locations.")
        print(f"Admin panel: http://{settings.host}:{settings.port}/admin/")
        print(f"Sign in as: admin / {password}   (shown once; reset with create-admin)")
    finally:
        await close_db()


async def load_cities(settings: Settings, min_population: int) -> None:
    await init_db(settings.database_url)
    try:
        added = await locations.load_world_cities(min_population)
        print(f"Added {added} cities with at least {min_population} people as locations.")
    finally:
        await close_db()


async def create_admin(settings: Settings, login: str, name: str, password: str | None) -> None:
    await init_db(settings.database_url)
    try:
        _employee, shown = await auth.create_admin(name, login, password)
        print(f"Admin {login!r} is ready. Password: {shown}")
    finally:
        await close_db()


async def invite_staff(
    settings: Settings, name: str, role: Role, carrier_id: int | None = None
) -> None:
    await init_db(settings.database_url)
    try:
        invite = await staff.invite_staff(
            name,
            role,
            SystemClock(),
            dt.timedelta(hours=settings.invite_ttl_hours),
            carrier_id=carrier_id,
        )
        links = staff.invite_links(invite.code, settings.public_url, settings.viber_bot_name, None)
        print(
            f"Invite for {invite.employee.name} ({role.value}), single use, expires "
            f"{invite.expires_at:%Y-%m-%d %H:%M} UTC:"
        )
        print(f"  In Telegram, Viber or web chat send:  {links['any']}")
        if settings.telegram_bot_token:
            print(f"  Telegram deep link: https://t.me/<your_bot>?start={invite.code}")
        print(f"  Viber:    {links['viber']}")
        print(f"  Web chat: {links['webchat']}")
    finally:
        await close_db()


def make_migrations(name: str | None) -> None:
    from tortoise.cli.cli import main as tortoise_cli

    argv = ["tortoise", "-c", "core.db.MAKEMIGRATIONS_CONFIG", "makemigrations"]
    if name:
        argv += ["--name", name]
    sys.argv = argv
    tortoise_cli()


async def seed_large(settings: Settings, if_empty: bool, scale: float) -> None:
    """The reports' benchmark data set (issue 8's sizes: 1 000 000 requests, 400 000 orders,
    2 000 000 dossier entries, 500 000 tracking events), two years deep, reproducibly from
    one seed. It is written by each database's bulk path, so it needs an empty database."""
    from bench.report_data import generate

    await migrate(settings.database_url)
    await init_db(settings.database_url)
    try:
        empty = await demo.database_is_empty()
    finally:
        await close_db()
    if not empty:
        if if_empty:
            return
        raise InvalidInput("database", N_("The large data set goes into an empty database only."))
    print("Writing the large data set (a few minutes)…", flush=True)
    counts = await generate(settings.database_url, scale, log=lambda line: print(line, flush=True))
    await init_db(settings.database_url)
    try:
        _employee, password = await auth.create_admin("Administrator", "admin")
    finally:
        await close_db()
    print(", ".join(f"{table} {rows}" for table, rows in sorted(counts.items())))
    print(f"Admin panel: http://{settings.host}:{settings.port}/admin/")
    print(f"Sign in as: admin / {password}   (shown once; reset with create-admin)")


def _scale(raw: str) -> float:
    """A share of the issue's sizes: a finite number above 0 (up to 10)."""
    try:
        value = float(raw)
    except ValueError:
        value = float("nan")
    if not 0 < value <= 10:  # also false for nan
        raise argparse.ArgumentTypeError("a number above 0 and up to 10, such as 0.01 or 1")
    return value


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="main.py", description="Ona logistics CRM")
    commands = parser.add_subparsers(dest="command", required=True)
    serve_cmd = commands.add_parser("serve", help="run Ona")
    serve_cmd.add_argument("--role", choices=[r.value for r in ProcessRole], default="all")
    commands.add_parser("migrate", help="apply database migrations")
    seed = commands.add_parser("seed-demo", help="load demo data and create the admin")
    seed.add_argument("--if-empty", action="store_true", help="only on an empty database")
    seed.add_argument(
        "--size",
        choices=["demo", "large"],
        default="demo",
        help="large: the reports' benchmark data set (1 000 000 requests…), empty database only",
    )
    seed.add_argument(
        "--scale", type=_scale, default=1.0, help="with --size large: 1.0 is the issue's sizes"
    )
    admin = commands.add_parser("create-admin", help="create or reset an admin account")
    admin.add_argument("--login", default="admin")
    admin.add_argument("--name", default="Administrator")
    admin.add_argument("--password", default=None)
    invite = commands.add_parser("invite-staff", help="print a one-time staff invite")
    invite.add_argument("--name", required=True)
    invite.add_argument("--role", choices=[r.value for r in Role], default=Role.MANAGER.value)
    invite.add_argument(
        "--carrier", type=int, default=None, help="the carrier's #id (for --role carrier)"
    )
    cities = commands.add_parser("load-cities", help="add the world's cities as locations")
    cities.add_argument("--min-population", type=int, default=locations.STARTER_MIN_POPULATION)
    makem = commands.add_parser("makemigrations", help="write a migration for model changes")
    makem.add_argument("--name", default=None)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "makemigrations":
        make_migrations(args.name)
        return 0
    try:
        settings = load_settings()
        logging.basicConfig(
            level=settings.log_level.upper(),
            format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        )
        logging.getLogger("aiogram.event").setLevel(logging.WARNING)
        if args.command == "serve":
            asyncio.run(serve(settings, ProcessRole(args.role)))
        elif args.command == "migrate":
            asyncio.run(migrate(settings.database_url))
        elif args.command == "seed-demo":
            asyncio.run(seed_demo(settings, args.if_empty, args.size, args.scale))
        elif args.command == "load-cities":
            asyncio.run(load_cities(settings, args.min_population))
        elif args.command == "create-admin":
            asyncio.run(create_admin(settings, args.login, args.name, args.password))
        elif args.command == "invite-staff":
            asyncio.run(invite_staff(settings, args.name, Role(args.role), args.carrier))
    except ConfigError as exc:
        print(f"Configuration error: {exc}", file=sys.stderr)
        return 2
    except OnaError as exc:
        print(f"Error: {exc.msgid}", file=sys.stderr)
        return 1
    except (OSError, ConnectionError) as exc:
        print(f"Cannot start: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
