"""Properties that must hold for any cargo and tariff, not just the worked examples."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from core.services.pricing import (
    SurchargeCode,
    WeightBreak,
    apply_vat,
    currency_digits,
    make_cargo,
    price_with_tariff,
    round_money,
    weight_break_charge,
)
from tests.pricing.factories import D, fee, per_kg, percent

CURRENCIES = st.sampled_from(["NGN", "JPY", "KWD", "USD"])
WEIGHTS = st.decimals(min_value=D("0.001"), max_value=D(50_000), places=3)
RATES = st.decimals(min_value=D(0), max_value=D(1000), places=4)
FRACTIONS = st.decimals(min_value=D(0), max_value=D(1), places=4)


@st.composite
def break_tables(draw) -> tuple[WeightBreak, ...]:
    starts = draw(st.lists(st.integers(1, 20_000), max_size=5, unique=True))
    return tuple(WeightBreak(Decimal(start), draw(RATES)) for start in [0, *sorted(starts)])


@settings(max_examples=200, deadline=None)
@given(break_tables(), WEIGHTS, WEIGHTS)
def test_with_the_next_break_rule_heavier_never_costs_less(table, a, b):
    light, heavy = sorted((a, b))

    def cost(kg: Decimal) -> Decimal:
        billed, rate = weight_break_charge(table, kg, next_break_cheaper=True)
        return billed * rate

    assert cost(light) <= cost(heavy)


@settings(max_examples=200, deadline=None)
@given(break_tables(), WEIGHTS)
def test_the_next_break_rule_never_charges_more_and_never_bills_less_weight(table, kg):
    plain_kg, plain_rate = weight_break_charge(table, kg, next_break_cheaper=False)
    billed, rate = weight_break_charge(table, kg, next_break_cheaper=True)
    assert billed * rate <= plain_kg * plain_rate
    assert billed >= kg


@settings(max_examples=150, deadline=None)
@given(
    CURRENCIES,
    break_tables(),
    WEIGHTS,
    RATES,
    FRACTIONS,
    FRACTIONS,
    st.decimals(min_value=D(1), max_value=D(10**7), places=2),
)
def test_the_breakdown_adds_up_exactly_in_the_currencys_minor_unit(
    currency, table, kg, minimum, fuel, insurance, declared
):
    tariff = per_kg(
        table,
        currency=currency,
        minimum_charge=minimum,
        surcharges=(
            percent(SurchargeCode.FUEL, str(fuel)),
            percent(SurchargeCode.INSURANCE, str(insurance)),
            fee(SurchargeCode.PICKUP, "12.3456"),
        ),
    )
    charge = price_with_tariff(
        tariff, make_cargo(weight_kg=kg, declared_value=declared), pickup=True
    )
    digits = currency_digits(currency)
    amounts = [charge.base_freight, *(line.amount for line in charge.surcharges)]
    assert all(amount.as_tuple().exponent == -digits for amount in amounts)
    assert charge.total == sum(amounts)
    assert charge.base_freight >= round_money(minimum, currency)
    assert charge.minimum_applied == (charge.billed_quantity * charge.unit_rate < minimum)


@settings(max_examples=200, deadline=None)
@given(
    CURRENCIES,
    st.decimals(min_value=D(0), max_value=D(10**9), places=3),
    st.decimals(min_value=D(0), max_value=D("0.5"), places=4),
    st.booleans(),
)
def test_net_plus_vat_is_gross(currency, amount, rate, included):
    vat = apply_vat(amount, currency, rate, prices_include_vat=included)
    assert vat.net + vat.vat == vat.gross
    assert vat.vat >= 0
    if included:
        assert vat.gross == round_money(amount, currency)
