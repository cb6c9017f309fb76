"""Report 6, carriers: how each carrier served the shipments it ran a leg of, what it cost
and earned, and a reliability score that combines the service figures
(core/services/carrier_scoring.py), ranked, beside the score of the period before.

A carrier's shipments are the shipments created in the period with at least one of its
legs. Every figure is a count or sum the database groups per carrier; the score is worked
out from those per-carrier figures.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from decimal import Decimal
from typing import Any, ClassVar

from core.i18n import N_, gettext
from core.models import Role, ShipmentStatus
from core.services.access import Permission
from core.services.carrier_scoring import FORMULA, Weights, current_weights, percent, score
from core.services.reports.base import Chart, Column, Kind, Note, Report, Row, Scope, register
from core.services.reports.period import Period
from core.services.reports.sql import cents, fetch, money, true

A, D, DIS = Role.ADMIN, Role.DIRECTOR, Role.DISPATCHER
# The shipments the figures count: those created in the period with one of its legs.
SHIPMENTS = "/admin/shipments?carrier={carrier_id}&from={start}&to={last}"
SETTINGS = "/admin/carrier-scoring"
EXCEPTIONS = (ShipmentStatus.DELAYED, ShipmentStatus.DAMAGED, ShipmentStatus.LOST)
IN_PERIOD = "s.created_at >= :start AND s.created_at < :end"


@register
class CarriersReport(Report):
    key = "carriers"
    title = N_("Carriers")
    question = N_("Which carriers deliver on time, without damage or loss, and with proof?")
    roles = frozenset({A, D, DIS})
    row_key = "carrier_id"
    number = 6
    columns: ClassVar[list[Column]] = [
        Column("name", N_("Carrier"), Kind.TEXT, drill=SHIPMENTS),
        Column("score", N_("Reliability score"), Kind.NUMBER, drill=SHIPMENTS),
        Column("score_before", N_("Score, period before"), Kind.NUMBER, drill=SHIPMENTS),
        Column("shipments", N_("Shipments"), Kind.COUNT, drill=SHIPMENTS),
        Column("delivered", N_("Delivered"), Kind.COUNT, drill=SHIPMENTS),
        Column("on_time_rate", N_("On time"), Kind.PERCENT, drill=SHIPMENTS),
        Column("exceptions", N_("Exceptions"), Kind.COUNT, drill=SHIPMENTS, lower_is_better=True),
        Column("delays", N_("Delays"), Kind.COUNT, drill=SHIPMENTS, lower_is_better=True),
        Column("damaged", N_("Damage"), Kind.COUNT, drill=SHIPMENTS, lower_is_better=True),
        Column("lost", N_("Losses"), Kind.COUNT, drill=SHIPMENTS, lower_is_better=True),
        Column(
            "proof_rate",
            N_("Proof of delivery"),
            Kind.PERCENT,
            drill=SHIPMENTS + "&proof=missing",
        ),
        Column("cost", N_("Cost paid"), Kind.MONEY, drill=SHIPMENTS),
        Column("margin", N_("Margin on its legs"), Kind.MONEY, drill=SHIPMENTS),
    ]

    async def rows(self, scope: Scope, period: Period) -> list[Row]:
        # The company's carriers: the roles that may ask see them all, so the scope is not
        # applied.
        weights, figures, before = await asyncio.gather(
            current_weights(), _figures(period), _figures(period.previous())
        )
        if not figures:
            return []
        names = await _carrier_names(set(figures))
        rows = []
        for carrier_id, found in figures.items():
            previous = before.get(carrier_id)
            rows.append(
                {
                    "carrier_id": carrier_id,
                    "name": names.get(carrier_id, f"#{carrier_id}"),
                    "score": _score(weights, found),
                    "score_before": _score(weights, previous) if previous else None,
                    "shipments": found["shipments"],
                    "delivered": found["delivered"],
                    "on_time_rate": percent(found["on_time"], found["delivered"]),
                    "exceptions": found["exceptions"],
                    "delays": found["delayed"],
                    "damaged": found["damaged"],
                    "lost": found["lost"],
                    "proof_rate": percent(found["proven"], found["proof_due"]),
                    "cost": money(found["cost"]),
                    "margin": money(found["margin"]),
                }
            )
        rows.sort(
            key=lambda r: (
                r["score"] is None,
                -(r["score"] or 0),
                -r["shipments"],
                str(r["name"]).casefold(),
            )
        )
        return rows

    def chart(self, rows: list[Row]) -> Chart | None:
        return Chart(
            "bar",
            [row["name"] for row in rows],
            {
                gettext(N_("This period")): [float(row["score"] or 0) for row in rows],
                gettext(N_("Period before")): [float(row["score_before"] or 0) for row in rows],
            },
            y_label=gettext(N_("Reliability score")),
        )

    async def notes_for(self, scope: Scope) -> list[str | Note]:
        weights = await current_weights()
        formula = Note(FORMULA, weights.shown())
        if scope.actor.can(Permission.MANAGE_COMPANY):
            formula = Note(formula.msgid, formula.params, SETTINGS, N_("Change the weights"))
        return [
            formula,
            N_(
                "Shipments: those created in the period with at least one leg run by the "
                "carrier. On time: delivered by the promised time, of those delivered. "
                "Exceptions: delays, damage and losses reported on its legs (or on the whole "
                "shipment). Proof of delivery: of the delivered shipments whose last leg it "
                "ran, the share with a signed delivery note. Cost and margin: its legs' cost, "
                "and their price less cost where both are known."
            ),
        ]


def _score(weights: Weights, found: dict[str, Any]) -> Decimal | None:
    return score(
        weights,
        shipments=found["shipments"],
        exceptions=found["exceptions"],
        delivered=found["delivered"],
        on_time=found["on_time"],
        proof_due=found["proof_due"],
        proven=found["proven"],
    )


async def _figures(period: Period) -> dict[int, dict[str, Any]]:
    """Each carrier's counts and sums for the shipments created in the period."""
    bounds = {"start": period.utc_start, "end": period.utc_end}
    figures: dict[int, dict[str, Any]] = defaultdict(
        lambda: {
            "shipments": 0,
            "delivered": 0,
            "on_time": 0,
            "exceptions": 0,
            "delayed": 0,
            "damaged": 0,
            "lost": 0,
            "proof_due": 0,
            "proven": 0,
            "cost": 0,
            "margin": 0,
        }
    )
    statuses = ", ".join(f"'{status.value}'" for status in EXCEPTIONS)
    served, paid, exceptions, proofs = await asyncio.gather(
        # Shipments, delivered, on time: each shipment once per carrier, however many legs.
        fetch(
            "SELECT cs.carrier_id AS k, COUNT(*) AS shipments, "
            "SUM(CASE WHEN cs.delivered_at IS NOT NULL THEN 1 ELSE 0 END) AS delivered, "
            "SUM(CASE WHEN cs.delivered_at IS NOT NULL AND cs.delivered_at <= cs.promised_at "
            "THEN 1 ELSE 0 END) AS on_time "
            "FROM (SELECT DISTINCT l.carrier_id, s.id, s.delivered_at, s.promised_at "
            "FROM shipment_leg l JOIN shipment s ON s.id = l.shipment_id "
            f"WHERE l.carrier_id IS NOT NULL AND {IN_PERIOD}) AS cs GROUP BY cs.carrier_id",
            **bounds,
        ),
        # Cost paid and margin earned on its legs.
        fetch(
            f"SELECT l.carrier_id AS k, {cents('l.cost')} AS cost, "
            f"{cents('l.price - l.cost')} AS margin "
            "FROM shipment_leg l JOIN shipment s ON s.id = l.shipment_id "
            f"WHERE l.carrier_id IS NOT NULL AND {IN_PERIOD} GROUP BY l.carrier_id",
            **bounds,
        ),
        # Exceptions: an event on a leg counts for that leg's carrier; an event on no leg
        # for every carrier of the shipment (once each).
        fetch(
            "SELECT l.carrier_id AS k, e.status AS status, COUNT(DISTINCT e.id) AS n "
            "FROM shipment_event e JOIN shipment s ON s.id = e.shipment_id "
            "JOIN shipment_leg l ON l.shipment_id = e.shipment_id "
            "AND (e.leg IS NULL OR l.position = e.leg) "
            f"WHERE e.status IN ({statuses}) AND l.carrier_id IS NOT NULL AND {IN_PERIOD} "
            "GROUP BY l.carrier_id, e.status",
            **bounds,
        ),
        # Proof of delivery: delivered shipments whose last leg the carrier ran.
        fetch(
            "SELECT l.carrier_id AS k, COUNT(*) AS due, "
            f"SUM(CASE WHEN {true('s.missing_proof')} THEN 0 ELSE 1 END) AS proven "
            "FROM shipment s JOIN shipment_leg l ON l.shipment_id = s.id "
            # The last leg: no leg after it (an anti-join, where a correlated MAX ran per row).
            "AND NOT EXISTS (SELECT 1 FROM shipment_leg m "
            "WHERE m.shipment_id = l.shipment_id AND m.position > l.position) "
            f"WHERE s.delivered_at IS NOT NULL AND l.carrier_id IS NOT NULL AND {IN_PERIOD} "
            "GROUP BY l.carrier_id",
            **bounds,
        ),
    )
    for row in served:
        found = figures[int(row["k"])]
        found["shipments"] = int(row["shipments"])
        found["delivered"] = int(row["delivered"] or 0)
        found["on_time"] = int(row["on_time"] or 0)
    if not figures:
        return {}
    for row in paid:
        figures[int(row["k"])].update(cost=row["cost"], margin=row["margin"])
    for row in exceptions:
        found = figures[int(row["k"])]
        found[str(row["status"])] += int(row["n"])
        found["exceptions"] += int(row["n"])
    for row in proofs:
        found = figures[int(row["k"])]
        found["proof_due"] = int(row["due"])
        found["proven"] = int(row["proven"] or 0)
    return dict(figures)


async def _carrier_names(ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    rows = await fetch(
        f"SELECT id, name FROM carrier WHERE id IN ({', '.join(str(int(i)) for i in ids)})"
    )
    return {int(row["id"]): row["name"] for row in rows}
