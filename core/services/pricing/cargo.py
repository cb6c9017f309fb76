"""What is being shipped, checked once so every price computed from it is sane.

A cargo is validated when it is built: a bot, the web panel and the API all describe the
goods through `make_cargo`, and a price is never computed for a 300 m pallet or a weight
of zero. Limits are per cargo type and per piece, generous enough for real freight and
tight enough to catch a unit mix-up (metres typed as centimetres, tonnes as kilograms).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from core.errors import InvalidInput
from core.i18n import N_

CM3_PER_M3 = Decimal(1_000_000)
MAX_PIECES = 10_000


class Mode(StrEnum):
    ROAD = "road"
    RAIL = "rail"
    SEA = "sea"
    AIR = "air"


class CargoType(StrEnum):
    GENERAL = "general"
    PALLETS = "pallets"
    CONTAINER_20 = "container_20"
    CONTAINER_40 = "container_40"
    DANGEROUS = "dangerous"
    TEMPERATURE_CONTROLLED = "temperature_controlled"


CONTAINER_TYPES = frozenset({CargoType.CONTAINER_20, CargoType.CONTAINER_40})

# kg of chargeable weight per m³: the carriers' usual divisors (road/rail 1:3, sea 1:1,
# air 1:6 = 6 000 cm³/kg).
DEFAULT_VOLUMETRIC_FACTORS: Mapping[Mode, Decimal] = {
    Mode.ROAD: Decimal(333),
    Mode.RAIL: Decimal(333),
    Mode.SEA: Decimal(1000),
    Mode.AIR: Decimal(167),
}


@dataclass(frozen=True)
class CargoLimits:
    """The largest single piece of a cargo type that is still plausible."""

    max_side_cm: Decimal
    max_piece_volume_m3: Decimal
    max_piece_weight_kg: Decimal


_LOOSE = CargoLimits(Decimal(2000), Decimal(200), Decimal(100_000))

# Pallets: a loaded pallet is at most about 1.2 × 1.2 × 2.7 m and 2.5 t. Containers: one piece
# is one box (ISO 20' about 6.1 m and 33 m³, 40' high cube about 12.2 m and 76 m³; 30 480 kg
# maximum gross). Loose, dangerous and temperature-controlled goods: up to a 20 m, 100 t piece
# (heavy lift), beyond which a person should look at the request.
CARGO_LIMITS: Mapping[CargoType, CargoLimits] = {
    CargoType.GENERAL: _LOOSE,
    CargoType.PALLETS: CargoLimits(Decimal(400), Decimal(10), Decimal(3000)),
    CargoType.CONTAINER_20: CargoLimits(Decimal(610), Decimal(34), Decimal(30_480)),
    CargoType.CONTAINER_40: CargoLimits(Decimal(1220), Decimal(77), Decimal(30_480)),
    CargoType.DANGEROUS: _LOOSE,
    CargoType.TEMPERATURE_CONTROLLED: _LOOSE,
}


@dataclass(frozen=True)
class Dimensions:
    """One piece's length, width and height in centimetres."""

    length_cm: Decimal
    width_cm: Decimal
    height_cm: Decimal

    @property
    def volume_m3(self) -> Decimal:
        return self.length_cm * self.width_cm * self.height_cm / CM3_PER_M3


@dataclass(frozen=True)
class Cargo:
    """Validated goods: build it with `make_cargo` (or directly; the same checks run).

    `volume_m3` is the total volume of all pieces; 0 means the client gave only a weight.
    `declared_value` is in the currency of the price it will be insured under.
    """

    weight_kg: Decimal
    volume_m3: Decimal = Decimal(0)
    pieces: int = 1
    cargo_type: CargoType = CargoType.GENERAL
    declared_value: Decimal | None = None
    dimensions: Dimensions | None = None

    def __post_init__(self) -> None:
        limits = CARGO_LIMITS[CargoType(self.cargo_type)]
        validate_pieces(self.pieces)
        validate_weight(self.weight_kg, self.pieces, limits)
        _require_decimal(self.volume_m3, "volume_m3")
        if self.volume_m3 != 0:
            validate_volume(self.volume_m3, self.pieces, limits)
        if self.dimensions is not None:
            validate_dimensions(self.dimensions, limits)
        if self.declared_value is not None:
            validate_declared_value(self.declared_value)


