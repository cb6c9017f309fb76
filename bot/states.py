"""Conversation states, one group per flow."""

from aiogram.fsm.state import State, StatesGroup


class Onboarding(StatesGroup):
    language = State()
    phone = State()
    consent = State()


class QuoteFlow(StatesGroup):
    origin = State()
    destination = State()
    cargo_type = State()
    weight = State()
    size = State()
    ready = State()
    priority = State()


class StaffDesk(StatesGroup):
    client = State()
    price = State()
    reason = State()


class StaffClients(StatesGroup):
    search = State()


class StaffLog(StatesGroup):
    client = State()
    result = State()


class StaffTasks(StatesGroup):
    result = State()
    title = State()
    due = State()
    remind_at = State()
    comment = State()
    client = State()


class ClientTrack(StatesGroup):
    number = State()


class StaffShipments(StatesGroup):
    find = State()
    details = State()
    reason = State()
    attach = State()
    recipient = State()
    proof = State()
