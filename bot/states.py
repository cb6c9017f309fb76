"""Conversation states, one group per flow."""

from aiogram.fsm.state import State, StatesGroup


class Onboarding(StatesGroup):
    language = State()
    phone = State()
    consent = State()