def make_cargo(
    *,
    weight_kg: Decimal,
    cargo_type: CargoType = CargoType.GENERAL,
    pieces: int = 1,
    volume_m3: Decimal | None = None,
    dimensions: Dimensions | None = None,
    declared_value: Decimal | None = None,
) -> Cargo:
    """A cargo from what the client said: a total volume, or one piece's L×W×H × pieces.

    Giving both is a caller's mistake (the conversation asks for one or the other), so it
    raises ValueError rather than silently preferring one.
    """
    if volume_m3 is not None and dimensions is not None:
        raise ValueError("give volume_m3 or dimensions, not both")
    limits = CARGO_LIMITS[CargoType(cargo_type)]
    validate_pieces(pieces)
    if dimensions is not None:
        validate_dimensions(dimensions, limits)
        volume = dimensions.volume_m3 * pieces
    elif volume_m3 is not None:
        validate_volume(volume_m3, pieces, limits)
        volume = volume_m3
    else:
        volume = Decimal(0)
    return Cargo(
        weight_kg=weight_kg,
        volume_m3=volume,
        pieces=pieces,
        cargo_type=CargoType(cargo_type),
        declared_value=declared_value,
        dimensions=dimensions,
    )


def validate_pieces(pieces: int) -> None:
    if isinstance(pieces, bool) or not isinstance(pieces, int) or pieces < 1:
        raise InvalidInput("pieces", N_("The number of pieces must be a whole number, 1 or more."))
    if pieces > MAX_PIECES:
        raise InvalidInput(
            "pieces", N_("That is too many pieces (at most {limit})."), limit=MAX_PIECES
        )


def validate_weight(weight_kg: Decimal, pieces: int, limits: CargoLimits) -> None:
    """Weight must be positive and plausible per piece (catches tonnes typed as kilograms)."""
    if not _is_positive(weight_kg, "weight_kg"):
        raise InvalidInput("weight", N_("The weight must be more than zero."))
    if weight_kg / pieces > limits.max_piece_weight_kg:
        raise InvalidInput(
            "weight",
            N_("That is too heavy for one piece of this cargo (at most {limit} kg a piece)."),
            limit=limits.max_piece_weight_kg,
        )


def validate_volume(volume_m3: Decimal, pieces: int, limits: CargoLimits) -> None:
    if not _is_positive(volume_m3, "volume_m3"):
        raise InvalidInput("volume", N_("The volume must be more than zero."))
    if volume_m3 / pieces > limits.max_piece_volume_m3:
        raise InvalidInput(
            "volume",
            N_("That is too large for one piece of this cargo (at most {limit} m³ a piece)."),
            limit=limits.max_piece_volume_m3,
        )


def validate_dimensions(dimensions: Dimensions, limits: CargoLimits) -> None:
    """Every side positive and no longer than the cargo type allows (no 300 m pallets)."""
    for side in (dimensions.length_cm, dimensions.width_cm, dimensions.height_cm):
        if not _is_positive(side, "dimensions"):
            raise InvalidInput("dimensions", N_("Each side must be more than zero."))
        if side > limits.max_side_cm:
            raise InvalidInput(
                "dimensions",
                N_("A side of {side} cm is too long for this cargo (at most {limit} cm)."),
                side=side,
                limit=limits.max_side_cm,
            )
    if dimensions.volume_m3 > limits.max_piece_volume_m3:
        raise InvalidInput(
            "volume",
            N_("That is too large for one piece of this cargo (at most {limit} m³ a piece)."),
            limit=limits.max_piece_volume_m3,
        )


def validate_declared_value(value: Decimal) -> None:
    if not _is_positive(value, "declared_value"):
        raise InvalidInput("declared_value", N_("The declared value must be more than zero."))


def volumetric_weight(
    cargo: Cargo, mode: Mode, factors: Mapping[Mode, Decimal] | None = None
) -> Decimal:
    """Volume × the mode's factor (kg per m³)."""
    return cargo.volume_m3 * volumetric_factor(mode, factors)


def volumetric_factor(mode: Mode, factors: Mapping[Mode, Decimal] | None = None) -> Decimal:
    """The mode's kg per m³; `factors` overrides the defaults mode by mode."""
    factor = (factors or {}).get(mode, DEFAULT_VOLUMETRIC_FACTORS[mode])
    if not _is_positive(factor, "volumetric factor"):
        raise ValueError(f"the volumetric factor for {mode} must be positive")
    return factor


def chargeable_weight(
    cargo: Cargo, mode: Mode, factors: Mapping[Mode, Decimal] | None = None
) -> Decimal:
    """max(actual, volumetric): light bulky goods pay for the space they take."""
    return max(cargo.weight_kg, volumetric_weight(cargo, mode, factors))


def _is_positive(value: Decimal, name: str) -> bool:
    _require_decimal(value, name)
    return value.is_finite() and value > 0


def _require_decimal(value: object, name: str) -> None:
    """Floats cannot hold 0.1 exactly; quantities and money must arrive as Decimal."""
    if not isinstance(value, Decimal):
        raise TypeError(f"{name} must be a Decimal, got {type(value).__name__}")
