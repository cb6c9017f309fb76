"""Routers in the order they are tried: commands, STOP, staff, onboarding, client, fallback."""

from aiogram import Router

from bot.handlers.client import mailings as client_mailings
from bot.handlers.client import menu as client_menu
from bot.handlers.client import quote as client_quote
from bot.handlers.client import relay as client_relay
from bot.handlers.client import shipments as client_shipments
from bot.handlers.common import errors, fallback, onboarding, settings, start, stop
from bot.handlers.staff import clients as staff_clients
from bot.handlers.staff import log_contact as staff_log
from bot.handlers.staff import menu as staff_menu
from bot.handlers.staff import relay as staff_relay
from bot.handlers.staff import reports as staff_reports
from bot.handlers.staff import requests as staff_requests
from bot.handlers.staff import shipments as staff_shipments
from bot.handlers.staff import tasks as staff_tasks


def setup_routers() -> Router:
    root = Router(name="ona")
    root.include_routers(
        errors.router,
        start.router,
        stop.router,
        # "Stop these messages" works from anywhere, even in the middle of another flow.
        client_mailings.router,
        staff_requests.router,
        staff_clients.router,
        staff_log.router,
        staff_tasks.router,
        staff_shipments.router,
        staff_reports.router,
        staff_menu.router,
        # After the staff menu, so /staff and the menu's commands still work mid-chat.
        staff_relay.router,
        onboarding.router,
        settings.router,
        client_quote.router,
        # Before the menu (it owns "Talk to a manager"); its text handler only takes a client's
        # stateless text while a relay is open, so the quote flow and the fallback keep theirs.
        client_relay.router,
        # Track a delivery and My orders; a typed order number outside any flow opens it.
        client_shipments.router,
        client_menu.router,
        fallback.router,
    )
    return root
