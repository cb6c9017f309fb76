"""The carriers' reliability score (report 6): its weights, set in the panel, and its formula.

score = 100 × (w_on_time × on-time rate
               + w_exceptions × max(0, 1 − exceptions per shipment)
               + w_proof × proof-of-delivery completeness)

The three weights are between 0 and 1 and add up to 1; Company.reliability_weights keeps
them as decimal strings (empty: the defaults below). The report computes the three parts per
carrier from figures the database aggregated (counts), never from shipment rows. A carrier
is scored once something it carried is delivered; one that ran no last legs has no proof
figure, so that part is left out and the other weights are scaled up (the score stays 0–100).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from fractions import Fraction
from typing import Any

from babel.numbers import format_decimal
from tortoise.transactions import in_transaction

from core.errors import InvalidInput
from core.i18n import N_, current_locale
from core.models import Company
from core.services.access import Actor
from core.services.audit import changes, record
from core.services.company import current_company, forget_company

PARTS = ("on_time", "exceptions", "proof")
PART_LABELS = {
    "on_time": N_("Weight of the on-time rate"),
    "exceptions": N_("Weight of exceptions"),
    "proof": N_("Weight of proof-of-delivery completeness"),
}
# The formula as the report page and the settings page say it, with the current weights.
FORMULA = N_(
    "Reliability score (0–100) = 100 × ({on_time} × on-time rate + {exceptions} × "
    "(1 − exceptions per shipment, not below 0) + {proof} × proof-of-delivery "
    "completeness). A carrier is scored once something it carried is delivered; if it ran "
    "no last legs, proof of delivery is left out and the other weights scaled up."
)
ONE = Decimal(1)
PLACES = 3  # weights are kept to thousandths (0.333 + 0.333 + 0.334)
SHOWN = Decimal("0.1")


@dataclass(frozen=True, slots=True)
class Weights:
    on_time: Decimal
    exceptions: Decimal
    proof: Decimal

    def as_json(self) -> dict[str, str]:
        return {part: str(getattr(self, part)) for part in PARTS}

    def shown(self) -> dict[str, Any]:
        """The weights as the parameters of a message, written in the reader's language."""
        return {part: _decimal(getattr(self, part)) for part in PARTS}


def _decimal(value: Decimal) -> Any:
    return lambda: format_decimal(value, locale=current_locale())


DEFAULT_WEIGHTS = Weights(Decimal("0.5"), Decimal("0.3"), Decimal("0.2"))


def weights_of(company: Company) -> Weights:
    """The company's weights; the defaults when none are set or what is stored is unusable."""
    stored = company.reliability_weights or {}
    try:
        weights = Weights(*(Decimal(str(stored[part])) for part in PARTS))
    except (KeyError, TypeError, InvalidOperation):
        return DEFAULT_WEIGHTS
    try:
        check(weights)
    except InvalidInput:
        return DEFAULT_WEIGHTS
    return weights


async def current_weights() -> Weights:
    return weights_of(await current_company())


def check_weight(part: str, value: Decimal) -> None:
    """One weight: from 0 to 1, with at most three decimals."""
    if (
        not value.is_finite()
        or not Decimal(0) <= value <= ONE
        or value != value.quantize(Decimal(1).scaleb(-PLACES))
    ):
        raise InvalidInput(
            part, N_("Enter a number from 0 to 1 with at most three decimals, like 0.25.")
        )


def check(weights: Weights) -> None:
    """Each weight from 0 to 1 with at most three decimals, and the three adding up to 1."""
    for part in PARTS:
        check_weight(part, getattr(weights, part))
    total = weights.on_time + weights.exceptions + weights.proof
    if total != ONE:
        raise InvalidInput(
            "weights",
            N_(
                "The three weights add up to {total}, and they must add up to exactly 1: "
                "each is the share of the score that part gives."
            ),
            total=lambda: format_decimal(total, locale=current_locale()),
        )


async def save_weights(actor: Actor, weights: Weights) -> Weights:
    """Check and store the weights, with the change in the company's history."""
    check(weights)
    weights = Weights(*(getattr(weights, part).normalize() for part in PARTS))
    async with in_transaction() as conn:
        company = await Company.filter(id=(await current_company()).id).using_db(conn).get()
        before = {"reliability_weights": weights_of(company).as_json()}
        after = {"reliability_weights": weights.as_json()}
        company.reliability_weights = weights.as_json()
        await company.save(update_fields=["reliability_weights", "updated_at"], using_db=conn)
        details = changes(before, after)
        if details:
            await record(actor, "updated", "company", company.id, details, connection=conn)
    forget_company()
    return weights


def score(
    weights: Weights,
    *,
    shipments: int,
    exceptions: int,
    delivered: int,
    on_time: int,
    proof_due: int,
    proven: int,
) -> Decimal | None:
    """The score from a carrier's aggregated counts, to one decimal.

    on-time rate = on_time / delivered; exceptions part = max(0, 1 − exceptions / shipments);
    proof completeness = proven / proof_due. None until something the carrier carried is
    delivered (no on-time rate yet); without last legs (proof_due 0) proof is left out and
    the other two weights are scaled up to 1."""
    if shipments <= 0 or delivered <= 0:
        return None
    parts: list[tuple[Decimal, Fraction]] = [
        (weights.on_time, Fraction(on_time, delivered)),
        (weights.exceptions, max(Fraction(0), 1 - Fraction(exceptions, shipments))),
    ]
    if proof_due > 0:
        parts.append((weights.proof, Fraction(proven, proof_due)))
    weight = sum((Fraction(w) for w, _value in parts), Fraction(0))
    if weight == 0:
        return None
    return rounded(100 * sum((Fraction(w) * v for w, v in parts), Fraction(0)) / weight)


def rounded(value: Fraction) -> Decimal:
    """A ratio to one decimal, halves up (66.65 → 66.7), exactly."""
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(
        SHOWN, rounding=ROUND_HALF_UP
    )


def percent(part: int, whole: int) -> Decimal | None:
    return rounded(Fraction(100 * part, whole)) if whole > 0 else None
