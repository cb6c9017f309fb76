"""A shipment's statuses: their names, their order, and which ones cannot wait or end it."""

from __future__ import annotations

from core.i18n import N_
from core.models import ShipmentStatus

S = ShipmentStatus

STATUS_LABELS: dict[ShipmentStatus, str] = {
    S.BOOKED: N_("Booked"),
    S.PICKED_UP: N_("Picked up"),
    S.IN_TRANSIT: N_("In transit"),
    S.AT_TERMINAL: N_("At terminal"),
    S.OUT_FOR_DELIVERY: N_("Out for delivery"),
    S.DELIVERED: N_("Delivered"),
    S.DELAYED: N_("Delayed"),
    S.DAMAGED: N_("Damaged"),
    S.LOST: N_("Lost"),
    S.RETURNED: N_("Returned"),
}

# The forward path. An exception can be reported at any point before the end; the normal
# path then goes on from where it was (a delay or damage does not undo a pickup).
PROGRESS: dict[ShipmentStatus, int] = {
    S.BOOKED: 0,
    S.PICKED_UP: 1,
    S.IN_TRANSIT: 2,
    S.AT_TERMINAL: 2,
    S.OUT_FOR_DELIVERY: 3,
    S.DELIVERED: 4,
}
EXCEPTIONS = frozenset({S.DELAYED, S.DAMAGED, S.LOST, S.RETURNED})
# After these nothing moves without a manager's override.
FINAL = frozenset({S.DELIVERED, S.LOST, S.RETURNED})
# Told to the client at once, even in quiet hours.
URGENT = frozenset({S.DELAYED, S.DAMAGED, S.LOST, S.RETURNED})
# What each step needs to have happened before it.
REQUIRES: dict[ShipmentStatus, frozenset[ShipmentStatus]] = {
    S.PICKED_UP: frozenset({S.BOOKED}),
    S.IN_TRANSIT: frozenset({S.PICKED_UP, S.IN_TRANSIT, S.AT_TERMINAL}),
    S.AT_TERMINAL: frozenset({S.PICKED_UP, S.IN_TRANSIT, S.AT_TERMINAL}),
    S.OUT_FOR_DELIVERY: frozenset({S.PICKED_UP, S.IN_TRANSIT, S.AT_TERMINAL}),
    S.DELIVERED: frozenset({S.PICKED_UP, S.IN_TRANSIT, S.AT_TERMINAL, S.OUT_FOR_DELIVERY}),
}
