"""Bad cargo and bad tariffs are refused with a message naming what to fix."""

from __future__ import annotations

import datetime as dt

import pytest

from core.errors import InvalidInput
from core.services.pricing import (
    Basis,
    Cargo,
    CargoType,
    Dimensions,
    Mode,
    PriceList,
    Tariff,
    make_cargo,
)
from tests.pricing.factories import D, breaks, fee, per_kg

FUEL = "fuel"


def refused(call, *args, **kwargs) -> tuple[str, str]:
    """(field, the English message the user would read)."""
    with pytest.raises(InvalidInput) as caught:
        call(*args, **kwargs)
    error = caught.value
    return error.field, error.msgid.format(**error.params)


def test_volume_from_dimensions_is_length_times_width_times_height_times_pieces():
    # 120 × 80 × 150 cm = 1 440 000 cm³ = 1.44 m³; × 2 pieces = 2.88 m³.
    cargo = make_cargo(weight_kg=D(100), pieces=2, dimensions=Dimensions(D(120), D(80), D(150)))
    assert cargo.volume_m3 == D("2.88")
    assert make_cargo(weight_kg=D(100)).volume_m3 == 0  # weight only: no volume


@pytest.mark.parametrize("weight", ["0", "-5", "NaN", "Infinity"])
def test_weight_must_be_more_than_zero(weight):
    assert refused(make_cargo, weight_kg=D(weight)) == (
        "weight",
        "The weight must be more than zero.",
    )


def test_weight_per_piece_must_be_plausible_for_the_type():
    # 4 000 kg on one pallet: pallets carry at most 3 000 kg.
    assert refused(make_cargo, weight_kg=D(4000), cargo_type=CargoType.PALLETS) == (
        "weight",
        "That is too heavy for one piece of this cargo (at most 3000 kg a piece).",
    )
    # The same 4 000 kg over 2 pallets is fine.
    assert make_cargo(weight_kg=D(4000), pieces=2, cargo_type=CargoType.PALLETS).pieces == 2


@pytest.mark.parametrize("pieces", [0, -1, 2.0, True])
def test_pieces_must_be_a_whole_number_from_one(pieces):
    assert refused(make_cargo, weight_kg=D(10), pieces=pieces)[0] == "pieces"


def test_too_many_pieces_is_refused():
    assert refused(make_cargo, weight_kg=D(10_000), pieces=10_001) == (
        "pieces",
        "That is too many pieces (at most 10000).",
    )


def test_a_300_m_pallet_is_refused():
    assert refused(
        make_cargo,
        weight_kg=D(500),
        cargo_type=CargoType.PALLETS,
        dimensions=Dimensions(D(30000), D(80), D(150)),
    ) == ("dimensions", "A side of 30000 cm is too long for this cargo (at most 400 cm).")


def test_the_side_limit_is_per_cargo_type_and_inclusive():
    ok = make_cargo(weight_kg=D(500), dimensions=Dimensions(D(2000), D(100), D(100)))
    assert ok.volume_m3 == D(20)
    assert refused(
        make_cargo, weight_kg=D(500), dimensions=Dimensions(D(2001), D(100), D(100))
    ) == ("dimensions", "A side of 2001 cm is too long for this cargo (at most 2000 cm).")


@pytest.mark.parametrize("side", ["0", "-10"])
def test_every_side_must_be_more_than_zero(side):
    assert refused(make_cargo, weight_kg=D(5), dimensions=Dimensions(D(50), D(side), D(50))) == (
        "dimensions",
        "Each side must be more than zero.",
    )


def test_volume_must_be_positive_and_plausible_per_piece():
    assert refused(make_cargo, weight_kg=D(5), volume_m3=D(0)) == (
        "volume",
        "The volume must be more than zero.",
    )
    # 80 m³ in one 40' container: a high cube holds about 76 m³.
    assert refused(
        make_cargo, weight_kg=D(5000), volume_m3=D(80), cargo_type=CargoType.CONTAINER_40
    ) == ("volume", "That is too large for one piece of this cargo (at most 77 m³ a piece).")
    # 600 × 300 × 300 cm = 54 m³ in a 20' box: every side fits, the volume does not.
    assert refused(
        make_cargo,
        weight_kg=D(5000),
        cargo_type=CargoType.CONTAINER_20,
        dimensions=Dimensions(D(600), D(300), D(300)),
    ) == ("volume", "That is too large for one piece of this cargo (at most 34 m³ a piece).")


def test_declared_value_when_given_must_be_more_than_zero():
    assert refused(make_cargo, weight_kg=D(5), declared_value=D(0)) == (
        "declared_value",
        "The declared value must be more than zero.",
    )


def test_a_cargo_built_directly_is_checked_too():
    assert refused(Cargo, weight_kg=D(-1))[0] == "weight"


def test_floats_are_refused_outright():
    with pytest.raises(TypeError):
        make_cargo(weight_kg=12.5)
    with pytest.raises(TypeError):
        per_kg(breaks(("0", "5")), minimum_charge=100.0)


def test_volume_and_dimensions_together_are_a_caller_error():
    with pytest.raises(ValueError, match="not both"):
        make_cargo(weight_kg=D(5), volume_m3=D(1), dimensions=Dimensions(D(1), D(1), D(1)))


# --- tariffs and price lists as an admin would type them ---


@pytest.mark.parametrize(
    "rate_breaks",
    [(), breaks(("10", "5.00")), breaks(("0", "5.00"), ("100", "4.00"), ("100", "3.00"))],
)
def test_weight_breaks_must_start_at_zero_and_go_up(rate_breaks):
    assert refused(per_kg, rate_breaks) == (
        "breaks",
        "Weight breaks must start at 0 kg and go up.",
    )


def test_only_per_kg_tariffs_have_breaks():
    assert (
        refused(Tariff, Mode.ROAD, Basis.FLAT, "NGN", rate=D(1), breaks=breaks(("0", "1")))[0]
        == "breaks"
    )


def test_rates_and_charges_cannot_be_negative():
    assert refused(per_kg, breaks(("0", "-1.00")))[0] == "rate"
    assert refused(per_kg, minimum_charge=D(-1))[0] == "rate"
    assert refused(fee, FUEL, "-3")[0] == "rate"


def test_a_surcharge_appears_once_per_tariff():
    assert refused(per_kg, surcharges=(fee(FUEL, "1"), fee(FUEL, "2")))[0] == "surcharges"


def test_currency_must_be_a_real_iso_code():
    assert refused(per_kg, currency="NAIRA")[0] == "currency"
    assert refused(PriceList, name="x", currency="XYZ")[0] == "currency"


def test_validity_must_not_end_before_it_starts():
    assert refused(per_kg, valid_from=dt.date(2025, 2, 1), valid_to=dt.date(2025, 1, 31)) == (
        "valid_to",
        "The end date must not be before the start date.",
    )


def test_a_price_list_is_in_one_currency():
    assert refused(PriceList, name="x", currency="NGN", tariffs=(per_kg(currency="USD"),)) == (
        "currency",
        "Every tariff in a price list must be in the list's currency.",
    )
