"""Prices computed by hand, line by line; the comments carry the arithmetic."""

from __future__ import annotations

import pytest

from core.services.pricing import (
    Basis,
    CargoType,
    Dimensions,
    Mode,
    SurchargeCode,
    make_cargo,
    price_with_tariff,
    weight_break_charge,
)
from tests.pricing.factories import STANDARD_BREAKS, D, breaks, fee, flat_rate, per_kg, percent

FUEL = SurchargeCode.FUEL
INSURANCE = SurchargeCode.INSURANCE
DG = SurchargeCode.DANGEROUS_GOODS
TEMPERATURE = SurchargeCode.TEMPERATURE_CONTROL
PICKUP = SurchargeCode.PICKUP
DELIVERY = SurchargeCode.DELIVERY


def price(tariff, **cargo):
    charge = price_with_tariff(tariff, make_cargo(**cargo))
    assert charge is not None
    return charge


# --- weight breaks: the break the chargeable weight falls into prices the whole weight ---


@pytest.mark.parametrize(
    ("kg", "expected"),
    [
        ("80", "400.00"),  # 0–100 kg break: 80 × 5.00 = 400.00
        ("100", "420.00"),  # a break starts at its weight: 100 × 4.20 = 420.00
        ("250", "1050.00"),  # 100–500 kg break: 250 × 4.20 = 1 050.00
        ("600", "2280.00"),  # 500+ break: 600 × 3.80 = 2 280.00
    ],
)
def test_the_break_the_weight_falls_into_prices_the_whole_weight(kg, expected):
    charge = price(per_kg(next_break_cheaper=False), weight_kg=D(kg))
    assert charge.base_freight == D(expected)
    assert charge.total == D(expected)
    assert charge.billed_quantity == D(kg)


@pytest.mark.parametrize(
    ("kg", "billed", "rate", "expected"),
    [
        # 90 × 5.00 = 450.00, but 100 × 4.20 = 420.00 is cheaper: bill 100 kg at 4.20.
        ("90", "100", "4.20", "420.00"),
        # 80 × 5.00 = 400.00 < 100 × 4.20 = 420.00: the actual weight stays.
        ("80", "80", "5.00", "400.00"),
        # 84 × 5.00 = 420.00 = 100 × 4.20: a tie bills the actual weight.
        ("84", "84", "5.00", "420.00"),
        # 480 × 4.20 = 2 016.00 > 500 × 3.80 = 1 900.00: bill 500 kg at 3.80.
        ("480", "500", "3.80", "1900.00"),
    ],
)
def test_next_break_rule_bills_a_higher_break_when_that_is_cheaper(kg, billed, rate, expected):
    charge = price(per_kg(), weight_kg=D(kg))
    assert (charge.billed_quantity, charge.unit_rate) == (D(billed), D(rate))
    assert charge.total == D(expected)


def test_without_the_next_break_rule_a_heavier_cargo_can_cost_less():
    # 480 kg: 480 × 4.20 = 2 016.00; 500 kg: 500 × 3.80 = 1 900.00. The rule exists for this.
    tariff = per_kg(next_break_cheaper=False)
    assert price(tariff, weight_kg=D(480)).total == D("2016.00")
    assert price(tariff, weight_kg=D(500)).total == D("1900.00")
    assert weight_break_charge(STANDARD_BREAKS, D(480), next_break_cheaper=True) == (
        D(500),
        D("3.80"),
    )


# --- chargeable weight: volume × the mode's factor when that is more than the weight ---


def test_volumetric_weight_wins_for_light_bulky_goods_by_road():
    # 2 pieces of 120 × 80 × 150 cm: 1.44 m³ each, 2.88 m³ in all.
    # Road: 2.88 × 333 = 959.04 kg > 100 kg actual, so 959.04 kg is charged,
    # in the 500+ break: 959.04 × 3.80 = 3 644.352 → 3 644.35.
    charge = price(
        per_kg(),
        weight_kg=D(100),
        pieces=2,
        dimensions=Dimensions(D(120), D(80), D(150)),
    )
    assert charge.volumetric_weight_kg == D("959.04")
    assert charge.chargeable_weight_kg == D("959.04")
    assert charge.total == D("3644.35")


