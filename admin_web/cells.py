"""How list cells print values of any type, so section columns can return plain data."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from markupsafe import Markup

from core.i18n import _


def cell_text(when: Callable[[dt.datetime], str]) -> Callable[[Any], Any]:
    def cell(value: Any) -> Any:
        if value is None:
            return ""
        if isinstance(value, Markup):
            return value
        if isinstance(value, bool):
            return _("yes") if value else _("no")
        if isinstance(value, dt.datetime):
            return when(value)
        if isinstance(value, dict):
            return "; ".join(f"{key}: {_change(change)}" for key, change in value.items())
        if isinstance(value, list | tuple | set):
            return ", ".join(str(item) for item in value)
        return value

    return cell


def _change(change: Any) -> str:
    if isinstance(change, list) and len(change) == 2:
        old, new = ("—" if v is None or v == "" else v for v in change)
        return f"{old} → {new}"
    return str(change)
