"""Phone numbers in, E.164 out: the key by which a messenger account finds its client."""

from __future__ import annotations

import phonenumbers

from core.errors import InvalidInput
from core.i18n import N_

MAX_PHONE_INPUT = 40


def normalize_phone(raw: str, default_region: str) -> str:
    """Return E.164 or raise InvalidInput; a leading 00 or + marks an international number."""
    text = raw.strip()
    if not text or len(text) > MAX_PHONE_INPUT:
        raise InvalidInput("phone", N_("That does not look like a phone number. Try again."))
    if text.startswith("00"):
        text = "+" + text[2:]
    if text[0].isdigit() and len(text) > 11 and not text.startswith("0"):
        text = "+" + text
    try:
        parsed = phonenumbers.parse(text, default_region)
    except phonenumbers.NumberParseException:
        raise InvalidInput(
            "phone", N_("That does not look like a phone number. Try again.")
        ) from None
    if not phonenumbers.is_valid_number(parsed):
        raise InvalidInput("phone", N_("That does not look like a phone number. Try again."))
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