def test_the_volumetric_factor_depends_on_the_mode_and_can_be_configured():
    cargo = make_cargo(weight_kg=D(100), pieces=2, dimensions=Dimensions(D(120), D(80), D(150)))
    # Air: 2.88 × 167 = 480.96 kg, in the 100–500 break; next break 500 × 3.80 = 1 900.00
    # is cheaper than 480.96 × 4.20 = 2 020.032, so 1 900.00.
    air = price_with_tariff(per_kg(mode=Mode.AIR), cargo)
    assert air.chargeable_weight_kg == D("480.96")
    assert air.total == D("1900.00")
    # Sea: 2.88 × 1 000 = 2 880 kg; 2 880 × 3.80 = 10 944.00.
    sea = price_with_tariff(per_kg(mode=Mode.SEA), cargo)
    assert (sea.chargeable_weight_kg, sea.total) == (D(2880), D("10944.00"))
    # A company that uses 250 kg/m³ by road: 2.88 × 250 = 720 kg; 720 × 3.80 = 2 736.00.
    custom = price_with_tariff(per_kg(), cargo, volumetric_factors={Mode.ROAD: D(250)})
    assert (custom.chargeable_weight_kg, custom.total) == (D(720), D("2736.00"))


def test_actual_weight_wins_for_dense_goods():
    # 1 m³ × 333 = 333 kg < 800 kg actual: 800 × 3.80 = 3 040.00.
    charge = price(per_kg(), weight_kg=D(800), volume_m3=D(1))
    assert charge.chargeable_weight_kg == D(800)
    assert charge.total == D("3040.00")


# --- minimum charge: the base freight is raised to it, surcharges follow the raised base ---


def test_minimum_charge_applies_to_the_base_freight():
    # 50 kg × 5.00 = 250.00 < minimum 1 000.00 → base 1 000.00;
    # fuel 10% of the base: 100.00; total 1 100.00.
    tariff = per_kg(minimum_charge=D("1000.00"), surcharges=(percent(FUEL, "0.10"),))
    charge = price(tariff, weight_kg=D(50))
    assert charge.minimum_applied is True
    assert charge.base_freight == D("1000.00")
    assert charge.surcharge(FUEL) == D("100.00")
    assert charge.total == D("1100.00")


def test_minimum_charge_is_not_flagged_when_the_freight_exceeds_it():
    # 300 kg × 4.20 = 1 260.00 > 1 000.00.
    charge = price(per_kg(minimum_charge=D("1000.00")), weight_kg=D(300))
    assert charge.minimum_applied is False
    assert charge.total == D("1260.00")


# --- surcharges ---


def test_fuel_is_a_percentage_of_the_base_freight():
    # 250 kg × 4.20 = 1 050.00; fuel 12.5% = 131.25; total 1 181.25.
    charge = price(per_kg(surcharges=(percent(FUEL, "0.125"),)), weight_kg=D(250))
    assert [(line.code, line.amount) for line in charge.surcharges] == [(FUEL, D("131.25"))]
    assert charge.total == D("1181.25")


