"""The one translator: gettext catalogs (en, ru, yo) plus locale-aware formatting.

Catalogs are compiled from the committed `.po` files when Ona starts, so a stale `.mo`
can never disagree with the source. The active locale lives in a context variable: a bot
update, a web request and a scheduled job each set the recipient's language around their
work, and every `_()` beneath reads it.
"""

from __future__ import annotations

import datetime as dt
import gettext as gettext_module
import io
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from decimal import Decimal
from pathlib import Path
from typing import Any

from babel import Locale
from babel.dates import format_date as babel_format_date
from babel.dates import format_datetime as babel_format_datetime
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_currency

from core.config import SUPPORTED_LANGUAGES

LOCALES_DIR = Path(__file__).resolve().parent.parent / "locales"
DOMAIN = "messages"

LANGUAGE_NAMES = {"en": "English", "ru": "Русский", "yo": "Yorùbá"}

_current_locale: ContextVar[str] = ContextVar("ona_locale", default="en")
_active: ContextVar[I18n | None] = ContextVar("ona_i18n", default=None)
_fallback: I18n | None = None


class I18n:
    """Holds the compiled catalogs; `use_locale` scopes the language of everything inside it."""

    def __init__(self, path: Path = LOCALES_DIR, default_locale: str = "en") -> None:
        self.default_locale = default_locale
        self.catalogs: dict[str, gettext_module.NullTranslations] = {
            lang: _load_catalog(path, lang) for lang in SUPPORTED_LANGUAGES
        }

    def activate(self) -> None:
        """Make this the translator `_()` uses in this context and in tasks started from it."""
        global _fallback
        _fallback = self
        _active.set(self)

    @contextmanager
    def use_locale(self, locale: str | None) -> Iterator[str]:
        chosen = locale if locale in self.catalogs else self.default_locale
        token = _current_locale.set(chosen)
        try:
            yield chosen
        finally:
            _current_locale.reset(token)

    def gettext(self, message: str, locale: str | None = None) -> str:
        catalog = self.catalogs.get(locale or _current_locale.get())
        return catalog.gettext(message) if catalog else message

    def ngettext(self, singular: str, plural: str, n: int, locale: str | None = None) -> str:
        catalog = self.catalogs.get(locale or _current_locale.get())
        if catalog is None:
            return singular if n == 1 else plural
        return catalog.ngettext(singular, plural, n)

    def every_translation(self, message: str) -> set[str]:
        """The message in every language, for inputs a user may type in any of them (STOP)."""
        return {self.gettext(message, lang) for lang in self.catalogs}


def _load_catalog(path: Path, lang: str) -> gettext_module.NullTranslations:
    po_file = path / lang / "LC_MESSAGES" / f"{DOMAIN}.po"
    if not po_file.exists():
        return gettext_module.NullTranslations()
    with po_file.open("rb") as handle:
        catalog = read_po(handle, locale=lang)
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    buffer.seek(0)
    return gettext_module.GNUTranslations(buffer)


def current_i18n() -> I18n:
    active = _active.get() or _fallback
    if active is None:
        raise RuntimeError("I18n is not activated; main.py activates it at start")
    return active


def current_locale() -> str:
    return _current_locale.get()


def gettext(message: str, **params: Any) -> str:
    """Translate into the active locale; named `{params}` are filled after translation.

    A parameter given as a zero-argument callable (a status label, a price) is rendered now,
    in the reader's locale, so an error raised deep in a service reads right at the edge.
    """
    text = current_i18n().gettext(message)
    if not params:
        return text
    return text.format(**{k: v() if callable(v) else v for k, v in params.items()})


def ngettext(singular: str, plural: str, n: int, **params: Any) -> str:
    text = current_i18n().ngettext(singular, plural, n)
    return text.format(n=n, **params)


def gettext_noop(message: str) -> str:
    """Mark a message for extraction where it is translated later (labels in tables)."""
    return message


_ = gettext
N_ = gettext_noop


def format_money(amount: Decimal, currency: str, locale: str | None = None) -> str:
    return format_currency(amount, currency, locale=Locale.parse(locale or current_locale()))


def format_day(day: dt.date, locale: str | None = None) -> str:
    """A calendar day (a report period's first or last) in the reader's conventions."""
    return babel_format_date(day, format="medium", locale=Locale.parse(locale or current_locale()))


def format_datetime(moment: dt.datetime, zone: dt.tzinfo, locale: str | None = None) -> str:
    """Show a stored UTC moment in the company's time zone, in the reader's conventions."""
    return babel_format_datetime(
        moment.astimezone(zone), format="medium", locale=Locale.parse(locale or current_locale())
    )
