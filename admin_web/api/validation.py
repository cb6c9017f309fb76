"""Pydantic's validation errors as translated messages a person can act on, per field.

Pydantic's own messages are English and talk about Python types; these speak the caller's
language and name the fix. The panel can use `field_errors` for its forms too.
"""

from __future__ import annotations

import re
from typing import Any

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from core.i18n import N_, gettext

_INTEGER = N_("Enter a whole number.")
_DATETIME = N_("Enter a date and time in ISO 8601 form, such as 2026-01-31T09:00:00Z.")
_DATE = N_("Enter a date in ISO 8601 form, such as 2026-01-31.")
_MESSAGES: dict[str, str] = {
    "missing": N_("This field is required."),
    "extra_forbidden": N_("This field is not allowed."),
    "string_type": N_("Enter text."),
    "string_too_long": N_("Enter at most {max_length} characters."),
    "string_pattern_mismatch": N_("This value has the wrong format."),
    "int_type": _INTEGER,
    "int_parsing": _INTEGER,
    "int_from_float": _INTEGER,
    "int_parsing_size": _INTEGER,
    "greater_than_equal": N_("Enter a number of at least {ge}."),
    "less_than_equal": N_("Enter a number of at most {le}."),
    "bool_type": N_("Enter true or false."),
    "bool_parsing": N_("Enter true or false."),
    "enum": N_("Choose one of: {expected}."),
    "literal_error": N_("Choose one of: {expected}."),
    "list_type": N_("Enter a list."),
    "too_long": N_("Give at most {max_length} items."),
    "model_type": N_("Enter an object."),
    "model_attributes_type": N_("Enter an object."),
    "datetime_type": _DATETIME,
    "datetime_parsing": _DATETIME,
    "datetime_from_date_parsing": _DATETIME,
    "datetime_object_invalid": _DATETIME,
    "datetime_range": N_("This date is out of range."),
    "date_type": _DATE,
    "date_parsing": _DATE,
    "date_from_datetime_parsing": _DATE,
    "date_from_datetime_inexact": _DATE,
    "date_range": N_("This date is out of range."),
    "control_characters": N_("Remove control characters such as tabs and line breaks."),
    "email": N_("Enter an e-mail address such as name@example.com."),
    "country": N_("Enter a two-letter country code such as NG."),
    "cursor": N_("This cursor is not valid. Start again from the first page."),
}
_CANNOT_BE_EMPTY = N_("This field cannot be empty.")
_AT_LEAST = N_("Enter at least {min_length} characters.")
_NOT_VALID = N_("This value is not valid.")


def _field_name(error: ErrorDetails) -> str:
    return ".".join(str(part) for part in error["loc"])


def _message(error: ErrorDetails) -> str:
    kind = error["type"]
    context: dict[str, Any] = dict(error.get("ctx") or {})
    if error.get("input") is None and kind.endswith("_type") and error["loc"]:
        return gettext(_CANNOT_BE_EMPTY)
    if kind == "string_too_short":
        if context.get("min_length") == 1:
            return gettext(_CANNOT_BE_EMPTY)
        return gettext(_AT_LEAST, min_length=context.get("min_length"))
    msgid = _MESSAGES.get(kind)
    if msgid is None:
        return gettext(_NOT_VALID)
    if "expected" in context:
        # Pydantic joins the choices with an English "or"; a plain list reads in any language.
        choices = re.findall(r"'([^']*)'", str(context["expected"]))
        context["expected"] = ", ".join(choices) or context["expected"]
    try:
        return gettext(msgid, **{key: str(value) for key, value in context.items()})
    except (KeyError, IndexError):
        return gettext(_NOT_VALID)


def field_errors(exc: ValidationError) -> list[tuple[str, str]]:
    """(field, translated message) per error, in pydantic's order, one per field."""
    seen: dict[str, str] = {}
    for error in exc.errors(include_url=False):
        seen.setdefault(_field_name(error), _message(error))
    return list(seen.items())


def is_malformed_body(exc: ValidationError) -> bool:
    """Not JSON, or JSON but not an object: nothing field by field to report."""
    return any(not error["loc"] for error in exc.errors(include_url=False))