def test_insurance_is_a_percentage_of_the_declared_value_with_a_minimum():
    tariff = per_kg(surcharges=(percent(INSURANCE, "0.003", minimum="10000.00"),))
    # 0.3% of 5 000 000.00 = 15 000.00 (over the minimum); 250 × 4.20 = 1 050.00;
    # total 16 050.00.
    high = price(tariff, weight_kg=D(250), declared_value=D("5000000.00"))
    assert high.surcharge(INSURANCE) == D("15000.00")
    assert high.total == D("16050.00")
    # 0.3% of 2 000 000.00 = 6 000.00 < 10 000.00 minimum → 10 000.00; total 11 050.00.
    low = price(tariff, weight_kg=D(250), declared_value=D("2000000.00"))
    assert low.surcharge(INSURANCE) == D("10000.00")
    assert low.total == D("11050.00")
    # No declared value, no insurance line.
    uninsured = price(tariff, weight_kg=D(250))
    assert uninsured.surcharges == ()
    assert uninsured.total == D("1050.00")


def test_dangerous_goods_surcharge_applies_only_to_dangerous_cargo():
    tariff = per_kg(surcharges=(percent(DG, "0.50"),))
    # 250 × 4.20 = 1 050.00; DG 50% = 525.00; total 1 575.00.
    dangerous = price(tariff, weight_kg=D(250), cargo_type=CargoType.DANGEROUS)
    assert dangerous.surcharge(DG) == D("525.00")
    assert dangerous.total == D("1575.00")
    assert price(tariff, weight_kg=D(250)).total == D("1050.00")
    # A flat DG fee: 1 050.00 + 15 000.00 = 16 050.00.
    flat = per_kg(surcharges=(fee(DG, "15000.00"),))
    assert price(flat, weight_kg=D(250), cargo_type=CargoType.DANGEROUS).total == D("16050.00")


def test_temperature_control_surcharge_applies_only_to_temperature_controlled_cargo():
    tariff = per_kg(surcharges=(percent(TEMPERATURE, "0.20"),))
    # 250 × 4.20 = 1 050.00; temperature control 20% = 210.00; total 1 260.00.
    cold = price(tariff, weight_kg=D(250), cargo_type=CargoType.TEMPERATURE_CONTROLLED)
    assert cold.surcharge(TEMPERATURE) == D("210.00")
    assert cold.total == D("1260.00")
    assert price(tariff, weight_kg=D(250), cargo_type=CargoType.DANGEROUS).total == D("1050.00")
    # Flat: 1 050.00 + 8 000.00 = 9 050.00.
    flat = per_kg(surcharges=(fee(TEMPERATURE, "8000.00"),))
    cold_flat = price(flat, weight_kg=D(250), cargo_type=CargoType.TEMPERATURE_CONTROLLED)
    assert cold_flat.total == D("9050.00")


def test_pickup_and_delivery_fees_apply_only_when_asked_for():
    tariff = per_kg(surcharges=(fee(PICKUP, "5000.00"), fee(DELIVERY, "7500.00")))
    cargo = make_cargo(weight_kg=D(250))
    # 1 050.00 alone; + pickup 5 000.00 = 6 050.00; + both = 13 550.00.
    assert price_with_tariff(tariff, cargo).total == D("1050.00")
    assert price_with_tariff(tariff, cargo, pickup=True).total == D("6050.00")
    both = price_with_tariff(tariff, cargo, pickup=True, delivery=True)
    assert [(line.code, line.amount) for line in both.surcharges] == [
        (PICKUP, D("5000.00")),
        (DELIVERY, D("7500.00")),
    ]
    assert both.total == D("13550.00")


