"""Domain errors. Each carries a message id (translated at the edge) and its parameters."""

from __future__ import annotations

from typing import Any

from core.i18n import N_


class OnaError(Exception):
    msgid = N_("Something went wrong. Please try again.")

    def __init__(self, msgid: str | None = None, **params: Any) -> None:
        self.msgid = msgid or type(self).msgid
        self.params = params
        super().__init__(self.msgid)


class NotFound(OnaError):
    msgid = N_("Not found.")


class PermissionDenied(OnaError):
    msgid = N_("You are not allowed to do that.")


class ConsentRequired(OnaError):
    msgid = N_("This person has not agreed to receive messages on this channel.")


class InvalidInput(OnaError):
    """Bad input from a person; `field` names what to fix."""

    def __init__(self, field: str, msgid: str, **params: Any) -> None:
        self.field = field
        super().__init__(msgid, **params)


class InviteInvalid(OnaError):
    msgid = N_("This invite link is invalid, already used or expired. Ask for a new one.")
