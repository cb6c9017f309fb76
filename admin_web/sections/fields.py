"""Form fields for panel sections: each knows how to read its input and explain what is wrong.

Parsing returns a Python value or raises InvalidInput with a translatable message, so the
form can show the message next to the field and the CSV import next to the row.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any

from core.errors import InvalidInput
from core.i18n import N_, _
from core.services.access import Actor

Choices = Callable[[Actor], Awaitable[list[tuple[str, str]]]]
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class Kind(StrEnum):
    TEXT = "text"
    TEXTAREA = "textarea"
    EMAIL = "email"
    PASSWORD = "password"  # noqa: S105 (a field kind, not a secret)
    SELECT = "select"
    MULTI = "multi"
    CHECKBOX = "checkbox"
    TIME = "time"
    DATE = "date"
    INT = "int"
    DECIMAL = "decimal"


def static_choices(options: Sequence[tuple[str, str]]) -> Choices:
    """Choices whose labels are msgids, translated when the form is drawn."""

    async def choices(actor: Actor) -> list[tuple[str, str]]:
        return [(value, _(label)) for value, label in options]

    return choices


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    kind: Kind = Kind.TEXT
    required: bool = False
    max_length: int = 200
    choices: Choices | None = None
    help: str | None = None
    # Password-like fields are never shown back and never written to the audit trail.
    secret: bool = False
    importable: bool = True
    attrs: dict[str, str] = field(default_factory=dict)

    def parse(self, raw: Any, allowed: set[str] | None = None) -> Any:
        """The value to store, from what the browser (or a CSV cell) sent."""
        if self.kind is Kind.CHECKBOX:
            return str(raw or "").strip().lower() in {"on", "1", "true", "yes", "y"}
        if self.kind is Kind.MULTI:
            values = raw if isinstance(raw, list) else [v for v in str(raw or "").split(",")]
            values = [str(v).strip() for v in values if str(v).strip()]
            if allowed is not None and any(v not in allowed for v in values):
                raise InvalidInput(self.name, N_("Pick from the list."))
            if self.required and not values:
                raise InvalidInput(self.name, N_("This field is required."))
            return values
        text = str(raw or "").strip()
        allowed_controls = "\n\r\t" if self.kind is Kind.TEXTAREA else ""
        if any(ord(ch) < 32 and ch not in allowed_controls for ch in text):
            raise InvalidInput(self.name, N_("Remove the invisible control characters."))
        if not text:
            if self.required:
                raise InvalidInput(self.name, N_("This field is required."))
            return None
        if len(text) > self.max_length:
            raise InvalidInput(
                self.name, N_("Use at most {count} characters."), count=self.max_length
            )
        return self._parse_text(text, allowed)

    def _parse_text(self, text: str, allowed: set[str] | None) -> Any:
        if self.kind is Kind.EMAIL:
            if not EMAIL.match(text):
                raise InvalidInput(self.name, N_("Enter an email address like name@example.com."))
            return text.lower()
        if self.kind is Kind.SELECT:
            if allowed is not None and text not in allowed:
                raise InvalidInput(self.name, N_("Pick from the list."))
            return text
        if self.kind is Kind.TIME:
            try:
                return dt.time.fromisoformat(text)
            except ValueError:
                raise InvalidInput(self.name, N_("Enter a time like 09:00.")) from None
        if self.kind is Kind.DATE:
            try:
                day = dt.date.fromisoformat(text)
            except ValueError:
                raise InvalidInput(self.name, N_("Enter a date like 2026-12-31.")) from None
            if not 2000 <= day.year <= 2100:
                raise InvalidInput(self.name, N_("Enter a date like 2026-12-31."))
            return day
        if self.kind is Kind.INT:
            if not re.fullmatch(r"-?\d{1,12}", text):
                raise InvalidInput(self.name, N_("Enter a whole number."))
            return int(text)
        if self.kind is Kind.DECIMAL:
            try:
                value = Decimal(text.replace(",", ".").replace(" ", ""))
            except InvalidOperation:
                raise InvalidInput(self.name, N_("Enter a number like 1250.50.")) from None
            if not value.is_finite():
                raise InvalidInput(self.name, N_("Enter a number like 1250.50."))
            return value
        return text

    def shown(self, value: Any) -> Any:
        """What the form's input shows for a stored value."""
        if self.secret or value is None:
            return [] if self.kind is Kind.MULTI else ""
        if self.kind is Kind.TIME and isinstance(value, dt.time):
            return value.strftime("%H:%M")
        if self.kind is Kind.DATE and isinstance(value, dt.date):
            return value.isoformat()
        if self.kind is Kind.MULTI:
            return [str(v) for v in value]
        if isinstance(value, StrEnum):
            return value.value
        return value
