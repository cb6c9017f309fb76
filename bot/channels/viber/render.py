"""Our outgoing messages as Viber message objects (viberbot builds the payload shape)."""

from __future__ import annotations

from typing import Any

from viberbot.api.messages import TextMessage

from bot.channels.synthetic import Outgoing

BUTTON_PREFIX = "cb:"
MIN_API_VERSION = 7  # share-phone needs 3; 7 is what current clients support
VIBER_MAX_TEXT = 7000


def _button(text: str, columns: int, **action: Any) -> dict[str, Any]:
    return {"Columns": columns, "Rows": 1, "Text": text, "TextSize": "regular", **action}


def viber_keyboard(message: Outgoing) -> dict[str, Any] | None:
    """Inline buttons become reply buttons whose body carries the callback data."""
    buttons: list[dict[str, Any]] = []
    for row in message.buttons:
        columns = max(1, 6 // max(1, len(row)))
        for button in row:
            if button.url:
                buttons.append(
                    _button(button.text, columns, ActionType="open-url", ActionBody=button.url)
                )
            elif button.data is not None:
                buttons.append(
                    _button(
                        button.text,
                        columns,
                        ActionType="reply",
                        ActionBody=BUTTON_PREFIX + button.data,
                        Silent=True,
                    )
                )
    if message.request_phone:
        buttons.append(
            _button(message.request_phone, 6, ActionType="share-phone", ActionBody="phone")
        )
    if not buttons:
        return None
    return {"Type": "keyboard", "DefaultHeight": False, "Buttons": buttons}


def viber_payload(receiver: str, sender_name: str, message: Outgoing) -> dict[str, Any]:
    text_message = TextMessage(
        text=message.text[:VIBER_MAX_TEXT],
        keyboard=viber_keyboard(message),
        min_api_version=MIN_API_VERSION,
    )
    return {"receiver": receiver, "sender": {"name": sender_name}, **text_message.to_dict()}
