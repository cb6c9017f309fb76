"""Every API operation in one list: what the router serves and the OpenAPI document describes.

A capability adds its resource as a module with an `OPERATIONS` list and one line here.
"""

from __future__ import annotations

from admin_web.api.registry import Operation
from admin_web.api.resources import (
    carriers,
    clients,
    consent,
    contacts,
    interactions,
    mailings,
    prices,
    reports,
    sales,
    shipments,
    tasks,
)

OPERATIONS: list[Operation] = [
    *clients.OPERATIONS,
    *carriers.OPERATIONS,
    *contacts.OPERATIONS,
    *interactions.OPERATIONS,
    *consent.OPERATIONS,
    *prices.OPERATIONS,
    *sales.OPERATIONS,
    *tasks.OPERATIONS,
    *shipments.OPERATIONS,
    *mailings.OPERATIONS,
    *reports.OPERATIONS,
]
