"""Routers in the order they are tried: commands, STOP, staff, onboarding, client, fallback."""

from aiogram import Router

from bot.handlers.client import menu as client_menu
from bot.handlers.client import quote as client_quote
from bot.handlers.common import errors, fallback, onboarding, settings, start, stop
from bot.handlers.staff import clients as staff_clients
from bot.handlers.staff import log_contact as staff_log
from bot.handlers.staff import menu as staff_menu
from bot.handlers.staff import requests as staff_requests
from bot.handlers.staff import tasks as staff_tasks


def setup_routers() -> Router:
    root = Router(name="ona")
    root.include_routers(
        errors.router,
        start.router,
        stop.router,
        staff_requests.router,
        staff_clients.router,
        staff_log.router,
        staff_tasks.router,
        staff_menu.router,
        onboarding.router,
        settings.router,
        client_quote.router,
        client_menu.router,
        fallback.router,
    )
    return root
