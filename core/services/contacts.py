"""Ways to reach a party, and the contact people who work at clients and carriers.

The field types here (a line of text, a multi-line text, an e-mail address, a row id) are
shared by every input model of the parties: the JSON API and the panel validate the same
shapes the same way. Control characters are refused because PostgreSQL cannot store NUL and
no name or city legitimately holds a tab or an escape.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Annotated, Any, TypeVar

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
)
from pydantic_core import PydanticCustomError
from tortoise.backends.base.client import BaseDBAsyncClient

from core.errors import InvalidInput
from core.models import ContactPerson
from core.services import audit
from core.services.access import Actor
from core.services.phones import normalize_phone

MAX_ID = 2**31 - 1
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_CONTROL_EXCEPT_LINES = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_EMAIL = re.compile(r"[^@\s]+@[^@\s.]+(\.[^@\s.]+)+")


def _single_line(value: str) -> str:
    if _CONTROL.search(value):
        raise PydanticCustomError("control_characters", "must not contain control characters")
    return value


def _multi_line(value: str) -> str:
    if _CONTROL_EXCEPT_LINES.search(value):
        raise PydanticCustomError("control_characters", "must not contain control characters")
    return value


def _email(value: str) -> str:
    if not _EMAIL.fullmatch(value):
        raise PydanticCustomError("email", "is not an e-mail address")
    local, _, domain = value.rpartition("@")
    return f"{local}@{domain.lower()}"


# A database row id: positive and within PostgreSQL's INTEGER, so a huge number is a 404 or a
# validation error, never a database error.
RowId = Annotated[int, Field(ge=1, le=MAX_ID)]


def line(max_length: int, min_length: int = 0) -> Any:
    """One line of text, trimmed; `min_length=1` makes it required to be non-blank."""
    return Annotated[
        str,
        StringConstraints(strip_whitespace=True, min_length=min_length, max_length=max_length),
        AfterValidator(_single_line),
    ]


def text(max_length: int) -> Any:
    """Free text that may span lines (notes, summaries)."""
    return Annotated[str, Field(max_length=max_length), AfterValidator(_multi_line)]


Email = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=3, max_length=254),
    AfterValidator(_email),
]
PersonName = line(200, 1)
PhoneText = line(40, 1)


def blank_to_none(value: str | None) -> str | None:
    """Optional text fields store an empty answer as NULL, so filters see one kind of empty."""
    return value or None


def clean_phone(raw: str | None, region: str, field: str = "phone") -> str | None:
    """E.164 or None; the error names the field the person typed it in."""
    if not raw:
        return None
    try:
        return normalize_phone(raw, region)
    except InvalidInput as exc:
        raise InvalidInput(field, exc.msgid, **exc.params) from None


def no_defaults(schema: dict[str, Any]) -> None:
    """For change sets: an absent field means "leave as is", so the schema shows no defaults."""
    for prop in schema.get("properties", {}).values():
        prop.pop("default", None)


ModelT = TypeVar("ModelT", bound=BaseModel)


def lenient_from_query(model: type[ModelT], mapping: Mapping[str, str]) -> ModelT:
    """Build a filter model from a query string, dropping each value that does not parse.

    For the panel: a mistyped link should still show the list. The API validates strictly.
    """
    kept: dict[str, Any] = {}
    for name in model.model_fields:
        raw = mapping.get(name)
        if raw is None or not str(raw).strip():
            continue
        try:
            kept[name] = getattr(model.model_validate({name: raw}), name)
        except ValidationError:
            continue
    return model.model_validate(kept)


class ContactInput(BaseModel):
    """A contact person at a client or a carrier."""

    model_config = ConfigDict(extra="forbid")

    name: PersonName
    position: line(100) | None = None  # type: ignore[valid-type]
    phone: PhoneText | None = None
    email: Email | None = None


def _contact_values(data: ContactInput, region: str) -> dict[str, Any]:
    return {
        "name": data.name,
        "position": blank_to_none(data.position),
        "phone": clean_phone(data.phone, region),
        "email": blank_to_none(data.email),
    }


async def create_contact(
    actor: Actor,
    data: ContactInput,
    phone_region: str,
    connection: BaseDBAsyncClient,
    *,
    client_id: int | None = None,
    carrier_id: int | None = None,
) -> ContactPerson:
    """Write one contact person and its audit entry inside the caller's transaction.

    The caller (clients.add_client_contact, carriers.add_carrier_contact) has checked the
    permission and that the owner exists and is visible to the actor.
    """
    values = _contact_values(data, phone_region)
    contact = await ContactPerson.create(
        client_id=client_id, carrier_id=carrier_id, **values, using_db=connection
    )
    owner = {"client_id": client_id} if client_id else {"carrier_id": carrier_id}
    await audit.record(
        actor,
        "contact.created",
        "contact_person",
        contact.id,
        {**owner, **values},
        connection=connection,
    )
    return contact