def test_a_full_quote_adds_up_line_by_line():
    # Lagos → Ibadan by road, NGN: 250.00/kg to 100 kg, 210.00 to 500 kg, 190.00 beyond;
    # minimum 15 000.00; fuel 10%; insurance 0.5% (min 2 000.00); DG 30%;
    # temperature 15 000.00; pickup 3 000.00; delivery 4 000.00.
    tariff = per_kg(
        breaks(("0", "250.00"), ("100", "210.00"), ("500", "190.00")),
        minimum_charge=D("15000.00"),
        surcharges=(
            percent(FUEL, "0.10"),
            percent(INSURANCE, "0.005", minimum="2000.00"),
            percent(DG, "0.30"),
            fee(TEMPERATURE, "15000.00"),
            fee(PICKUP, "3000.00"),
            fee(DELIVERY, "4000.00"),
        ),
    )
    cargo = make_cargo(
        weight_kg=D(320),
        dimensions=Dimensions(D(100), D(100), D(100)),
        cargo_type=CargoType.DANGEROUS,
        declared_value=D("1250000.00"),
    )
    charge = price_with_tariff(tariff, cargo, pickup=True)
    # 1 m³ × 333 = 333 kg > 320 kg → 333 kg × 210.00 = 69 930.00
    # (500 × 190.00 = 95 000.00 is not cheaper; 69 930.00 > the 15 000.00 minimum).
    assert charge.chargeable_weight_kg == D(333)
    assert charge.base_freight == D("69930.00")
    assert charge.minimum_applied is False
    assert [(line.code, line.amount) for line in charge.surcharges] == [
        (FUEL, D("6993.00")),  # 10% × 69 930.00
        (INSURANCE, D("6250.00")),  # 0.5% × 1 250 000.00 (over 2 000.00)
        (DG, D("20979.00")),  # 30% × 69 930.00
        (PICKUP, D("3000.00")),  # asked for; delivery was not; not temperature-controlled
    ]
    # 69 930 + 6 993 + 6 250 + 20 979 + 3 000 = 107 152.00
    assert charge.total == D("107152.00")
    assert charge.currency == "NGN"


# --- the other bases ---


def test_per_m3_bills_weight_or_measure_whichever_is_more():
    tariff = flat_rate("40.00", Basis.PER_M3, currency="USD", mode=Mode.SEA)
    # Light: 500 kg, 1.5 m³: 1.5 × 1 000 = 1 500 kg chargeable = 1.5 m³; 1.5 × 40.00 = 60.00.
    assert price(tariff, weight_kg=D(500), volume_m3=D("1.5")).total == D("60.00")
    # Dense: 2 500 kg, 1.5 m³: 2 500 kg = 2.5 m³ (W/M); 2.5 × 40.00 = 100.00.
    dense = price(tariff, weight_kg=D(2500), volume_m3=D("1.5"))
    assert dense.billed_quantity == D("2.5")
    assert dense.total == D("100.00")


def test_per_pallet_counts_pallets_and_prices_only_pallets():
    tariff = flat_rate("18000.00", Basis.PER_PALLET)
    # 6 pallets × 18 000.00 = 108 000.00.
    assert price(tariff, weight_kg=D(3000), pieces=6, cargo_type=CargoType.PALLETS).total == D(
        "108000.00"
    )
    assert price_with_tariff(tariff, make_cargo(weight_kg=D(3000), pieces=6)) is None


def test_per_container_counts_boxes_of_the_listed_size():
    any_box = flat_rate("1450.00", Basis.PER_CONTAINER, currency="USD", mode=Mode.SEA)
    # 2 × 40' × 1 450.00 = 2 900.00.
    two = make_cargo(weight_kg=D(40000), pieces=2, cargo_type=CargoType.CONTAINER_40)
    assert price_with_tariff(any_box, two).total == D("2900.00")
    twenty_only = flat_rate(
        "900.00",
        Basis.PER_CONTAINER,
        currency="USD",
        mode=Mode.SEA,
        cargo_types=frozenset({CargoType.CONTAINER_20}),
    )
    assert price_with_tariff(twenty_only, two) is None
    assert price_with_tariff(any_box, make_cargo(weight_kg=D(500))) is None


def test_flat_rate_is_per_shipment():
    # 25 000.00 whatever the weight; fuel 10% = 2 500.00; total 27 500.00.
    tariff = flat_rate("25000.00", Basis.FLAT, surcharges=(percent(FUEL, "0.10"),))
    assert price(tariff, weight_kg=D(5)).total == D("27500.00")
    assert price(tariff, weight_kg=D(5000)).total == D("27500.00")
